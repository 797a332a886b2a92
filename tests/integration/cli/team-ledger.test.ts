/**
 * The CLI on a team ledger (issue 11): `--ledger postgres://...` or AUTHENTA_LEDGER_URL, through
 * the real `authenta-watch` against a throwaway PostgreSQL (tests/helpers/postgres.ts) and the
 * simulator. The jobs live in PostgreSQL (no ledger.sqlite in the data folder), a second run on
 * the same ledger pays for nothing again, `report --ledger` reads them, and the password is
 * nowhere: not in the output, the data folder (logs, settings) nor the ledger. A bad URL, a wrong
 * password, no such database, a server that is down and a ledger of a newer schema each end the
 * run with a message saying what to do and an exit code from the README, having sent nothing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PG_SCHEMA } from '../../../src/main/core/ledger/postgres-migrations';
import type { JobLine } from '../../../src/main/headless/ndjson';
import { startSimulator, type Simulator } from '../../../src/main/sim';
import { makeJpeg, makePng, simMarker, writeFixture } from '../../helpers/media-fixtures';
import { startPostgres, type PostgresCluster, type TestDatabase } from '../../helpers/postgres';
import { ensureCliBuilt } from './cli-build';
import { ndjson, runCli } from './run-cli';

const API_KEY = 'api_apikey_team-ledger-5e1b7c';

let cluster: PostgresCluster;
let sim: Simulator;
let db: TestDatabase;
let dir: string;
let dataDir: string;
let watchDir: string;

beforeAll(async () => {
  await Promise.all([
    ensureCliBuilt(),
    (async () => {
      cluster = await startPostgres();
    })(),
  ]);
  sim = await startSimulator({ processingMs: 100, apiKeys: [{ key: API_KEY }] });
}, 240_000);
afterAll(async () => {
  await sim?.close();
  await cluster?.dispose();
}, 60_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authenta-team-'));
  dataDir = join(dir, 'data');
  watchDir = join(dir, 'watch');
  db = await cluster.createDatabase('aw_cli');
});
afterEach(async () => {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

/** Records created (the media API's POST /media or the Jobs API's POST /v1/jobs, whichever was detected). */
const creates = (): number =>
  sim.requests.filter((r) => r.method === 'POST' && (r.route === '/media' || r.route === '/v1/jobs')).length;

const args = (...extra: string[]): string[] => [
  '--once',
  '--json',
  '--base-url',
  sim.url,
  '--data-dir',
  dataDir,
  '--stability',
  '100',
  ...extra,
  watchDir,
];

async function sql(text: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** Every byte under `root`, as text, to search for the password. */
async function everything(root: string): Promise<string> {
  if (!existsSync(root)) return '';
  let text = '';
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += (await readFile(join(entry.parentPath, entry.name))).toString('latin1');
  }
  return text;
}

function finalJobs(stdout: string): Map<string, JobLine> {
  const byName = new Map<string, JobLine>();
  for (const l of ndjson(stdout)) if (l.type === 'job') byName.set(l.name, l);
  return byName;
}

