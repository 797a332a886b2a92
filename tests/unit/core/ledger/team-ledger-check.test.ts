/**
 * "Test connection" for a team ledger against a real PostgreSQL (tests/helpers/postgres.ts): a
 * database without a ledger, a ready one, a newer schema, a wrong password, no such database, a
 * server that is down and a URL that cannot be read each give their message; none holds the
 * password, and the test writes nothing (the database stays empty).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkTeamLedger } from '../../../../src/main/core/ledger/team-ledger-check';
import { PostgresLedger } from '../../../../src/main/core/ledger/postgres-ledger';
import { PG_SCHEMA } from '../../../../src/main/core/ledger/postgres-migrations';
import { startPostgres, type PostgresCluster, type TestDatabase } from '../../../helpers/postgres';

vi.setConfig({ testTimeout: 30_000, hookTimeout: 120_000 });

let cluster: PostgresCluster;
let empty: TestDatabase;
let ready: TestDatabase;

beforeAll(async () => {
  cluster = await startPostgres();
  empty = await cluster.createDatabase('aw_check_empty');
  ready = await cluster.createDatabase('aw_check_ready');
  await (await PostgresLedger.open({ url: ready.url, now: Date.now })).close();
}, 120_000);
afterAll(async () => {
  await empty?.drop();
  await ready?.drop();
  await cluster?.dispose();
}, 60_000);

async function sql(url: string, text: string): Promise<pg.QueryResultRow[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

describe('checkTeamLedger', () => {
  it('an empty database: connected, the first desk creates the ledger; nothing written', async () => {
    const check = await checkTeamLedger(empty.url);
    expect(check).toEqual({
      ok: true,
      schemaVersion: 0,
      message: `Connected to ${empty.name} at 127.0.0.1:${cluster.port}. It holds no team ledger yet: the first desk that starts on it creates one.`,
    });
    expect(await sql(empty.url, `SELECT 1 FROM pg_namespace WHERE nspname = '${PG_SCHEMA}'`)).toEqual([]);
  });

  it('a ledger in place: ready', async () => {
    const check = await checkTeamLedger(ready.url);
    expect(check).toMatchObject({ ok: true, message: expect.stringMatching(/the team ledger is ready\.$/) });
  });

  it('each problem with what to do, never the password', async () => {
    const wrong = `postgres://${cluster.user}:wrong-horse@127.0.0.1:${cluster.port}/${ready.name}`;
    const cases: [string, string, RegExp][] = [
      [wrong, 'auth', /refused the password of .*correct the password/],
      [cluster.url('newsroom_missing'), 'no-database', /There is no database newsroom_missing.*createdb/],
      [
        `postgres://${cluster.user}:wrong-horse@127.0.0.1:1/x`,
        'unreachable',
        /Cannot reach .*start the server/,
      ],
      ['postgres://desk@db-host', 'bad-url', /names no database/],
    ];
    for (const [url, kind, message] of cases) {
      const check = await checkTeamLedger(url, { connectTimeoutMs: 3_000 });
      expect(check).toMatchObject({ ok: false, kind, message: expect.stringMatching(message) });
      expect(check.message).not.toContain('wrong-horse');
      expect(check.message).not.toContain(cluster.password);
    }
  });

  it('a newer schema: update this desk', async () => {
    const db = await cluster.createDatabase('aw_check_newer');
    try {
      await sql(
        db.url,
        `CREATE SCHEMA ${PG_SCHEMA};
         CREATE TABLE ${PG_SCHEMA}.schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL);
         INSERT INTO ${PG_SCHEMA}.schema_migrations VALUES (999, 'from the future', 1);`,
      );
      expect(await checkTeamLedger(db.url)).toMatchObject({
        ok: false,
        kind: 'newer-schema',
        message: expect.stringMatching(
          /newer Authenta Watch \(schema 999.*update Authenta Watch on this desk/,
        ),
      });
    } finally {
      await db.drop();
    }
  });
});
