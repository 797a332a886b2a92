/**
 * The `authenta-watch` command line, parsed into a plain description of what to do. Pure: it
 * reads only its arguments (argv, environment, platform), prints nothing and never exits; the
 * CLI acts on the result.
 */
import { parseRate } from '../core/api/upload-rate';
import { Command, CommanderError, Option } from 'commander';
import { resolve as resolvePath } from 'node:path';
import { AFTER_ACTIONS, type AfterAction } from '../../shared/domain';
import { REPORT_FORMATS, type ReportFormat } from '../../shared/contract';
import { HISTORY_PAGE_SIZE_DEFAULT, HISTORY_PAGE_SIZE_MAX } from '../../shared/history';
import { normaliseBaseUrl, BaseUrlError } from '../core/api/base-url';
import { parseLedgerUrl } from '../core/ledger/ledger-url';
import { defaultDataDir } from '../common/data-dir';

/** Where the public Authenta API lives; `--base-url` and AUTHENTA_BASE_URL change it. */
export const DEFAULT_BASE_URL = 'https://platform.authenta.ai/api';
export const DEFAULT_VIDEO_MODEL = 'DF-1';
export const DEFAULT_IMAGE_MODEL = 'AC-1';
/** The profile the CLI uses (and `login` fills) when `--profile` is not given. */
export const DEFAULT_PROFILE_ID = 'default';
/** What `--api` chooses: the media API (`/media`, client credentials or an API key) or the Jobs API v1. */
export const API_CHOICES = ['media', 'jobs'] as const;
export type ApiChoice = (typeof API_CHOICES)[number];
const DEFAULT_POLL_MS = 2_000;
/** How long `--once` waits for its verdicts unless `--timeout` says otherwise: 30 minutes. */
export const DEFAULT_ONCE_TIMEOUT_SEC = 1_800;

/** The environment variables the CLI reads. */
export interface CliEnv {
  AUTHENTA_BASE_URL?: string;
  AUTHENTA_DATA_DIR?: string;
  AUTHENTA_CLIENT_ID?: string;
  AUTHENTA_CLIENT_SECRET?: string;
  AUTHENTA_API_KEY?: string;
  /** A team ledger: postgres://user:password@host:port/database. */
  AUTHENTA_LEDGER_URL?: string;
  APPDATA?: string;
  XDG_CONFIG_HOME?: string;
  [name: string]: string | undefined;
}

export interface CliContext {
  env: CliEnv;
  platform: NodeJS.Platform;
  homeDir: string;
  cwd: string;
}

/** `authenta-watch [options] <folder...>`: watch (or, with --once, drain) the folders. */
export interface RunCommand {
  kind: 'run';
  /** Absolute paths, in the order given. */
  folders: string[];
  once: boolean;
  json: boolean;
  simulate: boolean;
  /** Canonical base URL when given by flag or environment; null: keep the profile's. */
  baseUrl: string | null;
  /** `--api`; null: the profile's setting, else detected from the server. */
  api: ApiChoice | null;
  dataDir: string;
  profile: string | null;
  videoModel: string;
  imageModel: string;
  concurrency: number | null;
  /** `--max-upload-rate` in bytes per second (0: no cap); null: keep the stored setting. */
  maxUploadRate: number | null;
  recursive: boolean;
  /** Polling interval in ms (network shares), or null for native file events. */
  pollMs: number | null;
  stabilityMs: number | null;
  after: AfterAction;
  /**
   * `--once` gives up waiting after this many seconds (exit 5), saying what is still pending;
   * null: no limit (watch mode, or `--timeout 0`).
   */
  timeoutSec: number | null;
  /** Also serve the web UI. */
  ui: { host: string; port: number } | null;
  /**
   * A team ledger (PostgreSQL) instead of the data folder's SQLite one: the whole URL, password
   * included, for the connection only (never logged or shown; see ledger-url.ts). Null: SQLite.
   */
  ledgerUrl: string | null;
}

export interface ReportCommand {
  kind: 'report';
  dataDir: string;
  format: ReportFormat;
  /** Read this team ledger instead of the data folder's (see RunCommand.ledgerUrl). */
  ledgerUrl: string | null;
}

/** `set-aside-ledger`: rename a damaged ledger out of the way (kept), so the next run starts a new one. */
export interface SetAsideLedgerCommand {
  kind: 'set-aside-ledger';
  dataDir: string;
}

