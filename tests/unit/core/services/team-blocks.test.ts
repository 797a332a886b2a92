/**
 * TeamBlocks: the account's blocks shared by the desks of a team ledger, between two desks' block
 * boards on one real PostgreSQL (a throwaway cluster, tests/helpers/postgres.ts), with a clock the
 * test moves. The whole engine is in tests/integration/engine/team-quota.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PostgresLedger } from '../../../../src/main/core/ledger/postgres-ledger';
import { createLogger, MemoryLogSink } from '../../../../src/main/core/logger';
import { BlockBoard } from '../../../../src/main/core/pipeline/blocks';
import type { Clock, Disposable } from '../../../../src/main/core/ports';
import { TeamBlocks } from '../../../../src/main/core/services/team-blocks';
import { usePostgresCluster, type TestDatabase } from '../../../helpers/postgres';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

const SCOPE = 'https://platform.authenta.ai/api';
const AA001 = { code: 'AA001', message: 'API limit reached' };

/** A clock that moves only when told (shared by the desks, as one machine's clock). */
class ManualClock implements Clock {
  t = 1_000_000;
  private timers: { due: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): Disposable {
    const timer = { due: this.t + ms, fn };
    this.timers.push(timer);
    return { dispose: () => void (this.timers = this.timers.filter((x) => x !== timer)) };
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((x) => x.due <= this.t);
    this.timers = this.timers.filter((x) => x.due > this.t);
    for (const x of due) x.fn();
  }
}

interface Desk {
  name: string;
  ledger: PostgresLedger;
  board: BlockBoard;
  team: TeamBlocks;
  logs: MemoryLogSink;
}

const cluster = usePostgresCluster();
let db: TestDatabase;
let dbCount = 0;
const desks: Desk[] = [];

afterEach(async () => {
  for (const d of desks.splice(0)) {
    await d.team.dispose();
    d.board.dispose();
    await d.ledger.close();
  }
});

async function desk(clock: ManualClock, name: string, scope: string | null = SCOPE): Promise<Desk> {
  const ledger = await PostgresLedger.open({
    url: db.url,
    now: () => clock.now(),
    desk: name,
    leaseMs: 5_000,
  });
  const board = new BlockBoard(clock);
  const logs = new MemoryLogSink();
  const team = new TeamBlocks({
    store: ledger.sharedBlocks,
    board,
    clock,
    logger: createLogger({ sinks: [logs] }),
    desk: name,
    scope: () => scope,
    probeLeaseMs: 5_000,
  });
  await team.start();
  const d = { name, ledger, board, team, logs };
  desks.push(d);
  return d;
}

async function twoDesks(): Promise<{ clock: ManualClock; a: Desk; b: Desk }> {
  db = await cluster.databaseForTest(`aw_team_blocks_${++dbCount}`);
  const clock = new ManualClock();
  return { clock, a: await desk(clock, 'anna'), b: await desk(clock, 'ben') };
}

describe('TeamBlocks', () => {
  it("one desk's refusal: the other desk's board gets the same block, naming it; one probe; its success lifts both", async () => {
    const { clock, a, b } = await twoDesks();
    const retryAt = clock.now() + 60_000;
    a.board.apply({ kind: 'quota-mutation', error: AA001, retryAt });
    await vi.waitFor(() => expect(b.board.has('quota-mutation')).toBe(true), { timeout: 10_000 });
    expect(b.board.list()).toMatchObject([{ kind: 'quota-mutation', retryAt }]);
    expect(b.board.list()[0]!.message).toMatch(/seen by desk anna/);
    expect(b.board.gate('create')).toBe('blocked');

    clock.advance(60_000);
    // Both asked for the probe: one got it, the other found it taken.
    const taken = (d: Desk): boolean =>
      d.logs.records.some((r) => r.msg === 'another desk tests the account block');
    await vi.waitFor(
      () => expect([a, b].filter((d) => d.board.isDueOrOpen('create') || taken(d))).toHaveLength(2),
      { timeout: 10_000 },
    );
    expect([a, b].filter((d) => d.board.isDueOrOpen('create'))).toHaveLength(1);
    const [winner, other] = a.board.isDueOrOpen('create') ? [a, b] : [b, a];
    expect(taken(other)).toBe(true);
    expect(other.board.gate('create')).toBe('blocked');
    expect(winner.board.gate('create')).toBe('probe');
    winner.board.succeeded('create', clock.now());
    await vi.waitFor(() => expect(other.board.list()).toEqual([]), { timeout: 10_000 });
    expect(await a.ledger.sharedBlocks.list(SCOPE)).toEqual([]);
  });

  it("a desk's own block (its credentials) stays its own; the account's goes to the team", async () => {
    const { clock, a, b } = await twoDesks();
    a.board.apply({ kind: 'auth', error: { code: 'IAM001', message: 'no' }, retryAt: null });
    a.board.apply({ kind: 'quota-query', error: AA001, retryAt: clock.now() + 60_000 });
    await vi.waitFor(() => expect(b.board.has('quota-query')).toBe(true), { timeout: 10_000 });
    expect((await a.ledger.sharedBlocks.list(SCOPE)).map((r) => r.kind)).toEqual(['quota-query']);
    expect(b.board.has('auth')).toBe(false);
  });

  it('a desk that starts reads the blocks in force; the user resuming on it lifts them for the other', async () => {
    const { clock, a } = await twoDesks();
    a.board.apply({ kind: 'credits', error: { code: 'U007', message: 'Not enough credits' }, retryAt: null });
    await vi.waitFor(async () => expect(await a.ledger.sharedBlocks.list(SCOPE)).toHaveLength(1), {
      timeout: 10_000,
    });
    const c = await desk(clock, 'cleo');
    expect(c.board.list()).toMatchObject([{ kind: 'credits', code: 'U007', retryAt: null }]);
    expect(c.board.list()[0]!.message).toMatch(/^Not enough credits \(U007, seen by desk anna\)/);
    c.board.resume();
    await vi.waitFor(() => expect(a.board.list()).toEqual([]), { timeout: 10_000 });
  });

  it("the Sandbox (no account to share): the desk's blocks stay its own", async () => {
    db = await cluster.databaseForTest(`aw_team_blocks_${++dbCount}`);
    const clock = new ManualClock();
    const sandbox = await desk(clock, 'sandbox', null);
    sandbox.board.apply({ kind: 'quota-mutation', error: AA001, retryAt: clock.now() + 10 });
    clock.advance(10);
    expect(sandbox.board.gate('create')).toBe('probe');
    expect(await sandbox.ledger.sharedBlocks.list(SCOPE)).toEqual([]);
  });

  it('when the team ledger cannot be asked, the desk tests its block itself', async () => {
    const { clock, a, b } = await twoDesks();
    a.board.apply({ kind: 'quota-query', error: AA001, retryAt: clock.now() + 1_000 });
    await vi.waitFor(() => expect(b.board.has('quota-query')).toBe(true), { timeout: 10_000 });
    await b.ledger.close(); // its connection to the server is gone
    clock.advance(1_000);
    await vi.waitFor(() => expect(b.board.gate('list')).toBe('probe'), { timeout: 10_000 });
  });
});
