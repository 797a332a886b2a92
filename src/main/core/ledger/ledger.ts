/**
 * The `Ledger` port: every file the engine has seen, one row each, with the state it is in and
 * a timeline of how it got there (DESIGN.md, "A file's life"). SQLite is the embedded adapter;
 * a PostgreSQL adapter is planned, so the port is asynchronous and every claim is one atomic
 * compare-and-set (`UPDATE ... WHERE id = ? AND state = ? RETURNING`).
 */
import type { NormalisedJobQuery } from '../../../shared/contract';
import type {
  ApiGeneration,
  BlockKind,
  ErrorKind,
  Job,
  JobState,
  JobReview,
  JobTransition,
  MediaKind,
  Verdict,
  VerdictLabel,
} from '../../../shared/domain';
import type { Disposable } from '../ports';
import type { TeamMount } from './team-folders';

/** A ledger row: the Job the UI sees plus what only the engine may know. */
export interface JobRecord extends Job {
  /** The pre-signed upload URL: a capability for one record, never shown whole in a log. */
  uploadUrl: string | null;
  uploadExpiresAt: number | null;
  /** When a retry (after a transient error) may start; null: now. */
  nextAttemptAt: number | null;
  /** For a `blocked` job: where it resumes. */
  resumeState: JobState | null;
  /** The raw record of the last API answer. */
  raw: unknown;
  /** When the upload was accepted: the start of processing, for learned durations. */
  uploadedAt: number | null;
  /** The processing deadline counts from here (reset when the user asks to poll again). */
  pollingSince: number | null;
  /** Last time the record was seen unfinished, relative to `uploadedAt` (ms); learning only. */
  pendingSeenMs: number | null;
  /** Check these bytes even when an earlier verdict exists (the user asked). */
  forceRecheck: boolean;
  /** Remote records created for this job so far: more than one when an upload URL was refused or a crash left one unused. */
  recordsCreated: number;
  /** Until when the desk working on it (creating, uploading, finalizing) holds it; null: nobody does. */
  leaseUntil: number | null;
}

/** What a new row needs. */
export interface NewJob {
  path: string;
  name: string;
  folderId: string | null;
  size: number;
  mtimeMs: number;
  profileId: string;
  simulated: boolean;
  state: 'waiting' | 'queued';
  sha256?: string | null;
  contentType?: string | null;
  kind?: MediaKind | null;
  model?: string | null;
  forceRecheck?: boolean;
  note?: string | null;
}

/** Fields a transition or update may write (never id, state or timestamps the ledger owns). */
export interface JobPatch {
  path?: string;
  name?: string;
  folderId?: string | null;
  size?: number;
  mtimeMs?: number;
  sha256?: string | null;
  contentType?: string | null;
  kind?: MediaKind | null;
  model?: string | null;
  generation?: ApiGeneration | null;
  remoteId?: string | null;
  uploadUrl?: string | null;
  uploadExpiresAt?: number | null;
  attempts?: number;
  nextAttemptAt?: number | null;
  bytesSent?: number;
  verdict?: Verdict | null;
  raw?: unknown;
  errorCode?: string | null;
  errorKind?: ErrorKind | null;
  errorMessage?: string | null;
  duplicateOf?: number | null;
  profileId?: string;
  simulated?: boolean;
  resumeState?: JobState | null;
  doneAt?: number | null;
  uploadedAt?: number | null;
  pollingSince?: number | null;
  pendingSeenMs?: number | null;
  forceRecheck?: boolean;
  recordsCreated?: number;
}

/** The profile a claimed job will be sent with. */
export interface ClaimProfile {
  profileId: string;
  simulated: boolean;
  generation: ApiGeneration;
}

/** One finished job's processing time, as an interval: learned durations come from these. */
export interface ProcessingSample {
  model: string;
  kind: MediaKind;
  size: number;
  /** Last time it was seen unfinished (ms after upload); 0 when never. */
  lowMs: number;
  /** First time it was seen processed (ms after upload). */
  highMs: number;
}

/** The two API call quotas. */
export type QuotaKind = 'query' | 'mutation';

/**
 * Rows that `insert` did not make because the file version already had one (a team folder's
 * file another desk, or this one, saw first): the caller gets that row instead.
 */
const FOUND_EXISTING = new WeakSet<JobRecord>();

/** Mark a row `insert` found instead of making one (adapters only). */
export function markFoundExisting(row: JobRecord): JobRecord {
  FOUND_EXISTING.add(row);
  return row;
}

/** Whether `insert` returned a row that was already there (someone saw the file first). */
export function foundExisting(row: JobRecord): boolean {
  return FOUND_EXISTING.has(row);
}

/** The key of a file version: path, size and whole-millisecond mtime. */
export function fileKey(path: string, size: number, mtimeMs: number): string {
  return `${path}\u0000${size}\u0000${Math.floor(mtimeMs)}`;
}

