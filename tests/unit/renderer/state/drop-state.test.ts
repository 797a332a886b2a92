import { describe, expect, it } from 'vitest';
import type { Job } from '../../../../src/shared/domain';
import {
  DropTracker,
  describeDrop,
  describeGroup,
  reasonOf,
  summariseDrop,
} from '../../../../src/renderer/src/state/drop-state.svelte';
import { makeJob } from '../fake-api';

const dropped = (id: number, patch: Partial<Job> = {}): Job =>
  makeJob({ id, name: `f${id}.jpg`, folderId: null, ...patch });

describe('summariseDrop and describeDrop', () => {
  it.each([
    ['nothing listed yet', [], 2, '2 still being checked', false],
    ['one listed, waiting', [dropped(1, { state: 'waiting' })], 2, '2 still being checked', false],
    [
      'one judged',
      [dropped(1, { state: 'done' }), dropped(2, { state: 'processing' })],
      2,
      '1 with a verdict · 1 still being checked',
      false,
    ],
    [
      'all judged',
      [dropped(1, { state: 'done' }), dropped(2, { state: 'done' })],
      2,
      '2 with verdicts',
      true,
    ],
    ['a skip', [dropped(1, { state: 'skipped', errorCode: 'UNSUPPORTED_TYPE' })], 1, '1 skipped', true],
    [
      'a duplicate',
      [dropped(1, { state: 'skipped', errorCode: 'DUPLICATE', duplicateOf: 9 })],
      1,
      '1 already checked (same bytes as an earlier file)',
      true,
    ],
    [
      'a block',
      [dropped(1, { state: 'blocked', errorCode: 'U007' })],
      1,
      '1 held back: see the banner above',
      true,
    ],
    ['a failure', [dropped(1, { state: 'failed', errorCode: 'CANCELLED' })], 1, '1 failed', true],
    [
      'more jobs than received',
      [dropped(1, { state: 'done' }), dropped(2, { state: 'failed' })],
      1,
      '1 with a verdict',
      true,
    ],
  ] as const)('%s: "%s"', (_name, jobs, received, line, settled) => {
    const summary = summariseDrop(jobs, received);
    expect(summary.received).toBe(received);
    expect(describeDrop(summary)).toBe(line);
    expect(summary.settled).toBe(settled);
  });

  it('groups skips and failures by reason, naming a few files', () => {
    const summary = summariseDrop(
      [
        dropped(1, { name: 'a.txt', state: 'skipped', errorCode: 'UNSUPPORTED_TYPE' }),
        dropped(2, { name: 'b.txt', state: 'skipped', errorCode: 'UNSUPPORTED_TYPE' }),
        dropped(3, { name: 'c.txt', state: 'skipped', errorCode: 'UNSUPPORTED_TYPE' }),
        dropped(4, { name: 'd.txt', state: 'skipped', errorCode: 'UNSUPPORTED_TYPE' }),
        dropped(5, { name: 'e.mp4', state: 'skipped', errorCode: 'TRUNCATED' }),
      ],
      5,
    );
    expect(summary.skipped.map((g) => describeGroup('Skipped', g))).toEqual([
      'Skipped, not a type Authenta can check: a.txt, b.txt, c.txt and 1 more.',
      'Skipped, the file is incomplete: e.mp4.',
    ]);
  });

  it.each([
    [null, 'see its details in the queue'],
    ['UNSUPPORTED_TYPE', 'not a type Authenta can check'],
    ['TOO_LARGE', 'over the size limit'],
    ['OUTSIDE_FOLDERS', "outside this desk's watched folders"],
    ['SOMETHING_NEW', 'SOMETHING_NEW: see its details in the queue'],
  ])('the reason of %s reads "%s"', (errorCode, reason) => {
    expect(reasonOf({ errorCode })).toBe(reason);
  });
});

describe('DropTracker', () => {
  it('takes only dropped jobs newer than the drop, in id order, and follows their changes', () => {
    const tracker = new DropTracker(10);
    tracker.apply([
      { type: 'upsert', job: dropped(12, { state: 'waiting' }) },
      { type: 'upsert', job: dropped(10, { state: 'done' }) }, // existed before the drop
      { type: 'upsert', job: makeJob({ id: 13, folderId: 'f1' }) }, // a watched folder's
      { type: 'upsert', job: dropped(11, { state: 'waiting' }) },
    ]);
    expect(tracker.jobs.map((j) => j.id)).toEqual([11, 12]);
    expect(tracker.summary).toBeNull(); // the host has not answered yet
    tracker.expect(2);
    tracker.apply([{ type: 'upsert', job: dropped(12, { state: 'done' }) }]);
    expect(tracker.summary && describeDrop(tracker.summary)).toBe('1 with a verdict · 1 still being checked');
    tracker.apply([{ type: 'removed', id: 11 }]);
    expect(tracker.summary && describeDrop(tracker.summary)).toBe('1 with a verdict');
  });
});
