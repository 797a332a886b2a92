/**
 * A newsroom in a test (issue 11): N desks, each a separate process of the BUILT CLI
 * (`node bin/authenta-watch.js`, watching, `--json`, `--ledger postgres://...`, its own data
 * folder and desk name), one shared simulator on 127.0.0.1 and one throwaway PostgreSQL database
 * (tests/helpers/postgres.ts). Desks can be killed (SIGKILL, as a crash or a pulled plug does) and
 * started again on the same data folder; the server can be stopped and started under them.
 *
 * What the team did is read where a user or an auditor would see it: the ledger's rows (one SQL
 * query, cheap enough to poll), each desk's NDJSON lines, `authenta-watch report --ledger`, and
 * the simulator's request log, where records created and PUTs are counted per file.
 *
 *   const startTeam = useDeskTeams();                   // an afterEach kills desks, drops the database
 *   const team = await startTeam({ desks: 3 });         // in a test
 *   team.start();
 *   const names = await team.writeFiles(300);
 *   await team.waitForDone(names);
 *   expect(team.createsByFile()).toEqual(...);
 *
 * Children are always killed: by `close()`, and by an exit hook if the worker dies first.
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach } from 'vitest';
import { PG_SCHEMA } from '../../src/main/core/ledger/postgres-migrations';
import { DESK_FILE } from '../../src/main/core/ledger/desk';
import type { NdjsonLine, JobLine } from '../../src/main/headless/ndjson';
import { TERMINAL_STATES } from '../../src/shared/domain';
import {
  startSimulator,
  type RequestLogEntry,
  type Simulator,
  type SimulatorOptions,
} from '../../src/main/sim';
import { ensureCliBuilt } from '../integration/cli/cli-build';
import { ndjson, runCli, spawnCli, type CliResult, type RunningCli } from '../integration/cli/run-cli';
import { makePng, simMarker } from './media-fixtures';
import { startPostgres, type PostgresCluster, type TestDatabase } from './postgres';

/** The API key every desk uses (the simulator accepts it). */
export const TEAM_API_KEY = 'api_apikey_team-desks-3c9f1a';

/** How a team starts. Every field is optional. */
export interface DeskTeamOptions {
  /** How many desks (default 3). */
  desks?: number;
  /**
   * The folder desk `index` watches, given the shared (real) folder: default the shared folder
   * itself. Return another path to the same directory (a symlink) to play a share mounted under
   * different paths on different desks.
   */
  folderFor?: (shared: string, index: number, root: string) => string;
  /** `postgres` (default): one shared team ledger; `sqlite`: each desk its own (one desk, benchmarks). */
  ledger?: 'postgres' | 'sqlite';
  /** A running cluster to create the database in (kept running); default: one of the team's own. */
  cluster?: PostgresCluster;
  /** Simulator options (default processingMs 150 and the team's API key). */
  sim?: SimulatorOptions;
  /** `--stability` in ms (default 100). */
  stabilityMs?: number;
  /** `--concurrency` (default: the CLI's). */
  concurrency?: number;
  /** `--api` (default media: no detection calls). */
  api?: 'media' | 'jobs';
  /** More CLI options for every desk, before the folder. */
  extraArgs?: string[];
  /** More environment for every desk. */
  env?: Record<string, string>;
  /** More environment for desk `index` (after `env`): e.g. other credentials of the same account. */
  envFor?: (index: number) => Record<string, string>;
}

/** One row of the team ledger, as the test reads it (a subset of the jobs table). */
export interface TeamRow {
  id: number;
  path: string;
  name: string;
  state: string;
  verdict: string | null;
  desk: string | null;
  remoteId: string | null;
  errorMessage: string | null;
  recordsCreated: number;
}

