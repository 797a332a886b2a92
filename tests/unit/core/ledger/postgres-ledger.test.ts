/**
 * PostgresLedger against a real PostgreSQL (a throwaway cluster, tests/helpers/postgres.ts): the
 * Ledger port's shared suite (ledger-contract.ts), then what only the team ledger does: its own
 * numbered migrations (run once however many desks start together), and the failures a team
 * meets (a bad URL, a wrong password, no such database, a server that is down or restarts, a
 * database set up by a newer version), each a clear message without the password, nothing written.
 */
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import type { NewJob } from '../../../../src/main/core/ledger/ledger';
import { PostgresLedger } from '../../../../src/main/core/ledger/postgres-ledger';
import { LedgerProblem } from '../../../../src/main/core/ledger/postgres-errors';
import {
  PG_LEDGER_VERSION,
  PG_MIGRATIONS,
  PG_SCHEMA,
} from '../../../../src/main/core/ledger/postgres-migrations';
import { usePostgresCluster } from '../../../helpers/postgres';
import { stepLog } from '../../../helpers/step-log';
import { describeLedgerContract } from './ledger-contract';

// Every test talks to a server over TCP and re-creates the ledger: on cores shared by a full test
// run that can take longer than the unit project's 5 s default.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

const cluster = usePostgresCluster();
const db = cluster.databaseForFile('aw_ledger');

/** A queued file of `/in` (no folder, profile `p`). */
const newJob = (name: string): NewJob => ({
  path: `/in/${name}`,
  name,
  folderId: null,
  size: 1,
  mtimeMs: 1,
  profileId: 'p',
  simulated: false,
  state: 'queued',
});

async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The ledger's schema dropped: the next open starts from an empty database. */
async function emptyLedger(url: string): Promise<void> {
  await sql(url, `DROP SCHEMA IF EXISTS ${PG_SCHEMA} CASCADE`);
}

describeLedgerContract('PostgresLedger', async () => {
  await emptyLedger(db.url);
  return {
    open: (now, desk) => PostgresLedger.open({ url: db.url, now, ...desk }),
    async seedDone(count) {
      await sql(
        db.url,
        `INSERT INTO ${PG_SCHEMA}.jobs (path, name, size, mtime_ms, state, profile_id, created_at, updated_at)
           SELECT '/big/' || i || '.jpg', i || '.jpg', i, 1, 'done', 'p1', 1, 1 FROM generate_series(0, $1 - 1) AS i`,
        [count],
      );
    },
    dispose: () => emptyLedger(db.url),
  };
});

describe('PostgresLedger migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(PG_MIGRATIONS.map((m) => m.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
    expect(PG_LEDGER_VERSION).toBe(PG_MIGRATIONS.length);
  });

  it('create the ledger in its own schema, recorded step by step', async () => {
    await emptyLedger(db.url);
    const ledger = await PostgresLedger.open({ url: db.url, now: () => 7_000 });
    await ledger.close();
    const tables = await sql<{ table_name: string }>(
      db.url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [PG_SCHEMA],
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'account_blocks',
      'api_calls',
      'job_transitions',
      'jobs',
      'schema_migrations',
    ]);
    const steps = await sql(
      db.url,
      `SELECT version, applied_at FROM ${PG_SCHEMA}.schema_migrations ORDER BY version`,
    );
    expect(steps).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version, applied_at: '7000' })));
  });

  it('run once when several desks open an empty database at the same moment', async () => {
    await emptyLedger(db.url);
    const desks = await Promise.all(
      Array.from({ length: 5 }, () => PostgresLedger.open({ url: db.url, now: () => 1 })),
    );
    const job = await desks[0]!.insert(newJob('a.png'));
    // Every desk sees the same ledger.
    for (const d of desks) expect((await d.get(job.id))?.name).toBe('a.png');
    await Promise.all(desks.map((d) => d.close()));
    const steps = await sql(db.url, `SELECT version FROM ${PG_SCHEMA}.schema_migrations`);
    expect(steps).toHaveLength(PG_LEDGER_VERSION);
  });

  it('refuse a database set up by a newer version, changing nothing', async () => {
    await emptyLedger(db.url);
    await (await PostgresLedger.open({ url: db.url, now: () => 1 })).close();
    await sql(db.url, `INSERT INTO ${PG_SCHEMA}.schema_migrations VALUES ($1, 'from the future', 2)`, [
      PG_LEDGER_VERSION + 1,
    ]);
    const opened = PostgresLedger.open({ url: db.url, now: () => 1 });
    await expect(opened).rejects.toMatchObject({
      kind: 'newer-schema',
      message: expect.stringMatching(/newer Authenta Watch.*update Authenta Watch on this desk/),
    });
    const steps = await sql(db.url, `SELECT version FROM ${PG_SCHEMA}.schema_migrations ORDER BY version`);
    expect(steps.map((s) => s.version)).toEqual([
      ...PG_MIGRATIONS.map((m) => m.version),
      PG_LEDGER_VERSION + 1,
    ]);
  });
});