export interface LoginCommand {
  kind: 'login';
  dataDir: string;
  profile: string;
  /** Given by flag; otherwise read from AUTHENTA_CLIENT_ID or asked for. */
  clientId: string | null;
  /** Store an API key instead of a client id and secret. */
  apiKey: boolean;
  baseUrl: string | null;
  /** `--api`; null: detected from the server for an API key. */
  api: ApiChoice | null;
}

export interface LogoutCommand {
  kind: 'logout';
  dataDir: string;
  profile: string;
}

/** Help or version: print `text` on stdout and exit 0. */
export interface InfoCommand {
  kind: 'info';
  text: string;
}

/** Bad usage: print `message` on stderr and exit 2. */
export interface UsageError {
  kind: 'usage-error';
  message: string;
}

/** `history`: pages of the account's records on Authenta, each one Query call (issue 14). */
export interface HistoryCommand {
  kind: 'history';
  dataDir: string;
  /** The profile whose account is read; null: the active one, else `default`. */
  profile: string | null;
  /** From `--base-url` or AUTHENTA_BASE_URL; null: the profile's. */
  baseUrl: string | null;
  api: ApiChoice | null;
  page: number;
  pageSize: number;
  /** Read every page from `page` on (one Query call each). */
  all: boolean;
  json: boolean;
  /** Read this team ledger to tell local records from the rest (see RunCommand.ledgerUrl). */
  ledgerUrl: string | null;
}

export type CliCommand =
  | RunCommand
  | HistoryCommand
  | ReportCommand
  | SetAsideLedgerCommand
  | LoginCommand
  | LogoutCommand
  | InfoCommand
  | UsageError;

/** The default data folder lives in shared host code: the desktop app uses the same one. */
export { defaultDataDir };

class UsageProblem extends Error {}

/** `--max-upload-rate`: a rate as parseRate reads it, within what the setting holds. */
function rateArg(value: string): number {
  const rate = parseRate(value);
  if (rate === null || rate > 100e9)
    throw new UsageProblem(
      `--max-upload-rate must be bytes per second such as 500k or 2M (0 = no cap), got "${value}".`,
    );
  // a positive rate that rounds to 0 would otherwise mean "no cap"
  if (rate === 0 && /[1-9]/.test(value))
    throw new UsageProblem(
      `--max-upload-rate must be at least 1 byte per second (0 = no cap), got "${value}".`,
    );
  return rate;
}

function intIn(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim()))
      throw new UsageProblem(`${name} must be a whole number, got "${value}".`);
    const n = Number(value);
    if (n < min || n > max) throw new UsageProblem(`${name} must be between ${min} and ${max}, got ${n}.`);
    return n;
  };
}

function baseUrlOf(input: string | undefined, source: string): string | null {
  if (input === undefined || input.trim() === '') return null;
  try {
    // ".../api/v1" (the Jobs API's prefix) names the same server: both APIs live under ".../api".
    return normaliseBaseUrl(input.trim().replace(/(\/api)\/v1\/?$/i, '$1'));
  } catch (e) {
    throw new UsageProblem(`${source}: ${e instanceof BaseUrlError ? e.message : String(e)}`);
  }
}

/** `--ledger` or AUTHENTA_LEDGER_URL, checked; a problem's message never repeats the URL. */
function ledgerUrlOf(flag: string | undefined, env: string | undefined): string | null {
  const [text, source] = flag !== undefined ? [flag, '--ledger'] : [env, 'AUTHENTA_LEDGER_URL'];
  if (text === undefined || (source === 'AUTHENTA_LEDGER_URL' && text.trim() === '')) return null;
  const parsed = parseLedgerUrl(text);
  if (!parsed.ok) throw new UsageProblem(`${source}: ${parsed.problem.message}`);
  return parsed.value.url;
}

const LEDGER_HELP =
  'a team ledger shared by several desks: postgres://USER:PASSWORD@HOST:5432/DATABASE (env AUTHENTA_LEDGER_URL, ' +
  'better for the password: a command line is visible to other users; default: SQLite in the data folder)';

const RUN_USAGE = '[options] <folder...>';

/** `--poll=500` becomes `--poll --poll-ms 500`, so a bare `--poll` never swallows a folder name. */
function expandPoll(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of argv) {
    const m = /^--poll=(.*)$/.exec(a);
    if (m) out.push('--poll', '--poll-ms', m[1] ?? '');
    else out.push(a);
  }
  return out;
}

