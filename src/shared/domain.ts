/**
 * Domain types shared by the engine, the hosts and the UI. Plain data only: no Node, no DOM.
 * The zod schemas here validate everything that crosses a process or network boundary.
 */
import { z } from 'zod';

/** A file's life in the ledger (DESIGN.md, "A file's life"). `finalizing` exists for the Jobs API only. */
export const JOB_STATES = [
  'waiting',
  'queued',
  'creating',
  'uploading',
  'finalizing',
  'processing',
  'done',
  'failed',
  'blocked',
  'skipped',
] as const;
export type JobState = (typeof JOB_STATES)[number];

/*
 * The named sets of states, defined here once because the engine, the hosts and the UI all ask
 * them (tests/unit/shared/domain.test.ts pins which state is in which). They differ on purpose in
 * one state, `blocked`: a blocked job is unfinished (it still awaits a verdict and can be
 * cancelled) but it is not moving (nothing happens to it until quota, credits or credentials
 * come back), so the tray shows no activity and a drop does not count it as in progress.
 */

/** States a job never leaves without a user action: it ended (with or without a verdict). */
export const TERMINAL_STATES: readonly JobState[] = ['done', 'failed', 'skipped'];

/**
 * States of a job that has not ended yet, `blocked` included: every state but the terminal ones.
 * The engine resumes, cancels and re-checks exactly these; the UI offers Cancel on them.
 */
export const UNFINISHED_STATES: readonly JobState[] = [
  'waiting',
  'queued',
  'creating',
  'uploading',
  'finalizing',
  'processing',
  'blocked',
];

/**
 * States of a job the engine is moving along right now: unfinished but not `blocked`. The tray
 * shows "working" while any job is in one, the queue's "active" filter lists these, and a drop
 * counts them as still in progress.
 */
export const MOVING_STATES: readonly JobState[] = [
  'waiting',
  'queued',
  'creating',
  'uploading',
  'finalizing',
  'processing',
];

export const VERDICT_LABELS = ['authentic', 'suspect', 'fake', 'inconclusive'] as const;
export type VerdictLabel = (typeof VERDICT_LABELS)[number];

/** Which way a model answered: fake or authentic. */
export const LEANINGS = ['fake', 'authentic'] as const;
export type Leaning = (typeof LEANINGS)[number];