describe('PostgresLedger failures: a clear message, no password, nothing written', () => {
  async function problem(url: string): Promise<LedgerProblem> {
    try {
      const ledger = await PostgresLedger.open({ url, now: () => 1, connectTimeoutMs: 3_000 });
      await ledger.close();
    } catch (e) {
      expect(e).toBeInstanceOf(LedgerProblem);
      return e as LedgerProblem;
    }
    throw new Error('the ledger opened');
  }
  const noPassword = (p: LedgerProblem): void => {
    expect(p.message).not.toContain(cluster.password);
    expect(p.message).not.toContain('wrong-secret');
    expect(String(p.stack)).not.toContain(cluster.password);
  };

  it('a URL that is not a PostgreSQL URL, or names no database', async () => {
    for (const url of ['mysql://u:wrong-secret@h/db', 'postgres://u:wrong-secret@127.0.0.1:5432', '']) {
      const p = await problem(url);
      expect(p.kind).toBe('bad-url');
      expect(p.message).toMatch(/postgres:\/\/USER:PASSWORD@HOST:5432\/DATABASE/);
      noPassword(p);
    }
  });

  it('a wrong password', async () => {
    const url = db.url.replace(encodeURIComponent(cluster.password), 'wrong-secret');
    const p = await problem(url);
    expect(p.kind).toBe('auth');
    expect(p.message).toMatch(/refused the password of postgres|refused the password of \w+/);
    expect(p.message).toContain(`postgres://${cluster.user}:***@127.0.0.1:${cluster.port}/${db.name}`);
    noPassword(p);
  });

  it('a database that does not exist', async () => {
    const p = await problem(cluster.url('no_such_db'));
    expect(p.kind).toBe('no-database');
    expect(p.message).toMatch(/There is no database no_such_db.*createdb no_such_db/);
    noPassword(p);
  });

  it('a server that does not answer', async () => {
    const url = `postgres://u:wrong-secret@127.0.0.1:1/db`;
    const p = await problem(url);
    expect(p.kind).toBe('unreachable');
    expect(p.message).toMatch(
      /Cannot reach the team ledger's PostgreSQL at 127\.0\.0\.1:1.*start the server/,
    );
    noPassword(p);
  });

  it('a server that goes away and comes back: calls fail meanwhile as unreachable, then work again', async ({
    onTestFailed,
  }) => {
    // It timed out once in three CI runs (never here): a failure prints each step's time and the
    // server log's tail, so the next one says where it stopped.
    const steps = stepLog(onTestFailed, {
      secrets: [cluster.password],
      extra: () => `server log (last 40 lines):\n${cluster.log().split('\n').slice(-41).join('\n')}`,
    });
    const PROFILE = { profileId: 'p', simulated: false, generation: 'media-client' as const };
    await steps.step('empty the ledger', () => emptyLedger(db.url));
    const errors: string[] = [];
    const ledger = await steps.step('open', () =>
      PostgresLedger.open({
        url: db.url,
        now: () => 1,
        connectTimeoutMs: 2_000,
        onConnectionError: (m) => {
          errors.push(m);
          steps.note(`connection error: ${m}`);
        },
      }),
    );
    try {
      const job = await steps.step('insert', () => ledger.insert(newJob('a.png')));
      await steps.step('server stop (pg_ctl -m fast -w stop)', () => cluster.stop());
      const down = await steps.step('claim while the server is down', () =>
        ledger.claimNextQueued(1, [], PROFILE).then(
          () => null,
          (e: unknown) => e,
        ),
      );
      expect(down).toBeInstanceOf(LedgerProblem);
      expect((down as LedgerProblem).kind).toBe('unreachable');
      noPassword(down as LedgerProblem);
      await steps.step('server start (pg_ctl -w start)', () => cluster.start());
      // Nothing was claimed while the server was down; the claim goes through once it is back.
      expect((await steps.step('read the row (reconnect)', () => ledger.get(job.id)))?.state).toBe('queued');
      expect(
        (await steps.step('claim after the restart', () => ledger.claimNextQueued(1, [], PROFILE)))?.id,
      ).toBe(job.id);
      for (const m of errors) expect(m).not.toContain(cluster.password);
    } finally {
      await steps.step('close', () => ledger.close());
    }
  }, 120_000);
});

