/**
 * A real Engine for benchmarks, set up the way a user would have it: a media-API profile (client
 * ID and secret) pointing at a simulator, the default polling tuning, the default preferences,
 * folders with their default options unless a benchmark says otherwise. In-memory settings and
 * secrets (no keychain here); real SQLite, real chokidar, real HTTP. Warnings and errors the
 * engine logs are kept, so a benchmark can show them instead of measuring a broken run.
 */
import type { FolderOptions, JobState } from '../../src/shared/domain';
import {
  defaultSettings,
  FolderRecordSchema,
  type FolderRecord,
  type Preferences,
} from '../../src/shared/settings';
import { Engine, type EngineOptions } from '../../src/main/core/engine';
import { openSqliteLedgerIn } from '../../src/main/core/ledger/sqlite-ledger';
import { startSimulator } from '../../src/main/sim';
import { createLogger, type LogRecord } from '../../src/main/core/logger';
import { InMemorySecretStore } from '../../src/main/core/secrets/in-memory-secret-store';
import { InMemorySettingsStore } from '../../src/main/core/settings/in-memory-settings-store';

/** The profile id the benchmarks use. */
export const BENCH_PROFILE_ID = 'bench';

/** A watched folder of a benchmark engine. */
export interface BenchFolder {
  id: string;
  path: string;
  options?: Partial<FolderOptions>;
}

/** How to build a benchmark engine. */
export interface BenchEngineOptions {
  dataDir: string;
  sim: { url: string; credentials: { clientId: string; clientSecret: string } };
  folders?: BenchFolder[];
  preferences?: Partial<Preferences>;
  /** Engine options on top (only where a benchmark must; the defaults are what users get). */
  engine?: Partial<EngineOptions>;
}

/** An engine (not started) and the warnings and errors it logged. */
export interface BenchEngine {
  engine: Engine;
  /** Records at level warn or error, oldest first. */
  problems: LogRecord[];
}

/** The settings record of a folder with its default options plus `options`. */
export function folderRecord(folder: BenchFolder): FolderRecord {
  return FolderRecordSchema.parse({ ...folder.options, id: folder.id, path: folder.path, paused: false });
}

/** Build (not start) an engine for a benchmark; see the module comment. */
export async function createBenchEngine(options: BenchEngineOptions): Promise<BenchEngine> {
  const problems: LogRecord[] = [];
  const logger = createLogger({
    sinks: [{ write: (r) => problems.push(r) }],
    level: 'warn',
  });
  const initial = defaultSettings();
  initial.preferences = { ...initial.preferences, ...options.preferences };
  initial.profiles.push({
    id: BENCH_PROFILE_ID,
    name: 'Simulator',
    baseUrl: options.sim.url,
    generation: 'media-client',
    simulated: false,
  });
  initial.activeProfileId = BENCH_PROFILE_ID;
  initial.folders = (options.folders ?? []).map(folderRecord);
  const secrets = new InMemorySecretStore();
  await secrets.set(BENCH_PROFILE_ID, { kind: 'client', ...options.sim.credentials });
  const engine = new Engine({
    openLedger: openSqliteLedgerIn(),
    simulatorFactory: (o) => startSimulator(o),
    dataDir: options.dataDir,
    logger,
    settings: new InMemorySettingsStore(initial),
    secrets,
    ...options.engine,
  });
  return { engine, problems };
}

/** Poll `fn` every `everyMs` until it returns something truthy; throws after `timeoutMs`. */
export async function waitUntil<T>(
  fn: () => T | Promise<T>,
  what: string,
  timeoutMs = 120_000,
  everyMs = 25,
): Promise<NonNullable<T>> {
  const started = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resolves once every folder of the engine has finished its first scan (health is no longer 'starting'). */
export async function foldersWatching(engine: Engine, timeoutMs = 120_000): Promise<void> {
  await waitUntil(
    async () => (await engine.getStatus()).folders.every((f) => f.health.state !== 'starting'),
    'the folders to be watched',
    timeoutMs,
  );
}

/**
 * Follows the engine's jobsChanged events (no polling of the engine, which would cost it work)
 * and resolves once `count` jobs are finished (done, failed or skipped).
 */
export function whenFinished(engine: Engine, count: number, timeoutMs = 600_000): Promise<void> {
  const states = new Map<number, JobState>();
  let unsubscribe: () => void = () => undefined;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for ${count} finished jobs (${finished()} so far)`,
        ),
      );
    }, timeoutMs);
    const finished = () => [...states.values()].filter((s) => FINISHED.includes(s)).length;
    unsubscribe = engine.onJobsChanged((changes) => {
      for (const c of changes) if (c.type === 'upsert') states.set(c.job.id, c.job.state);
      if (finished() >= count) {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
  });
}

const FINISHED: readonly JobState[] = ['done', 'failed', 'skipped'];

/** The engine's warnings and errors as short lines, for the report. */
export function describeProblems(problems: readonly LogRecord[], max = 5): string[] {
  return problems
    .slice(0, max)
    .map((p) => `${p.level}: ${p.msg}${Object.keys(p.fields).length ? ` ${JSON.stringify(p.fields)}` : ''}`);
}
