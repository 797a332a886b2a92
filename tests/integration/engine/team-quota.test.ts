/**
 * The account's quota runs out on a team ledger (issue 11, the team-wide quota pause): three real
 * engines in ONE process, each its own data folder and desk, share a real PostgreSQL database
 * (tests/helpers/postgres.ts), one share (desks B and C watch it through symlinks, as other
 * machines mount it) and one simulated Authenta account whose Mutation quota is used up. The
 * desks share one TestClock, so a cool-down passes when the test says so, at once on every desk.
 *
 * One refused call pauses every desk: the others make no call until the cool-down ends; then
 * exactly one desk tests the quota (one call per cool-down for the whole team), and when the
 * quota is back every desk goes on and each file is created and uploaded once.
 */
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../../src/main/core/engine';
import { openPostgresLedger } from '../../../src/main/core/ledger/postgres-ledger';
import type { Block, Job } from '../../../src/shared/domain';
import { makePng, simMarker } from '../../helpers/media-fixtures';
import { jobsOf, startHarness, startShareDesk, type Harness } from '../../helpers/engine-harness';
import { usePostgresCluster, type TestDatabase } from '../../helpers/postgres';
import type { SimulatorOptions } from '../../../src/main/sim';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

/** Long enough that it never passes by itself during the test: the test moves the clock. */
const COOLDOWN_MS = 10 * 60_000;

const cluster = usePostgresCluster();
let db: TestDatabase | null = null;
let h: Harness | null = null;
const others: Engine[] = [];

afterEach(async () => {
  for (const e of others.splice(0)) await e.dispose();
  await h?.close();
  h = null;
  db = null;
});

