/**
 * A real engine for integration tests: a temp data dir and folders, a simulator on 127.0.0.1,
 * real SQLite, real chokidar, in-memory settings and secrets, and helpers that wait for
 * conditions instead of sleeping. `restart()` disposes the engine and starts a new one on the same
 * data dir, settings, secrets and simulator (what a crash-and-restart looks like to the ledger).
 *
 *   const h = await startHarness();
 *   const folder = await h.watch('inbox');
 *   await h.write('inbox/a.png', makePng({ marker: 'AUTHENTA-SIM:fake' }));
 *   const job = await h.waitForJob((j) => j.name === 'a.png' && j.state === 'done');
 *   await h.close();
 */
import { mkdtempSync, realpathSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FolderOptions, FolderStatus, Job, JobState } from '../../src/shared/domain';
import type { Preferences, ProfileRecord } from '../../src/shared/settings';
import { defaultSettings } from '../../src/shared/settings';
import { Engine, type EngineOptions } from '../../src/main/core/engine';
import { createLogger, MemoryLogSink } from '../../src/main/core/logger';
import type { Clock, Credentials, Disposable } from '../../src/main/core/ports';
import { InMemorySecretStore } from '../../src/main/core/secrets/in-memory-secret-store';
import { InMemorySettingsStore } from '../../src/main/core/settings/in-memory-settings-store';
import {
  startSimulator,
  type RequestLogEntry,
  type Simulator,
  type SimulatorOptions,
} from '../../src/main/sim';

/**
 * Real time that a test can move forward: `advance(ms)` jumps ahead and fires the timers that
 * became due (a 15-minute quota cool-down in a millisecond). Everything else runs on real timers.
 */
export class TestClock implements Clock {
  private offset = 0;
  private readonly timers = new Set<{ due: number; fn: () => void; real: NodeJS.Timeout }>();

  now(): number {
    return Date.now() + this.offset;
  }

  setTimeout(fn: () => void, ms: number): Disposable {
    const timer = { due: this.now() + ms, fn, real: null as unknown as NodeJS.Timeout };
    timer.real = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.real.unref?.();
    this.timers.add(timer);
    return {
      dispose: () => {
        clearTimeout(timer.real);
        this.timers.delete(timer);
      },
    };
  }

  /** Jump `ms` ahead; timers now due fire at once, in order. */
  advance(ms: number): void {
    this.offset += ms;
    const due = [...this.timers].filter((t) => t.due <= this.now()).sort((a, b) => a.due - b.due);
    for (const t of due) {
      clearTimeout(t.real);
      this.timers.delete(t);
      t.fn();
    }
  }
}

/** The profile the harness makes for its simulator (a real media-API profile, not the Sandbox). */
export const SIM_PROFILE_ID = 'sim';

export interface HarnessOptions {
  /** Simulator options; processingMs defaults to 300. */
  sim?: SimulatorOptions;
  /** Engine options on top of the harness's. */
  engine?: Partial<EngineOptions>;
  /** Which credentials the profile gets: the demo client pair (default), the demo API key, or none. */
  auth?: 'client' | 'apikey' | 'none' | Credentials;
  /** Use the built-in Sandbox profile instead (the engine starts its own simulator). */
  sandbox?: boolean;
  /** Preferences of the settings the engine starts with (concurrency, size limit, cool-down, ...). */
  preferences?: Partial<Preferences>;
  /** Lowest level kept in `logs` (default debug); tests check logs for secrets. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What was awaited, for the timeout error; a function is asked only then. */
  message?: string | (() => string | Promise<string>);
}

export interface Harness {
  /** The temp root; folders and the data dir live under it. */
  root: string;
  dataDir: string;
  sim: Simulator;
  engine: Engine;
  /** The engine's clock: real time, plus what `advance` skipped. */
  clock: TestClock;
  settings: InMemorySettingsStore;
  secrets: InMemorySecretStore;
  logs: MemoryLogSink;
  /** A folder under the root (created), watched with fast test settings plus `options`. */
  watch(name: string, options?: Partial<FolderOptions>): Promise<FolderStatus>;
  /** Absolute path under the root. */
  path(rel: string): string;
  /** Write a file under the root (its folder is created). Returns its absolute path. */
  write(rel: string, bytes: Buffer): Promise<string>;
  /** Every job, oldest first. */
  jobs(): Promise<Job[]>;
  /** Poll `fn` until it returns something truthy; throws with `message` on timeout. */
  waitFor<T>(fn: () => T | Promise<T>, options?: WaitOptions): Promise<NonNullable<T>>;
  /** The first job matching `match` (a name or a predicate) once it is in one of `states` (default: any terminal). */
  waitForJob(
    match: string | ((j: Job) => boolean),
    states?: readonly JobState[],
    options?: WaitOptions,
  ): Promise<Job>;
  /** Simulator requests since `from` (an index into sim.requests), optionally of one route and method. */
  requests(filter?: { method?: string; route?: string; from?: number }): RequestLogEntry[];
  /** Dispose the engine and start a new one on the same data, settings, secrets and simulator. */
  restart(engine?: Partial<EngineOptions>): Promise<Engine>;
  /** Dispose everything and delete the temp root. */
  close(): Promise<void>;
}

