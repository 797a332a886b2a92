/**
 * A newsroom on one share (issue 11): 1,000 small images dropped into one watched folder, checked
 * by one desk on its own SQLite ledger, by one desk on a PostgreSQL ledger, and by three desks
 * sharing that PostgreSQL ledger. The desks are the team tests' harness (tests/helpers/desks.ts):
 * each a separate process of the built CLI (`authenta-watch`, watching, its own data folder, an
 * API key, the media API named so no detection calls; the stability window is the throughput
 * benchmark's 2 s), all talking to one simulator (4 s processing) in this process, which does
 * nothing else while they work. Each layout runs twice: on plain loopback, and with the
 * simulator answering every API call 200 ms late (what a real connection to Authenta adds; the
 * storage PUTs get no added delay).
 *
 * Measured per run: wall time from the files landing until the last verdict is in the ledger,
 * files/s, Query and Mutation calls per file (the simulator's log: every call of the run, the
 * desks' start-up included), the latency of each claim of a queued file as the desk sees it
 * (a preloaded timer, bench/lib/claim-timer.mjs: the claim statement's round trip), the records
 * created and the files uploaded more than once (the simulator's log, by file name). A run that
 * has not settled after BENCH_TEAM_LIMIT_S (default 300) is reported as unfinished.
 *
 * BENCH_TEAM_FILES overrides the file count (default 1000); BENCH_TEAM_CONCURRENCY the uploads
 * each desk runs at once (default 3, the CLI's own default, set explicitly with --concurrency).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PG_SCHEMA } from '../src/main/core/ledger/postgres-migrations';
import type { RequestLogEntry } from '../src/main/sim';
import { startDeskTeam, type DeskTeam } from '../tests/helpers/desks';
import { makePng } from '../tests/helpers/media-fixtures';
import { startPostgres, type PostgresCluster } from '../tests/helpers/postgres';
import { fixed, machineNote, progress, quantile, ratio, runBench, table } from './lib/report';
import { makeTempDir, removeTempDir } from './lib/temp';

const FILES = Number(process.env['BENCH_TEAM_FILES'] ?? 1_000);
const CONCURRENCY = Number(process.env['BENCH_TEAM_CONCURRENCY'] ?? 3);
const PROCESSING_MS = 4_000;
const STABILITY_MS = 2_000;
const LATENCY_MS = 200;
const SIZE = 16 * 1024;
const TEAM = 3;
/** A run that has not finished after this long is reported as unfinished rather than waited for. */
const RUN_LIMIT_MS = Number(process.env['BENCH_TEAM_LIMIT_S'] ?? 300) * 1000;
/** How long rows may stay open after every file has its verdict before the run is ended anyway. */
const SETTLE_GRACE_MS = 20_000;
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
  /** False when the run hit RUN_LIMIT_MS before every file settled. */
  finished: boolean;
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

/** Until every desk watches the team's folder (an inotify watch on it), so files moved in now are seen as they land. */
async function desksWatching(team: DeskTeam): Promise<void> {
  const ino = fs.statSync(team.folder).ino;
  const deadline = Date.now() + 120_000;
  for (;;) {
    for (const d of team.desks)
      if (!d.running) throw new Error(`${d.name} ended at start-up:\n${d.stderr()}`);
    const seen = team.desks.map((d) => watches(d.process?.child.pid ?? -1, ino));
    if (seen.some((s) => s === null)) {
      progress('no /proc here: giving the desks 10 s to start watching');
      await sleep(10_000);
      return;
    }
    if (seen.every(Boolean)) return;
    if (Date.now() > deadline)
      throw new Error(
        `the desks did not start watching within 2 min:\n${team.desks.map((d) => d.stderr()).join('\n')}`,
      );
    await sleep(100);
  }
}

interface LedgerState {
  rows: number;
  settledNames: number;
  doneNames: number;
  open: number;
  /** When the last file got its first verdict (epoch ms, the desks' clocks). */
  verdictsAt: number;
}

const STATE_SQL = (table: string) => `
  SELECT count(*) AS rows_,
         count(DISTINCT CASE WHEN state IN ('done', 'failed', 'skipped') THEN name END) AS settled,
         count(DISTINCT CASE WHEN state = 'done' THEN name END) AS done_,
         coalesce(sum(CASE WHEN state IN ('done', 'failed', 'skipped') THEN 0 ELSE 1 END), 0) AS open_,
         (SELECT coalesce(max(f), 0) FROM (
            SELECT min(updated_at) AS f FROM ${table}
              WHERE state IN ('done', 'failed', 'skipped') GROUP BY name) s) AS last_
    FROM ${table}`;

