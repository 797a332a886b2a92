/**
 * A newsroom on one share (issue 11): 1,000 small images dropped into one watched folder, checked
 * by one desk on its own SQLite ledger, by one desk on a PostgreSQL ledger, and by three desks
 * sharing that PostgreSQL ledger. Every desk is a separate process of the built CLI
 * (`authenta-watch`, watching, its own data folder, the CLI's defaults but for the stability
 * window, which is the throughput benchmark's 2 s), all of them talking to one simulator (4 s
 * processing, its own process). Each layout runs twice: on plain loopback, and with the
 * simulator answering every API call 200 ms late (what a real connection to Authenta adds; the
 * storage PUTs get no added delay).
 *
 * Measured per run: wall time from the files landing until the last verdict is in the ledger,
 * files/s, Query and Mutation calls per file (the simulator's log: every call of the run, the
 * desks' start-up included), the latency of each claim of a queued file as the desk sees it
 * (a preloaded timer, bench/lib/claim-timer.mjs: the claim statement's round trip), the records
 * created and the files uploaded more than once (the simulator's records, by file name).
 *
 * BENCH_TEAM_FILES overrides the file count (default 1000); BENCH_TEAM_CONCURRENCY the uploads
 * each desk runs at once (default 3, the CLI's own default, set explicitly with --concurrency).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { AuthentaClient } from '../src/main/core/api/authenta-client';
import { PG_SCHEMA } from '../src/main/core/ledger/postgres-migrations';
import type { RequestLogEntry } from '../src/main/sim';
import { CLI_BIN, ensureCliBuilt, ROOT } from '../tests/integration/cli/cli-build';
import { makePng } from '../tests/helpers/media-fixtures';
import { startPostgres, type PostgresCluster } from '../tests/helpers/postgres';
import { fixed, machineNote, progress, quantile, ratio, runBench, table } from './lib/report';
import { startSimProcess, type SimProcess } from './lib/sim-process';
import { makeTempDir, removeTempDir } from './lib/temp';

const FILES = Number(process.env['BENCH_TEAM_FILES'] ?? 1_000);
const CONCURRENCY = Number(process.env['BENCH_TEAM_CONCURRENCY'] ?? 3);
const PROCESSING_MS = 4_000;
const STABILITY_MS = 2_000;
const LATENCY_MS = 200;
const SIZE = 16 * 1024;
const TEAM = 3;
/** A run that has not finished after this long is reported as failed rather than waited for. */
const RUN_LIMIT_MS = 15 * 60_000;
const CLAIM_TIMER = fileURLToPath(new URL('./lib/claim-timer.mjs', import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type LedgerKind = 'sqlite' | 'postgres';

interface Layout {
  ledger: LedgerKind;
  desks: number;
  label: string;
}

const LAYOUTS: Layout[] = [
  { ledger: 'sqlite', desks: 1, label: '1 desk, SQLite' },
  { ledger: 'postgres', desks: 1, label: '1 desk, PostgreSQL' },
  { ledger: 'postgres', desks: TEAM, label: `${TEAM} desks, PostgreSQL` },
];

interface Outcome {
  layout: Layout;
  latencyMs: number;
  ms: number;
  /** Files whose row ended done (at least one row per name). */
  verdicts: number;
  /** Rows in the ledger(s): FILES when every file is one row for the team. */
  rows: number;
  query: number;
  lists: number;
  gets: number;
  mutation: number;
  claims: number[];
  /** Records the simulator created, and file names with more than one record / more than one upload. */
  records: number;
  createdTwice: number;
  uploadedTwice: number;
  /** Successful PUTs of bytes. */
  puts: number;
  /** Files done per desk (team runs). */
  perDesk: number[];
  notes: string[];
}

/** `FILES` distinct ~16 KiB PNGs in `dir`. */
function writeImages(dir: string, label: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const file = path.join(dir, `img-${String(i).padStart(4, '0')}.png`);
    fs.writeFileSync(
      file,
      makePng({ marker: `AUTHENTA-SIM:real ${label} ${i}`, width: 8, height: 8, padding: SIZE }),
    );
    files.push(file);
  }
  return files;
}

/** A desk: one `authenta-watch` process watching `folder`. */
interface Desk {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<number | null>;
}

/** The environment of a desk: this one without AUTHENTA_* variables, plus `extra`. */
function deskEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AUTHENTA_')) env[k] = v;
  return { ...env, ...extra };
}

