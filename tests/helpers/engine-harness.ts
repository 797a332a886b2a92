/**
 * A real engine for integration tests: a temp data dir and folders, a simulator on 127.0.0.1,
 * real SQLite, real chokidar, in-memory settings and secrets, and helpers that wait for
 * conditions instead of sleeping. `restart()` disposes the engine and starts a new one on the same
 * data dir, settings, secrets and simulator (what a crash-and-restart looks like to the ledger).
 *
 * The engine suite runs once per API generation (GENERATIONS): the harness makes a profile of
 * the generation, and `h.api` (an ApiDialect) says what differs between them (routes, error
 * codes, model spelling, states, credentials), so one test states one expectation for both.
 *
 *   describe.each(GENERATIONS)('$label', ({ generation }) => {
 *     it('...', async () => {
 *       const h = await startHarness({ generation });
 *       await h.watch('inbox');
 *       await h.write('inbox/a.png', makePng({ marker: 'AUTHENTA-SIM:fake' }));
 *       const job = await h.waitForJob('a.png', ['done']);
 *       expect(h.creates()).toBe(1);
 *       await h.close();
 *     });
 *   });
 */
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SecretInput } from '../../src/shared/contract';
import type {
  ApiGeneration,
  FolderOptions,
  FolderStatus,
  Job,
  JobState,
  MediaKind,
} from '../../src/shared/domain';
import { modelFor } from '../../src/shared/models';
import type { Preferences, ProfileRecord } from '../../src/shared/settings';
import { defaultSettings } from '../../src/shared/settings';
import { Engine, type EngineOptions } from '../../src/main/core/engine';
import { openPostgresLedger } from '../../src/main/core/ledger/postgres-ledger';
import { openSqliteLedgerIn } from '../../src/main/core/ledger/sqlite-ledger';
import { createLogger, MemoryLogSink } from '../../src/main/core/logger';
import type { Clock, Credentials, Disposable } from '../../src/main/core/ports';
import { InMemorySecretStore } from '../../src/main/core/secrets/in-memory-secret-store';
import { InMemorySettingsStore } from '../../src/main/core/settings/in-memory-settings-store';
import {
  startSimulator,
  type Permission,
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

/** The profile the harness makes for its simulator (a real profile, not the Sandbox). */
export const SIM_PROFILE_ID = 'sim';

/** One API generation the engine suite runs against. */
export interface GenerationCase {
  /** How the suite names it. */
  label: string;
  generation: ApiGeneration;
}

/** The generations every engine test runs against: the media API with client credentials, the Jobs API with a key. */
export const GENERATIONS: readonly GenerationCase[] = [
  { label: 'media-client via client credentials', generation: 'media-client' },
  { label: 'jobs-v1 via an API key', generation: 'jobs-v1' },
];

/** A remote record made straight on the simulator, as the engine would have made it. */
export interface SimRecord {
  remoteId: string;
  uploadUrl: string;
}

/**
 * What differs between the API generations, for tests: where calls go, what errors are called,
 * how models are spelled, which states a file passes, which credentials to use. Tests state one
 * expectation through these; they never branch on the generation themselves.
 */
export interface ApiDialect {
  generation: ApiGeneration;
  /** The call that creates a record, as the simulator logs it: `POST /media` or `POST /v1/jobs`. */
  createRoute: string;
  /** Route of one record: `/media/:mid` or `/v1/jobs/:id`. */
  recordRoute: string;
  /** Route of the list: `/media` or `/v1/jobs`. */
  listRoute: string;
  /** Route of an upload PUT. */
  uploadRoute: string;
  /** Route of the finalize call, or null where processing starts with the upload. */
  finalizeRoute: string | null;
  /** Mutation calls one file costs (create, plus finalize where there is one). */
  mutationsPerFile: number;
  /** Media kinds the API checks (audio and PDF documents only under the Jobs API). */
  kinds: readonly MediaKind[];
  /** The API's error codes for a wrong secret, a missing permission and no credits. */
  codes: { auth: string; permission: string; credits: string };
  /** Whether the API has call quotas (AA001): the Jobs API has none. */
  quotas: boolean;
  /** Whether the API can stop a record's processing (the Jobs API's cancel). */
  cancels: boolean;
  /** Whether a processed record has links (source, heatmaps, detailed result). */
  links: boolean;
  /** The status of a processed record as the API spells it. */
  processedStatus: string;
  /** What a remote id looks like. */
  remoteId: RegExp;
  /** The ledger states of a file from `creating` to `processing`. */
  sendStates: readonly JobState[];
  /** A model of a folder (AC-1, DF-1) as the job stores it under this API. */
  model(folderModel: string): string;
  /** The credentials the profile gets: the simulator's demo pair or key. */
  credentials(sim: Simulator): Credentials;
  /** Credentials the simulator does not accept (a wrong secret or key). */
  wrongCredentials(sim: Simulator): Credentials;
  /** Credentials with only these permissions, registered with the simulator. */
  restrictedCredentials(sim: Simulator, name: string, permissions: Permission[]): Credentials;
  /** What the user types into the secret form for these credentials. */
  secretInput(credentials: Credentials): SecretInput;
  /** Create a record on the simulator directly (what the engine did before a crash). */
  createRecord(
    sim: Simulator,
    file: { name: string; contentType: string; size: number; model: string },
  ): Promise<SimRecord>;
  /** PUT the bytes to a record's upload URL directly. */
  upload(record: SimRecord, contentType: string, bytes: Buffer): Promise<void>;
  /** Start processing of an uploaded record directly (no-op where the upload starts it). */
  startProcessing(sim: Simulator, record: SimRecord): Promise<void>;
}

async function answer<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

function mediaDialect(generation: 'media-client' | 'media-apikey'): ApiDialect {
  const client = generation === 'media-client';
  const headers = (sim: Simulator): Record<string, string> =>
    client
      ? { 'x-client-id': sim.credentials.clientId, 'x-client-secret': sim.credentials.clientSecret }
      : { authorization: `Bearer ${sim.apiKey}` };
  return {
    generation,
    createRoute: '/media',
    recordRoute: '/media/:mid',
    listRoute: '/media',
    uploadRoute: '/s3/uploads/:mid',
    finalizeRoute: null,
    mutationsPerFile: 1,
    kinds: ['image', 'video'],
    codes: client
      ? { auth: 'IAM001', permission: 'IAM002', credits: 'U007' }
      : { auth: 'INVALID_API_KEY', permission: 'FORBIDDEN', credits: 'INSUFFICIENT_BALANCE' },
    quotas: client,
    cancels: false,
    links: true,
    processedStatus: 'PROCESSED',
    remoteId: /^[0-9a-f]{24}$/,
    sendStates: ['creating', 'uploading', 'processing'],
    model: (m) => modelFor(generation, m) ?? m,
    credentials: (sim) =>
      client ? { kind: 'client', ...sim.credentials } : { kind: 'apikey', apiKey: sim.apiKey },
    wrongCredentials: (sim) =>
      client
        ? { kind: 'client', clientId: sim.credentials.clientId, clientSecret: 'wrong-secret-0123456789' }
        : { kind: 'apikey', apiKey: 'api_apikey_wrong0123456789' },
    restrictedCredentials(sim, name, permissions) {
      if (!client)
        return {
          kind: 'apikey',
          apiKey: sim.addApiKey({ key: `api_apikey_${name}_0123456789`, permissions }),
        };
      return {
        kind: 'client',
        ...sim.addCredentials({ clientId: name, clientSecret: `${name}-secret-0123456789`, permissions }),
      };
    },
    secretInput: secretInputOf,
    async createRecord(sim, file) {
      const res = await fetch(`${sim.url}/media`, {
        method: 'POST',
        headers: { ...headers(sim), 'content-type': 'application/json' },
        body: JSON.stringify({
          name: file.name,
          contentType: file.contentType,
          size: file.size,
          modelType: file.model,
        }),
      });
      const body = await answer<{ mid: string; uploadUrl: string }>(res, 201);
      return { remoteId: body.mid, uploadUrl: body.uploadUrl };
    },
    upload: putBytes,
    startProcessing: async () => undefined,
  };
}

const jobsDialect: ApiDialect = {
  generation: 'jobs-v1',
  createRoute: '/v1/jobs',
  recordRoute: '/v1/jobs/:id',
  listRoute: '/v1/jobs',
  uploadRoute: '/s3/jobs/:id',
  finalizeRoute: '/v1/jobs/:id/finalize',
  mutationsPerFile: 2,
  kinds: ['image', 'video', 'audio', 'document'],
  codes: { auth: 'INVALID_API_KEY', permission: 'FORBIDDEN', credits: 'INSUFFICIENT_BALANCE' },
  quotas: false,
  cancels: true,
  links: false,
  processedStatus: 'completed',
  remoteId: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  sendStates: ['creating', 'uploading', 'finalizing', 'processing'],
  model: (m) => modelFor('jobs-v1', m) ?? m,
  credentials: (sim) => ({ kind: 'apikey', apiKey: sim.apiKey }),
  wrongCredentials: () => ({ kind: 'apikey', apiKey: 'api_apikey_wrong0123456789' }),
  restrictedCredentials: (sim, name, permissions) => ({
    kind: 'apikey',
    apiKey: sim.addApiKey({ key: `api_apikey_${name}_0123456789`, permissions }),
  }),
  secretInput: secretInputOf,
  async createRecord(sim, file) {
    const res = await fetch(
      `${sim.url}/v1/jobs?taskTypeId=${encodeURIComponent(modelFor('jobs-v1', file.model) ?? file.model)}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          inputs: [
            {
              contentType: file.contentType,
              fileName: file.name,
              sizeBytes: file.size,
              slotName: 'original',
            },
          ],
        }),
      },
    );
    const body = await answer<{ jobId: string; inputs: { uploadUrl: string }[] }>(res, 201);
    return { remoteId: body.jobId, uploadUrl: body.inputs[0]!.uploadUrl };
  },
  upload: putBytes,
  async startProcessing(sim, record) {
    const res = await fetch(`${sim.url}/v1/jobs/${record.remoteId}/finalize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.apiKey}` },
    });
    await answer(res, 200);
  },
};

function secretInputOf(credentials: Credentials): SecretInput {
  return credentials.kind === 'client'
    ? { clientId: credentials.clientId, clientSecret: credentials.clientSecret }
    : { apiKey: credentials.apiKey };
}

async function putBytes(record: SimRecord, contentType: string, bytes: Buffer): Promise<void> {
  const res = await fetch(record.uploadUrl, {
    method: 'PUT',
    headers: { 'content-type': contentType },
    body: bytes,
  });
  await answer(res, 200);
}

/** The dialect of a generation (see ApiDialect). */
export function apiDialect(generation: ApiGeneration): ApiDialect {
  return generation === 'jobs-v1' ? jobsDialect : mediaDialect(generation);
}

export interface HarnessOptions {
  /** The API generation of the profile (default media-client); its credentials follow (see ApiDialect). */
  generation?: ApiGeneration;
  /** Simulator options; processingMs defaults to 300. */
  sim?: SimulatorOptions;
  /**
   * A simulator already running, shared with other harnesses (several desks on one account):
   * used instead of starting one, and left running by `close()`.
   */
  simulator?: Simulator;
  /** Engine options on top of the harness's. */
  engine?: Partial<EngineOptions>;
  /**
   * Which credentials the profile gets: the generation's demo credentials (default), the demo
   * client pair or API key, none, given ones, or ones made with the simulator once it runs.
   */
  auth?: 'client' | 'apikey' | 'none' | Credentials | ((sim: Simulator, api: ApiDialect) => Credentials);
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
  /** What differs in the profile's API generation (routes, codes, models, states). */
  api: ApiDialect;
  /** The engine's clock: real time, plus what `advance` skipped. */
  clock: TestClock;
  settings: InMemorySettingsStore;
  secrets: InMemorySecretStore;
  logs: MemoryLogSink;
  /** A folder under the root (created), watched with fast test settings plus `options`. */
  watch(name: string, options?: Partial<FolderOptions>): Promise<FolderStatus>;
  /** Absolute path under the root. */
  path(rel: string): string;
  /**
   * Write a file under the root (its folder is created). Returns its absolute path. A new file is
   * written beside the root's folders and renamed in, as a finished copy arrives: the watcher never
   * sees it half-written (a big file written in place arrives in 512 KiB chunks, and a loaded
   * machine can pause between two for longer than the 150 ms window). An existing file is
   * rewritten in place, as an editor saves; a file in a folder this call creates is written in place.
   */
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
  /** Record-creating calls (`POST /media` or `POST /v1/jobs`) since `from`. */
  creates(from?: number): number;
  /** Query calls of the API (GET of records and lists) since `from`. */
  queries(from?: number): number;
  /** Upload PUTs since `from`, optionally only those that succeeded. */
  puts(options?: { from?: number; ok?: boolean }): RequestLogEntry[];
  /** Calls since `from` as `METHOD route` (`GET /v1/jobs/:id`), in order. */
  calls(from?: number): string[];
  /** Dispose the engine and start a new one on the same data, settings, secrets and simulator. */
  restart(engine?: Partial<EngineOptions>): Promise<Engine>;
  /** Dispose everything and delete the temp root. */
  close(): Promise<void>;
}

/**
 * The adapters the composition roots hand every engine (the SQLite ledger in the data folder, a
 * simulator for the Sandbox), for tests that build an Engine themselves.
 */
export const ENGINE_ADAPTERS: Pick<EngineOptions, 'openLedger' | 'simulatorFactory'> = {
  openLedger: openSqliteLedgerIn(),
  simulatorFactory: (options) => startSimulator(options),
};

/** Folder options that make tests quick: a short stability window. */
export const FAST_FOLDER: Partial<FolderOptions> = { stabilityMs: 150 };

const TERMINAL: readonly JobState[] = ['done', 'failed', 'skipped'];

/** Start a simulator and an engine on temp folders. Always `close()` it (afterEach). */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'aw-engine-')));
  const dataDir = join(root, 'data');
  const sim = options.simulator ?? (await startSimulator({ processingMs: 300, ...options.sim }));
  const api = apiDialect(options.generation ?? 'media-client');
  const logs = new MemoryLogSink();
  const logger = createLogger({ sinks: [logs], level: options.logLevel ?? 'debug' });
  const secrets = new InMemorySecretStore();
  const initial = defaultSettings();
  initial.preferences = { ...initial.preferences, ...options.preferences };
  if (!options.sandbox) {
    const auth = options.auth ?? ((s: Simulator, a: ApiDialect) => a.credentials(s));
    const creds: Credentials | null =
      auth === 'client'
        ? { kind: 'client', ...sim.credentials }
        : auth === 'apikey'
          ? { kind: 'apikey', apiKey: sim.apiKey }
          : auth === 'none'
            ? null
            : typeof auth === 'function'
              ? auth(sim, api)
              : auth;
    const generation: ApiGeneration =
      options.generation ?? (creds?.kind === 'apikey' ? 'media-apikey' : 'media-client');
    const profile: ProfileRecord = {
      id: SIM_PROFILE_ID,
      name: 'Simulator',
      baseUrl: sim.url,
      generation,
      simulated: false,
    };
    initial.profiles.push(profile);
    initial.activeProfileId = SIM_PROFILE_ID;
    if (creds) await secrets.set(SIM_PROFILE_ID, creds);
  }
  const settings = new InMemorySettingsStore(initial);
  const processingMs = options.sim?.processingMs ?? 300;
  const clock = new TestClock();

  const makeEngine = async (extra: Partial<EngineOptions> = {}): Promise<Engine> => {
    const engine = new Engine({
      ...ENGINE_ADAPTERS,
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
  let incomingCount = 0;
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

  const requests = (filter: { method?: string; route?: string; from?: number } = {}): RequestLogEntry[] =>
    sim.requests
      .slice(filter.from ?? 0)
      .filter(
        (r) => (!filter.method || r.method === filter.method) && (!filter.route || r.route === filter.route),
      );
  const isApi = (route: string): boolean => route === api.listRoute || route.startsWith(`${api.listRoute}/`);

  const h: Harness = {
    root,
    dataDir,
    sim,
    api,
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
      const madeFolder = await mkdir(dirname(path), { recursive: true });
      // In place when the file exists, and in a folder just made: a file renamed into a folder
      // chokidar has only begun to watch can be missed (a watcher bug of its own, not hidden here).
      if (existsSync(path) || madeFolder !== undefined) {
        await writeFile(path, bytes);
        return path;
      }
      const incoming = join(root, `.incoming-${++incomingCount}`);
      await writeFile(incoming, bytes);
      await rename(incoming, path);
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
    requests,
    creates: (from = 0) => requests({ from, method: 'POST', route: api.createRoute }).length,
    queries: (from = 0) => requests({ from, method: 'GET' }).filter((r) => isApi(r.route)).length,
    puts: ({ from = 0, ok = false } = {}) =>
      requests({ from, method: 'PUT' }).filter((r) => !ok || (r.status >= 200 && r.status < 300)),
    calls: (from = 0) => requests({ from }).map((r) => `${r.method} ${r.route}`),
    async restart(extra) {
      await engine.dispose();
      engine = await makeEngine(extra);
      return engine;
    },
    async close() {
      if (closed) return;
      closed = true;
      await engine.dispose();
      if (!options.simulator) await sim.close();
      await rm(root, { recursive: true, force: true });
    },
  };
  return h;
}

/** Every job of an engine that is not a harness's own (another desk's), oldest first. */
export async function jobsOf(engine: Engine): Promise<Job[]> {
  return (await engine.listJobs({ sort: 'createdAt', order: 'asc', limit: 20_000 })).jobs;
}

/** Another desk beside a harness, on a team ledger and watching the harness's shared folder. */
export interface ShareDeskOptions {
  /** The team ledger (a PostgreSQL URL). */
  url: string;
  /** Its name in the ledger (default: the ledger's own, from the data folder). */
  desk?: string;
  /** Its data folder, under the harness's root. */
  dataDir: string;
  /** The harness's shared folder (default `share`), watched through `mount`. */
  share?: string;
  /** A symlink under the root to the shared folder: the share as another machine mounts it. */
  mount: string;
  /** Preferences of its settings (quota cool-down, ...). */
  preferences?: Partial<Preferences>;
  /** Told of the engine before it starts, so a test disposes it even when a later step fails. */
  onEngine?: (engine: Engine) => void;
  /** What the wait for the folder says on a timeout (default: `<mount> watching the share`). */
  message?: string;
}

/**
 * Another desk in the harness's process (issue 11's team tests): a real engine with its own data
 * folder, settings and secrets, on the same simulator account, clock and team ledger as `a`,
 * watching `a`'s shared folder through a symlink of its own. Returns once the folder is watched;
 * the test disposes the engine.
 */
export async function startShareDesk(a: Harness, o: ShareDeskOptions): Promise<Engine> {
  await symlink(a.path(o.share ?? 'share'), a.path(o.mount));
  const settings = defaultSettings();
  if (o.preferences) settings.preferences = { ...settings.preferences, ...o.preferences };
  settings.profiles.push({
    id: SIM_PROFILE_ID,
    name: 'Simulator',
    baseUrl: a.sim.url,
    generation: 'media-client',
    simulated: false,
  });
  settings.activeProfileId = SIM_PROFILE_ID;
  const secrets = new InMemorySecretStore();
  await secrets.set(SIM_PROFILE_ID, { kind: 'client', ...a.sim.credentials });
  const engine = new Engine({
    ...ENGINE_ADAPTERS,
    // No `desk` key at all unless given: the ledger's default is taken only when it is absent.
    openLedger: openPostgresLedger(o.desk === undefined ? { url: o.url } : { url: o.url, desk: o.desk }),
    dataDir: join(a.root, o.dataDir),
    logger: createLogger({ sinks: [new MemoryLogSink()], level: 'warn' }),
    clock: a.clock,
    settings: new InMemorySettingsStore(settings),
    secrets,
    sandboxProcessingMs: 300,
    pollTuning: { defaultImageMs: 300, defaultVideoMs: 300 },
    watcher: { healthCheckMs: 1_000 },
    random: () => 0.5,
    eventIntervalMs: 20,
    progressIntervalMs: 50,
  });
  o.onEngine?.(engine);
  await engine.start();
  await engine.addFolder({ path: a.path(o.mount), options: FAST_FOLDER });
  await a.waitFor(
    async () => (await engine.getStatus()).folders.every((f) => f.health.state !== 'starting'),
    { message: o.message ?? `${o.mount} watching the share` },
  );
  return engine;
}
