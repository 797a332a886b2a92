/**
 * The one contract between the UI and the engine (STYLE.md, habit 2). The preload, the IPC
 * handlers, the web host's WebSocket bridge and the renderer all derive from this file: a new
 * capability starts here. Every command's arguments have a schema; hosts validate with it
 * because the renderer is untrusted.
 */
import { z } from 'zod';
import {
  API_GENERATIONS,
  FolderOptionsSchema,
  JOB_STATES,
  REVIEW_NOTE_MAX,
  REVIEW_STATUSES,
  VERDICT_LABELS,
  type EngineStatus,
  type FolderStatus,
  type JobChange,
  type JobDetails,
  type Job,
  type Profile,
  type UploadProgress,
} from './domain';
import { HistoryQuerySchema, type HistoryPage } from './history';
import { PreferencesSchema, type Preferences } from './settings';
import type { CredentialMarks, ProvenanceReport } from './provenance';
import {
  TeamLedgerInputSchema,
  TeamLedgerTestInputSchema,
  type TeamLedgerSaved,
  type TeamLedgerState,
  type TeamLedgerTest,
} from './team-ledger';
import { eventMethod, type ContractNames, type EventMethod } from './contract-bridge';

export const JobIdSchema = z.number().int().positive();
export type JobId = z.infer<typeof JobIdSchema>;

export const FolderIdSchema = z.string().min(1).max(64);

export const ProfileIdSchema = z.string().min(1).max(64);

/**
 * Sort keys of the queue. `verdict` sorts by severity (fake, suspect, inconclusive, authentic in
 * descending order) and `confidence` by the verdict's confidence; jobs without one come last
 * whatever the order.
 */
export const JOB_SORT_KEYS = [
  'createdAt',
  'updatedAt',
  'name',
  'size',
  'state',
  'verdict',
  'confidence',
] as const;

export const JobQuerySchema = z.object({
  states: z.array(z.enum(JOB_STATES)).max(JOB_STATES.length).optional(),
  verdicts: z.array(z.enum(VERDICT_LABELS)).max(VERDICT_LABELS.length).optional(),
  /** Only jobs whose review status is one of these. */
  reviews: z.array(z.enum(REVIEW_STATUSES)).max(REVIEW_STATUSES.length).optional(),
  folderId: FolderIdSchema.optional(),
  /** Only jobs created at or after this time (ms since epoch). */
  since: z.number().int().nonnegative().optional(),
  until: z.number().int().nonnegative().optional(),
  /** Case-insensitive substring of the file name. */
  search: z.string().max(200).optional(),
  sort: z.enum(JOB_SORT_KEYS).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(20_000).default(200),
});
export type JobQuery = z.input<typeof JobQuerySchema>;
export type NormalisedJobQuery = z.output<typeof JobQuerySchema>;

export interface JobPage {
  total: number;
  offset: number;
  jobs: Job[];
}

/**
 * What handing files to the engine did: how many entered the queue, and each refused one with the
 * reason in words. `addPaths` answers it, and so does a drop on the window (`window.authentaDrop`),
 * whichever way the host takes the files (paths in Electron, uploads in a browser).
 */
export interface DropResult {
  accepted: number;
  rejected: { path: string; reason: string }[];
}

export const PathListSchema = z.array(z.string().min(1).max(4096)).min(1).max(10_000);

export const AddFolderSchema = z.object({
  path: z.string().min(1).max(4096),
  options: FolderOptionsSchema.partial().optional(),
});

export const ProfileInputSchema = z.object({
  /** Absent: a new profile. */
  id: z.string().min(1).max(64).optional(),
  name: z.string().min(1).max(100),
  baseUrl: z.string().min(1).max(2000),
  generation: z.enum(API_GENERATIONS),
});
export type ProfileInput = z.infer<typeof ProfileInputSchema>;