/** Folder options that make tests quick: a short stability window. */
export const FAST_FOLDER: Partial<FolderOptions> = { stabilityMs: 150 };

const TERMINAL: readonly JobState[] = ['done', 'failed', 'skipped'];

/** Start a simulator and an engine on temp folders. Always `close()` it (afterEach). */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'aw-engine-')));
  const dataDir = join(root, 'data');
  const sim = await startSimulator({ processingMs: 300, ...options.sim });
  const logs = new MemoryLogSink();
  const logger = createLogger({ sinks: [logs], level: options.logLevel ?? 'debug' });
  const secrets = new InMemorySecretStore();
  const initial = defaultSettings();
  initial.preferences = { ...initial.preferences, ...options.preferences };
  if (!options.sandbox) {
    const auth = options.auth ?? 'client';
    const profile: ProfileRecord = {
      id: SIM_PROFILE_ID,
      name: 'Simulator',
      baseUrl: sim.url,
      generation:
        auth === 'apikey' || (typeof auth === 'object' && auth.kind === 'apikey')
          ? 'media-apikey'
          : 'media-client',
      simulated: false,
    };
    initial.profiles.push(profile);
    initial.activeProfileId = SIM_PROFILE_ID;
    const creds: Credentials | null =
      auth === 'client'
        ? { kind: 'client', ...sim.credentials }
        : auth === 'apikey'
          ? { kind: 'apikey', apiKey: sim.apiKey }
          : auth === 'none'
            ? null
            : auth;
    if (creds) await secrets.set(SIM_PROFILE_ID, creds);
  }
  const settings = new InMemorySettingsStore(initial);
  const processingMs = options.sim?.processingMs ?? 300;
  const clock = new TestClock();

  const makeEngine = async (extra: Partial<EngineOptions> = {}): Promise<Engine> => {
    const engine = new Engine({
      dataDir,
      logger,
      clock,
      settings,
      secrets,
      sandboxProcessingMs: processingMs,
      pollTuning: { defaultImageMs: processingMs, defaultVideoMs: processingMs },
      watcher: { healthCheckMs: 1_000 },
      random: () => 0.5,
      eventIntervalMs: 20,
      progressIntervalMs: 50,
      ...options.engine,
      ...extra,
    });
    await engine.start();
    return engine;
  };

  let engine = await makeEngine();
  let closed = false;

  const waitFor = async <T>(fn: () => T | Promise<T>, o: WaitOptions = {}): Promise<NonNullable<T>> => {
    const timeout = o.timeoutMs ?? 30_000;
    const started = Date.now();
    let last: T | undefined;
    for (;;) {
      last = await fn();
      if (last) return last as NonNullable<T>;
      if (Date.now() - started > timeout) {
        const what = typeof o.message === 'function' ? await o.message() : (o.message ?? 'a condition');
        throw new Error(`Timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
      }
      await new Promise((r) => setTimeout(r, o.intervalMs ?? 40));
    }
  };

  const h: Harness = {
    root,
    dataDir,
    sim,
    clock,
    get engine() {
      return engine;
    },
    settings,
    secrets,
    logs,
    async watch(name, folderOptions = {}) {
      const path = join(root, name);
      await mkdir(path, { recursive: true });
      const status = await engine.addFolder({ path, options: { ...FAST_FOLDER, ...folderOptions } });
      await waitFor(
        async () => {
          const s = await engine.getStatus();
          const f = s.folders.find((x) => x.id === status.id);
          return f && f.health.state !== 'starting';
        },
        { message: `folder ${name} to be watched` },
      );
      return status;
    },
    path: (rel) => join(root, rel),
    async write(rel, bytes) {
      const path = join(root, rel);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes);
      return path;
    },
    async jobs() {
      return (await engine.listJobs({ sort: 'createdAt', order: 'asc', limit: 20_000 })).jobs;
    },
    waitFor,
    async waitForJob(match, states = TERMINAL, o = {}) {
      const test = typeof match === 'string' ? (j: Job) => j.name === match : match;
      return waitFor(async () => (await h.jobs()).find((j) => test(j) && states.includes(j.state)), {
        timeoutMs: o.timeoutMs,
        message:
          o.message ??
          (async () =>
            `job ${typeof match === 'string' ? match : '(predicate)'} in ${states.join('/')}; jobs: ${JSON.stringify(
              (await h.jobs()).map((j) => [j.id, j.name, j.state, j.errorCode]),
            )}`),
      });
    },
    requests(filter = {}) {
      return sim.requests
        .slice(filter.from ?? 0)
        .filter(
          (r) =>
            (!filter.method || r.method === filter.method) && (!filter.route || r.route === filter.route),
        );
    },
    async restart(extra) {
      await engine.dispose();
      engine = await makeEngine(extra);
      return engine;
    },
    async close() {
      if (closed) return;
      closed = true;
      await engine.dispose();
      await sim.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return h;
}
