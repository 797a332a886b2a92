/**
 * `authenta-watch`: the headless composition root (issue 3). A thin shell: parsing, settings,
 * exit codes, NDJSON and progress live in pure modules beside it; this file builds the adapters
 * (conf settings, keychain, file log), the engine and, with --ui, the web host, and maps the
 * outcome to the process's exit code.
 */
import { envProxyResolver, NetworkRoutes } from '../core/api/proxy';
import { copyFile, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir, hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectGeneration, GENERATION_NAMES } from '../core/api/detect-generation';
import { Engine, toJob } from '../core/engine';
import { openSqliteLedgerIn, SqliteLedger, SQLITE_LEDGER_FILE } from '../core/ledger/sqlite-ledger';
import type { Ledger } from '../core/ledger/ledger';
import { ledgerUrlSecrets, redactLedgerUrl } from '../core/ledger/ledger-url';
import { LedgerProblem } from '../core/ledger/postgres-errors';
import { openPostgresLedger, PostgresLedger } from '../core/ledger/postgres-ledger';
import { waitForTeamLedger } from '../core/ledger/ledger-away';
import { giveUpOnLedgerAt, teamLedgerWaits } from './team-ledger-messages';
import {
  describeDataFolderError,
  errorCode,
  freeBytes,
  probeDataFolder,
  type DataFolderProblem,
} from '../core/data-folder';
import { lockDataDir } from '../core/data-dir-lock';
import { JobQuerySchema } from '../../shared/contract';
import { createLogger, FileLogSink, redactString, type RedactingLogger } from '../core/logger';
import { systemClock, type Credentials, type SecretStore } from '../core/ports';
import { formatReport } from '../core/report';
import { KeytarSecretStore } from '../core/secrets/keytar-secret-store';
import {
  KeytarLedgerPasswordStore,
  splitLedgerPassword,
  withLedgerPassword,
} from '../core/secrets/team-ledger-password';
import { LedgerConnectionWatch } from '../core/ledger/ledger-connection';
import { ConfSettingsStore } from '../core/settings/conf-settings-store';
import type { ApiGeneration, Job } from '../../shared/domain';
import type { Settings } from '../../shared/settings';
import {
  DEFAULT_BASE_URL,
  DEFAULT_PROFILE_ID,
  parseCli,
  type LoginCommand,
  type LogoutCommand,
  type ReportCommand,
  type RunCommand,
  type SetAsideLedgerCommand,
} from './args';
import { credentialsFromEnv, RememberingSecretStore, secretValues } from '../common/credentials';
import { EXIT, ledgerExitCode } from './exit-codes';
import { checkFolders } from './folder-check';
import { ask, PromptCancelled } from './prompt';
import { HeadlessRun, type HeadlessEngine } from './run';
import {
  ensureProfile,
  findProfile,
  generationForChoice,
  needsDetection,
  prepareRunSettings,
} from './run-settings';
import { escapeControl } from '../../shared/display-text';
import { runHistory } from './history-command';
import { startWebHost } from './web-host';
import { isLoopbackHost } from '../common/loopback';

/** A second signal sooner than this after the first is the same signal re-raised (see onSignal). */
const REPEAT_SIGNAL_MS = 1_000;
/** The engine's ledger inside the data folder. */
const LEDGER_FILE = SQLITE_LEDGER_FILE;
const stderr = process.stderr;
const stdout = process.stdout;
/** Every secret value this process holds: cut out of every log line and error message. */
const knownSecrets = new Set<string>();

/** One message for people on stderr; control characters of names in it are shown escaped. */
function say(text: string): void {
  stderr.write(`${text.split('\n').map(escapeControl).join('\n')}\n`);
}

/** The built renderer beside the bundle (out/cli -> out/renderer), or from the source tree. */
function rendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'renderer'), join(here, '..', '..', '..', 'out', 'renderer')];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? candidates[0]!;
}

