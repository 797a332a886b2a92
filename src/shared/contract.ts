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
  type ReviewStatus,
  type UploadProgress,
} from './domain';
import { PreferencesSchema, type Preferences } from './settings';

export const JobIdSchema = z.number().int().positive();
export type JobId = z.infer<typeof JobIdSchema>;

export const FolderIdSchema = z.string().min(1).max(64);

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
});
export type PreferencesPatch = z.infer<typeof PreferencesPatchSchema>;

/**
 * Argument schemas of every command, as tuples. The return type of each is in AuthentaWatchApi;
 * `contract.test.ts` checks that the two agree.
 */
export const COMMAND_ARGS = {
  getCapabilities: z.tuple([]),
  getStatus: z.tuple([]),
  listJobs: z.tuple([JobQuerySchema]),
  getJob: z.tuple([JobIdSchema]),
  retryJob: z.tuple([JobIdSchema]),
  cancelJob: z.tuple([JobIdSchema]),
  deleteRemote: z.tuple([JobIdSchema]),
  revealJob: z.tuple([JobIdSchema]),
  openLink: z.tuple([OpenLinkSchema]),
  pauseAll: z.tuple([]),
  resumeAll: z.tuple([]),
  pauseFolder: z.tuple([FolderIdSchema]),
  resumeFolder: z.tuple([FolderIdSchema]),
  addFolder: z.tuple([AddFolderSchema]),
  updateFolder: z.tuple([FolderIdSchema, FolderOptionsSchema.partial()]),
  removeFolder: z.tuple([FolderIdSchema]),
  pickFolder: z.tuple([]),
  addPaths: z.tuple([PathListSchema]),
  listProfiles: z.tuple([]),
  saveProfile: z.tuple([ProfileInputSchema]),
  removeProfile: z.tuple([z.string().min(1).max(64)]),
  selectProfile: z.tuple([z.string().min(1).max(64)]),
  setSecret: z.tuple([z.string().min(1).max(64), SecretInputSchema]),
  clearSecret: z.tuple([z.string().min(1).max(64)]),
  testConnection: z.tuple([
    z.string().min(1).max(64),
    z.object({ detect: z.boolean().default(false) }).optional(),
  ]),
  exportReport: z.tuple([JobQuerySchema, z.enum(REPORT_FORMATS)]),
  getPreferences: z.tuple([]),
  updatePreferences: z.tuple([PreferencesPatchSchema]),
  setReview: z.tuple([JobIdSchema, ReviewInputSchema]),
  getMediaBase: z.tuple([]),
  saveVideoPoster: z.tuple([JobIdSchema, PosterDataUrlSchema]),
  pickFiles: z.tuple([]),
  savePdf: z.tuple([z.string().max(200)]),
} as const;

export type CommandName = keyof typeof COMMAND_ARGS;

/** Events pushed from the engine to every UI. */
export interface EventPayloads {
  /** Rows that changed, in order; the UI patches its list instead of reloading it. */
  jobsChanged: JobChange[];
  status: EngineStatus;
  progress: UploadProgress[];
  /** A host asks the UI to show a job (a notification was clicked). */
  openJob: JobId;
}
export type EventName = keyof EventPayloads;
export const EVENT_NAMES = [
  'jobsChanged',
  'status',
  'progress',
  'openJob',
] as const satisfies readonly EventName[];

export type Unsubscribe = () => void;

