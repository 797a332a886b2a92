/**
 * How far one ledger goes (issue 11): claims per second and claim latency of the Ledger port's
 * atomic claim (`claimNextQueued`), on SQLite (one desk) and on PostgreSQL with 1, 3 and 8 desks
 * claiming at once from one queue (each desk its own PostgresLedger, i.e. its own connections).
 *
 * The ledger holds 100,000 finished rows (a newsroom's history) and QUEUED files waiting, each
 * with its own bytes; every desk claims until the queue is empty. PostgreSQL is a throwaway
 * cluster on this machine with its durability on (fsync, full page writes) over TCP on loopback,
 * so a real server on a LAN adds its round trip to every claim. Only the claim is measured: no
 * Authenta calls, no hashing, no files.
 */
import pg from 'pg';
import { SqliteLedger } from '../src/main/core/ledger/sqlite-ledger';
import type { ClaimProfile, Ledger } from '../src/main/core/ledger/ledger';
import { PostgresLedger } from '../src/main/core/ledger/postgres-ledger';
import { PG_SCHEMA } from '../src/main/core/ledger/postgres-migrations';
import { startPostgres } from '../tests/helpers/postgres';
import { fixed, machineNote, progress, quantile, runBench, table } from './lib/report';
import { makeTempDir, removeTempDir } from './lib/temp';
import * as path from 'node:path';

const HISTORY = 100_000;
const QUEUED = 3_000;
const PROFILE: ClaimProfile = { profileId: 'bench', simulated: false, generation: 'media-client' };

interface Outcome {
  label: string;
  desks: number;
  claims: number;
  wallMs: number;
  latencies: number[];
  duplicates: number;
}

/** Every desk claims until the queue is empty; each claim's latency is kept. */
async function claimAll(label: string, desks: Ledger[]): Promise<Outcome> {
  const latencies: number[] = [];
  const claimed: number[] = [];
  const started = performance.now();
  await Promise.all(
    desks.map(async (desk) => {
      for (;;) {
        const t0 = performance.now();
        const job = await desk.claimNextQueued(Date.now(), [], PROFILE);
        latencies.push(performance.now() - t0);
        if (!job) return;
        claimed.push(job.id);
      }
    }),
  );
  const wallMs = performance.now() - started;
  return {
    label,
    desks: desks.length,
    claims: claimed.length,
    wallMs,
    latencies,
    duplicates: claimed.length - new Set(claimed).size,
  };
}

/** The history and the queue, as rows of (path, sha256, state, created_at). */
function* seedRows(): Generator<[string, string, string, number]> {
  for (let i = 1; i <= HISTORY; i++) yield [`/history/${i}.jpg`, `h${i}`, 'done', 1];
  for (let i = 1; i <= QUEUED; i++) yield [`/drop/${i}.jpg`, `q${i}`, 'queued', 2];
}

async function sqliteCase(dir: string): Promise<Outcome> {
  const ledger = SqliteLedger.open({ file: path.join(dir, 'ledger.sqlite'), now: Date.now });
  const insert = ledger.connection.prepare(
    `INSERT INTO jobs (path, name, size, mtime_ms, sha256, model, state, profile_id, created_at, updated_at)
       VALUES (?, ?, 1, 1, ?, 'AC-1', ?, 'bench', ?, ?)`,
  );
  ledger.connection.transaction(() => {
    for (const [p, h, state, at] of seedRows()) insert.run(p, p, h, state, at, at);
  })();
  try {
    return await claimAll('SQLite, 1 desk', [ledger]);
  } finally {
    await ledger.close();
  }
}

/** Seed PostgreSQL in batches of one multi-row statement (unnest of arrays). */
async function seedPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = [...seedRows()];
    for (let i = 0; i < rows.length; i += 10_000) {
      const batch = rows.slice(i, i + 10_000);
      await client.query(
        `INSERT INTO ${PG_SCHEMA}.jobs (path, name, size, mtime_ms, sha256, model, state, profile_id, created_at, updated_at)
           SELECT p, p, 1, 1, h, 'AC-1', s, 'bench', a, a FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS t(p, h, s, a)`,
        [batch.map((r) => r[0]), batch.map((r) => r[1]), batch.map((r) => r[2]), batch.map((r) => r[3])],
      );
    }
    await client.query(`VACUUM ANALYZE ${PG_SCHEMA}.jobs`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const dir = makeTempDir('aw-bench-claims-');
  progress('starting a throwaway PostgreSQL (durable)…');
  const cluster = await startPostgres({ durable: true });
  const outcomes: Outcome[] = [];
  try {
    progress('SQLite…');
    outcomes.push(await sqliteCase(dir));
    for (const desks of [1, 3, 8]) {
      progress(`PostgreSQL, ${desks} desk(s)…`);
      const db = await cluster.createDatabase('aw_bench');
      const ledgers: Ledger[] = [];
      for (let i = 0; i < desks; i++) ledgers.push(await PostgresLedger.open({ url: db.url, now: Date.now }));
      await seedPostgres(db.url);
      try {
        outcomes.push(await claimAll(`PostgreSQL, ${desks} desk${desks > 1 ? 's' : ''}`, ledgers));
      } finally {
        await Promise.all(ledgers.map((l) => l.close()));
        await db.drop();
      }
    }
  } finally {
    await cluster.dispose();
    removeTempDir(dir);
  }

  console.log(
    `Claims of queued files (\`claimNextQueued\`: one atomic statement each; PostgreSQL picks with FOR UPDATE SKIP LOCKED) ` +
      `from a ledger holding ${HISTORY.toLocaleString('en')} finished rows and ${QUEUED.toLocaleString('en')} queued files; ` +
      'every desk claims until none is left. PostgreSQL: a local server with fsync on, over TCP on loopback.\n',
  );
  console.log(
    table(
      ['Ledger', 'Claims', 'Claims/s', 'Claim p50 (ms)', 'Claim p99 (ms)', 'Claimed twice'],
      outcomes.map((o) => [
        o.label,
        String(o.claims),
        fixed((o.claims / o.wallMs) * 1000, 0),
        fixed(quantile(o.latencies, 0.5), 2),
        fixed(quantile(o.latencies, 0.99), 2),
        String(o.duplicates),
      ]),
    ),
  );
  console.log(`\n${machineNote()}`);
}

runBench(main);