interface Adapters {
  logger: RedactingLogger;
  sink: FileLogSink;
  secrets: SecretStore;
  settings: ConfSettingsStore;
  known: Set<string>;
}

/** The data folder cannot be written: its problem says which path and what to do. */
class DataFolderUnusable extends Error {
  constructor(readonly problem: DataFolderProblem) {
    super(problem.message);
  }
}

async function adapters(dataDir: string, extraSecrets: string[] = []): Promise<Adapters> {
  const unwritable = await probeDataFolder(dataFolderPaths(dataDir));
  if (unwritable) throw new DataFolderUnusable(unwritable);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const known = knownSecrets;
  for (const s of extraSecrets) known.add(s);
  const sink = new FileLogSink({ dir: join(dataDir, 'logs') });
  const logger = createLogger({ sinks: [sink], level: 'info', secrets: () => [...known] });
  return {
    logger,
    sink,
    known,
    secrets: new RememberingSecretStore(new KeytarSecretStore(), known),
    settings: new ConfSettingsStore(dataDir),
  };
}

/** The Jobs API with a client pair cannot work: say what to use instead (exit 3). */
const JOBS_NEEDS_KEY =
  'authenta-watch: the Jobs API (--api jobs) takes an API key, not a client ID and secret. Set AUTHENTA_API_KEY, or run `authenta-watch login --api-key`.';

/**
 * Ask the server which API it speaks with this API key (one or two Query calls): the answer, or
 * null with a note on stderr when it cannot tell (the profile then keeps what the key implies).
 */
async function detectApi(
  settings: Settings,
  idOrName: string,
  baseUrl: string | null,
  credentials: Credentials,
  logger: RedactingLogger,
): Promise<ApiGeneration | null> {
  const existing = findProfile(settings, idOrName);
  const url = baseUrl ?? existing?.baseUrl ?? DEFAULT_BASE_URL;
  const routes = new NetworkRoutes(envProxyResolver());
  const result = await detectGeneration({
    baseUrl: url,
    credentials,
    logger,
    network: { routes },
    preferred: existing?.generation,
  }).finally(() => routes.dispose());
  if (result.generation) {
    say(
      `authenta-watch: ${url} speaks ${GENERATION_NAMES[result.generation]}; the profile uses it from now on (--api media or --api jobs chooses).`,
    );
    return result.generation;
  }
  say(
    `authenta-watch: could not tell which API ${url} speaks: ${result.message} Pass --api jobs or --api media to choose.`,
  );
  return null;
}

