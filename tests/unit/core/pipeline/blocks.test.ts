import { describe, expect, it } from 'vitest';
import type { Clock, Disposable } from '../../../../src/main/core/ports';
import { BlockBoard, type BlockTeam } from '../../../../src/main/core/pipeline/blocks';
import { isAccountBlock, type BlockOrder } from '../../../../src/main/core/pipeline/error-policy';
import type { BlockKind } from '../../../../src/shared/domain';
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

/** A team that records what the board tells it (the real one, TeamBlocks, runs in the team-quota integration test). */
class RecordingTeam implements BlockTeam {
  seenOrders: BlockOrder[] = [];
  liftedKinds: [BlockKind[], number][] = [];
  dueKinds: BlockKind[] = [];
  shares(kind: BlockKind): boolean {
    return isAccountBlock(kind);
  }
  seen(order: BlockOrder): void {
    this.seenOrders.push(order);
  }
  lifted(kinds: readonly BlockKind[], startedAt: number): void {
    this.liftedKinds.push([[...kinds], startedAt]);
  }
  due(kind: BlockKind): void {
    this.dueKinds.push(kind);
  }
}

function teamBoard(): { clock: ManualClock; board: BlockBoard; team: RecordingTeam } {
  const clock = new ManualClock();
  const board = new BlockBoard(clock);
  const team = new RecordingTeam();
  board.attachTeam(team);
  return { clock, board, team };
}

describe('BlockBoard with a team (a team ledger)', () => {
  const aa001 = { code: 'AA001', message: 'API limit reached' };

  it("tells the team of an account's block met here, not of a desk's own", () => {
    const { clock, board, team } = teamBoard();
    board.apply({ kind: 'quota-mutation', error: aa001, retryAt: clock.now() + 100 });
    board.apply({ kind: 'auth', error: { code: 'IAM001', message: 'no' }, retryAt: null });
    expect(team.seenOrders.map((o) => o.kind)).toEqual(['quota-mutation']);
    expect(board.list().find((b) => b.kind === 'quota-mutation')?.message).toMatch(/seen by this desk/);
  });

  it("a shared block's time comes: no probe here until the team gives it, then exactly one", () => {
    const { clock, board, team } = teamBoard();
    board.apply({ kind: 'quota-mutation', error: aa001, retryAt: clock.now() + 100 });
    clock.advance(100);
    expect(team.dueKinds).toEqual(['quota-mutation']);
    expect(board.gate('create')).toBe('blocked');
    expect(board.isDueOrOpen('create')).toBe(false);
    board.grantProbe('quota-mutation');
    expect(board.isDueOrOpen('create')).toBe(true);
    expect(board.gate('create')).toBe('probe');
    expect(board.gate('create')).toBe('blocked');
  });

  it('a call that got through lifts it for the team; one started before it was set does not', () => {
    const { clock, board, team } = teamBoard();
    const before = clock.now();
    clock.advance(5);
    board.setShared('quota-mutation', aa001, clock.now() + 100, 'anna');
    board.succeeded('create', before);
    expect(board.has('quota-mutation')).toBe(true);
    expect(team.liftedKinds).toEqual([]);
    board.succeeded('create', clock.now());
    expect(board.has('quota-mutation')).toBe(false);
    expect(team.liftedKinds).toEqual([[['quota-mutation'], clock.now()]]);
  });

  it("another desk's block: set with its time and name, once; lifted when the team lifts it", () => {
    const { clock, board, team } = teamBoard();
    let changes = 0;
    board.onChange(() => changes++);
    const at = clock.now() + 100;
    board.setShared('quota-query', aa001, at, 'anna');
    board.setShared('quota-query', aa001, at, 'anna');
    expect(changes).toBe(1);
    expect(board.list()[0]).toMatchObject({ kind: 'quota-query', retryAt: at });
    expect(board.list()[0]?.message).toMatch(/seen by desk anna/);
    expect(team.seenOrders).toEqual([]); // not told back to the team
    board.liftShared('quota-query');
    expect(board.list()).toEqual([]);
    expect(team.liftedKinds).toEqual([]);
  });

  it("the user's resume lifts the account's blocks for the team; clear (a new profile) only here", () => {
    const { clock, board, team } = teamBoard();
    board.setShared('credits', { code: 'U007', message: 'no credits' }, null, 'anna');
    board.clear();
    expect(team.liftedKinds).toEqual([]);
    board.setShared('credits', { code: 'U007', message: 'no credits' }, null, 'anna');
    board.set('auth', { code: 'IAM001', message: 'no' }, null);
    board.resume();
    expect(board.list()).toEqual([]);
    expect(team.liftedKinds).toEqual([[['credits'], clock.now()]]);
  });

  it('a block set by this desk alone (restored at start, no team) is probed here as before', () => {
    const { clock, board, team } = teamBoard();
    board.set('quota-mutation', aa001, clock.now() + 100);
    clock.advance(100);
    expect(team.dueKinds).toEqual([]);
    expect(board.gate('create')).toBe('probe');
  });
});
