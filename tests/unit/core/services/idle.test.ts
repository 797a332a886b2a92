import { describe, expect, it } from 'vitest';
import type { Block, BlockKind } from '../../../../src/shared/domain';
import { createLogger, MemoryLogSink } from '../../../../src/main/core/logger';
import {
  engineSettled,
  IdleWatch,
  queueWaitsForUser,
  type EngineActivity,
  type QueueFacts,
  type QueueRow,
} from '../../../../src/main/core/services/idle';
import { ManualClock } from '../../main/manual-clock';

const NOW = 1_000_000;

function block(kind: BlockKind, retryAt: number | null = null): Block {
  return { kind, code: 'X', message: 'm', action: 'a', since: 0, retryAt };
}

function row(over: Partial<QueueRow> = {}): QueueRow {
  return {
    id: 1,
    state: 'queued',
    folderId: 'f1',
    profileId: 'p1',
    nextAttemptAt: null,
    resumeState: null,
    ...over,
  };
}

const FACTS: QueueFacts = {
  now: NOW,
  paused: false,
  pausedFolderIds: new Set(),
  hasService: true,
  activeProfileId: 'p1',
  blocks: [],
  inFlight: new Set(),
};

const SETTLED: EngineActivity = {
  started: true,
  disposed: false,
  diskFull: false,
  pipelineBusy: false,
  pendingChanges: false,
  watchers: [{ started: true, waitingCount: 0 }],
};

describe('engineSettled', () => {
  it.each<[string, Partial<EngineActivity>, boolean]>([
    ['started, nothing in hand, folders scanned', {}, true],
    ['not started yet', { started: false }, false],
    ['disposed (final: a waiter is let go)', { disposed: true, pipelineBusy: true }, true],
    ['a full disk (space comes back without the user)', { diskFull: true }, false],
    ['the pipeline has work in hand', { pipelineBusy: true }, false],
    ['job changes wait to go out', { pendingChanges: true }, false],
    ['a folder still scans', { watchers: [{ started: false, waitingCount: 0 }] }, false],
    ['a file still settles', { watchers: [{ started: true, waitingCount: 1 }] }, false],
    ['no unpaused folder at all', { watchers: [] }, true],
  ])('%s: %s', (_what, over, settled) => {
    expect(engineSettled({ ...SETTLED, ...over })).toBe(settled);
  });
});

describe('queueWaitsForUser', () => {
  it.each<[string, Partial<QueueRow>, Partial<QueueFacts>, boolean]>([
    ['an empty queue row set is idle (done rows are not listed)', { state: 'done' }, {}, true],
    ['a queued job that may go moves', {}, {}, false],
    ['a queued job with no service waits for the user', {}, { hasService: false }, true],
    ['a queued job held by wrong credentials waits', {}, { blocks: [block('auth')] }, true],
    [
      'a queued job held by a quota cool-down moves again by itself',
      {},
      { blocks: [block('quota-mutation', NOW + 1)] },
      false,
    ],
    [
      'a queued job with a retry time to come moves',
      { nextAttemptAt: NOW + 5 },
      { blocks: [block('auth')] },
      false,
    ],
    ['a queued job when the queue is paused waits', {}, { paused: true }, true],
    ['a queued job of a paused folder waits', {}, { pausedFolderIds: new Set(['f1']) }, true],
    [
      'a dropped job (no folder) ignores paused folders',
      { folderId: null },
      { pausedFolderIds: new Set(['f1']) },
      false,
    ],
    ['a waiting job moves (its file settles)', { state: 'waiting' }, { blocks: [block('auth')] }, false],
    ['a creating job moves', { state: 'creating' }, { hasService: false }, false],
    [
      'an upload under way moves',
      { state: 'uploading' },
      { inFlight: new Set([1]), blocks: [block('auth')] },
      false,
    ],
    [
      'an uploading row not in flight with credits blocked still moves (GET first)',
      { state: 'uploading' },
      { blocks: [block('credits')] },
      false,
    ],
    [
      'an uploading row not in flight, queries blocked for good, waits',
      { state: 'uploading' },
      { blocks: [block('quota-query')] },
      true,
    ],
    [
      'a finalizing job held by a credits block waits',
      { state: 'finalizing' },
      { blocks: [block('credits')] },
      true,
    ],
    ['a finalizing job with nothing blocked moves', { state: 'finalizing' }, {}, false],
    ['a processing job of the active profile is polled', { state: 'processing' }, {}, false],
    ['a processing job of another profile waits', { state: 'processing', profileId: 'p2' }, {}, true],
    [
      'a processing job with queries blocked waits',
      { state: 'processing' },
      { blocks: [block('quota-query')] },
      true,
    ],
    [
      'a blocked job resuming into processing: credits say nothing to it',
      { state: 'blocked', resumeState: 'processing' },
      { blocks: [block('credits')] },
      false,
    ],
    [
      'a blocked job resuming into the queue: credits hold it',
      { state: 'blocked', resumeState: null },
      { blocks: [block('credits')] },
      true,
    ],
    [
      'a blocked job resuming into finalizing: credits hold it',
      { state: 'blocked', resumeState: 'finalizing' },
      { blocks: [block('credits')] },
      true,
    ],
    [
      'a blocked job resuming into uploading: credits say nothing to it',
      { state: 'blocked', resumeState: 'uploading' },
      { blocks: [block('credits')] },
      false,
    ],
  ])('%s', (_what, over, facts, waits) => {
    expect(queueWaitsForUser([row(over)], { ...FACTS, ...facts })).toBe(waits);
  });

  it('is idle only when every row waits', () => {
    const rows = [row({ id: 1, state: 'processing', profileId: 'p2' }), row({ id: 2 })];
    expect(queueWaitsForUser(rows, FACTS)).toBe(false);
    expect(queueWaitsForUser(rows, { ...FACTS, blocks: [block('auth')] })).toBe(true);
    expect(queueWaitsForUser([], FACTS)).toBe(true);
  });
});

describe('IdleWatch', () => {
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('asks again every 200 ms until idle, then lets every waiter go', async () => {
    const clock = new ManualClock();
    let idle = false;
    let asked = 0;
    const watch = new IdleWatch({
      clock,
      logger: createLogger({ sinks: [new MemoryLogSink()] }),
      isIdle: async () => {
        asked++;
        return idle;
      },
    });
    let released = 0;
    void watch.whenIdle().then(() => released++);
    void watch.whenIdle().then(() => released++);
    clock.advance(0);
    await settle();
    expect(asked).toBe(1);
    clock.advance(199);
    await settle();
    expect(asked).toBe(1);
    idle = true;
    clock.advance(1);
    await settle();
    expect(asked).toBe(2);
    expect(released).toBe(2);
    // Nobody waits: nothing is asked.
    watch.schedule();
    clock.advance(1_000);
    expect(asked).toBe(2);
    watch.dispose();
  });

  it('a failed check is logged and tried again; dispose lets waiters go at once', async () => {
    const clock = new ManualClock();
    const logs = new MemoryLogSink();
    const watch = new IdleWatch({
      clock,
      logger: createLogger({ sinks: [logs] }),
      isIdle: async () => {
        throw new Error('ledger closed');
      },
    });
    let released = false;
    void watch.whenIdle().then(() => (released = true));
    clock.advance(0);
    await settle();
    expect(logs.records.some((r) => r.msg === 'idle check failed')).toBe(true);
    expect(clock.pending()).toBe(1);
    watch.dispose();
    await settle();
    expect(released).toBe(true);
    expect(clock.pending()).toBe(0);
    await expect(watch.whenIdle()).resolves.toBeUndefined();
  });
});