async function runWatch(cmd: RunCommand): Promise<number> {
  const folders = await checkFolders(cmd.folders, cmd.once);
  if (!folders.ok) {
    say(`authenta-watch: ${folders.message}`);
    return EXIT.usage;
  }
  for (const w of folders.warnings) say(w);
  const env = credentialsFromEnv(process.env);
  if ('problem' in env) {
    say(`authenta-watch: ${env.problem}`);
    return EXIT.credentials;
  }
  const envCredentials = cmd.simulate ? null : env.credentials;
  const a = await adapters(cmd.dataDir, [
    ...secretValues(envCredentials),
    ...(cmd.ledgerUrl ? ledgerUrlSecrets(cmd.ledgerUrl) : []),
  ]);
  try {
    let stored = await a.settings.load();
    // --ledger / AUTHENTA_LEDGER_URL first; else the team ledger saved under Settings (the desktop
    // app's too: one data folder), with its password from the keychain.
    const ledgerPasswords = new KeytarLedgerPasswordStore();
    const saved = stored.teamLedger;
    const ledgerUrl =
      cmd.ledgerUrl ?? (saved ? withLedgerPassword(saved.url, await ledgerPasswords.get(saved.url)) : null);
    const desk = (!cmd.ledgerUrl && saved?.desk) || hostname();
    if (ledgerUrl) for (const s of ledgerUrlSecrets(ledgerUrl)) a.known.add(s);
    let credentials: Credentials | null = envCredentials;
    if (!cmd.simulate && !credentials) {
      const { profileId } = prepareRunSettings(stored, cmd, null);
      credentials = await a.secrets.get(profileId);
      if (!credentials) {
        say(
          `authenta-watch: no credentials for profile "${profileId}". Set AUTHENTA_CLIENT_ID and ` +
            `AUTHENTA_CLIENT_SECRET (or AUTHENTA_API_KEY), run \`authenta-watch login --profile ${profileId}\`, ` +
            'or try it out with --simulate.',
        );
        return EXIT.credentials;
      }
    }
    if (!cmd.simulate && cmd.api === 'jobs' && credentials?.kind === 'client') {
      say(JOBS_NEEDS_KEY);
      return EXIT.credentials;
    }
    const profileName = cmd.profile ?? DEFAULT_PROFILE_ID;
    const detected =
      !cmd.simulate && credentials && needsDetection(stored, profileName, cmd.api, credentials.kind)
        ? await detectApi(stored, profileName, cmd.baseUrl, credentials, a.logger)
        : null;
    const prepared = prepareRunSettings(stored, cmd, credentials?.kind ?? null, detected);
    stored = prepared.settings;
    await a.settings.save(stored);
    a.logger.info('cli: starting', {
      profile: prepared.profileId,
      folders: cmd.folders,
      once: cmd.once,
      ui: cmd.ui !== null,
      ledger: ledgerUrl ? redactLedgerUrl(ledgerUrl) : 'sqlite',
    });
    if (ledgerUrl) say(`authenta-watch: team ledger ${redactLedgerUrl(ledgerUrl)}`);

    // Whether the team ledger answers, for the web UI's banner and Settings (no password in it).
    const ledgerConnection = ledgerUrl
      ? new LedgerConnectionWatch({ url: splitLedgerPassword(ledgerUrl).url, desk })
      : null;
    const waits = teamLedgerWaits(cmd.once, say, a.logger);
    const teamLedger = ledgerUrl
      ? waitForTeamLedger(
          openPostgresLedger({
            url: ledgerUrl,
            onConnectionError: (message) =>
              a.logger.warn('ledger: a connection to the team ledger broke', { message }),
          }),
          {
            ...waits,
            onAway: (problem) => {
              waits.onAway?.(problem);
              ledgerConnection?.away(problem.message);
            },
            onBack: (awayMs) => {
              waits.onBack?.(awayMs);
              ledgerConnection?.connected();
            },
          },
        )
      : null;
    const giveUp = teamLedger && cmd.once ? giveUpOnLedgerAt(cmd.timeoutSec, teamLedger, say) : null;
    const engine: HeadlessEngine = new Engine({
      dataDir: cmd.dataDir,
      clock: systemClock,
      logger: a.logger,
      settings: a.settings,
      secrets: a.secrets,
      openLedger: teamLedger && ledgerConnection ? ledgerConnection.track(teamLedger) : openSqliteLedgerIn(),
      ...(ledgerConnection ? { ledgerConnection } : {}),
      // Settings, Team ledger keeps its password in the keychain (never in the settings file).
      ledgerPasswords,
      // Loaded on first use of the Sandbox (--simulate) only.
      simulatorFactory: async (options) => (await import('../sim/index')).startSimulator(options),
      // HTTPS_PROXY / HTTP_PROXY / NO_PROXY (lower-case too), read at each request.
      proxy: envProxyResolver(),
      ...(envCredentials ? { envCredentials } : {}),
    });
    const ui = cmd.ui;
    if (ui && !isLoopbackHost(ui.host)) {
      say(
        `Warning: the web UI listens on ${ui.host}, so other machines can reach it. Anyone with its address ` +
          'and token can control this app, and plain http is not encrypted: prefer an SSH tunnel to 127.0.0.1.',
      );
    }
    const run = new HeadlessRun({
      engine,
      once: cmd.once,
      json: cmd.json,
      folderIds: prepared.folderIds,
      ...(cmd.timeoutSec !== null ? { timeoutMs: cmd.timeoutSec * 1000 } : {}),
      stdout,
      stderr,
      logger: a.logger,
      ...(ui
        ? {
            startUi: (api: HeadlessEngine) =>
              startWebHost({
                api,
                host: ui.host,
                port: ui.port,
                rendererDir: rendererDir(),
                inboxDir: join(cmd.dataDir, 'inbox'),
                logger: a.logger,
                maxUploadBytes: stored.preferences.maxFileSizeBytes,
                ...(api.media ? { media: api.media } : {}),
                mediaOrigins: () => api.mediaOrigins?.() ?? [],
              }),
          }
        : {}),
    });
    let firstSignalAt: number | null = null;
    const onSignal = (signal: NodeJS.Signals): void => {
      // conf's atomic writes (atomically -> when-exit) re-raise every SIGINT/SIGTERM they see once,
      // so one press arrives twice within milliseconds: only a later one means "stop at once".
      if (firstSignalAt !== null) {
        if (Date.now() - firstSignalAt < REPEAT_SIGNAL_MS) return;
        say(`authenta-watch: ${signal} again, stopping at once. Unfinished files resume on the next start.`);
        process.exit(130);
      }
      firstSignalAt = Date.now();
      say(`authenta-watch: ${signal}: finishing (press Ctrl-C again to stop at once)…`);
      run.stop();
    };
    // Kept until the process exits: a re-raised signal must not meet the default action (death).
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const code = await run.done.finally(() => giveUp?.dispose());
    a.logger.info('cli: finished', { exitCode: code });
    return code;
  } finally {
    a.sink.dispose();
  }
}

