import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../../../src/shared/domain';
import {
  AccountHistory,
  historyError,
  historyWindow,
  indexLocalRecords,
  pageCount,
  parseApiTime,
  toHistoryEntry,
} from '../../../../src/main/core/history/account-history';
import { AuthentaError } from '../../../../src/main/core/api/errors';
import type { DetectionService, RemotePage, RemoteRecord } from '../../../../src/main/core/ports';
import { pagesFor } from '../../../../src/main/core/api/jobs-service';

const fake: Verdict = { label: 'fake', fake: true, confidence: 0.93 } as Verdict;

function record(over: Partial<RemoteRecord> = {}): RemoteRecord {
  return {
    remoteId: 'm1',
    phase: 'processed',
    status: 'PROCESSED',
    verdict: fake,
    partial: false,
    failure: null,
    raw: { mid: 'm1', name: 'clip.mp4', type: 'Video', createdAt: '2026-12-01T10:00:00.000Z' },
    ...over,
  };
}

describe('historyWindow and pageCount', () => {
  it.each([
    { page: 1, size: 50, offset: 0 },
    { page: 2, size: 50, offset: 50 },
    { page: 7, size: 100, offset: 600 },
    { page: 3, size: 7, offset: 14 },
  ])('page $page of $size starts at $offset and is one Jobs API read', ({ page, size, offset }) => {
    expect(historyWindow(page, size)).toEqual({ offset, limit: size });
    // Aligned windows never need two reads of GET /v1/jobs: one page is one Query call.
    expect(pagesFor(historyWindow(page, size))).toHaveLength(1);
  });

  it.each([
    { total: 0, size: 50, pages: 1 },
    { total: 50, size: 50, pages: 1 },
    { total: 51, size: 50, pages: 2 },
    { total: 250, size: 100, pages: 3 },
  ])('$total records make $pages pages of $size', ({ total, size, pages }) => {
    expect(pageCount(total, size)).toBe(pages);
  });
});

describe('indexLocalRecords (local or elsewhere)', () => {
  it('knows the record ids the ledger sent, keeps the newest row per id, and leaves unsent rows out', () => {
    const index = indexLocalRecords([
      { id: 1, name: 'a.png', state: 'done', remoteId: 'm-a' },
      { id: 2, name: 'b.png', state: 'queued', remoteId: null },
      { id: 3, name: 'a-again.png', state: 'done', remoteId: 'm-a' },
      { id: 4, name: 'c.mp4', state: 'processing', remoteId: 'm-c' },
    ]);
    expect([...index.keys()].sort()).toEqual(['m-a', 'm-c']);
    expect(index.get('m-a')).toEqual({ jobId: 3, name: 'a-again.png', state: 'done' });
  });

  it('marks a record as checked here when its id is in the ledger, from elsewhere when not', () => {
    const index = indexLocalRecords([{ id: 9, name: 'mine.mp4', state: 'done', remoteId: 'm1' }]);
    expect(toHistoryEntry(record(), 'media-client', index).local).toEqual({
      jobId: 9,
      name: 'mine.mp4',
      state: 'done',
    });
    expect(toHistoryEntry(record({ remoteId: 'other' }), 'media-client', index).local).toBeNull();
  });
});

describe('toHistoryEntry', () => {
  it('reads a media record: name, kind, time, verdict', () => {
    const e = toHistoryEntry(record(), 'media-client', new Map());
    expect(e).toMatchObject({
      remoteId: 'm1',
      name: 'clip.mp4',
      kind: 'video',
      createdAt: Date.parse('2026-12-01T10:00:00.000Z'),
      phase: 'processed',
      verdict: fake,
      local: null,
    });
  });

  it('reads a job: the file name and type of its first input', () => {
    const e = toHistoryEntry(
      record({
        remoteId: 'j1',
        status: 'completed',
        raw: {
          jobId: 'j1',
          status: 'completed',
          createdAt: '2026-12-02T00:00:00Z',
          inputs: [{ fileName: 'photo.jpg', contentType: 'image/jpeg' }],
          result: { isAiGenerated: true, confidence: 0.93 },
        },
      }),
      'jobs-v1',
      new Map(),
    );
    expect(e).toMatchObject({ name: 'photo.jpg', kind: 'image', verdict: fake });
  });

  it('never shows a finished job listed without its result as an answer it did not give', () => {
    const e = toHistoryEntry(
      record({
        partial: true,
        verdict: { label: 'inconclusive' } as Verdict,
        raw: { jobId: 'j', inputs: [] },
      }),
      'jobs-v1',
      new Map(),
    );
    expect(e.verdict).toBeNull();
    expect(e.name).toBeNull();
  });

  it('keeps a media video list verdict (faces and fakes are in the list)', () => {
    expect(toHistoryEntry(record({ partial: true }), 'media-client', new Map()).verdict).toEqual(fake);
  });

  it.each([
    { v: '2026-12-01T00:00:00Z', ms: Date.parse('2026-12-01T00:00:00Z') },
    { v: 1_700_000_000, ms: 1_700_000_000_000 },
    { v: 1_700_000_000_123, ms: 1_700_000_000_123 },
    { v: 'yesterday', ms: null },
    { v: null, ms: null },
  ])('reads the time $v', ({ v, ms }) => {
    expect(parseApiTime(v)).toBe(ms);
  });
});

