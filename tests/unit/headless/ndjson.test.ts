import { describe, expect, it } from 'vitest';
import {
  StateChanges,
  blockLine,
  jobLine,
  newBlocks,
  serialise,
  summaryLine,
} from '../../../src/main/headless/ndjson';
import { emptyCounts, type Block } from '../../../src/shared/domain';
import { job } from './job-fixture';

const T = Date.UTC(2025, 0, 2, 3, 4, 5);

describe('jobLine', () => {
  it('carries the normalised verdict and the mid of a finished job', () => {
    const verdict = { label: 'fake' as const, confidence: 0.97, faces: 2, deepFakes: 1 };
    const line = jobLine(job({ state: 'done', remoteId: 'mid-1', verdict }), 'processing', T);
    expect(line).toEqual({
      type: 'job',
      time: '2025-01-02T03:04:05.000Z',
      id: 1,
      path: '/in/clip.mp4',
      name: 'clip.mp4',
      state: 'done',
      previousState: 'processing',
      sha256: 'ab'.repeat(32),
      size: 1234,
      contentType: 'video/mp4',
      model: 'DF-1',
      generation: 'media-client',
      mid: 'mid-1',
      jobId: null,
      verdict,
      error: null,
      duplicateOf: null,
      simulated: false,
    });
  });

  it('carries the jobId of a Jobs API job where the media API has its mid', () => {
    const line = jobLine(job({ state: 'done', generation: 'jobs-v1', remoteId: 'job-1' }), 'processing', T);
    expect(line).toMatchObject({ generation: 'jobs-v1', mid: null, jobId: 'job-1' });
  });

  it('carries the error of a failed job', () => {
    const line = jobLine(
      job({ state: 'failed', errorCode: 'IAM001', errorKind: 'auth', errorMessage: 'Bad secret.' }),
      null,
      T,
    );
    expect(line.error).toEqual({ code: 'IAM001', kind: 'auth', message: 'Bad secret.' });
    expect(line.previousState).toBeNull();
  });
});

describe('serialise', () => {
  it('writes exactly one line per object, even with newlines in the data', () => {
    const text = serialise(jobLine(job({ path: '/in/a\nb.jpg', errorMessage: 'x\ny' }), null, T));
    expect(text.endsWith('\n')).toBe(true);
    expect(text.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(text).path).toBe('/in/a\nb.jpg');
  });
});

describe('StateChanges', () => {
  it('reports state changes only, with the state left', () => {
    const changes = new StateChanges();
    const a = job({ id: 1, state: 'queued' });
    expect(changes.take([{ type: 'upsert', job: a }])).toEqual([{ job: a, previous: null }]);
    // Same state, more bytes: progress, not an event.
    expect(changes.take([{ type: 'upsert', job: { ...a, bytesSent: 10 } }])).toEqual([]);
    const b = { ...a, state: 'uploading' as const };
    const c = job({ id: 2, state: 'waiting' });
    expect(
      changes.take([
        { type: 'upsert', job: b },
        { type: 'upsert', job: c },
      ]),
    ).toEqual([
      { job: b, previous: 'queued' },
      { job: c, previous: null },
    ]);
    changes.take([{ type: 'removed', id: 1 }]);
    expect(changes.take([{ type: 'upsert', job: b }])).toEqual([{ job: b, previous: null }]);
  });

  it('does not report jobs seeded in their current state', () => {
    const changes = new StateChanges();
    const done = job({ id: 5, state: 'done' });
    changes.seed([done]);
    expect(changes.take([{ type: 'upsert', job: done }])).toEqual([]);
  });
});

describe('block and summary lines', () => {
  const block: Block = {
    kind: 'credits',
    code: 'U007',
    message: 'Out of credits.',
    action: 'Buy credits.',
    since: T,
    retryAt: null,
  };
  it('block', () => {
    expect(blockLine(block, T)).toEqual({
      type: 'block',
      time: '2025-01-02T03:04:05.000Z',
      kind: 'credits',
      code: 'U007',
      message: 'Out of credits.',
      action: 'Buy credits.',
      retryAt: null,
    });
    expect(blockLine({ ...block, retryAt: T }, T).retryAt).toBe('2025-01-02T03:04:05.000Z');
  });
  it('summary', () => {
    const counts = { ...emptyCounts(), done: 3 };
    expect(summaryLine(counts, 0, T)).toEqual({
      type: 'summary',
      time: '2025-01-02T03:04:05.000Z',
      counts,
      exitCode: 0,
    });
  });
  it('newBlocks reports each block once', () => {
    const quota: Block = { ...block, kind: 'quota-query', code: 'AA001' };
    expect(newBlocks([], [block])).toEqual([block]);
    expect(newBlocks([block], [block, quota])).toEqual([quota]);
    expect(newBlocks([block, quota], [])).toEqual([]);
  });
});
