import { describe, expect, it } from 'vitest';
import type { Job } from '../../../src/shared/domain';
import { csvCell, formatReport, REPORT_COLUMNS, reportRow, toCsv } from '../../../src/main/core/report';

function job(over: Partial<Job> = {}): Job {
  return {
    id: 1,
    path: '/in/a.jpg',
    name: 'a.jpg',
    folderId: 'f',
    size: 1234,
    mtimeMs: 1,
    sha256: 'ab'.repeat(32),
    contentType: 'image/jpeg',
    kind: 'image',
    model: 'AC-1',
    generation: 'media-client',
    remoteId: 'mid-1',
    state: 'done',
    attempts: 1,
    bytesSent: 1234,
    verdict: { label: 'fake', confidence: 0.98765 },
    errorCode: null,
    errorKind: null,
    errorMessage: null,
    duplicateOf: null,
    profileId: 'p',
    simulated: false,
    createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    updatedAt: 0,
    doneAt: Date.UTC(2026, 0, 2, 3, 4, 9),
    review: { status: 'new', note: null, at: null },
    ...over,
  };
}

/** A small RFC 4180 reader, to check that what we write reads back to the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('csvCell', () => {
  it.each<[string | number | boolean | null, string]>([
    ['plain', 'plain'],
    [null, ''],
    [12, '12'],
    [true, 'true'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded ', '" padded "'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['-rf', "'-rf"],
    ['@sum', "'@sum"],
  ])('%j -> %s', (value, cell) => expect(csvCell(value)).toBe(cell));
});

describe('report rows', () => {
  it('has the documented columns, ISO times, the mid and a 0..1 confidence', () => {
    expect(reportRow(job())).toEqual({
      path: '/in/a.jpg',
      name: 'a.jpg',
      sha256: 'ab'.repeat(32),
      size: 1234,
      contentType: 'image/jpeg',
      model: 'AC-1',
      generation: 'media-client',
      remoteId: 'mid-1',
      state: 'done',
      verdict: 'fake',
      confidence: 0.9877,
      faces: null,
      deepFakes: null,
      errorCode: null,
      errorMessage: null,
      createdAt: '2026-01-02T03:04:05.000Z',
      doneAt: '2026-01-02T03:04:09.000Z',
      duplicateOf: null,
      simulated: false,
      extraRecords: 0,
      review: 'new',
      reviewNote: null,
      reviewedAt: null,
      contentCredentials: null,
      signedBy: null,
      editHistory: null,
      cameraMake: null,
      cameraModel: null,
      capturedAt: null,
      editingSoftware: null,
      gps: null,
      desk: null,
    });
  });

  it('carries the file’s provenance when it was read: credentials, signer, edits, camera, GPS yes/no', () => {
    const provenance = {
      sha256: 'ab'.repeat(32),
      credentials: {
        state: 'invalid' as const,
        signedBy: 'Org (Signer)',
        signedAt: null,
        madeWith: null,
        title: null,
        actions: [
          { action: 'c2pa.created', label: 'Created', when: null, softwareAgent: null, source: null },
          { action: 'c2pa.cropped', label: 'Cropped', when: null, softwareAgent: null, source: null },
        ],
        problems: ['The file’s bytes changed after it was signed.'],
        earlierManifests: 0,
      },
      metadata: {
        make: 'TestCam',
        model: 'TC-100',
        capturedAt: '2026-11-30T14:05:09',
        software: null,
        gps: true,
      },
      metadataNote: null,
      readAt: 0,
    };
    expect(reportRow(job(), provenance)).toMatchObject({
      contentCredentials: 'invalid',
      signedBy: 'Org (Signer)',
      editHistory: 'Created; Cropped',
      cameraMake: 'TestCam',
      cameraModel: 'TC-100',
      capturedAt: '2026-11-30T14:05:09',
      editingSoftware: null,
      gps: true,
    });
    const rows = parseCsv(toCsv([job()], () => provenance));
    expect(rows[1]![REPORT_COLUMNS.indexOf('contentCredentials')]).toBe('invalid');
    expect(rows[1]![REPORT_COLUMNS.indexOf('gps')]).toBe('true');
    const json = JSON.parse(formatReport([job()], 'json', 0, () => provenance)) as {
      jobs: Record<string, unknown>[];
    };
    expect(json.jobs[0]).toMatchObject({ contentCredentials: 'invalid', editHistory: 'Created; Cropped' });
  });

  it('names the desk that handled the file (issue 11: desks sharing a team ledger)', () => {
    const handled = job({ desk: 'anna@news-1 (a1b2c3)' });
    expect(reportRow(handled).desk).toBe('anna@news-1 (a1b2c3)');
    const rows = parseCsv(toCsv([handled]));
    expect(rows[0]!.at(-1)).toBe('desk');
    expect(rows[1]![REPORT_COLUMNS.indexOf('desk')]).toBe('anna@news-1 (a1b2c3)');
    const json = JSON.parse(formatReport([handled], 'json', 0)) as { jobs: Record<string, unknown>[] };
    expect(json.jobs[0]).toMatchObject({ desk: 'anna@news-1 (a1b2c3)' });
  });

  it('carries the desk’s review: status, note and when it was set', () => {
    const reviewed = job({
      review: { status: 'escalated', note: 'Ask the agency', at: Date.UTC(2026, 0, 3, 8, 0, 0) },
    });
    expect(reportRow(reviewed)).toMatchObject({
      review: 'escalated',
      reviewNote: 'Ask the agency',
      reviewedAt: '2026-01-03T08:00:00.000Z',
    });
    const rows = parseCsv(toCsv([reviewed]));
    expect(rows[1]![REPORT_COLUMNS.indexOf('review')]).toBe('escalated');
    expect(rows[1]![REPORT_COLUMNS.indexOf('reviewNote')]).toBe('Ask the agency');
    const json = JSON.parse(formatReport([reviewed], 'json', 0)) as { jobs: Record<string, unknown>[] };
    expect(json.jobs[0]).toMatchObject({ review: 'escalated', reviewNote: 'Ask the agency' });
  });

  it('counts the records created beyond the first (issue 9: upload URLs refused as expired)', () => {
    expect(reportRow(job({ recordsCreated: 3 })).extraRecords).toBe(2);
    expect(reportRow(job({ recordsCreated: 1 })).extraRecords).toBe(0);
    expect(reportRow(job({ recordsCreated: 0, state: 'skipped' })).extraRecords).toBe(0);
  });

  it('carries a failure and a video verdict', () => {
    const failed = reportRow(
      job({ state: 'failed', verdict: null, errorCode: 'CANCELLED', errorMessage: 'x', doneAt: null }),
    );
    expect(failed).toMatchObject({ verdict: null, confidence: null, errorCode: 'CANCELLED', doneAt: null });
    const video = reportRow(
      job({ verdict: { label: 'inconclusive', faces: 0, deepFakes: 0, reason: 'no face' } }),
    );
    expect(video).toMatchObject({ verdict: 'inconclusive', faces: 0, deepFakes: 0, confidence: null });
  });
});

describe('CSV', () => {
  it('reads back cell for cell, awkward names included', () => {
    const jobs = [
      job(),
      job({ id: 2, name: 'comma, "quote".jpg', path: '/in/comma, "quote".jpg' }),
      job({ id: 3, name: 'line\nbreak.png', errorMessage: 'multi\r\nline', verdict: null, state: 'failed' }),
      job({ id: 4, name: 'Ünïcödé 写真.jpg' }),
    ];
    const text = toCsv(jobs);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...REPORT_COLUMNS]);
    expect(rows).toHaveLength(5);
    expect(rows[2]![1]).toBe('comma, "quote".jpg');
    expect(rows[3]![1]).toBe('line\nbreak.png');
    expect(rows[3]![REPORT_COLUMNS.indexOf('errorMessage')]).toBe('multi\r\nline');
    expect(rows[4]![1]).toBe('Ünïcödé 写真.jpg');
    for (const r of rows) expect(r).toHaveLength(REPORT_COLUMNS.length);
  });

  it('is a header alone for no jobs', () => {
    expect(toCsv([])).toBe(`${REPORT_COLUMNS.join(',')}\r\n`);
  });
});

describe('JSON', () => {
  it('lists the same rows with typed values', () => {
    const parsed = JSON.parse(
      formatReport([job(), job({ id: 2, simulated: true })], 'json', Date.UTC(2026, 5, 1)),
    ) as {
      generatedAt: string;
      count: number;
      jobs: Record<string, unknown>[];
    };
    expect(parsed.generatedAt).toBe('2026-06-01T00:00:00.000Z');
    expect(parsed.count).toBe(2);
    expect(parsed.jobs[0]).toMatchObject({
      size: 1234,
      confidence: 0.9877,
      verdict: 'fake',
      remoteId: 'mid-1',
    });
    expect(parsed.jobs[1]?.simulated).toBe(true);
  });
});