/** What the user types into the write-only secret fields. Never sent back to the UI. */
export const SecretInputSchema = z.union([
  z.object({ clientId: z.string().min(1).max(500), clientSecret: z.string().min(1).max(2000) }),
  z.object({ apiKey: z.string().min(1).max(2000) }),
]);
export type SecretInput = z.infer<typeof SecretInputSchema>;

export interface ConnectionTest {
  ok: boolean;
  /** The generation the server answered to, when detection was asked for. */
  generation: z.infer<typeof ProfileInputSchema>['generation'] | null;
  code: string | null;
  message: string;
}

export const LINK_KINDS = ['heatmap', 'result', 'source'] as const;
export const OpenLinkSchema = z.object({
  id: JobIdSchema,
  kind: z.enum(LINK_KINDS),
  /** For a heatmap: which participant (face) of the video. */
  participantId: z.string().max(200).optional(),
  /** The desktop opens the link in the browser unless this is false (the UI plays a heatmap inline). */
  open: z.boolean().optional(),
});

/** A review as the UI sets it; `at` is set by the engine. */
export const ReviewInputSchema = z.object({
  status: z.enum(REVIEW_STATUSES),
  note: z.string().max(REVIEW_NOTE_MAX).nullable().optional(),
});
export type ReviewInput = z.input<typeof ReviewInputSchema>;

/** The largest poster frame the UI may hand over, as a data URL (512 KB of JPEG, base64). */
export const POSTER_DATA_URL_MAX = Math.ceil((512 * 1024 * 4) / 3) + 64;
/** A video's poster frame drawn by the renderer: a `data:image/jpeg;base64,` URL. */
export const PosterDataUrlSchema = z
  .string()
  .max(POSTER_DATA_URL_MAX)
  .regex(/^data:image\/jpeg;base64,[A-Za-z0-9+/]+={0,2}$/, 'a data:image/jpeg;base64 URL');