/** Where a desk stands with a file: not looked at yet, cleared, or sent up for a closer look. */
export const REVIEW_STATUSES = ['new', 'cleared', 'escalated'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** The longest review note, in characters. */
export const REVIEW_NOTE_MAX = 2_000;

/** A person's review of one file: status, a short note, and when it was set (null: never). */
export interface JobReview {
  status: ReviewStatus;
  note: string | null;
  at: number | null;
}

/** The review of a file nobody has looked at yet. */
export const NEW_REVIEW: Readonly<JobReview> = Object.freeze({ status: 'new', note: null, at: null });

export const MEDIA_KINDS = ['image', 'video', 'audio', 'document'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** How a failure is handled: policy decides by kind, never by message text. */
export const ERROR_KINDS = [
  'auth',
  'permission',
  'quota',
  'credits',
  'invalid',
  'not-found',
  'transient',
  'expired-url',
  'unsupported',
  'local',
  /** The proxy between this computer and Authenta refused or cannot be reached (407, CONNECT refused). */
  'proxy',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Which Authenta API a profile speaks (authenta-api.md sections 1, 2 and 3). */
export const API_GENERATIONS = ['media-client', 'media-apikey', 'jobs-v1'] as const;
export type ApiGeneration = (typeof API_GENERATIONS)[number];

export const ParticipantSchema = z.object({
  id: z.string(),
  fake: z.boolean(),
  heatmap: z.string().optional(),
});
export type Participant = z.infer<typeof ParticipantSchema>;

/** A verdict people can read, normalised from any model's record. `confidence` is always 0..1. */
export const VerdictSchema = z.object({
  label: z.enum(VERDICT_LABELS),
  confidence: z.number().min(0).max(1).optional(),
  /**
   * Which way the model answered, whatever the label: a low-confidence answer is labelled
   * `suspect` but still leaned one way. Set when the model gave a yes/no answer (images, Jobs API
   * results); absent for a video judged by its face counts and for no answer. Verdicts stored
   * before it existed get it derived when read (see withLeaning in src/main/core/api/verdict.ts).
   */
  leaning: z.enum(LEANINGS).optional(),
  faces: z.number().int().nonnegative().optional(),
  deepFakes: z.number().int().nonnegative().optional(),
  participants: z.array(ParticipantSchema).optional(),
  /** Why the label was chosen when it is not obvious ("no face found"). */
  reason: z.string().optional(),
});
export type Verdict = z.infer<typeof VerdictSchema>;

/** What stopped the queue: cleared by the user, by new credentials or after a cool-down. */
export const BLOCK_KINDS = [
  'auth',
  'permission',
  'quota-query',
  'quota-mutation',
  'credits',
  'offline',
  /** The proxy refused (407, CONNECT refused) or cannot be reached: checked again after a while. */
  'proxy',
] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

export interface Block {
  kind: BlockKind;
  /** The API's code (IAM001, AA001, U007, INSUFFICIENT_BALANCE, ...) or a local one. */
  code: string;
  message: string;
  /** What the user can do about it, in one sentence. */
  action: string;
  since: number;
  /** When the engine will check again by itself (quota cool-down, offline backoff); null: waits for the user. */
  retryAt: number | null;
}

/** One row of the ledger as the UI and the reports see it. Never holds a secret. */
export interface Job {
  id: number;
  path: string;
  name: string;
  folderId: string | null;
  size: number;
  mtimeMs: number;
  sha256: string | null;
  contentType: string | null;
  kind: MediaKind | null;
  model: string | null;
  generation: ApiGeneration | null;
  /** The media API's mid or the Jobs API's jobId. */
  remoteId: string | null;
  state: JobState;
  attempts: number;
  bytesSent: number;
  verdict: Verdict | null;
  errorCode: string | null;
  errorKind: ErrorKind | null;
  errorMessage: string | null;
  /** The earlier job whose verdict this duplicate shares. */
  duplicateOf: number | null;
  profileId: string;
  /** Judged by the built-in simulator, not by Authenta. */
  simulated: boolean;
  createdAt: number;
  updatedAt: number;
  doneAt: number | null;
  /** When the engine tries again by itself after a transient failure; null or absent: not waiting for a retry. */
  nextAttemptAt?: number | null;
  /**
   * Remote records created for this file (absent: not known). More than one when the storage
   * refused an upload URL as expired or a crash left a record unused; the extra ones cost no credits.
   */
  recordsCreated?: number;
  /** The desk (engine) that handled the file last, as people name it: `user@host (id)`; absent: not known. */
  desk?: string | null;
  /** The desk's review of the file (new until someone sets it). */
  review: JobReview;
}

export interface JobTransition {
  state: JobState;
  at: number;
  note: string | null;
}

export interface JobDetails {
  job: Job;
  timeline: JobTransition[];
  /** The raw record of the last API answer, as received. */
  raw: unknown;
  /** What to do next, when the job failed, was skipped or is blocked. */
  hint: string | null;
}

export const AFTER_ACTIONS = ['none', 'sidecar', 'move'] as const;
export type AfterAction = (typeof AFTER_ACTIONS)[number];

export const FolderOptionsSchema = z.object({
  recursive: z.boolean().default(true),
  images: z.boolean().default(true),
  videos: z.boolean().default(true),
  imageModel: z.string().min(1).max(32).default('AC-1'),
  videoModel: z.string().min(1).max(32).default('DF-1'),
  /** Jobs API only: check audio files (absent: yes). */
  audio: z.boolean().optional(),
  /** Jobs API only: check PDF documents (absent: yes). */
  documents: z.boolean().optional(),
  /** Jobs API only: the task type for audio files (absent: the first offered, AI-generated audio). */
  audioModel: z.string().min(1).max(32).optional(),
  /** Jobs API only: the task type for PDF documents (absent: the first offered, document forgery). */
  documentModel: z.string().min(1).max(32).optional(),
  stabilityMs: z.number().int().min(0).max(600_000).default(2_000),
  usePolling: z.boolean().default(false),
  pollIntervalMs: z.number().int().min(100).max(600_000).default(2_000),
  ignore: z.array(z.string().max(500)).max(100).default([]),
  after: z.enum(AFTER_ACTIONS).default('none'),
  /** Check the same bytes again even when an earlier verdict exists (spends credits). */
  forceRecheck: z.boolean().default(false),
});
export type FolderOptions = z.infer<typeof FolderOptionsSchema>;

export interface FolderSettings extends FolderOptions {
  id: string;
  path: string;
  paused: boolean;
}

export const FOLDER_HEALTH_STATES = ['starting', 'watching', 'polling', 'unavailable', 'paused'] as const;
export type FolderHealthState = (typeof FOLDER_HEALTH_STATES)[number];

export interface FolderHealth {
  state: FolderHealthState;
  /** Why it is polling or unavailable, and what to do. */
  message: string | null;
  lastEventAt: number | null;
}

export interface FolderStatus extends FolderSettings {
  health: FolderHealth;
}

export const AUTH_KINDS = ['client', 'apikey'] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

/** A connection profile. Its secret lives only in the keychain (or the environment). */
export interface Profile {
  id: string;
  name: string;
  baseUrl: string;
  generation: ApiGeneration;
  /** The built-in simulator: results are labelled as simulated. */
  simulated: boolean;
  hasSecret: boolean;
}

export interface EngineStatus {
  paused: boolean;
  blocks: Block[];
  counts: Record<JobState, number>;
  uploads: { inFlight: number; bytesPerSecond: number };
  /** API calls made since local midnight, by quota kind. */
  callsToday: { query: number; mutation: number };
  folders: FolderStatus[];
  profile: Profile | null;
  /** Whether secrets can be kept in the OS keychain here, and if not why. */
  keychain: { available: boolean; message: string | null };
  /** Jobs per verdict label, over the whole ledger (the counts above the queue, which also filter it). */
  verdicts: Record<VerdictLabel, number>;
  /**
   * The data folder's disk is full: nothing new is taken (nothing is lost) until space is back,
   * which the engine notices by itself. Absent or null: there is room.
   */
  diskFull?: { path: string; freeBytes: number | null; message: string } | null;
  /**
   * The ledger is shared by a team (issue 11): this desk's name, so the UI can tell its own rows
   * from the other desks'. Absent or null: this desk works alone.
   */
  team?: { desk: string } | null;
}

export interface UploadProgress {
  id: number;
  /** Bytes uploaded, or while `checking`, bytes read so far. */
  bytesSent: number;
  size: number;
  bytesPerSecond: number;
  /**
   * `checking`: the engine reads the file to sniff and hash it before anything is sent (large
   * files take a while: the UI shows "Checking 45%"); `uploading` or absent: bytes go to Authenta.
   */
  phase?: 'checking' | 'uploading';
}

export type JobChange = { type: 'upsert'; job: Job } | { type: 'removed'; id: number };

/** Zero jobs for every verdict label. */
export function emptyVerdictCounts(): Record<VerdictLabel, number> {
  return Object.fromEntries(VERDICT_LABELS.map((l) => [l, 0])) as Record<VerdictLabel, number>;
}

export function emptyCounts(): Record<JobState, number> {
  return Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
}
