import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../../src/shared/domain';
import type { HistoryEntry, HistoryPage } from '../../../src/shared/history';
import {
  formatHistoryJson,
  formatHistoryTable,
  historySummary,
  originText,
  verdictText,
} from '../../../src/main/headless/history-table';

function entry(over: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    remoteId: 'm1',
    name: 'clip.mp4',
    kind: 'video',
    createdAt: Date.parse('2026-12-01T10:05:00Z'),
    status: 'PROCESSED',
    phase: 'processed',
    verdict: { label: 'fake', fake: true, confidence: 0.97 } as Verdict,
    failure: null,
    local: null,
    ...over,
  };
}

function page(entries: HistoryEntry[], over: Partial<HistoryPage> = {}): HistoryPage {
  return {
    page: 1,
    pageSize: 50,
    total: entries.length,
    pages: 1,
    entries,
    queryCalls: 1,
    sessionQueryCalls: 1,
    generation: 'media-client',
    profileName: 'Desk',
    simulated: false,
    ...over,
  };
}

describe('verdictText', () => {
  it.each([
    { e: entry(), text: 'Fake (97%)' },
    { e: entry({ verdict: null, phase: 'pending', status: 'UPLOADED' }), text: 'Processing' },
    { e: entry({ verdict: null, phase: 'awaiting-upload' }), text: 'Waiting for its upload' },
    { e: entry({ verdict: null, phase: 'failed', failure: 'corrupt file' }), text: 'Failed: corrupt file' },
    { e: entry({ verdict: null }), text: 'Done (verdict in the full record)' },
  ])('says $text', ({ e, text }) => {
    expect(verdictText(e)).toBe(text);
  });
});

describe('originText', () => {
  it('names the job that sent a local record', () => {
    expect(originText(entry({ local: { jobId: 12, name: 'clip.mp4', state: 'done' } }))).toBe(
      'Checked here (job 12)',
    );
    expect(originText(entry())).toBe('From elsewhere');
  });
});

describe('formatHistoryTable', () => {
  it('prints a header and one row per record, with control characters of names escaped', () => {
    const text = formatHistoryTable([page([entry(), entry({ remoteId: 'm2', name: 'evil\u001b[2J.png' })])]);
    const rows = text.trimEnd().split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/^2026-12-01 10:05\s+clip\.mp4\s+video\s+Fake \(97%\)\s+From elsewhere\s+m1$/);
    expect(text).not.toContain('\u001b');
  });
});

describe('historySummary', () => {
  it('says what was read, what is local, what it cost and how to read on', () => {
    const p = page([entry(), entry({ local: { jobId: 1, name: 'x', state: 'done' } })], {
      total: 120,
      pages: 3,
    });
    expect(historySummary([p])).toBe(
      'Desk: page 1 of 3 (--page 2 reads on), 2 of 120 records, 1 checked here, 1 from elsewhere; 1 Query call.',
    );
  });
});

describe('historySummary past the last page', () => {
  it('says the page asked for does not exist and which one to read', () => {
    const p = page([], { page: 99, total: 1, pages: 1 });
    expect(historySummary([p])).toBe(
      'Desk: there is no page 99: the account has 1 record on 1 page (--page 1 is the last); 1 Query call.',
    );
  });
});

describe('formatHistoryJson', () => {
  it('gives scripts the records and the calls spent', () => {
    const out = JSON.parse(
      formatHistoryJson([page([entry()]), page([entry({ remoteId: 'm2' })], { page: 2 })]),
    );
    expect(out).toMatchObject({
      pagesRead: [1, 2],
      queryCalls: 2,
      records: [{ remoteId: 'm1' }, { remoteId: 'm2' }],
    });
  });
});