/** One statement on the team ledger's database, as another program (or a desk that died) would write it. */
async function sqlOn(url: string, text: string, values: unknown[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

async function quotaBlock(engine: Engine): Promise<Block | undefined> {
  return (await engine.getStatus()).blocks.find((b) => b.kind === 'quota-mutation');
}

/**
 * Another desk joins: its own data folder, settings and desk name; the same account, clock and
 * team ledger; it watches the share through a symlink of its own.
 */
function join(a: Harness, url: string, name: string): Promise<Engine> {
  return startShareDesk(a, {
    url,
    desk: name,
    dataDir: `data-${name}`,
    mount: `mnt-${name}`,
    preferences: { quotaCooldownMs: COOLDOWN_MS },
    onEngine: (e) => others.push(e),
    message: `${name} watching the share`,
  });
}

/** Desks on one ledger and one account (desk-a first, then `more`), all watching the share. */
async function teamOf(
  sim: SimulatorOptions,
  more: readonly string[],
): Promise<{ a: Harness; desks: { name: string; engine: Engine }[] }> {
  db = await cluster.databaseForTest('aw_team_quota');
  h = await startHarness({
    sim,
    preferences: { quotaCooldownMs: COOLDOWN_MS },
    engine: { openLedger: openPostgresLedger({ url: db.url, desk: 'desk-a' }) },
  });
  const a = h;
  await a.watch('share');
  const desks = [{ name: 'desk-a', engine: a.engine }];
  for (const name of more) desks.push({ name, engine: await join(a, db.url, name) });
  return { a, desks };
}

/** Wait until every file of `names` is done on every desk. */
async function untilAllDone(
  a: Harness,
  desks: readonly { engine: Engine }[],
  names: readonly string[],
): Promise<void> {
  const allDone = (jobs: Job[]): boolean =>
    jobs.length === names.length && jobs.every((j) => j.state === 'done');
  await a.waitFor(
    async () => {
      for (const d of desks) if (!allDone(await jobsOf(d.engine))) return false;
      return true;
    },
    {
      timeoutMs: 60_000,
      message: async () =>
        `every file done on every desk; ${JSON.stringify((await jobsOf(a.engine)).map((j) => [j.name, j.state]))}`,
    },
  );
}

/** Three desks; the Mutation quota used up. */
function threeDesks(): ReturnType<typeof teamOf> {
  return teamOf({ quota: { mutation: 0 } }, ['desk-b', 'desk-c']);
}

describe('the account quota on a team ledger', () => {
  it('one refused call pauses every desk; one probe per cool-down; all files once when the quota is back', async () => {
    const { a, desks } = await threeDesks();
    const refused = (): number => a.sim.requests.filter((r) => r.code === 'AA001').length;
    const names = Array.from({ length: 6 }, (_, i) => `f${i}.png`);
    const write = (name: string, i: number): Promise<string> =>
      a.write(`share/${name}`, makePng({ marker: simMarker('real'), padding: 20 + i }));

    // The first file: one desk claims it, and Authenta refuses its POST (AA001).
    await write(names[0]!, 0);
    await a.waitFor(() => refused() >= 1, { message: 'the first refused call' });
    // Every desk hears of it and pauses. (A desk that is not told, as before the team-wide
    // pause, never shows it here: it finds out by its own refused call once files come below.)
    const everyDeskBlocked = async (): Promise<boolean> => {
      for (const d of desks) if (!(await quotaBlock(d.engine))) return false;
      return true;
    };
    await a.waitFor(everyDeskBlocked, { timeoutMs: 15_000 }).catch(() => undefined);
    for (const [i, name] of names.slice(1).entries()) await write(name, i + 1);
    // Every file known to every desk and waiting (queued or blocked), every desk paused: nothing
    // may call Authenta before the cool-down ends.
    const waiting = (jobs: Job[]): boolean =>
      jobs.length === names.length && jobs.every((j) => j.state === 'queued' || j.state === 'blocked');
    await a.waitFor(
      async () => {
        for (const d of desks) if (!waiting(await jobsOf(d.engine))) return false;
        return everyDeskBlocked();
      },
      {
        message: async () =>
          `every file waiting and every desk paused; ${JSON.stringify((await jobsOf(a.engine)).map((j) => [j.name, j.state]))}`,
      },
    );
    expect.soft(refused()).toBe(1);
    const seen = await Promise.all(
      desks.map(async (d) => ({ name: d.name, block: (await quotaBlock(d.engine))! })),
    );
    // The desk that met the refusal, and the two that were told: same time to try again,
    // and the others' banner says which desk saw it and that every desk waits.
    const first = seen.find((s) => !/seen by desk/.test(s.block.message));
    expect.soft(first).toBeDefined();
    for (const s of seen) {
      expect.soft(s.block.retryAt).toBe(first!.block.retryAt);
      expect.soft(s.block.message).toMatch(/every desk waits/);
      if (s !== first) expect.soft(s.block.message).toContain(`seen by desk ${first!.name}`);
    }

    // The cool-down ends with the quota still used up: exactly one desk tests it, and its
    // refusal sets the next time for every desk.
    const firstRetry = first!.block.retryAt!;
    a.clock.advance(COOLDOWN_MS + 1_000);
    await a.waitFor(
      async () => {
        for (const d of desks) if (((await quotaBlock(d.engine))?.retryAt ?? 0) <= firstRetry) return false;
        return true;
      },
      { message: 'the next time to try, on every desk' },
    );
    expect.soft(refused()).toBe(2);
    const second = await Promise.all(desks.map(async (d) => (await quotaBlock(d.engine))!.retryAt));
    expect(new Set(second).size).toBe(1);
    expect.soft(a.creates()).toBe(2);

    // The desk that got the next probe stops while testing (a claim nobody will ever finish,
    // written as a desk that died would leave it): nobody else tests the quota until that
    // claim's lease runs out, then exactly one desk does, and the team goes on.
    const leaseMs = 30_000;
    await sqlOn(
      db!.url,
      `UPDATE authenta_watch.account_blocks SET probe_desk = 'desk-gone', probe_until = retry_at + $1`,
      [leaseMs],
    );
    const secondRetry = second[0]!;
    a.clock.advance(COOLDOWN_MS + 1_000); // the time has come, but desk-gone holds the probe
    await a.waitFor(
      () =>
        a.logs.records.some(
          (r) => r.msg === 'another desk tests the account block' && r.fields.desk === 'desk-gone',
        ),
      { message: 'desk A finding the probe held by desk-gone' },
    );
    expect.soft(refused()).toBe(2);
    a.clock.advance(leaseMs); // its claim runs out
    await a.waitFor(
      async () => {
        for (const d of desks) if (((await quotaBlock(d.engine))?.retryAt ?? 0) <= secondRetry) return false;
        return true;
      },
      { message: 'the time after the lost probe, on every desk' },
    );
    expect.soft(refused()).toBe(3);

    // The quota is back: at the end of the next cool-down one desk's call succeeds, every desk
    // goes on, and every file is done, created and uploaded once.
    a.sim.setQuota({});
    a.clock.advance(COOLDOWN_MS + 1_000);
    await untilAllDone(a, desks, names);
    expect.soft(refused()).toBe(3);
    for (const d of desks) expect(await quotaBlock(d.engine)).toBeUndefined();
    const created = a.requests({ method: 'POST', route: a.api.createRoute }).filter((r) => r.status === 201);
    expect(created.map((r) => r.name).sort()).toEqual([...names].sort());
    expect(a.puts({ ok: true })).toHaveLength(names.length);
  });

  it('credits run out: every desk waits, one that starts later too, until someone resumes on any desk', async () => {
    const { a, desks } = await teamOf({ credits: 0 }, ['desk-b']);
    const refused = (): number => a.sim.requests.filter((r) => r.code === 'U007').length;
    const credits = async (engine: Engine): Promise<Block | undefined> =>
      (await engine.getStatus()).blocks.find((b) => b.kind === 'credits');
    const names = ['g0.png', 'g1.png', 'g2.png', 'g3.png'];
    const write = (name: string, i: number): Promise<string> =>
      a.write(`share/${name}`, makePng({ marker: simMarker('fake'), padding: 40 + i }));

    await write(names[0]!, 0);
    await a.waitFor(() => refused() >= 1, { message: 'the first refused call' });
    await a.waitFor(
      async () => {
        for (const d of desks) if (!(await credits(d.engine))) return false;
        return true;
      },
      { message: 'the credits block on both desks' },
    );
    // A desk that starts now reads the block in force: it waits without a call of its own.
    const c = await join(a, db!.url, 'desk-c');
    desks.push({ name: 'desk-c', engine: c });
    const block = await credits(c);
    expect(block?.retryAt).toBeNull();
    expect(block?.message).toMatch(/seen by desk desk-[ab]\b/);
    expect(block?.message).toMatch(/every desk waits until someone resumes/);
    for (const [i, name] of names.slice(1).entries()) await write(name, i + 1);
    const waiting = (jobs: Job[]): boolean =>
      jobs.length === names.length && jobs.every((j) => j.state === 'queued' || j.state === 'blocked');
    await a.waitFor(
      async () => {
        for (const d of desks)
          if (!waiting(await jobsOf(d.engine)) || !(await credits(d.engine))) return false;
        return true;
      },
      { message: 'every file waiting on every desk' },
    );
    expect(refused()).toBe(1);

    // Credits bought; someone resumes on desk C (not the one that met it): every desk goes on.
    a.sim.setCredits(null);
    await c.resumeAll();
    await untilAllDone(a, desks, names);
    expect(refused()).toBe(1);
    for (const d of desks) expect(await credits(d.engine)).toBeUndefined();
    const created = a.requests({ method: 'POST', route: a.api.createRoute }).filter((r) => r.status === 201);
    expect(created.map((r) => r.name).sort()).toEqual([...names].sort());
    expect(a.puts({ ok: true })).toHaveLength(names.length);
  });
});