/** One desk: a CLI process (or none, between a kill and a start) on its own data folder. */
export interface Desk {
  readonly index: number;
  /** The desk's name as the ledger's `desk` column shows it (written to its desk.json). */
  readonly name: string;
  readonly dataDir: string;
  /** The path this desk watches. */
  readonly folder: string;
  /** True between `start()` and the process's end. */
  readonly running: boolean;
  /** How many times it was started. */
  readonly starts: number;
  /** The current (or last) process. */
  readonly process: RunningCli | null;
  /** How each earlier process ended, oldest first. */
  readonly exits: readonly CliResult[];
  /** Start the desk's CLI (again, on the same data folder). Throws if it runs. */
  start(): void;
  /** Kill the process (SIGKILL by default) and wait for it to end; null when none ran. */
  kill(signal?: NodeJS.Signals): Promise<CliResult | null>;
  /** Ask it to finish (SIGTERM), SIGKILL after `graceMs` (default 30 s); null when none ran. */
  stop(graceMs?: number): Promise<CliResult | null>;
  /** stdout of every run so far, concatenated. */
  stdout(): string;
  /** stderr of every run so far, concatenated. */
  stderr(): string;
  /** The NDJSON lines of every run so far. */
  lines(): NdjsonLine[];
  /** The last job line per file name this desk printed (what its user last saw of each file). */
  lastSeen(): Map<string, JobLine>;
}

/** A running team. */
export interface DeskTeam {
  /** The temp folder holding everything. */
  readonly root: string;
  /** The shared drop folder (its real path). */
  readonly folder: string;
  readonly sim: Simulator;
  /** The cluster (null for `ledger: 'sqlite'`). */
  readonly cluster: PostgresCluster | null;
  /** The team's database (null for `ledger: 'sqlite'`). */
  readonly db: TestDatabase | null;
  readonly desks: readonly Desk[];
  /** Start every desk. */
  start(): void;
  /**
   * Drop `count` distinct small PNGs into the shared folder (written beside it, then renamed in:
   * a watcher sees each file complete). Names `${prefix}NNN.png`; returns them. Every third is
   * marked fake, the others real.
   */
  writeFiles(
    count: number,
    options?: { prefix?: string; padding?: number; from?: number },
  ): Promise<string[]>;
  /** Drop one file into the shared folder (renamed in). */
  writeFile(name: string, bytes: Buffer): Promise<void>;
  /** The ledger's rows (PostgreSQL only); throws while the server is away. */
  rows(): Promise<TeamRow[]>;
  /** A row's timeline, oldest first: `state (note)` per transition. */
  timeline(id: number): Promise<string[]>;
  /** Poll `check` until it returns a value other than null/undefined/false; fails after `timeoutMs`. */
  waitFor<T>(
    check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
    options?: {
      timeoutMs?: number;
      intervalMs?: number;
      message?: string | (() => string | Promise<string>);
    },
  ): Promise<T>;
  /** Wait until the ledger holds every name in a finished state; returns the rows of those names. */
  waitForDone(names: readonly string[], timeoutMs?: number): Promise<TeamRow[]>;
  /** Records created (POST /media or POST /v1/jobs) per file name, from the simulator's log. */
  createsByFile(): Map<string, number>;
  /** Upload PUTs per file name (`ok`: only the ones the storage accepted). */
  putsByFile(options?: { ok?: boolean }): Map<string, number>;
  /** Upload PUTs logged so far (in flight ones have status 0). */
  puts(): RequestLogEntry[];
  /** `authenta-watch report --format json --ledger <url>` (with this desk's data folder): its rows. */
  report(desk?: Desk): Promise<Record<string, unknown>[]>;
  /** Kill every desk, close the simulator, drop the database, stop an own cluster, delete the temp folder. */
  close(): Promise<void>;
}

const live = new Set<RunningCli>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of live) p.child.kill('SIGKILL');
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const FINISHED = new Set<string>(TERMINAL_STATES);

/** Start a simulator, a database (and a cluster unless given) and N desks' folders; no desk runs yet. */
/**
 * For a test file: a function that starts the running test's team (`startDeskTeam`), and an
 * afterEach, registered by this call, that closes it once the test ends (first letting go of the
 * uploads the simulator holds, so no desk waits on one).
 */