/** Reads the rows other desks changed, as they now stand (what one notice named, or a catch-up). */
export type ReadChanged = () => Promise<JobRecord[]>;

/**
 * Told that other desks committed changes; `read` may be called more than once (again when this
 * desk wrote one of the rows meanwhile). The next notice waits until the returned promise settles;
 * a rejection means the rows were not read, and they are offered again.
 */
export type OtherDesksListener = (read: ReadChanged) => Promise<void>;

/** Which rows a `takeOver` may take (leases.ts). */
export interface TakeOverOptions {
  /** At most this many rows, oldest first: a desk takes what it can start; the rest stay for others or later. */
  limit?: number;
  /**
   * Only rows of another desk whose lease ran out: what a running desk takes in its regular work.
   * Its own rows and nobody's are taken at start-up, when nothing of this desk can be holding them.
   */
  othersOnly?: boolean;
  /** Rows this desk is working on right now: neither taken nor counted against the limit. */
  exceptIds?: readonly number[];
}

/**
 * An account's block as the team shares it (the team-wide quota pause, team-blocks.ts): one row
 * per account (`scope`: the API's base URL) and kind.
 */
export interface SharedBlock {
  scope: string;
  kind: BlockKind;
  /** The API's code (AA001, U007, ...) and message, as the desk that met it got them. */
  code: string;
  message: string;
  /** When it was first met, and when it was last set (a later refusal or a failed probe). */
  since: number;
  setAt: number;
  /** When one desk may test it again; null: it waits for someone to resume. */
  retryAt: number | null;
  /** The desk that met it (last). */
  desk: string;
  /** The desk testing it now, and until when that claim holds (a desk that stops loses it). */
  probeDesk: string | null;
  probeUntil: number | null;
}

/** What `claimProbe` found: this desk tests the block now, or how the block stands (null: lifted). */
export interface ProbeClaim {
  mine: boolean;
  block: SharedBlock | null;
}

/**
 * The account's blocks a team shares (a ledger several desks share only). Every write is one
 * statement, and every desk hears it (`onChange`) soon after it commits.
 */
export interface SharedBlocks {
  /** Record a block this desk met (or a failed probe's new time); the probe claim is dropped. */
  set(
    block: Omit<SharedBlock, 'since' | 'setAt' | 'desk' | 'probeDesk' | 'probeUntil'>,
    now: number,
  ): Promise<void>;
  /** The blocks in force for this account. */
  list(scope: string): Promise<SharedBlock[]>;
  /**
   * Claim the single test of a block whose time has come: true for exactly one desk, for
   * `leaseMs` (then another desk may claim it: a desk that stops while testing does not hold the
   * team forever).
   */
  claimProbe(scope: string, kind: BlockKind, now: number, leaseMs: number): Promise<ProbeClaim>;
  /** Lift these blocks for every desk, unless one was set again after `startedAt` (a newer refusal). */
  lift(scope: string, kinds: readonly BlockKind[], startedAt: number): Promise<void>;
  /** Told when another desk sets or lifts a block, and after a lost connection is back. */
  onChange(listener: () => void): Disposable;
}