type StateRow = { rows_: unknown; settled: unknown; done_: unknown; open_: unknown; last_: unknown };
const toState = (r: StateRow): LedgerState => ({
  rows: Number(r.rows_),
  settledNames: Number(r.settled),
  doneNames: Number(r.done_),
  open: Number(r.open_),
  verdictsAt: Number(r.last_),
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
    if (f.endsWith('.json'))
      all.push(...(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as number[]));
  return all;
}

async function runLayout(cluster: PostgresCluster, layout: Layout, latencyMs: number): Promise<Outcome> {
  const label = `${layout.ledger}-${layout.desks}-${latencyMs}`;
  const claimLog = makeTempDir(`team-claims-${label}`);
  const team = await startDeskTeam({
    desks: layout.desks,
    ledger: layout.ledger,
    cluster,
    sim: { processingMs: PROCESSING_MS },
    stabilityMs: STABILITY_MS,
    concurrency: CONCURRENCY,
    env: {
      BENCH_CLAIM_LOG: claimLog,
      NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import=${CLAIM_TIMER}`.trim(),
    },
  });
  let reader: LedgerReader | null = null;
  try {
    team.sim.faults.latencyMs = latencyMs;
    const staged = writeImages(path.join(team.root, 'bench-staging'), label);
    team.start();
    await desksWatching(team);
    reader = team.db
      ? await postgresReader(team.db.url)
      : sqliteReader(path.join(team.desks[0]!.dataDir, 'ledger.sqlite'));

    const t0 = Date.now();
    // The files land together, as a card reader's dump or a sync would bring them.
    for (const f of staged) fs.renameSync(f, path.join(team.folder, path.basename(f)));
    let state: LedgerState | null = null;
    /** Every file has a verdict; `settled`: and no row is left open either. */
    let finished = false;
    let settled = false;
    let allSeenAt = 0;
    for (;;) {
      await sleep(250);
      for (const d of team.desks)
        if (!d.running) throw new Error(`${d.name} ended during the run:\n${d.stderr()}`);
      state = (await reader.state()) ?? state;
      if (state && state.settledNames >= FILES && !finished) {
        finished = true;
        allSeenAt = Date.now();
      }
      if (finished && state!.open === 0) {
        settled = true;
        break;
      }
      // Rows still open once every file has its verdict: give them a while, then say so.
      if (finished && Date.now() - allSeenAt > SETTLE_GRACE_MS) break;
      if (Date.now() - t0 > RUN_LIMIT_MS) break;
    }
    const end = Date.now();
    // The calls it took until every file had its verdict (not those of rows left open after).
    const log = team.sim.requests.filter((r) => !finished || r.at <= state!.verdictsAt);
    const perDesk = await reader.perDesk();
    await Promise.all(team.desks.map((d) => d.stop(20_000)));
    const twice = (m: Map<string, number>) => [...m.values()].filter((n) => n > 1).length;
    const creates = team.createsByFile();
    const notes: string[] = [];
    if (!finished)
      notes.push(
        `not finished after ${RUN_LIMIT_MS / 60_000} min (time shown is until then): ` +
          `${state?.settledNames ?? 0} files settled, ${state?.open ?? '?'} rows still open, ${state?.rows ?? '?'} rows`,
      );
    else if (!settled)
      notes.push(
        `every file had its verdict, but ${state?.open} of ${state?.rows} rows were still open ` +
          `${SETTLE_GRACE_MS / 1000} s later (the ledger holds ${state?.rows} rows for ${FILES} files)`,
      );
    if (finished && state && state.doneNames < FILES)
      notes.push(`${FILES - state.doneNames} not done (failed or skipped)`);
    return {
      layout,
      latencyMs,
      finished,
      ms: finished && state ? state.verdictsAt - t0 : end - t0,
      verdicts: state?.doneNames ?? 0,
      rows: state?.rows ?? 0,
      ...calls(log),
      claims: readClaims(claimLog),
      records: [...creates.values()].reduce((a, b) => a + b, 0),
      createdTwice: twice(creates),
      uploadedTwice: twice(team.putsByFile({ ok: true })),
      perDesk,
      notes,
    };
  } finally {
    await reader?.close();
    await team.close();
    removeTempDir(claimLog);
  }
}

async function main(): Promise<void> {
  progress('starting a throwaway PostgreSQL (durable)...');
  const cluster = await startPostgres({ durable: true });
  const outcomes: Outcome[] = [];
  try {
    for (const latencyMs of [0, LATENCY_MS]) {
      for (const layout of LAYOUTS) {
        progress(
          `${layout.label}, ${latencyMs ? `${latencyMs} ms per API call` : 'plain loopback'}: ${FILES} images...`,
        );
        const o = await runLayout(cluster, layout, latencyMs);
        progress(
          `  ${(o.ms / 1000).toFixed(1)} s, ${o.records} records, ${o.uploadedTwice} uploaded twice, ${o.query} Query calls`,
        );
        outcomes.push(o);
      }
    }
  } finally {
    await cluster.dispose();
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
      `each: the CLI's default, set with --concurrency; ${STABILITY_MS / 1000} s stability window), against one simulator ` +
      `(${PROCESSING_MS / 1000} s processing) in the benchmark's process, which does nothing else meanwhile. One desk on its own SQLite ledger; one desk on a PostgreSQL ledger; ` +
      `${TEAM} desks sharing that PostgreSQL ledger (a throwaway local server with fsync on, TCP on loopback, a fresh database ` +
      `per run). Each layout runs on plain loopback and with the simulator answering every API call ${LATENCY_MS} ms late ` +
      `(the storage PUTs get no added delay). Time: from the files landing until every file has its verdict in the ledger; the API calls are counted until then.\n`,
  );
  const rows = outcomes.map((o) => {
    const one = find(o.latencyMs, 'postgres', 1);
    const oneQ = one ? one.query / FILES : NaN;
    return [
      o.layout.label,
      o.latencyMs ? `+${o.latencyMs} ms` : 'loopback',
      `${o.finished ? '' : '> '}${fixed(o.ms / 1000, 1)}`,
      o.finished ? fixed(fps(o), 1) : 'unfinished',
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
      "pooled connection included. Query and Mutation calls: every API call in the simulator's log for the run, the " +
      "desks' start-up included. Records created: record-creating calls the simulator accepted, by the file name they " +
      'named; files uploaded twice: file names with more than one upload the storage accepted.',
  );
  const goals: string[] = [];
  const slow3 = find(LATENCY_MS, 'postgres', TEAM);
  const slow1 = find(LATENCY_MS, 'postgres', 1);
  const fast3 = find(0, 'postgres', TEAM);
  const fast1 = find(0, 'postgres', 1);
  const met = (ok: boolean) => (ok ? 'met' : '**not met**');
  if (slow3 && slow1) {
    const r = slow3.finished ? fps(slow3) / fps(slow1) : NaN;
    goals.push(
      `with ${LATENCY_MS} ms per call, ${TEAM} desks at least 1.5x as fast as one: ${Number.isNaN(r) ? 'the team did not finish' : `${r.toFixed(2)}x`}, ${met(r >= 1.5)}`,
    );
  }
  if (fast3 && fast1) {
    const r = fast3.finished ? fps(fast3) / fps(fast1) : NaN;
    goals.push(
      `on plain loopback, ${TEAM} desks no slower than one: ${Number.isNaN(r) ? 'the team did not finish' : `${r.toFixed(2)}x`}, ${met(r >= 1.0)}`,
    );
  }
  for (const [three, one, net] of [
    [fast3, fast1, 'loopback'],
    [slow3, slow1, `+${LATENCY_MS} ms`],
  ] as const) {
    if (three && one) {
      const r = three.query / one.query;
      goals.push(
        `the team's Query calls per file at most 1.2x a single desk's (${net}): ${r.toFixed(2)}x, ${met(r <= 1.2)}`,
      );
    }
  }
  const twice = outcomes.reduce((n, o) => n + o.uploadedTwice, 0);
  goals.push(`no file uploaded twice: ${twice} in all runs, ${met(twice === 0)}`);
  console.log(`\nIssue 11's goals: ${goals.join('; ')}.`);
  const notes = outcomes
    .filter((o) => o.notes.length)
    .map((o) => `${o.layout.label} (${o.latencyMs} ms): ${o.notes.join('; ')}`);
  if (notes.length) console.log(`\nNotes: ${notes.join('; ')}.`);
  console.log(`\n${machineNote()}`);
}

runBench(main);