describe('PostgresLedger durability', () => {
  const PROFILE = { profileId: 'p', simulated: false, generation: 'media-client' as const };

  it('an upload it announced survives a server crash right after (the PUT that may charge is never forgotten)', async () => {
    await emptyLedger(db.url);
    let ledger = await PostgresLedger.open({ url: db.url, now: () => 1 });
    let uploading: number;
    try {
      const job = await ledger.insert(newJob('a.png'));
      await ledger.claimNextQueued(1, [], PROFILE);
      const row = await ledger.transition(job.id, 'creating', 'uploading', { remoteId: 'mid-1' });
      uploading = row!.id;
    } finally {
      await ledger.close();
    }
    await cluster.crash();
    await cluster.start();
    ledger = await PostgresLedger.open({ url: db.url, now: () => 1 });
    try {
      expect(await ledger.get(uploading)).toMatchObject({ state: 'uploading', remoteId: 'mid-1' });
    } finally {
      await ledger.close();
    }
  }, 120_000);
});

describe("PostgresLedger: the account's blocks the desks share (the team-wide quota pause)", () => {
  const SCOPE = 'https://platform.authenta.ai/api';
  const quota = {
    scope: SCOPE,
    kind: 'quota-mutation' as const,
    code: 'AA001',
    message: 'API limit reached',
  };

  async function twoDesks(): Promise<{ a: PostgresLedger; b: PostgresLedger; t: { now: number } }> {
    await emptyLedger(db.url);
    const t = { now: 1_000 };
    const a = await PostgresLedger.open({ url: db.url, now: () => t.now, desk: 'anna' });
    const b = await PostgresLedger.open({ url: db.url, now: () => t.now, desk: 'ben' });
    return { a, b, t };
  }

  it("a block one desk sets is the team's: the others hear of it and read it, with its time and desk", async () => {
    const { a, b } = await twoDesks();
    try {
      let heardByB = 0;
      let heardByA = 0;
      b.sharedBlocks.onChange(() => heardByB++);
      a.sharedBlocks.onChange(() => heardByA++);
      await a.sharedBlocks.set({ ...quota, retryAt: 61_000 }, 1_000);
      await vi.waitFor(() => expect(heardByB).toBeGreaterThan(0), { timeout: 10_000 });
      expect(await b.sharedBlocks.list(SCOPE)).toEqual([
        {
          ...quota,
          since: 1_000,
          setAt: 1_000,
          retryAt: 61_000,
          desk: 'anna',
          probeDesk: null,
          probeUntil: null,
        },
      ]);
      expect(await b.sharedBlocks.list('https://other.example/api')).toEqual([]);
      // Set again (a later refusal): the same block, since its start, with the new time and desk.
      await b.sharedBlocks.set({ ...quota, retryAt: 90_000 }, 30_000);
      await vi.waitFor(() => expect(heardByA).toBeGreaterThan(0), { timeout: 10_000 });
      expect(await a.sharedBlocks.list(SCOPE)).toMatchObject([
        { since: 1_000, setAt: 30_000, retryAt: 90_000, desk: 'ben' },
      ]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('exactly one desk gets the probe once the time has come, until its lease runs out', async () => {
    const { a, b } = await twoDesks();
    try {
      await a.sharedBlocks.set({ ...quota, retryAt: 61_000 }, 1_000);
      expect(await a.sharedBlocks.claimProbe(SCOPE, 'quota-mutation', 60_999, 5_000)).toMatchObject({
        mine: false,
        block: { retryAt: 61_000, probeDesk: null },
      });
      const claims = await Promise.all(
        [a, b, a, b].map((l) => l.sharedBlocks.claimProbe(SCOPE, 'quota-mutation', 61_000, 5_000)),
      );
      const mine = claims.filter((c) => c.mine);
      // The desk that got it may claim again (its probe found nothing to send); the other may not.
      const winner = mine[0]!.block!.probeDesk;
      expect(mine.every((c) => c.block!.probeDesk === winner)).toBe(true);
      expect(claims.filter((c) => !c.mine).every((c) => c.block!.probeDesk === winner)).toBe(true);
      const other = winner === 'anna' ? b : a;
      expect((await other.sharedBlocks.claimProbe(SCOPE, 'quota-mutation', 65_999, 5_000)).mine).toBe(false);
      // The winner stopped while testing: its lease runs out and the other desk tests it.
      expect(await other.sharedBlocks.claimProbe(SCOPE, 'quota-mutation', 66_000, 5_000)).toMatchObject({
        mine: true,
        block: { probeDesk: other.desk, probeUntil: 71_000 },
      });
      // A refused probe sets the next time and frees the probe.
      await other.sharedBlocks.set({ ...quota, retryAt: 126_000 }, 66_000);
      expect(await a.sharedBlocks.list(SCOPE)).toMatchObject([{ retryAt: 126_000, probeDesk: null }]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('lifts for every desk, unless it was set again after the call that got through started', async () => {
    const { a, b } = await twoDesks();
    try {
      let heardByB = 0;
      b.sharedBlocks.onChange(() => heardByB++);
      await a.sharedBlocks.set({ ...quota, retryAt: 61_000 }, 1_000);
      await a.sharedBlocks.set({ ...quota, kind: 'credits', code: 'U007', retryAt: null }, 2_000);
      await a.sharedBlocks.lift(SCOPE, ['quota-mutation', 'credits'], 1_500);
      expect((await b.sharedBlocks.list(SCOPE)).map((r) => r.kind)).toEqual(['credits']);
      await vi.waitFor(() => expect(heardByB).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
      await a.sharedBlocks.lift(SCOPE, ['credits'], 2_000);
      expect(await b.sharedBlocks.list(SCOPE)).toEqual([]);
      // Nobody's claim is left behind: a lifted block cannot be probed.
      expect(await b.sharedBlocks.claimProbe(SCOPE, 'quota-mutation', 99_000, 5_000)).toEqual({
        mine: false,
        block: null,
      });
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('PostgresLedger poll turn (shared polling)', () => {
  /** Ask until `check` holds (the server ends a session a moment after its socket closes). */
  async function eventually(check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('the turn did not pass on');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('a verdict written by the desk that polls keeps the desk that sent the file', async () => {
    await emptyLedger(db.url);
    const a = await PostgresLedger.open({ url: db.url, now: () => 1, desk: 'desk-a' });
    const b = await PostgresLedger.open({ url: db.url, now: () => 1, desk: 'desk-b' });
    try {
      const job = await a.insert(newJob('a.png'));
      await a.claimNextQueued(1, [], { profileId: 'p', simulated: false, generation: 'media-apikey' });
      await a.transition(job.id, 'creating', 'uploading', { remoteId: 'r1' });
      await a.transition(job.id, 'uploading', 'processing');
      const failed = await b.transition(job.id, 'processing', 'failed', { errorCode: 'X' });
      expect(failed).toMatchObject({ state: 'failed', desk: 'desk-a' });
      // Any other write names the desk that made it: here a retry at desk-b, which then sent it.
      const retried = await b.transition(job.id, 'failed', 'processing');
      expect(retried).toMatchObject({ state: 'processing', desk: 'desk-b' });
      const done = await a.transition(job.id, 'processing', 'done', {
        verdict: { label: 'fake', reason: 'x' },
      });
      expect(done).toMatchObject({ state: 'done', desk: 'desk-b' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('one desk at a time per scope; the turn passes on when its desk closes or its connection dies', async () => {
    await emptyLedger(db.url);
    const a = await PostgresLedger.open({ url: db.url, now: () => 1, desk: 'desk-a' });
    const b = await PostgresLedger.open({ url: db.url, now: () => 1, desk: 'desk-b' });
    const c = await PostgresLedger.open({ url: db.url, now: () => 1, desk: 'desk-c' });
    try {
      expect(await a.pollTurn('team')).toBe(true);
      expect(await b.pollTurn('team')).toBe(false);
      expect(await a.pollTurn('team')).toBe(true); // kept while it runs
      expect(await b.pollTurn('other')).toBe(true); // another scope is another turn
      expect(await c.pollTurn('team')).toBe(false);

      // a's desk stops: the turn goes to the next desk that asks.
      await a.close();
      await eventually(() => c.pollTurn('team'));
      expect(await b.pollTurn('team')).toBe(false);

      // c's connection dies (its server process ended, as when a desk vanishes): b takes over, and
      // c, asking again on a new connection, finds the turn taken.
      await sql(
        db.url,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'authenta-watch (polling)'
           AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)
           AND pid <> pg_backend_pid()`,
      );
      await eventually(() => b.pollTurn('team'));
      expect(await c.pollTurn('team')).toBe(false);
    } finally {
      await a.close();
      await b.close();
      await c.close();
    }
  });
});

describe("PostgresLedger: a file dropped on one desk's window stays that desk's", () => {
  const PROFILE = { profileId: 'p', simulated: false, generation: 'media-apikey' } as const;

  it('another desk neither claims it nor takes it over (it could not open it); its own desk does', async () => {
    await emptyLedger(db.url);
    let now = 1_000;
    const a = await PostgresLedger.open({ url: db.url, now: () => now, desk: 'desk-a', leaseMs: 60_000 });
    const b = await PostgresLedger.open({ url: db.url, now: () => now, desk: 'desk-b', leaseMs: 60_000 });
    try {
      // Dropped on A's window: no watched folder, no team folder.
      const dropped = await a.insert(newJob('clip.mov'));
      const watched = await a.insert({ ...newJob('inbox.png'), folderId: 'f-a' });
      // B, free before A, claims only the watched folder's file (a folder it may share).
      expect((await b.claimNextQueued(now, [], PROFILE))?.id).toBe(watched.id);
      expect(await b.claimNextQueued(now, [], PROFILE)).toBeNull();
      const mine = await a.claimNextQueued(now, [], PROFILE);
      expect(mine).toMatchObject({ id: dropped.id, desk: 'desk-a' });
      await a.transition(dropped.id, 'creating', 'uploading', { remoteId: 'r-1' });
      // A stops; its lease runs out: B leaves the dropped file to A, which takes it back.
      now += 120_000;
      expect(await b.takeOver(['creating', 'uploading', 'finalizing'], now, { othersOnly: true })).toEqual(
        [],
      );
      expect((await a.takeOver(['uploading'], now)).map((r) => r.id)).toEqual([dropped.id]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("does not hold back another desk's copy of the same bytes, which that desk can claim", async () => {
    await emptyLedger(db.url);
    const a = await PostgresLedger.open({ url: db.url, now: () => 1_000, desk: 'desk-a' });
    const b = await PostgresLedger.open({ url: db.url, now: () => 1_000, desk: 'desk-b' });
    try {
      const same = { sha256: 'h-same', model: 'AC-1' };
      // A's drop comes first (and A is away); B's watched folder has the same bytes.
      const dropped = await a.insert({ ...newJob('clip.png'), ...same });
      const watched = await b.insert({ ...newJob('inbox.png'), folderId: 'f-b', ...same });
      expect((await b.claimNextQueued(1_000, [], PROFILE))?.id).toBe(watched.id);
      // B's copy is on its way: A's drop waits for its verdict instead of paying again.
      expect(await a.claimNextQueued(1_000, [], PROFILE)).toBeNull();
      expect((await a.get(dropped.id))?.state).toBe('queued');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