describe('historyError', () => {
  it.each([
    { kind: 'quota' as const, code: 'AA001', words: /Query quota is used up.*Wait for the quota window/ },
    { kind: 'auth' as const, code: 'IAM001', words: /refused the credentials.*Check the client ID/ },
    { kind: 'permission' as const, code: 'IAM002', words: /may not read the account's records/ },
  ])('says what a $code means for the history and what to do, keeping the code', ({ kind, code, words }) => {
    const e = historyError(new AuthentaError({ code, kind, message: 'raw', status: 429 })) as AuthentaError;
    expect(e.code).toBe(code);
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(words);
  });

  it.each([
    { kind: 'transient' as const, code: 'NETWORK', action: undefined, keeps: /Read it again in a moment/ },
    {
      kind: 'proxy' as const,
      code: 'PROXY_UNREACHABLE',
      action:
        'Check the proxy address (HTTPS_PROXY, or the system proxy settings) and that the proxy is running; the next try is automatic.',
      keeps: /Check the proxy address .* is running\. Read it again once that is fixed/,
    },
    {
      kind: 'transient' as const,
      code: 'NETWORK',
      action:
        'Nothing to do if the network comes back: the next try is automatic. Check the connection or proxy.',
      keeps: /Check the connection or proxy\. Read it again once that is fixed/,
    },
  ])('a $code does not promise a retry that a one-time read never makes', ({ kind, code, action, keeps }) => {
    const e = historyError(new AuthentaError({ code, kind, message: 'raw', action })) as AuthentaError;
    expect(e.message).not.toMatch(/automatic/i);
    expect(e.action).not.toMatch(/automatic/i);
    expect(e.message).toMatch(keeps);
  });

  it('passes other errors through', () => {
    const plain = new Error('boom');
    expect(historyError(plain)).toBe(plain);
  });
});

describe('AccountHistory.read', () => {
  function service(pages: RemotePage | Error): DetectionService & { calls: unknown[] } {
    const calls: unknown[] = [];
    return {
      calls,
      generation: 'media-client',
      list: async (window: unknown) => {
        calls.push(window);
        if (pages instanceof Error) throw pages;
        return pages;
      },
    } as unknown as DetectionService & { calls: unknown[] };
  }

  it('reads one window per page, counts each call, and marks local records', async () => {
    const svc = service({ records: [record(), record({ remoteId: 'm2' })], total: 120 });
    const history = new AccountHistory();
    const source = {
      service: svc,
      profileName: 'Desk',
      simulated: false,
      localRecords: async () =>
        indexLocalRecords([{ id: 1, name: 'clip.mp4', state: 'done' as const, remoteId: 'm2' }]),
    };
    const first = await history.read(source, { page: 1, pageSize: 50 });
    const third = await history.read(source, { page: 3, pageSize: 50 });
    expect(svc.calls).toEqual([
      { offset: 0, limit: 50 },
      { offset: 100, limit: 50 },
    ]);
    expect(first).toMatchObject({ page: 1, pages: 3, total: 120, queryCalls: 1, sessionQueryCalls: 1 });
    expect(third.sessionQueryCalls).toBe(2);
    expect(first.entries.map((e) => e.local?.jobId ?? null)).toEqual([null, 1]);
  });

  it('rejects with words when the quota is used up', async () => {
    const history = new AccountHistory();
    const svc = service(
      new AuthentaError({ code: 'AA001', kind: 'quota', message: 'Quota exceeded', status: 429 }),
    );
    await expect(
      history.read(
        { service: svc, profileName: 'x', simulated: false, localRecords: async () => new Map() },
        {},
      ),
    ).rejects.toMatchObject({ code: 'AA001', message: expect.stringMatching(/Query quota is used up/) });
    expect(history.queryCalls).toBe(1);
  });
});