async function report(cmd: ReportCommand): Promise<number> {
  // Read the ledger directly: starting the engine would resume uploads, and a report only reads.
  if (cmd.ledgerUrl) {
    for (const s of ledgerUrlSecrets(cmd.ledgerUrl)) knownSecrets.add(s);
    const ledger = await PostgresLedger.open({ url: cmd.ledgerUrl, now: Date.now });
    try {
      return await writeReport(ledger, cmd);
    } finally {
      await ledger.close();
    }
  }
  const file = join(cmd.dataDir, LEDGER_FILE);
  if (!existsSync(file)) {
    say(`authenta-watch: no ledger in ${cmd.dataDir} yet: nothing has been checked with this data folder.`);
    stdout.write(formatReport([], cmd.format, Date.now()));
    return EXIT.ok;
  }
  let ledger: SqliteLedger;
  let copy: string | null = null;
  try {
    ledger = SqliteLedger.open({ file, now: Date.now });
  } catch (e) {
    if (!READ_ONLY_CODES.includes(errorCode(e) ?? '')) throw e;
    // A read-only data folder: SQLite cannot open a WAL ledger there, so read a copy of it.
    copy = await mkdtemp(join(tmpdir(), 'authenta-report-'));
    await copyFile(file, join(copy, LEDGER_FILE));
    if (existsSync(`${file}-wal`)) await copyFile(`${file}-wal`, join(copy, `${LEDGER_FILE}-wal`));
    ledger = SqliteLedger.open({ file: join(copy, LEDGER_FILE), now: Date.now });
  }
  try {
    return await writeReport(ledger, cmd);
  } finally {
    await ledger.close();
    if (copy) await rm(copy, { recursive: true, force: true });
  }
}

/** Every job of the ledger, oldest first, as the report's format. */
async function writeReport(ledger: Ledger, cmd: ReportCommand): Promise<number> {
  const jobs: Job[] = [];
  for (let offset = 0; ;) {
    const page = await ledger.list(
      JobQuerySchema.parse({ offset, limit: 20_000, sort: 'createdAt', order: 'asc' }),
    );
    jobs.push(...page.jobs.map(toJob));
    offset += page.jobs.length;
    if (page.jobs.length === 0 || offset >= page.total) break;
  }
  stdout.write(formatReport(jobs, cmd.format, Date.now()));
  return EXIT.ok;
}