describe('authenta-watch --ledger postgres://...', () => {
  it('keeps the jobs in PostgreSQL, pays once across runs, reports them, and never shows the password', async () => {
    await writeFixture(join(watchDir, 'fake.png'), makePng({ marker: simMarker('fake') }));
    await writeFixture(join(watchDir, 'real.jpg'), makeJpeg({ marker: simMarker('real') }));
    const before = creates();
    const first = await runCli(args('--ledger', db.url), { env: { AUTHENTA_API_KEY: API_KEY } });
    expect(first.stderr).toContain(
      `team ledger postgres://${cluster.user}:***@127.0.0.1:${cluster.port}/${db.name}`,
    );
    expect(first.code).toBe(0);
    const jobs = finalJobs(first.stdout);
    expect(jobs.get('fake.png')).toMatchObject({ state: 'done', verdict: { label: 'fake' } });
    expect(jobs.get('real.jpg')).toMatchObject({ state: 'done', verdict: { label: 'authentic' } });
    expect(creates() - before).toBe(2);

    // The ledger is the team's database, not a file of this desk.
    expect(existsSync(join(dataDir, 'ledger.sqlite'))).toBe(false);
    const rows = await sql(`SELECT name, state, verdict_label FROM ${PG_SCHEMA}.jobs ORDER BY name`);
    expect(rows).toEqual([
      { name: 'fake.png', state: 'done', verdict_label: 'fake' },
      { name: 'real.jpg', state: 'done', verdict_label: 'authentic' },
    ]);

    // Another run with the URL in the environment: the ledger knows both files, nothing is sent again.
    const second = await runCli(args(), {
      env: { AUTHENTA_API_KEY: API_KEY, AUTHENTA_LEDGER_URL: db.url },
    });
    expect(second.code).toBe(0);
    expect(creates() - before).toBe(2);

    const report = await runCli(['report', '--format', 'csv', '--ledger', db.url]);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/fake\.png/);
    expect(report.stdout).toMatch(/real\.jpg/);

    for (const out of [first, second, report])
      expect(out.stdout + out.stderr).not.toContain(cluster.password);
    expect(await everything(dataDir)).not.toContain(cluster.password);
    const ledgerText = await sql(
      `SELECT (SELECT string_agg(j::text, '') FROM ${PG_SCHEMA}.jobs j) ||
              (SELECT string_agg(t::text, '') FROM ${PG_SCHEMA}.job_transitions t) AS all_text`,
    );
    expect(String(ledgerText[0]?.all_text)).not.toContain(cluster.password);
  });
});

describe('a team ledger that cannot be used: a clear message, the README exit code, nothing sent', () => {
  beforeEach(async () => {
    await writeFixture(join(watchDir, 'photo.png'), makePng({ marker: simMarker('fake') }));
  });

  async function refused(ledgerUrl: string, code: number, message: RegExp): Promise<void> {
    const before = creates();
    const res = await runCli(args(), {
      env: { AUTHENTA_API_KEY: API_KEY, AUTHENTA_LEDGER_URL: ledgerUrl },
      timeoutMs: 60_000,
    });
    expect(res.stderr).toMatch(message);
    expect(res.code).toBe(code);
    expect(creates()).toBe(before);
    expect(res.stdout + res.stderr).not.toContain(cluster.password);
    expect(res.stdout + res.stderr).not.toContain('wrong-horse');
    expect(await everything(dataDir)).not.toContain('wrong-horse');
    expect(existsSync(join(dataDir, 'ledger.sqlite'))).toBe(false);
  }

  it('a URL that cannot be used: exit 2 (usage), saying how to write it', async () => {
    await refused(
      `postgres://${cluster.user}:wrong-horse@127.0.0.1:${cluster.port}`,
      2,
      /AUTHENTA_LEDGER_URL: The team ledger URL names no database.*postgres:\/\/USER:PASSWORD@HOST:5432\/DATABASE/,
    );
  });

  it('a wrong password: exit 3 (credentials), naming the user and the redacted URL', async () => {
    await refused(
      `postgres://${cluster.user}:wrong-horse@127.0.0.1:${cluster.port}/${db.name}`,
      3,
      new RegExp(
        `refused the password of ${cluster.user}: correct the password in the ledger URL \\(postgres://${cluster.user}:\\*\\*\\*@`,
      ),
    );
  });

  it('a database that does not exist: exit 2, saying how to create it', async () => {
    await refused(
      cluster.url('newsroom_missing'),
      2,
      /There is no database newsroom_missing.*createdb newsroom_missing/,
    );
  });

  it('a server that is down: exit 5, saying to start it or check host and port', async () => {
    await refused(
      `postgres://${cluster.user}:wrong-horse@127.0.0.1:1/${db.name}`,
      5,
      /Cannot reach the team ledger's PostgreSQL at 127\.0\.0\.1:1.*start the server/,
    );
  });

  it('a ledger set up by a newer Authenta Watch: exit 1, update this desk; the ledger is left as it was', async () => {
    await sql(
      `CREATE SCHEMA ${PG_SCHEMA};
       CREATE TABLE ${PG_SCHEMA}.schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL);
       INSERT INTO ${PG_SCHEMA}.schema_migrations VALUES (999, 'from the future', 1);`,
    );
    await refused(
      db.url,
      1,
      /set up by a newer Authenta Watch \(schema 999.*update Authenta Watch on this desk/,
    );
    const tables = await sql(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = '${PG_SCHEMA}' ORDER BY 1`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(['schema_migrations']);
  });
});
