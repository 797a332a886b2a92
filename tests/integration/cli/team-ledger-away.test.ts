/**
 * The CLI watching with a team ledger whose PostgreSQL is down when it starts (issue 11): the real
 * `authenta-watch` (no `--once`) says the server cannot be reached, what to do and that it waits;
 * a file dropped meanwhile is not lost: once the server is started it is checked and sent once,
 * and the CLI says the ledger answers again. The password is in none of it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PG_SCHEMA } from '../../../src/main/core/ledger/postgres-migrations';
import { startSimulator, type Simulator } from '../../../src/main/sim';
import { makePng, simMarker, writeFixture } from '../../helpers/media-fixtures';
import { startPostgres, type PostgresCluster, type TestDatabase } from '../../helpers/postgres';
import { ensureCliBuilt } from './cli-build';
import { spawnCli } from './run-cli';

vi.setConfig({ testTimeout: 120_000 });

const API_KEY = 'api_apikey_team-away-2c4d1e';

let cluster: PostgresCluster;
let sim: Simulator;
let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  await Promise.all([
    ensureCliBuilt(),
    (async () => {
      cluster = await startPostgres();
    })(),
  ]);
  sim = await startSimulator({ processingMs: 100, apiKeys: [{ key: API_KEY }] });
  db = await cluster.createDatabase('aw_cli_away');
  dir = await mkdtemp(join(tmpdir(), 'authenta-team-away-'));
}, 240_000);
afterAll(async () => {
  await sim?.close();
  await db?.drop().catch(() => undefined);
  await cluster?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const started = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('authenta-watch (watching) with the team ledger down at start', () => {
  it('waits for the server, then checks the file dropped meanwhile, once', async () => {
    const watchDir = join(dir, 'watch');
    await writeFixture(join(watchDir, 'early.png'), makePng({ marker: simMarker('fake') }));
    await cluster.stop();
    const cli = spawnCli(
      ['--base-url', sim.url, '--data-dir', join(dir, 'data'), '--stability', '100', watchDir],
      { env: { AUTHENTA_API_KEY: API_KEY, AUTHENTA_LEDGER_URL: db.url } },
    );
    try {
      await until(() => /Waiting for it/.test(cli.stderr()), 'the CLI to say it waits');
      expect(cli.stderr()).toMatch(
        /Cannot reach the team ledger's PostgreSQL at 127\.0\.0\.1:\d+ .*start the server.*Waiting for it: nothing is sent or lost meanwhile/,
      );
      expect(cli.child.exitCode).toBeNull();
      await writeFixture(join(watchDir, 'meanwhile.png'), makePng({ marker: simMarker('real') }));
      await new Promise((r) => setTimeout(r, 1_000));
      expect(cli.child.exitCode).toBeNull();
      await cluster.start();

      const rows = await until(async () => {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ name: string; state: string }>(
            `SELECT name, state FROM ${PG_SCHEMA}.jobs ORDER BY name`,
          );
          return rows.length === 2 && rows.every((r) => r.state === 'done') ? rows : null;
        } catch {
          return null; // the schema is not there yet
        } finally {
          await client.end();
        }
      }, 'both files done in the team ledger');
      expect(rows.map((r) => r.name)).toEqual(['early.png', 'meanwhile.png']);
      // One record each (POST /media or, for the Jobs API detected from the key, POST /v1/jobs).
      expect(
        sim.requests.filter((r) => r.method === 'POST' && (r.route === '/media' || r.route === '/v1/jobs')),
      ).toHaveLength(2);
      await until(() => /the team ledger answers again/.test(cli.stderr()), 'the CLI to say it is back');
      expect(cli.stdout() + cli.stderr()).not.toContain(cluster.password);
    } finally {
      await cluster.start().catch(() => undefined);
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('--once --timeout with the server gone for good: gives up at the deadline (exit 5), saying why', async () => {
    const watchDir = join(dir, 'watch-once');
    const slow = await startSimulator({ processingMs: 60_000, apiKeys: [{ key: API_KEY }] });
    await writeFixture(join(watchDir, 'slow.png'), makePng({ marker: simMarker('fake'), padding: 77 }));
    const cli = spawnCli(
      [
        '--once',
        // Long enough for start-up, the create and the PUT on a loaded machine (with 8 s, a slow
        // start could reach the deadline before the upload, and the test waited for a PUT in vain).
        '--timeout',
        '20',
        '--base-url',
        slow.url,
        '--data-dir',
        join(dir, 'data-once'),
        '--stability',
        '100',
        watchDir,
      ],
      { env: { AUTHENTA_API_KEY: API_KEY, AUTHENTA_LEDGER_URL: db.url } },
    );
    try {
      // Sent and waiting for its verdict: then the server stops and does not come back.
      await until(() => slow.requests.some((r) => r.method === 'PUT' && r.status === 200), 'the upload');
      await cluster.stop();
      const done = await Promise.race([
        cli.exited,
        new Promise<null>((r) => setTimeout(() => r(null), 60_000)),
      ]);
      expect(done, `the CLI is still running; stderr:\n${cli.stderr()}`).not.toBeNull();
      expect(done!.code).toBe(5);
      expect(cli.stderr()).toMatch(
        /Gave up waiting after 20 s \(--timeout\): the team ledger still cannot be reached\. The files resume on the next run; nothing is sent twice\./,
      );
      expect(cli.stdout() + cli.stderr()).not.toContain(cluster.password);
    } finally {
      cli.child.kill('SIGKILL');
      await cli.exited;
      await slow.close();
      await cluster.start().catch(() => undefined);
    }
  });
});