/** The port. All methods are atomic; a state change and its timeline entry commit together. */
export interface Ledger {
  /** The desk this ledger writes for (leases.ts): every insert, claim and transition names it. */
  readonly desk: string;
  /**
   * Whether desks share this ledger (PostgreSQL): its watched folders get team identities
   * (marker files) and their files are keyed by team folder. False for the embedded one.
   */
  readonly teamLedger: boolean;
  /**
   * This desk's team folders (see team-folders.ts): from now on a file under one of them is keyed
   * by (team folder id, relative path), and rows of them read back with this desk's own path and
   * folder id. Replaces the previous set.
   */
  mountTeamFolders(mounts: readonly TeamMount[]): Promise<void>;
  /**
   * Insert a row in `waiting` or `queued`; its first timeline entry is written with it.
   * For a file of a team folder the insert is atomic across desks: when the file's latest row is
   * still `waiting`, or is this version and not `skipped` or `failed`, that row is returned
   * instead (`foundExisting` tells), so a version seen by two desks at once is one row.
   */
  insert(job: NewJob): Promise<JobRecord>;
  get(id: number): Promise<JobRecord | null>;
  /**
   * Compare-and-set: move the job to `to` only if it is in one of `from`, writing `patch` in the
   * same statement. Null when the job was not in `from` (a race lost, e.g. to a cancel).
   * Throws TransitionError when `from -> to` is not a legal move.
   */
  transition(
    id: number,
    from: JobState | readonly JobState[],
    to: JobState,
    patch?: JobPatch,
    note?: string | null,
  ): Promise<JobRecord | null>;
  /** Write fields without a state change; with `inState`, only while the job is in one of them. */
  update(id: number, patch: JobPatch, inState?: readonly JobState[]): Promise<JobRecord | null>;
  /** A timeline entry without a state change ("remote record deleted"). */
  addNote(id: number, note: string): Promise<void>;
  /**
   * Atomically claim the oldest queued job that is due and whose folder is not paused, moving it
   * to `creating` for `profile`. A job waits while an earlier job with the same bytes and model is
   * still on its way (its verdict will be shared instead of paying twice).
   */
  claimNextQueued(
    now: number,
    pausedFolderIds: readonly string[],
    profile: ClaimProfile,
  ): Promise<JobRecord | null>;
  /**
   * Atomically take the rows in one of `states` (leased states) that this desk may work on: its
   * own (left by its own crash), nobody's, or another desk's whose lease ran out. Each gets this
   * desk and a fresh lease, and a timeline note when it came from another desk. Rows another
   * desk holds with a live lease are left alone, and so are rows whose retry is not due yet.
   * Oldest first; `options` narrows it (a limit, other desks' rows only).
   */
  takeOver(states: readonly JobState[], now: number, options?: TakeOverOptions): Promise<JobRecord[]>;
  /**
   * Extend the lease of the rows this desk holds in a leased state: those in `ids` (the work
   * that is progressing, leases.ts), or every one when `ids` is left out; how many.
   */
  renewLeases(now: number, ids?: readonly number[]): Promise<number>;
  /**
   * Shared polling: of these pending records (`processing`), take the ones this desk polls in
   * this round: those nobody polls, this desk's own (it keeps them, for `holdMs` more), and those
   * whose poller stopped for `holdMs`. `finished`: rows no longer pending (another desk had the
   * verdict), to stop waiting for. Another desk's live hold is skipped, not waited for.
   */
  claimPolls(
    ids: readonly number[],
    now: number,
    holdMs: number,
  ): Promise<{ mine: number[]; finished: number[] }>;
  /**
   * Shared polling on a ledger desks share (absent on the embedded one, where a desk polls what it
   * sent, through `claimPolls`): whether it is this desk's turn to poll every pending record of
   * `scope` (the records one set of credentials can ask about) for the team. One desk holds the
   * turn at a time and keeps it while it runs; when it stops or its connection dies, the turn
   * passes to the next desk that asks. False when the ledger cannot be reached.
   */
  pollTurn?(scope: string): Promise<boolean>;
  /** How long this desk's claims hold, and how often the engine renews those still progressing. */
  readonly leasing: { leaseMs: number; renewEveryMs: number };
  /** When the earliest live lease of another desk runs out (to look for work then); null: none. */
  nextLeaseExpiry(now: number): Promise<number | null>;
  /** A filtered, sorted page and the total matching the filter. */
  list(query: NormalisedJobQuery): Promise<{ total: number; jobs: JobRecord[] }>;
  /** Every row in one of these states, oldest first. */
  listByStates(states: readonly JobState[]): Promise<JobRecord[]>;
  counts(): Promise<Record<JobState, number>>;
  /** Jobs per verdict label, over every row with a verdict. */
  verdictCounts(): Promise<Record<VerdictLabel, number>>;
  /** Store a person's review of a job (no state change); null when there is no such job. */
  setReview(id: number, review: JobReview): Promise<JobRecord | null>;
  /** The earliest `done` job with these bytes and model (simulated verdicts only match simulated). */
  findDoneByHash(sha256: string, model: string, simulated: boolean): Promise<JobRecord | null>;
  /** Queued jobs with these bytes and model that do not force a new check. */
  listQueuedTwins(sha256: string, model: string, simulated: boolean): Promise<JobRecord[]>;
  /** The newest row for this path (in a team folder: for its key, whichever desk made it). */
  findLatestByPath(path: string): Promise<JobRecord | null>;
  /**
   * Keys (fileKey) of every file version that has an outcome or is on its way: the watcher skips
   * these. Rows still `waiting`, and versions that vanished or whose folder was removed, are not
   * known: if the file shows up again it is checked.
   */
  knownFileKeys(): Promise<string[]>;
  /** The earliest retry time after `now` among jobs in these states (to wake up then). */
  nextAttemptAfter(states: readonly JobState[], now: number): Promise<number | null>;
  timeline(id: number): Promise<JobTransition[]>;
  /** The most recent processing samples, newest first. */
  processingSamples(limit: number): Promise<ProcessingSample[]>;
  /** Count API calls of a quota kind on a local day (YYYY-MM-DD). */
  addCalls(day: string, quota: QuotaKind, n: number): Promise<void>;
  callsOn(day: string): Promise<Record<QuotaKind, number>>;
  /**
   * A ledger several desks share only (absent where one desk writes alone): hear the changes the
   * other desks commit, soon after each commit, and what changed while this desk could not hear
   * (a lost connection), once it hears again. The job store feeds them into its stream.
   */
  onOtherDesks?(listener: OtherDesksListener): Disposable;
  /**
   * The account's blocks the desks share (the team-wide quota pause); absent where one desk
   * writes alone: its blocks stay its own.
   */
  readonly sharedBlocks?: SharedBlocks;
  close(): Promise<void>;
}
