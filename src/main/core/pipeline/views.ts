/**
 * The small views the pipeline's stages read, each named for what it shows: the active profile,
 * the settings, where progress goes, and the job store's change stream. A stage takes only the
 * views it uses (see each stage's `...Deps`); the Engine builds them once (`PipelineDeps`) and the
 * Pipeline hands each stage its part, so no stage holds the whole bag.
 */
import type { ApiGeneration, FolderSettings } from '../../../shared/domain';
import type { Preferences, ProfileRecord } from '../../../shared/settings';
import type { ChangeListener } from '../ledger/job-store';
import type { DetectionService, Disposable } from '../ports';
import type { StatusListing } from './counting-service';
import type { PollTuning } from './poll-schedule';

/** The service of the active profile. */
export interface ActiveService {
  profile: ProfileRecord;
  /** Counted calls; `listByStatus` when the API can filter its list by status. */
  service: DetectionService & Partial<StatusListing>;
  /** Verdicts come from the built-in simulator. */
  simulated: boolean;
  /** Expected processing times before anything is learned (the Sandbox knows its own). */
  defaults?: Partial<Pick<PollTuning, 'defaultImageMs' | 'defaultVideoMs'>>;
}

/** The active profile, read at each decision (it may change while the pipeline runs). */
export interface ProfileView {
  /** The active profile's service; null when it cannot be used (the block board says why). */
  active(): ActiveService | null;
  /** The id of the active profile (set even when its service cannot be built). */
  activeProfileId(): string;
  /**
   * The API generation files are prepared for: the active service's, else the active profile's
   * setting. It decides which content types are accepted and how a folder's models are spelled.
   */
  generation(): ApiGeneration;
}

/** The user's settings as they stand now: folders, preferences, what is paused. */
export interface SettingsView {
  /** A watched folder's settings; null for dropped files and removed folders. */
  folder(id: string | null): FolderSettings | null;
  preferences(): Preferences;
  /** The whole queue is paused (by the user, by sleep, by a full disk, or at shutdown). */
  paused(): boolean;
  pausedFolderIds(): string[];
}

/** Where a job's progress goes (the event hub batches it for the UI). */
export interface ProgressSink {
  /** Bytes uploaded, or while `checking`, bytes read to sniff and hash the file. */
  report(id: number, bytesSent: number, size: number, phase?: 'checking' | 'uploading'): void;
}

/** The job store's stream of committed changes (see ledger/job-store.ts). */
export interface ChangeStream {
  onChange(listener: ChangeListener): Disposable;
}