/** Parse `argv` (without node and the script). Never throws: problems come back as UsageError. */
export function parseCli(argv: readonly string[], ctx: CliContext): CliCommand {
  let result: CliCommand | null = null;
  let output = '';
  const dataDirOf = (flag: string | undefined): string =>
    resolvePath(
      ctx.cwd,
      flag || ctx.env.AUTHENTA_DATA_DIR || defaultDataDir(ctx.platform, ctx.env, ctx.homeDir),
    );

  const program = new Command('authenta-watch')
    .description('Watch folders and check every new photo and video for deepfakes with Authenta.')
    .addHelpText(
      'after',
      [
        '',
        'Credentials: AUTHENTA_CLIENT_ID and AUTHENTA_CLIENT_SECRET (or AUTHENTA_API_KEY),',
        '  else the keychain entry stored by `authenta-watch login`.',
        'API: --api jobs for the Jobs API v1 (API key), --api media for the media API; without it',
        "  the profile's setting is used, or asked of the server once (one or two Query calls).",
        '  --base-url is the same .../api address for both.',
        'Team ledger: --ledger or AUTHENTA_LEDGER_URL (postgres://...) shares one ledger between desks.',
        'Exit codes: 0 every file has a verdict or was skipped; 1 a file failed; 2 usage;',
        '  3 credentials or permission; 4 quota or credits; 5 gave up waiting (--timeout passed,',
        '  for example Authenta could not be reached): the files still pending are listed.',
      ].join('\n'),
    )
    .usage(RUN_USAGE)
    .version(ctx.env.npm_package_version ?? '0.1.0', '-V, --version')
    .argument('[folder...]', 'folders to watch')
    .option('--once', 'check what is in the folders now, wait for every verdict, then exit')
    .option('--json', 'one JSON object per line on stdout for every job state change')
    .option(
      '--timeout <seconds>',
      `with --once: give up waiting after this long, exit 5 and list what is pending (default ${DEFAULT_ONCE_TIMEOUT_SEC}; 0: no limit)`,
      intIn('--timeout', 0, 31 * 24 * 3600),
    )
    .option('--base-url <url>', `API address (default ${DEFAULT_BASE_URL}; env AUTHENTA_BASE_URL)`)
    .addOption(
      new Option(
        '--api <api>',
        "API generation: media or jobs (default: the profile's setting, else detected)",
      ).choices(API_CHOICES),
    )
    .option('--simulate', 'use the built-in simulator (Sandbox profile); no credentials needed')
    .option(
      '--data-dir <dir>',
      'ledger, settings and logs (default: the app data folder; env AUTHENTA_DATA_DIR)',
    )
    .option('--video-model <model>', 'model for videos', DEFAULT_VIDEO_MODEL)
    .option('--image-model <model>', 'model for images', DEFAULT_IMAGE_MODEL)
    .option('--concurrency <n>', 'uploads at once (1-16)', intIn('--concurrency', 1, 16))
    .option(
      '--max-upload-rate <rate>',
      'bandwidth cap shared by all uploads, bytes per second: 500k, 2M (k = 1000); 0 = no cap',
      rateArg,
    )
    .option('--recursive', 'include subfolders')
    .addOption(
      new Option('--poll', 'poll instead of file events (network shares); --poll=MS sets the interval'),
    )
    .addOption(new Option('--poll-ms <ms>').hideHelp().argParser(intIn('--poll', 100, 600_000)))
    .option(
      '--stability <ms>',
      'how long a file must stay unchanged before it is read',
      intIn('--stability', 0, 600_000),
    )
    .addOption(
      new Option(
        '--after <action>',
        'after a verdict: none, sidecar (NAME.authenta.json beside the file) or move (into _<verdict>/)',
      )
        .choices(AFTER_ACTIONS)
        .default('none'),
    )
    .option('--ui', 'also serve the web UI (prints its address with the access token)')
    .option('--port <n>', 'web UI port (with --ui; default: a free one)', intIn('--port', 0, 65_535))
    .option('--host <host>', 'web UI address (with --ui; default 127.0.0.1, loopback only)')
    .option('--profile <profile>', 'connection profile (id or name) from the settings')
    .option('--ledger <url>', LEDGER_HELP)
    .enablePositionalOptions()
    .showHelpAfterError('(run authenta-watch --help for the options)')
    .action((folders: string[], o: Record<string, unknown>) => {
      const ui = o.ui === true;
      if (!ui && (o.port !== undefined || o.host !== undefined)) {
        throw new UsageProblem('--port and --host set up the web UI: add --ui.');
      }
      if (o.simulate && o.profile !== undefined) {
        throw new UsageProblem('--simulate uses the Sandbox profile: leave out --profile.');
      }
      if (o.pollMs !== undefined && !o.poll)
        throw new UsageProblem('Write the polling interval as --poll=MS.');
      if (folders.length === 0 && !ui) {
        throw new UsageProblem('Name at least one folder to watch, e.g. authenta-watch ~/Incoming.');
      }
      if (folders.length === 0 && o.once) throw new UsageProblem('--once needs at least one folder.');
      if (o.timeout !== undefined && !o.once)
        throw new UsageProblem('--timeout limits a --once run: add --once (watching runs until stopped).');
      const timeout = o.once ? ((o.timeout as number | undefined) ?? DEFAULT_ONCE_TIMEOUT_SEC) : 0;
      const baseUrl =
        baseUrlOf(o.baseUrl as string | undefined, '--base-url') ??
        baseUrlOf(ctx.env.AUTHENTA_BASE_URL, 'AUTHENTA_BASE_URL');
      if (o.simulate && baseUrl !== null && o.baseUrl !== undefined) {
        throw new UsageProblem('--simulate runs the built-in simulator: leave out --base-url.');
      }
      if (o.simulate && o.api !== undefined) {
        throw new UsageProblem('--simulate runs the built-in simulator (media API): leave out --api.');
      }
      result = {
        kind: 'run',
        folders: folders.map((f) => resolvePath(ctx.cwd, f)),
        once: o.once === true,
        json: o.json === true,
        simulate: o.simulate === true,
        baseUrl: o.simulate ? null : baseUrl,
        api: (o.api as ApiChoice | undefined) ?? null,
        dataDir: dataDirOf(o.dataDir as string | undefined),
        profile: (o.profile as string | undefined) ?? null,
        videoModel: String(o.videoModel),
        imageModel: String(o.imageModel),
        concurrency: (o.concurrency as number | undefined) ?? null,
        maxUploadRate: (o.maxUploadRate as number | undefined) ?? null,
        recursive: o.recursive === true,
        pollMs: o.poll ? ((o.pollMs as number | undefined) ?? DEFAULT_POLL_MS) : null,
        stabilityMs: (o.stability as number | undefined) ?? null,
        after: o.after as AfterAction,
        timeoutSec: timeout > 0 ? timeout : null,
        ui: ui
          ? { host: (o.host as string | undefined) ?? '127.0.0.1', port: (o.port as number | undefined) ?? 0 }
          : null,
        ledgerUrl: ledgerUrlOf(o.ledger as string | undefined, ctx.env.AUTHENTA_LEDGER_URL),
      };
    });

  program
    .command('report')
    .description('print every job: path, sha256, size, type, model, mid, state, verdict, error, times')
    .option(
      '--data-dir <dir>',
      'the data folder to read (default: the app data folder; env AUTHENTA_DATA_DIR)',
    )
    .addOption(new Option('--format <format>', 'csv or json').choices(REPORT_FORMATS).default('json'))
    .option('--ledger <url>', LEDGER_HELP)
    .action((o: { dataDir?: string; format: ReportFormat; ledger?: string }) => {
      result = {
        kind: 'report',
        dataDir: dataDirOf(o.dataDir),
        format: o.format,
        ledgerUrl: ledgerUrlOf(o.ledger, ctx.env.AUTHENTA_LEDGER_URL),
      };
    });

  program
    .command('history')
    .description(
      "list the account's records on Authenta, newest first, marking those this desk checked; each page is one Query call, read only when asked",
    )
    .option('--page <n>', 'the page to read (from 1)', intIn('--page', 1, 1_000_000), 1)
    .option(
      '--page-size <n>',
      `records per page (1-${HISTORY_PAGE_SIZE_MAX})`,
      intIn('--page-size', 1, HISTORY_PAGE_SIZE_MAX),
      HISTORY_PAGE_SIZE_DEFAULT,
    )
    .option('--all', 'read every page from --page on (one Query call per page)')
    .option('--json', 'print the pages as JSON instead of a table')
    .option('--profile <profile>', 'the profile whose account to read (default: the active one)')
    .option('--base-url <url>', `API address (default: the profile's; env AUTHENTA_BASE_URL)`)
    .addOption(
      new Option('--api <api>', "API generation: media or jobs (default: the profile's setting)").choices(
        API_CHOICES,
      ),
    )
    .option(
      '--data-dir <dir>',
      'the data folder whose ledger tells which records are local (env AUTHENTA_DATA_DIR)',
    )
    .option('--ledger <url>', LEDGER_HELP)
    .action(
      (o: {
        page: number;
        pageSize: number;
        all?: boolean;
        json?: boolean;
        profile?: string;
        baseUrl?: string;
        api?: ApiChoice;
        dataDir?: string;
        ledger?: string;
      }) => {
        result = {
          kind: 'history',
          dataDir: dataDirOf(o.dataDir),
          profile: o.profile ?? null,
          baseUrl:
            o.baseUrl !== undefined
              ? baseUrlOf(o.baseUrl, '--base-url')
              : baseUrlOf(ctx.env.AUTHENTA_BASE_URL, 'AUTHENTA_BASE_URL'),
          api: o.api ?? null,
          page: o.page,
          pageSize: o.pageSize,
          all: o.all === true,
          json: o.json === true,
          ledgerUrl: ledgerUrlOf(o.ledger, ctx.env.AUTHENTA_LEDGER_URL),
        };
      },
    );

  program
    .command('set-aside-ledger')
    .description(
      'rename a damaged ledger (ledger.sqlite) to ledger.sqlite.damaged-TIME, kept, never deleted; the next run starts a new one',
    )
    .option('--data-dir <dir>', 'the data folder (default: the app data folder; env AUTHENTA_DATA_DIR)')
    .action((o: { dataDir?: string }) => {
      result = { kind: 'set-aside-ledger', dataDir: dataDirOf(o.dataDir) };
    });

  program
    .command('login')
    .description(
      'store credentials in the OS keychain (the secret is asked for without echo, or read from stdin)',
    )
    .option('--profile <profile>', 'profile to store them for', DEFAULT_PROFILE_ID)
    .option('--client-id <id>', 'client id (default: AUTHENTA_CLIENT_ID, else asked for)')
    .option('--api-key', 'store an API key instead of a client id and secret')
    .option('--base-url <url>', 'API address of this profile')
    .addOption(
      new Option('--api <api>', 'API generation: media or jobs (default: detected for an API key)').choices(
        API_CHOICES,
      ),
    )
    .option('--data-dir <dir>', 'the data folder (default: the app data folder; env AUTHENTA_DATA_DIR)')
    .action(
      (o: {
        profile: string;
        clientId?: string;
        apiKey?: boolean;
        baseUrl?: string;
        api?: ApiChoice;
        dataDir?: string;
      }) => {
        if (o.apiKey && o.clientId !== undefined)
          throw new UsageProblem('Give either --client-id or --api-key.');
        if (o.api === 'jobs' && o.clientId !== undefined)
          throw new UsageProblem('The Jobs API takes an API key: use --api-key instead of --client-id.');
        const apiKey = o.apiKey === true || o.api === 'jobs';
        result = {
          kind: 'login',
          dataDir: dataDirOf(o.dataDir),
          profile: o.profile,
          clientId: apiKey ? null : (o.clientId ?? ctx.env.AUTHENTA_CLIENT_ID ?? null),
          apiKey,
          baseUrl: baseUrlOf(o.baseUrl, '--base-url'),
          api: o.api ?? null,
        };
      },
    );

  program
    .command('logout')
    .description('remove the stored credentials of a profile from the OS keychain')
    .option('--profile <profile>', 'profile', DEFAULT_PROFILE_ID)
    .option('--data-dir <dir>', 'the data folder (default: the app data folder; env AUTHENTA_DATA_DIR)')
    .action((o: { profile: string; dataDir?: string }) => {
      result = { kind: 'logout', dataDir: dataDirOf(o.dataDir), profile: o.profile };
    });

  for (const cmd of [program, ...program.commands]) {
    cmd.exitOverride();
    cmd.configureOutput({
      writeOut: (s) => (output += s),
      writeErr: (s) => (output += s),
      outputError: () => undefined,
    });
  }

  try {
    program.parse(expandPoll(argv), { from: 'user' });
  } catch (e) {
    if (e instanceof UsageProblem) return { kind: 'usage-error', message: e.message };
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) {
        return { kind: 'info', text: output };
      }
      return { kind: 'usage-error', message: e.message.replace(/^error: /, '') };
    }
    return { kind: 'usage-error', message: e instanceof Error ? e.message : String(e) };
  }
  return result ?? { kind: 'usage-error', message: 'Nothing to do.' };
}
