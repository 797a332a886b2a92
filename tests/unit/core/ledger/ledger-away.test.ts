/**
 * A team ledger whose server goes away (ledger-away.ts) against a real PostgreSQL
 * (tests/helpers/postgres.ts): a connection the server ends in the middle of a durable write
 * fails that write instead of the process; calls made while the server is stopped wait for it and
 * answer once it is back (the host told once each way, without the password); a desk that starts
 * while the server is down waits for it, or (a `--once` run) fails at once with what to do; a
 * refused password is not waited out; a closed ledger stops waiting.
 */
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { waitForTeamLedger } from '../../../../src/main/core/ledger/ledger-away';
import type { Ledger, NewJob } from '../../../../src/main/core/ledger/ledger';
import { LedgerProblem } from '../../../../src/main/core/ledger/postgres-errors';
import { openPostgresLedger, PostgresLedger } from '../../../../src/main/core/ledger/postgres-ledger';
import { PG_SCHEMA } from '../../../../src/main/core/ledger/postgres-migrations';
import { usePostgresCluster } from '../../../helpers/postgres';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const cluster = usePostgresCluster();
const db = cluster.databaseForFile('aw_away');

const newJob = (name: string): NewJob => ({
  path: `/drop/${name}`,
  name,
  folderId: null,
  size: 10,
  mtimeMs: 1_000,
  profileId: 'p',
  simulated: false,
  state: 'queued',
});

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

describe('PostgresLedger when the server ends a connection mid-write', () => {
  it('fails the durable write with a clear problem and leaves the process running', async () => {
    const ledger = await PostgresLedger.open({ url: db.url, now: Date.now });
    const uncaught: unknown[] = [];
    const hear = (e: unknown): void => {
      uncaught.push(e);
    };
    process.on('uncaughtException', hear);
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      const job = await ledger.insert(newJob('locked.png'));
      await ledger.transition(job.id, 'queued', 'creating');
      // Another session holds the row: the durable transition waits inside its own transaction.
      await locker.query('BEGIN');
      await locker.query(`SELECT id FROM ${PG_SCHEMA}.jobs WHERE id = $1 FOR UPDATE`, [job.id]);
      const moving = ledger.transition(job.id, 'creating', 'uploading', { remoteId: 'm1' });
      const outcome = moving.then(
        () => 'committed',
        (e: unknown) => e,
      );
      await withClient(async (c) => {
        for (let i = 0; i < 200; i++) {
          const { rows } = await c.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
          );
          if (rows[0]) {
            await c.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
            return;
          }
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error('the durable write never waited on the lock');
      });
      const result = await outcome;
      expect(result).toBeInstanceOf(LedgerProblem);
      expect((result as LedgerProblem).kind).toBe('unreachable');
      await locker.query('ROLLBACK');
      // Give a stray 'error' event a moment to surface.
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught).toEqual([]);
      // Nothing was written: the job is still creating, and the ledger goes on working.
      expect((await ledger.get(job.id))?.state).toBe('creating');
      expect((await ledger.transition(job.id, 'creating', 'uploading'))?.state).toBe('uploading');
    } finally {
      process.off('uncaughtException', hear);
      await locker.end().catch(() => undefined);
      await ledger.close();
    }
  });
});

describe('waitForTeamLedger', () => {
  it('waits out a stopped server: calls made meanwhile answer once it is back, told once each way', async () => {
    const said: string[] = [];
    const open = waitForTeamLedger(openPostgresLedger({ url: db.url, connectTimeoutMs: 2_000 }), {
      retryMs: 200,
      onAway: (p) => said.push(`away ${p.kind}: ${p.message}`),
      onBack: () => said.push('back'),
    });
    const ledger: Ledger = await open({ dataDir: '/unused', now: Date.now });
    try {
      const before = await ledger.insert(newJob('before.png'));
      await cluster.stop();
      const inserted = ledger.insert(newJob('during.png'));
      const moved = ledger.transition(before.id, 'queued', 'creating');
      const counted = ledger.counts();
      let settled = false;
      void Promise.allSettled([inserted, moved, counted]).then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 1_500));
      expect(settled).toBe(false);
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(
        /^away unreachable: Cannot reach the team ledger's PostgreSQL at 127\.0\.0\.1:\d+ .*start the server/,
      );
      await cluster.start();
      const [row, claimed, counts] = await Promise.all([inserted, moved, counted]);
      expect(row.name).toBe('during.png');
      expect(claimed?.state).toBe('creating');
      expect(counts.queued + counts.creating).toBeGreaterThanOrEqual(1);
      const names = (await ledger.listByStates(['queued', 'creating'])).map((j) => j.name);
      expect(names).toEqual(expect.arrayContaining(['before.png', 'during.png']));
      expect(said).toEqual([said[0], 'back']);
      // One row per insert, however many tries it took.
      expect((await ledger.findLatestByPath('/drop/during.png'))?.id).toBe(row.id);
      expect(said.join('\n')).not.toContain(cluster.password);
    } finally {
      await ledger.close();
    }
  });

  it('at start: a watching desk waits for the server; a --once run is told at once', async () => {
    await cluster.stop();
    const said: string[] = [];
    try {
      const once = waitForTeamLedger(openPostgresLedger({ url: db.url, connectTimeoutMs: 2_000 }), {
        waitAtStart: false,
      });
      const failure = await Promise.resolve(once({ dataDir: '/unused', now: Date.now })).catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(LedgerProblem);
      expect((failure as LedgerProblem).kind).toBe('unreachable');
      expect((failure as LedgerProblem).message).not.toContain(cluster.password);

      const watching = waitForTeamLedger(openPostgresLedger({ url: db.url, connectTimeoutMs: 2_000 }), {
        retryMs: 200,
        onAway: (p) => said.push(`away ${p.kind}`),
        onBack: () => said.push('back'),
      });
      let opened: Ledger | null = null;
      const opening = Promise.resolve(watching({ dataDir: '/unused', now: Date.now })).then((l) => {
        opened = l;
        return l;
      });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(opened).toBeNull();
      expect(said).toEqual(['away unreachable']);
      await cluster.start();
      const ledger = await opening;
      expect(said).toEqual(['away unreachable', 'back']);
      expect(await ledger.get(1)).not.toBeUndefined();
      await ledger.close();
    } finally {
      await cluster.start().catch(() => undefined);
    }
  });

  it('does not wait out a refused password', async () => {
    const wrong = db.url.replace(encodeURIComponent(cluster.password), 'not-the-password');
    const open = waitForTeamLedger(openPostgresLedger({ url: wrong }), { retryMs: 100 });
    const failure = await Promise.resolve(open({ dataDir: '/unused', now: Date.now })).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(LedgerProblem);
    expect((failure as LedgerProblem).kind).toBe('auth');
    expect((failure as LedgerProblem).message).toMatch(/correct the password/);
  });

  it('stops waiting when closed: a call waiting for a stopped server fails instead of hanging', async () => {
    const open = waitForTeamLedger(openPostgresLedger({ url: db.url, connectTimeoutMs: 2_000 }), {
      retryMs: 200,
    });
    const ledger = await open({ dataDir: '/unused', now: Date.now });
    await cluster.stop();
    try {
      const waiting = ledger.counts().catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 500));
      await ledger.close();
      const failure = await waiting;
      expect(failure).toBeInstanceOf(LedgerProblem);
      expect((failure as LedgerProblem).kind).toBe('unreachable');
    } finally {
      await cluster.start();
    }
  });
});
