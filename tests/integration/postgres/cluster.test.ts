/**
 * The throwaway PostgreSQL cluster the ledger tests run against (tests/helpers/postgres.ts): it
 * starts from nothing, refuses a wrong password, survives a stop and start with its data, and
 * leaves nothing behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPostgres, type PostgresCluster } from '../../helpers/postgres';

let cluster: PostgresCluster;
beforeAll(async () => {
  cluster = await startPostgres();
}, 120_000);
afterAll(async () => {
  await cluster?.dispose();
});

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('throwaway PostgreSQL cluster', () => {
  it('gives each test its own database, dropped afterwards', async () => {
    const a = await cluster.createDatabase();
    const b = await cluster.createDatabase();
    expect(a.name).not.toBe(b.name);
    await query(a.url, 'CREATE TABLE t (x int); INSERT INTO t VALUES (1)');
    await expect(query(b.url, 'SELECT * FROM t')).rejects.toThrow(/does not exist/);
    await a.drop();
    await b.drop();
    const names = (await query(cluster.url(), 'SELECT datname FROM pg_database')).rows.map((r) => r.datname);
    expect(names).not.toContain(a.name);
  });

  it('asks for the password over TCP and refuses a wrong one', async () => {
    const wrong = cluster.url().replace(encodeURIComponent(cluster.password), 'not-the-password');
    await expect(query(wrong, 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });

  it('keeps its data across a stop and a start on the same port', async () => {
    const db = await cluster.createDatabase();
    await query(db.url, 'CREATE TABLE t (x int); INSERT INTO t VALUES (42)');
    await cluster.stop();
    await expect(query(db.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await cluster.start();
    expect((await query(db.url, 'SELECT x FROM t')).rows).toEqual([{ x: 42 }]);
    await db.drop();
  }, 120_000);

  it('removes its folder when disposed', async () => {
    const other = await startPostgres();
    expect(existsSync(other.dataDir)).toBe(true);
    await other.dispose();
    expect(existsSync(other.dataDir)).toBe(false);
    await expect(query(other.url(), 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  }, 120_000);

  it('fails, saying what to install, when the server programs are missing (never skips)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'aw-no-pg-'));
    vi.stubEnv('AUTHENTA_PG_BIN', empty);
    try {
      await expect(startPostgres()).rejects.toThrow(/apt-get install postgresql/);
    } finally {
      vi.unstubAllEnvs();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