export const REPORT_FORMATS = ['csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What the host can do, so the UI offers only what works (a native picker exists only in Electron). */
export interface HostCapabilities {
  host: 'electron' | 'web';
  nativeFolderPicker: boolean;
  revealInFolder: boolean;
  /** The web host accepts dropped files as uploads into its inbox; Electron hands over paths. */
  dropUploads: boolean;
  /** A native multi-file picker (pickFiles); the web host has none. */
  nativeFilePicker: boolean;
  /** Saving the window as a PDF (savePdf); elsewhere the browser's print does it. */
  pdf: boolean;
}

const P = PreferencesSchema.shape;
/**
 * What the UI may change of the preferences: any subset, without defaults (absent keys stay as
 * they are). The window's bounds and the close-to-tray notice are the desktop host's own.
 */
export const PreferencesPatchSchema = z.strictObject({
  concurrency: P.concurrency.unwrap().optional(),
  maxFileSizeBytes: P.maxFileSizeBytes.unwrap().optional(),
  processingDeadlineMs: P.processingDeadlineMs.unwrap().optional(),
  quotaCooldownMs: P.quotaCooldownMs.unwrap().optional(),
  notifications: P.notifications.unwrap().optional(),
  closeToTray: P.closeToTray.unwrap().optional(),
  startAtLogin: P.startAtLogin.unwrap().optional(),
  thumbnailCacheBytes: P.thumbnailCacheBytes.unwrap().optional(),
  maxUploadBytesPerSecond: P.maxUploadBytesPerSecond.unwrap().optional(),
});
export type PreferencesPatch = z.infer<typeof PreferencesPatchSchema>;

/** Where the phantom result type of a command sits (type only: results are not validated). */
declare const RESULT: unique symbol;
/** Where the phantom payload type of an event sits. */
declare const PAYLOAD: unique symbol;

/**
 * One command of the contract: the schema of its arguments (a tuple, validated by every host
 * because the renderer is untrusted) and, for the type system only, what it answers. Results come
 * from the trusted side and are not validated.
 */
export interface CommandSpec<A extends z.ZodTuple = z.ZodTuple, R = unknown> {
  readonly args: A;
  readonly [RESULT]?: R;
}

/** One event of the contract: its payload, for the type system only. */
export interface EventSpec<P = unknown> {
  readonly [PAYLOAD]?: P;
}

/** A command taking these arguments; `.answers<R>()` names what it answers. */
function takes<A extends z.ZodTuple>(args: A): { answers<R>(): CommandSpec<A, R> } {
  return { answers: () => ({ args }) };
}

/** An event carrying this payload. */
function carries<P>(): EventSpec<P> {
  return {};
}

/**
 * Every command between the UI and the engine: the one table the hosts, the preload, the
 * WebSocket client and the test fakes are built from. A new command is one entry here plus its
 * handler in the engine (or in the host that answers it); `AuthentaWatchApi` gets its method from
 * this entry, with these parameters and this result.
 */
export const COMMANDS = {
  /** What this host supports. */
  getCapabilities: takes(z.tuple([])).answers<HostCapabilities>(),
  /** Counters, blocks, folders and their health, the active profile. */
  getStatus: takes(z.tuple([])).answers<EngineStatus>(),
  /** A filtered, sorted page of the queue. */
  listJobs: takes(z.tuple([JobQuerySchema])).answers<JobPage>(),
  /** One job with its timeline, raw record and what to do next. */
  getJob: takes(z.tuple([JobIdSchema])).answers<JobDetails>(),
  /** Put a failed, skipped or blocked job back in the queue. */
  retryJob: takes(z.tuple([JobIdSchema])).answers<void>(),
  /** Stop a job that has not reached a verdict; it ends `failed` with code CANCELLED. */
  cancelJob: takes(z.tuple([JobIdSchema])).answers<void>(),
  /** Delete the remote record (DELETE /media/{mid}); the local row stays with its verdict. */
  deleteRemote: takes(z.tuple([JobIdSchema])).answers<void>(),
  /** Show the file in the OS file manager (Electron only; the web host refuses). */
  revealJob: takes(z.tuple([JobIdSchema])).answers<void>(),
  /** Fetch the record again and return a fresh pre-signed URL (they expire); Electron also opens it. */
  openLink: takes(z.tuple([OpenLinkSchema])).answers<string>(),
  pauseAll: takes(z.tuple([])).answers<void>(),
  resumeAll: takes(z.tuple([])).answers<void>(),
  pauseFolder: takes(z.tuple([FolderIdSchema])).answers<void>(),
  resumeFolder: takes(z.tuple([FolderIdSchema])).answers<void>(),
  addFolder: takes(z.tuple([AddFolderSchema])).answers<FolderStatus>(),
  updateFolder: takes(z.tuple([FolderIdSchema, FolderOptionsSchema.partial()])).answers<FolderStatus>(),
  removeFolder: takes(z.tuple([FolderIdSchema])).answers<void>(),
  /** The native folder picker; null when cancelled or when the host has none. */
  pickFolder: takes(z.tuple([])).answers<string | null>(),
  /** Files or folders (dropped, or handed over by a second launch) enter the pipeline. */
  addPaths: takes(z.tuple([PathListSchema])).answers<DropResult>(),
  listProfiles: takes(z.tuple([])).answers<{ profiles: Profile[]; activeId: string | null }>(),
  saveProfile: takes(z.tuple([ProfileInputSchema])).answers<Profile>(),
  removeProfile: takes(z.tuple([ProfileIdSchema])).answers<void>(),
  selectProfile: takes(z.tuple([ProfileIdSchema])).answers<void>(),
  /** Store the secret in the keychain. The UI can set, test and clear a secret, never read it. */
  setSecret: takes(z.tuple([ProfileIdSchema, SecretInputSchema])).answers<void>(),
  clearSecret: takes(z.tuple([ProfileIdSchema])).answers<void>(),
  testConnection: takes(
    z.tuple([ProfileIdSchema, z.object({ detect: z.boolean().default(false) }).optional()]),
  ).answers<ConnectionTest>(),
  /** The report of the jobs matching the query, as CSV or JSON text. */
  exportReport: takes(z.tuple([JobQuerySchema, z.enum(REPORT_FORMATS)])).answers<string>(),
  /** The stored preferences (uploads at once, limits, desktop switches). */
  getPreferences: takes(z.tuple([])).answers<Preferences>(),
  /** Store the given preferences, apply them without a restart, and return them all. */
  updatePreferences: takes(z.tuple([PreferencesPatchSchema])).answers<Preferences>(),
  /** Set a file's review (note at most 2,000 characters; `at` is now); the change also arrives through jobsChanged. */
  setReview: takes(z.tuple([JobIdSchema, ReviewInputSchema])).answers<Job>(),
  /**
   * The URL prefix (no trailing slash) of the local media: `${base}/original/${id}` is the file
   * itself (HTTP Range, its sniffed content type), `${base}/thumb/${id}` a small picture (404 when
   * none can be made), `${base}/thumb-row/${id}` the same cut to a queue row's box (80x56). A file that vanished answers 410, one that changed since it was judged 409.
   */
  getMediaBase: takes(z.tuple([])).answers<string>(),
  /** A video's poster frame, drawn by the UI's own decoder (JPEG data URL, at most 512 KB); re-encoded and cached as its thumbnail. */
  saveVideoPoster: takes(z.tuple([JobIdSchema, PosterDataUrlSchema])).answers<void>(),
  /** The native multi-file picker; empty when cancelled or when the host has none. The UI then calls addPaths. */
  pickFiles: takes(z.tuple([])).answers<string[]>(),
  /** Print the window to a PDF file the user picks (desktop only, capability `pdf`); null when cancelled. */
  savePdf: takes(z.tuple([z.string().max(200)])).answers<string | null>(),
  /**
   * One page of the account's records on Authenta, newest first (`GET /media` or `GET /v1/jobs`):
   * one Query call, made only when asked (never polled), each record marked as checked here or
   * from elsewhere (issue 14).
   */
  getAccountHistory: takes(z.tuple([HistoryQuerySchema])).answers<HistoryPage>(),
  /** The file's provenance: its Content Credentials (C2PA) and camera metadata, read on this machine (cached by sha256). */
  getProvenance: takes(z.tuple([JobIdSchema])).answers<ProvenanceReport>(),
  /** The queue's Content Credentials marks of these jobs (read now when small; left out when not hashed yet or too large). */
  getCredentialMarks: takes(z.tuple([z.array(JobIdSchema).max(500)])).answers<CredentialMarks>(),
  /**
   * The team ledger setting (URL without password, desk name, whether a password is kept) and
   * whether its server answers (issue 11). Answers while the engine still waits for the server.
   */
  getTeamLedger: takes(z.tuple([])).answers<TeamLedgerState>(),
  /** Connect once with the typed URL and password (or the kept one) and say what that means; writes nothing. */
  testTeamLedger: takes(z.tuple([TeamLedgerTestInputSchema])).answers<TeamLedgerTest>(),
  /**
   * Test, then keep the URL and desk name in Settings and the password in the OS keychain (never
   * in Settings, never sent back). Refused with the test's message when the server said no; a
   * server that cannot be reached now is saved with a warning. Applies when the app starts again.
   */
  saveTeamLedger: takes(z.tuple([TeamLedgerInputSchema])).answers<TeamLedgerSaved>(),
  /** Back to this computer's own ledger (the team ledger's password is removed from the keychain); applies at the next start. */
  leaveTeamLedger: takes(z.tuple([])).answers<TeamLedgerState>(),
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

/** Every command's name, in the order of the table. */
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

/** Argument schemas of every command, as tuples (the table's `args`, by name). */
export const COMMAND_ARGS = Object.fromEntries(COMMAND_NAMES.map((name) => [name, COMMANDS[name].args])) as {
  readonly [K in CommandName]: (typeof COMMANDS)[K]['args'];
};

/** What a command answers. */
export type CommandResult<K extends CommandName> =
  (typeof COMMANDS)[K] extends CommandSpec<z.ZodTuple, infer R> ? R : never;

/** The command half of the API: what hosts implement and what crosses the wire. */
export type CommandApi = {
  [K in CommandName]: (...args: z.input<(typeof COMMANDS)[K]['args']>) => Promise<CommandResult<K>>;
};

/**
 * Events pushed from the engine to every UI. A new event is one entry here plus where it is
 * emitted; `AuthentaWatchApi` gets its `on…` method from it, and the bridges forward it by name.
 */
export const EVENTS = {
  /** Rows that changed, in order; the UI patches its list instead of reloading it. */
  jobsChanged: carries<JobChange[]>(),
  status: carries<EngineStatus>(),
  progress: carries<UploadProgress[]>(),
  /** A host asks the UI to show a job (a notification was clicked). */
  openJob: carries<JobId>(),
  /** The team ledger's setting or connection changed (its server went away, came back; saved, left). */
  teamLedger: carries<TeamLedgerState>(),
} as const satisfies Record<string, EventSpec>;

export type EventName = keyof typeof EVENTS;

/** The payload of each event. */
export type EventPayloads = {
  [E in EventName]: (typeof EVENTS)[E] extends EventSpec<infer P> ? P : never;
};

/** Every event's name, in the order of the table. */
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

export type Unsubscribe = () => void;

/** The subscription half of the API: `onJobsChanged(listener)` and so on, one per event. */
export type EventApi = {
  [E in EventName as EventMethod<E>]: (listener: (payload: EventPayloads[E]) => void) => Unsubscribe;
};

/** The subscription method for each event. */
export const EVENT_METHODS = Object.fromEntries(EVENT_NAMES.map((name) => [name, eventMethod(name)])) as {
  readonly [E in EventName]: EventMethod<E>;
};

/**
 * `window.authenta`: exactly this, in Electron (preload) and in a browser (WebSocket client).
 * Every member comes from the tables above.
 */
export interface AuthentaWatchApi extends CommandApi, EventApi {}

/**
 * The names of the tables as plain data. The sandboxed preload may load no module but
 * `electron`, so it cannot import this file (it would pull zod in): the build compiles these
 * into it as the constant `__AUTHENTA_CONTRACT__` (electron.vite.config.ts, vitest.config.ts).
 */
export const CONTRACT_NAMES: ContractNames = { commands: COMMAND_NAMES, events: EVENT_NAMES };

/** The build's `define` that compiles CONTRACT_NAMES in as `__AUTHENTA_CONTRACT__`. */
export const CONTRACT_DEFINE = { __AUTHENTA_CONTRACT__: JSON.stringify(CONTRACT_NAMES) };

/** Validate a command's arguments; throws a ContractError naming the command on bad input. */
export function parseArgs<K extends CommandName>(name: K, args: unknown): z.output<(typeof COMMAND_ARGS)[K]> {
  const schema = COMMAND_ARGS[name];
  if (!schema) throw new ContractError(`Unknown command "${String(name)}".`);
  const result = schema.safeParse(args);
  if (!result.success) {
    throw new ContractError(`Invalid arguments for ${name}: ${z.prettifyError(result.error)}`);
  }
  return result.data as z.output<(typeof COMMAND_ARGS)[K]>;
}

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(COMMAND_ARGS, name);
}

/** A command was called with arguments the contract does not allow. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
}

/** An error as it crosses to the UI: message and, when it came from the API, its code. */
export interface WireError {
  message: string;
  code: string | null;
}