/** `window.authenta`: exactly this, in Electron (preload) and in a browser (WebSocket client). */
export interface AuthentaWatchApi {
  /** What this host supports. */
  getCapabilities(): Promise<HostCapabilities>;
  /** Counters, blocks, folders and their health, the active profile. */
  getStatus(): Promise<EngineStatus>;
  /** A filtered, sorted page of the queue. */
  listJobs(query: JobQuery): Promise<JobPage>;
  /** One job with its timeline, raw record and what to do next. */
  getJob(id: JobId): Promise<JobDetails>;
  /** Put a failed, skipped or blocked job back in the queue. */
  retryJob(id: JobId): Promise<void>;
  /** Stop a job that has not reached a verdict; it ends `failed` with code CANCELLED. */
  cancelJob(id: JobId): Promise<void>;
  /** Delete the remote record (DELETE /media/{mid}); the local row stays with its verdict. */
  deleteRemote(id: JobId): Promise<void>;
  /** Show the file in the OS file manager (Electron only; the web host refuses). */
  revealJob(id: JobId): Promise<void>;
  /** Fetch the record again and return a fresh pre-signed URL (they expire); Electron also opens it. */
  openLink(link: z.input<typeof OpenLinkSchema>): Promise<string>;
  pauseAll(): Promise<void>;
  resumeAll(): Promise<void>;
  pauseFolder(id: string): Promise<void>;
  resumeFolder(id: string): Promise<void>;
  addFolder(folder: z.input<typeof AddFolderSchema>): Promise<FolderStatus>;
  updateFolder(
    id: string,
    options: z.input<ReturnType<typeof FolderOptionsSchema.partial>>,
  ): Promise<FolderStatus>;
  removeFolder(id: string): Promise<void>;
  /** The native folder picker; null when cancelled or when the host has none. */
  pickFolder(): Promise<string | null>;
  /** Files or folders (dropped, or handed over by a second launch) enter the pipeline. */
  addPaths(paths: string[]): Promise<DropResult>;
  listProfiles(): Promise<{ profiles: Profile[]; activeId: string | null }>;
  saveProfile(profile: ProfileInput): Promise<Profile>;
  removeProfile(id: string): Promise<void>;
  selectProfile(id: string): Promise<void>;
  /** Store the secret in the keychain. The UI can set, test and clear a secret, never read it. */
  setSecret(profileId: string, secret: SecretInput): Promise<void>;
  clearSecret(profileId: string): Promise<void>;
  testConnection(profileId: string, options?: { detect?: boolean }): Promise<ConnectionTest>;
  /** The report of the jobs matching the query, as CSV or JSON text. */
  exportReport(query: JobQuery, format: ReportFormat): Promise<string>;
  /** The stored preferences (uploads at once, limits, desktop switches). */
  getPreferences(): Promise<Preferences>;
  /** Store the given preferences, apply them without a restart, and return them all. */
  updatePreferences(patch: PreferencesPatch): Promise<Preferences>;
  /** Set a file's review (note at most 2,000 characters; `at` is now); the change also arrives through jobsChanged. */
  setReview(id: JobId, review: { status: ReviewStatus; note?: string | null }): Promise<Job>;
  /**
   * The URL prefix (no trailing slash) of the local media: `${base}/original/${id}` is the file
   * itself (HTTP Range, its sniffed content type), `${base}/thumb/${id}` a small picture (404 when
   * none can be made), `${base}/thumb-row/${id}` the same cut to a queue row's box (80x56). A file that vanished answers 410, one that changed since it was judged 409.
   */
  getMediaBase(): Promise<string>;
  /** A video's poster frame, drawn by the UI's own decoder (JPEG data URL, at most 512 KB); re-encoded and cached as its thumbnail. */
  saveVideoPoster(id: JobId, jpegDataUrl: string): Promise<void>;
  /** The native multi-file picker; empty when cancelled or when the host has none. The UI then calls addPaths. */
  pickFiles(): Promise<string[]>;
  /** Print the window to a PDF file the user picks (desktop only, capability `pdf`); null when cancelled. */
  savePdf(title: string): Promise<string | null>;

  onJobsChanged(listener: (changes: JobChange[]) => void): Unsubscribe;
  onStatus(listener: (status: EngineStatus) => void): Unsubscribe;
  onProgress(listener: (progress: UploadProgress[]) => void): Unsubscribe;
  onOpenJob(listener: (id: JobId) => void): Unsubscribe;
}

/** The subscription method for each event. */
export const EVENT_METHODS = {
  jobsChanged: 'onJobsChanged',
  status: 'onStatus',
  progress: 'onProgress',
  openJob: 'onOpenJob',
} as const satisfies Record<EventName, keyof AuthentaWatchApi>;

/** The command half of the API: what hosts implement and what crosses the wire. */
export type CommandApi = Pick<AuthentaWatchApi, CommandName>;

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