export function useDeskTeams(): (options?: DeskTeamOptions) => Promise<DeskTeam> {
  let team: DeskTeam | null = null;
  afterEach(async () => {
    if (team) team.sim.faults.holdPuts = false;
    await team?.close();
    team = null;
  }, 120_000);
  return async (options) => {
    team = await startDeskTeam(options);
    return team;
  };
}

export async function startDeskTeam(options: DeskTeamOptions = {}): Promise<DeskTeam> {
  const count = options.desks ?? 3;
  const usePostgres = (options.ledger ?? 'postgres') === 'postgres';
  if (!usePostgres && count !== 1) throw new Error('startDeskTeam: a SQLite ledger is one desk');
  ensureCliBuilt();
  const root = realpathSync(await mkdtemp(join(tmpdir(), 'aw-desks-')));
  const folder = join(root, 'drop');
  const staging = join(root, 'staging');
  mkdirSync(folder, { recursive: true });
  mkdirSync(staging, { recursive: true });

  let ownCluster: PostgresCluster | null = null;
  let cluster: PostgresCluster | null = null;
  let db: TestDatabase | null = null;
  let sim: Simulator | null = null;
  try {
    if (usePostgres) {
      cluster = options.cluster ?? (ownCluster = await startPostgres());
      db = await cluster.createDatabase('aw_desks');
    }
    sim = await startSimulator({
      processingMs: 150,
      apiKeys: [{ key: TEAM_API_KEY }],
      ...options.sim,
    });
  } catch (e) {
    await sim?.close();
    await db?.drop().catch(() => undefined);
    await ownCluster?.dispose();
    await rm(root, { recursive: true, force: true });
    throw e;
  }
  const theSim = sim;
  installExitHook();

  const desks: DeskImpl[] = [];
  for (let i = 0; i < count; i++) {
    const dataDir = join(root, `desk-${i + 1}`);
    const name = `desk-${i + 1}`;
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, DESK_FILE), `${JSON.stringify({ desk: name })}\n`);
    const watched = options.folderFor?.(folder, i, root) ?? folder;
    const args = [
      '--json',
      '--api',
      options.api ?? 'media',
      '--base-url',
      theSim.url,
      '--data-dir',
      dataDir,
      '--stability',
      String(options.stabilityMs ?? 100),
      ...(options.concurrency !== undefined ? ['--concurrency', String(options.concurrency)] : []),
      ...(db ? ['--ledger', db.url] : []),
      ...(options.extraArgs ?? []),
      watched,
    ];
    const env = { AUTHENTA_API_KEY: TEAM_API_KEY, ...options.env, ...options.envFor?.(i) };
    desks.push(new DeskImpl(i, name, dataDir, watched, args, env));
  }

  const sql = async <T extends pg.QueryResultRow>(text: string): Promise<T[]> => {
    if (!db) throw new Error('The team has no PostgreSQL ledger (ledger: sqlite).');
    const client = new pg.Client({ connectionString: db.url, connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  const nameByRecord = (): Map<string, string> => {
    const byMid = new Map<string, string>();
    for (const r of theSim.requests)
      if (r.method === 'POST' && r.mid && r.name !== undefined) byMid.set(r.mid, r.name);
    return byMid;
  };

  const waitFor: DeskTeam['waitFor'] = async (check, o = {}) => {
    const deadline = Date.now() + (o.timeoutMs ?? 120_000);
    let lastError: unknown = null;
    for (;;) {
      try {
        const v = await check();
        lastError = null;
        if (v !== null && v !== undefined && v !== false) return v;
      } catch (e) {
        lastError = e;
      }
      if (Date.now() > deadline) {
        const m = typeof o.message === 'function' ? await o.message() : (o.message ?? 'condition');
        const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
        throw new Error(`Timed out after ${o.timeoutMs ?? 120_000} ms waiting for: ${m}${why}`);
      }
      await sleep(o.intervalMs ?? 250);
    }
  };

  const rows = async (): Promise<TeamRow[]> => {
    const r = await sql<{
      id: string;
      path: string;
      name: string;
      state: string;
      verdict_label: string | null;
      desk: string | null;
      remote_id: string | null;
      error_message: string | null;
      records_created: number;
    }>(
      `SELECT id, path, name, state, verdict_label, desk, remote_id, error_message, records_created
         FROM ${PG_SCHEMA}.jobs ORDER BY id`,
    );
    return r.map((x) => ({
      id: Number(x.id),
      path: x.path,
      name: x.name,
      state: x.state,
      verdict: x.verdict_label,
      desk: x.desk,
      remoteId: x.remote_id,
      errorMessage: x.error_message,
      recordsCreated: Number(x.records_created),
    }));
  };

  let counter = 0;
  const team: DeskTeam = {
    root,
    folder,
    sim: theSim,
    cluster,
    db,
    desks,
    start() {
      for (const d of desks) d.start();
    },
    async writeFiles(n, o = {}) {
      const prefix = o.prefix ?? 'f';
      const from = o.from ?? 0;
      const names: string[] = [];
      for (let i = from; i < from + n; i++) {
        const name = `${prefix}${String(i).padStart(3, '0')}.png`;
        const marker = simMarker(i % 3 === 0 ? 'fake' : 'real');
        // Distinct bytes per file (the padding's length), so no two are one record by hash.
        await team.writeFile(name, makePng({ marker, padding: (o.padding ?? 32) + i }));
        names.push(name);
      }
      return names;
    },
    async writeFile(name, bytes) {
      const tmp = join(staging, `${++counter}-${name}`);
      await writeFile(tmp, bytes);
      await rename(tmp, join(folder, name));
    },
    rows,
    async timeline(id) {
      const r = await sql<{ state: string; note: string | null }>(
        `SELECT state, note FROM ${PG_SCHEMA}.job_transitions WHERE job_id = ${Number(id)} ORDER BY id`,
      );
      return r.map((x) => (x.note ? `${x.state} (${x.note})` : x.state));
    },
    waitFor,
    async waitForDone(names, timeoutMs = 240_000) {
      const wanted = new Set(names);
      return waitFor(
        async () => {
          const all = (await rows()).filter((r) => wanted.has(r.name));
          const seen = new Set(all.map((r) => r.name));
          return seen.size === wanted.size && all.every((r) => FINISHED.has(r.state)) ? all : null;
        },
        {
          timeoutMs,
          intervalMs: 500,
          message: async () => {
            const all = await rows().catch(() => [] as TeamRow[]);
            const states = new Map<string, number>();
            for (const r of all) if (wanted.has(r.name)) states.set(r.state, (states.get(r.state) ?? 0) + 1);
            const seen = new Set(all.map((r) => r.name));
            const missing = [...wanted].filter((n) => !seen.has(n));
            const creates = [...team.createsByFile().values()];
            const unfinished = all.filter((r) => wanted.has(r.name) && !FINISHED.has(r.state));
            const first = unfinished[0];
            const story = first
              ? await team.timeline(first.id).catch(() => [] as string[])
              : ([] as string[]);
            const open = unfinished
              .slice(0, 5)
              .map((r) =>
                `#${r.id} ${r.name} ${r.state} (${r.desk ?? 'no desk'}) ${r.errorMessage ?? ''}`.trim(),
              );
            return (
              `every one of ${wanted.size} files finished in the ledger; rows by state ` +
              `${JSON.stringify(Object.fromEntries(states))}, ${missing.length} without a row ` +
              `(${missing.slice(0, 5).join(', ')}); unfinished: ${open.join('; ') || 'none'}` +
              (first ? ` (#${first.id}'s timeline: ${story.join(' > ')})` : '') +
              `; records created ${creates.reduce((a, b) => a + b, 0)} ` +
              `for ${creates.length} files; desks: ${desks
                .map(
                  (d) =>
                    `${d.name} ${d.running ? 'running' : `ended ${JSON.stringify(d.exits.at(-1)?.code)}: ${d.stderr().slice(-600)}`}`,
                )
                .join(', ')}`
            );
          },
        },
      );
    },
    createsByFile() {
      const out = new Map<string, number>();
      for (const r of theSim.requests)
        if (r.method === 'POST' && (r.route === '/media' || r.route === '/v1/jobs') && r.status === 201)
          out.set(r.name ?? '?', (out.get(r.name ?? '?') ?? 0) + 1);
      return out;
    },
    putsByFile({ ok = false } = {}) {
      const names = nameByRecord();
      const out = new Map<string, number>();
      for (const r of theSim.requests) {
        if (r.method !== 'PUT' || (ok && (r.status < 200 || r.status >= 300))) continue;
        const name = names.get(r.mid ?? '') ?? `? ${r.mid}`;
        out.set(name, (out.get(name) ?? 0) + 1);
      }
      return out;
    },
    puts: () => theSim.requests.filter((r) => r.method === 'PUT'),
    async report(desk) {
      if (!db) throw new Error('report: the team has no PostgreSQL ledger');
      const res = await runCli(
        ['report', '--format', 'json', '--ledger', db.url, '--data-dir', (desk ?? desks[0]!).dataDir],
        { timeoutMs: 120_000 },
      );
      if (res.code !== 0) throw new Error(`report failed (${res.code}): ${res.stderr}`);
      return (JSON.parse(res.stdout) as { jobs: Record<string, unknown>[] }).jobs;
    },
    async close() {
      await Promise.all(desks.map((d) => d.kill('SIGKILL').catch(() => null)));
      await theSim.close().catch(() => undefined);
      // The server may have been stopped by the test: start it again to drop the database.
      if (db) {
        await db.drop().catch(async () => {
          await cluster?.start().catch(() => undefined);
          await db?.drop().catch(() => undefined);
        });
      }
      await ownCluster?.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
  return team;
}

class DeskImpl implements Desk {
  process: RunningCli | null = null;
  running = false;
  starts = 0;
  readonly exits: CliResult[] = [];
  private readonly outs: (() => string)[] = [];
  private readonly errs: (() => string)[] = [];

  constructor(
    readonly index: number,
    readonly name: string,
    readonly dataDir: string,
    readonly folder: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
  ) {}

  start(): void {
    if (this.running) throw new Error(`${this.name} is running`);
    const p = spawnCli(this.args, { env: this.env });
    this.process = p;
    this.running = true;
    this.starts++;
    live.add(p);
    this.outs.push(() => p.stdout());
    this.errs.push(() => p.stderr());
    void p.exited.then((r) => {
      live.delete(p);
      this.exits.push(r);
      if (this.process === p) this.running = false;
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<CliResult | null> {
    const p = this.process;
    if (!p || !this.running) return null;
    p.child.kill(signal);
    const r = await p.exited;
    this.running = false;
    return r;
  }

  async stop(graceMs = 30_000): Promise<CliResult | null> {
    const p = this.process;
    if (!p || !this.running) return null;
    p.child.kill('SIGTERM');
    const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
    try {
      const r = await p.exited;
      this.running = false;
      return r;
    } finally {
      clearTimeout(timer);
    }
  }

  stdout(): string {
    return this.outs.map((f) => f()).join('');
  }

  stderr(): string {
    return this.errs.map((f) => f()).join('');
  }

  lines(): NdjsonLine[] {
    // A killed run may end mid-line: keep only whole lines.
    return this.outs.flatMap((f) => {
      const text = f();
      const whole = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
      return ndjson(whole);
    });
  }

  lastSeen(): Map<string, JobLine> {
    const out = new Map<string, JobLine>();
    for (const l of this.lines()) if (l.type === 'job') out.set(l.name, l);
    return out;
  }
}