/**
 * `history`: read pages of the account's records with the profile's credentials (the environment's
 * first, else the keychain's), mark those the ledger knows, print them. Starts no engine (that
 * would resume uploads); the Query calls are added to the ledger's count of the day.
 */
/** Codes of opening a ledger SQLite cannot write beside (a read-only folder or disk). */
const READ_ONLY_CODES = ['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'EROFS', 'EACCES', 'EPERM'];

/** The data folder's paths as messages name them. */
function dataFolderPaths(dataDir: string): { dataDir: string; ledgerFile: string; dataDirFlag: string } {
  return {
    dataDir,
    ledgerFile: join(dataDir, LEDGER_FILE),
    dataDirFlag: `--data-dir ${/\s/.test(dataDir) ? `"${dataDir}"` : dataDir}`,
  };
}

/**
 * `set-aside-ledger`: only a ledger SQLite finds damaged is renamed (to ledger.sqlite.damaged-TIME,
 * with its -wal and -shm), never deleted; a healthy one stays where it is. Holds the data folder's
 * lock meanwhile, so no running engine loses its ledger.
 */
async function setAsideLedger(cmd: SetAsideLedgerCommand): Promise<number> {
  const file = join(cmd.dataDir, LEDGER_FILE);
  if (!existsSync(file)) {
    say(`authenta-watch: there is no ledger in ${cmd.dataDir}: nothing to set aside.`);
    return EXIT.failed;
  }
  const lock = lockDataDir(cmd.dataDir);
  try {
    const damage = SqliteLedger.damage(file);
    if (damage === null) {
      say(
        `authenta-watch: the ledger ${file} is not damaged (SQLite's check passed): it stays where it is, nothing was set aside.`,
      );
      return EXIT.failed;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = `${file}.damaged-${stamp}`;
    await rename(file, target);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(`${file}${suffix}`)) await rename(`${file}${suffix}`, `${target}${suffix}`);
    }
    say(
      `Set the damaged ledger aside as ${target} (kept, not deleted; SQLite said: ${damage}). ` +
        'The next run starts a new ledger and checks the files of the watched folders again.',
    );
    return EXIT.ok;
  } finally {
    lock.dispose();
  }
}

async function login(cmd: LoginCommand): Promise<number> {
  const a = await adapters(cmd.dataDir);
  try {
    const io = { stdin: process.stdin, output: stderr };
    let credentials: Credentials;
    if (cmd.apiKey) {
      const [key] = await ask(io, [{ prompt: 'API key: ', hidden: true }]);
      credentials = { kind: 'apikey', apiKey: (key ?? '').trim() };
    } else if (cmd.clientId) {
      const [secret] = await ask(io, [{ prompt: 'Client secret: ', hidden: true }]);
      credentials = { kind: 'client', clientId: cmd.clientId, clientSecret: secret ?? '' };
    } else {
      const [id, secret] = await ask(io, [
        { prompt: 'Client ID: ', hidden: false },
        { prompt: 'Client secret: ', hidden: true },
      ]);
      credentials = { kind: 'client', clientId: (id ?? '').trim(), clientSecret: secret ?? '' };
    }
    for (const s of secretValues(credentials)) a.known.add(s);
    if (
      credentials.kind === 'client' ? !credentials.clientId || !credentials.clientSecret : !credentials.apiKey
    ) {
      say('authenta-watch: nothing stored: the client ID, secret or API key was empty.');
      return EXIT.usage;
    }
    const stored = await a.settings.load();
    const generation =
      cmd.api !== null
        ? generationForChoice(cmd.api, credentials.kind)
        : needsDetection(stored, cmd.profile, null, credentials.kind)
          ? await detectApi(stored, cmd.profile, cmd.baseUrl, credentials, a.logger)
          : null;
    const { settings, profileId } = ensureProfile(
      stored,
      cmd.profile,
      cmd.baseUrl,
      credentials.kind,
      generation,
    );
    await a.secrets.set(profileId, credentials);
    await a.settings.save({ ...settings, activeProfileId: settings.activeProfileId ?? profileId });
    a.logger.info('cli: credentials stored', { profile: profileId, kind: credentials.kind });
    say(`Stored the credentials of profile "${profileId}" in the system keychain.`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof PromptCancelled) {
      say(`authenta-watch: nothing stored: ${e.message}`);
      return EXIT.usage;
    }
    if ((e as { code?: unknown }).code === 'KEYCHAIN_UNAVAILABLE') {
      say(`authenta-watch: ${(e as Error).message}`);
      return EXIT.credentials;
    }
    throw e;
  } finally {
    a.sink.dispose();
  }
}

