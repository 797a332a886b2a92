/**
 * What the parts of the pipeline (intake, uploader, poller) share: the ledger, time, the blocks
 * and a view of the engine's current settings and profile. The Engine builds one.
 */
import type { ApiGeneration, FolderSettings } from '../../../shared/domain';
import type { Preferences, ProfileRecord } from '../../../shared/settings';
import type { Ledger } from '../ledger/ledger';
import type { Clock, DetectionService, Logger } from '../ports';
import type { BlockBoard } from './blocks';
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

/** The shared view every part of the pipeline works through. */
export interface PipelineContext {
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  readonly blocks: BlockBoard;
  readonly tuning: PollTuning;
  /** The active profile's service; null when it cannot be used (the board says why). */
  active(): ActiveService | null;
  /** The id of the active profile (set even when its service cannot be built). */
  activeProfileId(): string;
  /**
   * The API generation files are prepared for: the active service's, else the active profile's
   * setting. It decides which content types are accepted and how a folder's models are spelled.
   */
  generation(): ApiGeneration;
  /** A watched folder's settings; null for dropped files and removed folders. */
  folder(id: string | null): FolderSettings | null;
  preferences(): Preferences;
  /** The whole queue is paused. */
  paused(): boolean;
  pausedFolderIds(): string[];
  /** Progress of one job: bytes uploaded, or while `checking`, bytes read to sniff and hash it. */
  progress(id: number, bytesSent: number, size: number, phase?: 'checking' | 'uploading'): void;
  /** This file version has a row past `waiting`: the watcher need not report it again. */
  markKnown(path: string, size: number, mtimeMs: number): void;
}
