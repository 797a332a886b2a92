import { describe, expect, it } from 'vitest';
import type { Clock, Disposable } from '../../../../src/main/core/ports';
import { BlockBoard } from '../../../../src/main/core/pipeline/blocks';
import { localDay } from '../../../../src/main/core/pipeline/counting-service';

/** A clock that moves only when told. */
class ManualClock implements Clock {
  t = 1_000;
  private timers: { due: number; fn: () => void }[] = [];
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): Disposable {
    const timer = { due: this.t + ms, fn };
    this.timers.push(timer);
    return { dispose: () => void (this.timers = this.timers.filter((x) => x !== timer)) };
  }
  advance(ms: number) {
    this.t += ms;
    const due = this.timers.filter((x) => x.due <= this.t);
    this.timers = this.timers.filter((x) => x.due > this.t);
    for (const x of due) x.fn();
  }
}

describe('BlockBoard', () => {
  it('lets exactly one call test a block once its time has come', () => {
    const clock = new ManualClock();
    const board = new BlockBoard(clock);
    let changes = 0;
    board.onChange(() => changes++);
    board.set('quota-mutation', { code: 'AA001', message: 'used up' }, clock.now() + 60_000);
    expect(board.gate('create')).toBe('blocked');
    expect(board.gate('list')).toBe('open'); // Query calls go on
    clock.advance(60_000);
    expect(changes).toBe(2); // set, then its time came
    expect(board.gate('create')).toBe('probe');
    expect(board.gate('create')).toBe('blocked'); // only one probe
    board.succeeded('create', clock.now());
    expect(board.list()).toEqual([]);
    expect(board.gate('create')).toBe('open');
  });

  it('a failed probe sets the block again with a new time; an abandoned one lets the next call try', () => {
    const clock = new ManualClock();
    const board = new BlockBoard(clock);
    board.set('quota-query', { code: 'AA001', message: 'used up' }, clock.now() + 10);
    clock.advance(10);
    expect(board.gate('list')).toBe('probe');
    board.set('quota-query', { code: 'AA001', message: 'still used up' }, clock.now() + 10);
    expect(board.gate('list')).toBe('blocked');
    expect(board.list()[0]?.since).toBe(1_000); // the block is the same one, since its start
    clock.advance(10);
    expect(board.gate('get')).toBe('probe');
    board.probeAbandoned('get');
    expect(board.gate('list')).toBe('probe');
  });

  it('waits for the user when a block has no time, and lifts on clear', () => {
    const clock = new ManualClock();
    const board = new BlockBoard(clock);
    board.set('auth', { code: 'IAM001', message: 'wrong secret' }, null);
    clock.advance(24 * 3_600_000);
    for (const op of ['create', 'upload', 'get', 'list', 'remove'] as const)
      expect(board.gate(op)).toBe('blocked');
    expect(board.isDueOrOpen('create')).toBe(false);
    board.clear();
    expect(board.isOpen('create')).toBe(true);
  });

  it('a call that was already under way when the block came does not lift it', () => {
    const clock = new ManualClock();
    const board = new BlockBoard(clock);
    const startedAt = clock.now();
    clock.advance(5);
    board.set('credits', { code: 'U007', message: 'no credits' }, null);
    board.succeeded('create', startedAt);
    expect(board.has('credits')).toBe(true);
    clock.advance(5);
    board.succeeded('create', clock.now());
    expect(board.has('credits')).toBe(false);
  });
});

describe('localDay', () => {
  it('is the local calendar day', () => {
    const d = new Date(2026, 2, 9, 23, 59);
    expect(localDay(d.getTime())).toBe('2026-03-09');
    expect(localDay(new Date(2026, 11, 31, 0, 0).getTime())).toBe('2026-12-31');
  });
});