async function logout(cmd: LogoutCommand): Promise<number> {
  const a = await adapters(cmd.dataDir);
  try {
    const profileId = findProfile(await a.settings.load(), cmd.profile)?.id ?? cmd.profile;
    await a.secrets.delete(profileId);
    say(`Removed the credentials of profile "${profileId}" from the system keychain.`);
    return EXIT.ok;
  } catch (e) {
    if ((e as { code?: unknown }).code === 'KEYCHAIN_UNAVAILABLE') {
      say(`authenta-watch: ${(e as Error).message}`);
      return EXIT.credentials;
    }
    throw e;
  } finally {
    a.sink.dispose();
  }
}

/** Run the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const cmd = parseCli(argv, {
    env: process.env,
    platform: process.platform,
    homeDir: homedir(),
    cwd: process.cwd(),
  });
  if (cmd.kind === 'info') {
    stdout.write(cmd.text);
    return EXIT.ok;
  }
  if (cmd.kind === 'usage-error') {
    say(`authenta-watch: ${cmd.message}\n(run authenta-watch --help for the options)`);
    return EXIT.usage;
  }
  try {
    switch (cmd.kind) {
      case 'report':
        return await report(cmd);
      case 'history':
        return await runHistory(cmd, {
          adapters,
          say,
          out: stdout,
          jobsNeedsKey: JOBS_NEEDS_KEY,
          ledgerFile: LEDGER_FILE,
          readOnlyCodes: READ_ONLY_CODES,
        });
      case 'set-aside-ledger':
        return await setAsideLedger(cmd);
      case 'login':
        return await login(cmd);
      case 'logout':
        return await logout(cmd);
      case 'run':
        return await runWatch(cmd);
    }
  } catch (e) {
    // The team ledger cannot be used (bad URL, refused password, server down, newer schema):
    // nothing was claimed; the message says what to do and holds no password.
    if (e instanceof LedgerProblem) {
      say(`authenta-watch: ${redactString(e.message, [...knownSecrets])}`);
      return ledgerExitCode(e.kind);
    }
    // The data folder itself in trouble (read-only, no permission, full, a damaged ledger): say
    // which file and what to do instead of a raw EROFS or "database disk image is malformed".
    const problem =
      e instanceof DataFolderUnusable
        ? e.problem
        : describeDataFolderError(e, dataFolderPaths(cmd.dataDir), await freeBytes(cmd.dataDir));
    if (!problem) throw e;
    say(`authenta-watch: ${problem.message}`);
    return EXIT.failed;
  }
}

/** Exit once stdout has taken everything written to it (a pipe may still be draining). */
function exitWith(code: number): void {
  stdout.write('', () => process.exit(code));
}

main(process.argv.slice(2)).then(exitWith, (e: unknown) => {
  say(`authenta-watch: ${redactString(e instanceof Error ? e.message : String(e), [...knownSecrets])}`);
  exitWith(EXIT.failed);
});