function startDesk(o: {
  sim: SimProcess;
  dataDir: string;
  folder: string;
  ledgerUrl: string | null;
  claimLog: string;
}): Desk {
  const args = [
    CLI_BIN,
    '--base-url',
    o.sim.url,
    '--data-dir',
    o.dataDir,
    '--stability',
    String(STABILITY_MS),
    '--concurrency',
    String(CONCURRENCY),
    ...(o.ledgerUrl ? ['--ledger', o.ledgerUrl] : []),
    o.folder,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: deskEnv({
      AUTHENTA_CLIENT_ID: o.sim.credentials.clientId,
      AUTHENTA_CLIENT_SECRET: o.sim.credentials.clientSecret,
      BENCH_CLAIM_LOG: o.claimLog,
      NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import=${CLAIM_TIMER}`.trim(),
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    err = (err + s).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

async function stopDesk(desk: Desk): Promise<void> {
  if (desk.child.exitCode !== null || desk.child.signalCode !== null) return;
  desk.child.kill('SIGTERM');
  const timer = setTimeout(() => desk.child.kill('SIGKILL'), 20_000);
  await desk.exited;
  clearTimeout(timer);
}

/** Whether process `pid` holds an inotify watch on the inode `ino` (Linux /proc); null when unknown. */
function watches(pid: number, ino: number): boolean | null {
  const hex = ino.toString(16);
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fdinfo`);
  } catch {
    return null;
  }
  for (const fd of fds) {
    try {
      const info = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
      if (new RegExp(`^inotify .*\\bino:${hex}\\b`, 'm').test(info)) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

/** Until every desk watches `folder` (an inotify watch on it), so files moved in now are seen as they land. */
async function desksWatching(desks: Desk[], folder: string): Promise<void> {
  const ino = fs.statSync(folder).ino;
  const deadline = Date.now() + 120_000;
  for (;;) {
    for (const d of desks)
      if (d.child.exitCode !== null) throw new Error(`a desk ended at start-up:\n${d.stderr()}`);
    const seen = desks.map((d) => watches(d.child.pid ?? -1, ino));
    if (seen.some((s) => s === null)) {
      progress('no /proc here: giving the desks 10 s to start watching');
      await sleep(10_000);
      return;
    }
    if (seen.every(Boolean)) return;
    if (Date.now() > deadline)
      throw new Error(`the desks did not start watching within 2 min:\n${desks.map((d) => d.stderr()).join('\n')}`);
    await sleep(100);
  }
}

interface LedgerState {
  rows: number;
  settledNames: number;
  doneNames: number;
  open: number;
  lastUpdate: number;
}

const STATE_SQL = (table: string) => `
  SELECT count(*) AS rows_,
         count(DISTINCT CASE WHEN state IN ('done', 'failed', 'skipped') THEN name END) AS settled,
         count(DISTINCT CASE WHEN state = 'done' THEN name END) AS done_,
         coalesce(sum(CASE WHEN state IN ('done', 'failed', 'skipped') THEN 0 ELSE 1 END), 0) AS open_,
         coalesce(max(updated_at), 0) AS last_
    FROM ${table}`;

type StateRow = { rows_: unknown; settled: unknown; done_: unknown; open_: unknown; last_: unknown };
const toState = (r: StateRow): LedgerState => ({
  rows: Number(r.rows_),
  settledNames: Number(r.settled),
  doneNames: Number(r.done_),
  open: Number(r.open_),
  lastUpdate: Number(r.last_),
});

/** Reads the state of a run's ledger: the team's PostgreSQL database or the lone desk's SQLite file. */
interface LedgerReader {
  state(): Promise<LedgerState | null>;
  perDesk(): Promise<number[]>;
  close(): Promise<void>;
}

function sqliteReader(file: string): LedgerReader {
  let db: Database.Database | null = null;
  const open = (): Database.Database | null => {
    if (!db && fs.existsSync(file)) db = new Database(file, { readonly: true, fileMustExist: true });
    return db;
  };
  return {
    async state() {
      try {
        const d = open();
        return d ? toState(d.prepare(STATE_SQL('jobs')).get() as StateRow) : null;
      } catch {
        return null; // the schema is being made
      }
    },
    async perDesk() {
      return [];
    },
    async close() {
      db?.close();
    },
  };
}

async function postgresReader(url: string): Promise<LedgerReader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    async state() {
      try {
        const { rows } = await client.query<StateRow>(STATE_SQL(`${PG_SCHEMA}.jobs`));
        return rows[0] ? toState(rows[0]) : null;
      } catch {
        return null; // the schema is being made
      }
    },
    async perDesk() {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${PG_SCHEMA}.jobs WHERE state = 'done' GROUP BY desk ORDER BY n DESC`,
      );
      return rows.map((r) => Number(r.n));
    },
    async close() {
      await client.end();
    },
  };
}

/** Every record of the simulator's account: how many per file name, and how many got their bytes. */
async function recordsByName(sim: SimProcess): Promise<{ total: number; created: Map<string, number>; sent: Map<string, number> }> {
  const client = new AuthentaClient({ baseUrl: sim.url, credentials: { kind: 'client', ...sim.credentials } });
  const created = new Map<string, number>();
  const sent = new Map<string, number>();
  let total = 0;
  for (let offset = 0; ; offset += 100) {
    const { data } = await client.listMedia({ limit: 100, offset });
    for (const r of data.data) {
      total++;
      const name = String(r.name);
      created.set(name, (created.get(name) ?? 0) + 1);
      if (r.status !== 'INITED') sent.set(name, (sent.get(name) ?? 0) + 1);
    }
    if (data.data.length < 100 || offset + 100 >= data.total) break;
  }
  return { total, created, sent };
}

function calls(log: readonly RequestLogEntry[]) {
  const api = log.filter((r) => r.route.startsWith('/media') || r.route.startsWith('/v1/'));
  return {
    query: api.filter((r) => r.method === 'GET').length,
    lists: api.filter((r) => r.method === 'GET' && r.route === '/media').length,
    gets: api.filter((r) => r.method === 'GET' && r.route === '/media/:mid').length,
    mutation: api.filter((r) => r.method === 'POST' || r.method === 'DELETE').length,
    puts: log.filter((r) => r.method === 'PUT' && r.status >= 200 && r.status < 300).length,
  };
}

function readClaims(dir: string): number[] {
  const all: number[] = [];
  for (const f of fs.readdirSync(dir))
    if (f.endsWith('.json')) all.push(...(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as number[]));
  return all;
}

async function runLayout(
  root: string,
  cluster: PostgresCluster,
  layout: Layout,
  latencyMs: number,
): Promise<Outcome> {
  const label = `${layout.ledger}-${layout.desks}-${latencyMs}`;
  const base = path.join(root, label);
  const inbox = path.join(base, 'drop');
  const claimLog = path.join(base, 'claims');
  fs.mkdirSync(inbox, { recursive: true });
  fs.mkdirSync(claimLog);
  const staged = writeImages(path.join(base, 'staging'), label);
  const sim = await startSimProcess({ processingMs: PROCESSING_MS }, { latencyMs });
  const db = layout.ledger === 'postgres' ? await cluster.createDatabase('aw_team_bench') : null;
  const desks: Desk[] = [];
  let reader: LedgerReader | null = null;
  try {
    for (let i = 0; i < layout.desks; i++)
      desks.push(
        startDesk({
          sim,
          dataDir: path.join(base, `desk-${i + 1}`),
          folder: inbox,
          ledgerUrl: db?.url ?? null,
          claimLog,
        }),
      );
    await desksWatching(desks, inbox);
    reader = db ? await postgresReader(db.url) : sqliteReader(path.join(base, 'desk-1', 'ledger.sqlite'));

    const t0 = Date.now();
    // The files land together, as a card reader's dump or a sync would bring them.
    for (const f of staged) fs.renameSync(f, path.join(inbox, path.basename(f)));
    let state: LedgerState | null = null;
    for (;;) {
      await sleep(250);
      for (const d of desks)
        if (d.child.exitCode !== null) throw new Error(`a desk ended during the run:\n${d.stderr()}`);
      state = await reader.state();
      if (state && state.settledNames >= FILES && state.open === 0) break;
      if (Date.now() - t0 > RUN_LIMIT_MS)
        throw new Error(
          `not finished after ${RUN_LIMIT_MS / 60_000} min: ${JSON.stringify(state)}\n${desks.map((d) => d.stderr()).join('\n')}`,
        );
    }
    const log = await sim.requests();
    const perDesk = await reader.perDesk();
    await Promise.all(desks.map(stopDesk));
    const records = await recordsByName(sim);
    const twice = (m: Map<string, number>) => [...m.values()].filter((n) => n > 1).length;
    const notes: string[] = [];
    if (state.doneNames < FILES) notes.push(`${FILES - state.doneNames} not done (failed or skipped)`);
    return {
      layout,
      latencyMs,
      ms: state.lastUpdate - t0,
      verdicts: state.doneNames,
      rows: state.rows,
      ...calls(log),
      claims: readClaims(claimLog),
      records: records.total,
      createdTwice: twice(records.created),
      uploadedTwice: twice(records.sent),
      perDesk,
      notes,
    };
  } finally {
    await Promise.all(desks.map(stopDesk));
    await reader?.close();
    await sim.close();
    await db?.drop();
    fs.rmSync(base, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  progress('building the CLI if it is not built...');
  ensureCliBuilt();
  const root = makeTempDir('team-ledger');
  progress('starting a throwaway PostgreSQL (durable)...');
  const cluster = await startPostgres({ durable: true });
  const outcomes: Outcome[] = [];
  try {
    for (const latencyMs of [0, LATENCY_MS]) {
      for (const layout of LAYOUTS) {
        progress(`${layout.label}, ${latencyMs ? `${latencyMs} ms per API call` : 'plain loopback'}: ${FILES} images...`);
        const o = await runLayout(root, cluster, layout, latencyMs);
        progress(
          `  ${(o.ms / 1000).toFixed(1)} s, ${o.records} records, ${o.uploadedTwice} uploaded twice, ${o.query} Query calls`,
        );
        outcomes.push(o);
      }
    }
  } finally {
    await cluster.dispose();
    removeTempDir(root);
  }
  report(outcomes);
}

function report(outcomes: Outcome[]): void {
  const fps = (o: Outcome) => o.verdicts / (o.ms / 1000);
  const find = (latencyMs: number, ledger: LedgerKind, desks: number) =>
    outcomes.find((o) => o.latencyMs === latencyMs && o.layout.ledger === ledger && o.layout.desks === desks);

  console.log(
    `${FILES.toLocaleString('en')} PNG images of ${SIZE / 1024} KiB (distinct bytes) moved at once into one watched folder, ` +
      `checked by desks that are separate processes of the built CLI (\`authenta-watch\`, watching, ${CONCURRENCY} uploads at once ` +
      `each: the CLI's default, set with --concurrency; ${STABILITY_MS / 1000} s stability window), against one simulator in its own ` +
      `process (${PROCESSING_MS / 1000} s processing). One desk on its own SQLite ledger; one desk on a PostgreSQL ledger; ` +
      `${TEAM} desks sharing that PostgreSQL ledger (a throwaway local server with fsync on, TCP on loopback, a fresh database ` +
      `per run). Each layout runs on plain loopback and with the simulator answering every API call ${LATENCY_MS} ms late ` +
      `(the storage PUTs get no added delay). Time: from the files landing until the last verdict is in the ledger.\n`,
  );
  const rows = outcomes.map((o) => {
    const one = find(o.latencyMs, 'postgres', 1);
    const oneQ = one ? one.query / FILES : NaN;
    return [
      o.layout.label,
      o.latencyMs ? `+${o.latencyMs} ms` : 'loopback',
      fixed(o.ms / 1000, 1),
      fixed(fps(o), 1),
      one ? ratio(fps(o), fps(one)) : 'n/a',
      `${fixed(o.query / FILES, 3)} (${o.lists} list + ${o.gets} get)`,
      o.layout.desks > 1 ? ratio(o.query / FILES, oneQ) : '-',
      fixed(o.mutation / FILES, 2),
      String(o.claims.length),
      fixed(quantile(o.claims, 0.5), 2),
      fixed(quantile(o.claims, 0.99), 2),
      `${o.records} (${o.createdTwice} files twice)`,
      String(o.uploadedTwice),
      o.perDesk.length > 1 ? o.perDesk.join(' / ') : '-',
      `${o.verdicts}/${FILES}`,
    ];
  });
  console.log(
    table(
      [
        'Desks and ledger',
        'Network',
        'Time (s)',
        'Files/s',
        'Speed vs 1 desk on PostgreSQL',
        'Query calls per file',
        'Query per file vs 1 desk',
        'Mutation calls per file',
        'Claims',
        'Claim p50 (ms)',
        'Claim p99 (ms)',
        'Records created',
        'Files uploaded twice',
        'Files per desk',
        'Verdicts',
      ],
      rows,
    ),
  );
  console.log(
    '\nClaims: every claim statement the desks ran (one per file claimed, plus those that found nothing waiting), ' +
      'timed in the desk around the call (bench/lib/claim-timer.mjs, preloaded): the round trip to the ledger, a wait for a ' +
      'pooled connection included. Query and Mutation calls: every API call in the simulator\'s log for the run, the ' +
      "desks' start-up included. Records created: the simulator's records after the run; files uploaded twice: file names " +
      'with more than one record that received its bytes.',
  );
  const goals: string[] = [];
  const slow3 = find(LATENCY_MS, 'postgres', TEAM);
  const slow1 = find(LATENCY_MS, 'postgres', 1);
  const fast3 = find(0, 'postgres', TEAM);
  const fast1 = find(0, 'postgres', 1);
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  if (slow3 && slow1) {
    const r = fps(slow3) / fps(slow1);
    goals.push(`with ${LATENCY_MS} ms per call, ${TEAM} desks at least 1.5x as fast as one: ${r.toFixed(2)}x, ${met(r >= 1.5)}`);
  }
  if (fast3 && fast1) {
    const r = fps(fast3) / fps(fast1);
    goals.push(`on plain loopback, ${TEAM} desks no slower than one: ${r.toFixed(2)}x, ${met(r >= 1.0)}`);
  }
  for (const [three, one, net] of [
    [fast3, fast1, 'loopback'],
    [slow3, slow1, `+${LATENCY_MS} ms`],
  ] as const) {
    if (three && one) {
      const r = three.query / one.query;
      goals.push(`the team's Query calls per file at most 1.2x a single desk's (${net}): ${r.toFixed(2)}x, ${met(r <= 1.2)}`);
    }
  }
  const twice = outcomes.reduce((n, o) => n + o.uploadedTwice, 0);
  goals.push(`no file uploaded twice: ${twice} in all runs, ${met(twice === 0)}`);
  console.log(`\nIssue 11's goals: ${goals.join('; ')}.`);
  const notes = outcomes.filter((o) => o.notes.length).map((o) => `${o.layout.label} (${o.latencyMs} ms): ${o.notes.join('; ')}`);
  if (notes.length) console.log(`\nNotes: ${notes.join('; ')}.`);
  console.log(`\n${machineNote()}`);
}

runBench(main);
