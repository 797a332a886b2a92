/**
 * The shapes a FolderWatcher is built from and reports through: the candidate file, the events,
 * the chokidar factory seam and the dependencies. Kept apart so the watcher's parts share them.
 */
import type { ChokidarOptions, FSWatcher } from 'chokidar';
import type { FolderHealth } from '../../../shared/domain';
import type { Clock, Logger } from '../ports';

/** A file that may be checked: where it is and the size and mtime it had when seen. */
export interface FileCandidate {
  /** The watched folder's id; null for dropped files. */
  folderId: string | null;
  path: string;
  size: number;
  mtimeMs: number;
}

/** What a FolderWatcher reports. Listeners must not throw. */
export interface FolderWatcherEvents {
  /** A candidate appeared (or a file already taken changed) and is not yet stable. Once per wait. */
  onSeen(file: FileCandidate): void;
  /** Complete: size and mtime unchanged for the stability window, and it opens for reading. Once per version. */
  onStable(file: FileCandidate): void;
  /** A file seen before was deleted or moved away (also after an after-verdict move). */
  onGone(path: string): void;
  /** The folder's health changed: starting, watching, polling, unavailable or paused, with why. */
  onHealth(health: FolderHealth): void;
}

/** Creates the underlying chokidar watcher; a seam for tests to inject watcher errors. */
export type WatchFactory = (path: string, options: ChokidarOptions) => FSWatcher;

/** What a FolderWatcher needs from outside. Only clock and logger are required. */
export interface FolderWatcherDeps {
  clock: Clock;
  logger: Logger;
  /** True when the ledger already finished this exact file (path, size, mtime): it is skipped silently. */
  isKnown?: (path: string, size: number, mtimeMs: number) => boolean;
  /** Defaults to chokidar's `watch`. */
  watch?: WatchFactory;
  /** How often the folder itself is checked for disappearance or replacement (default 5 s). */
  healthCheckMs?: number;
  /** First retry delay for an unavailable folder (default 1 s); doubles up to `retryMaxMs` (default 60 s). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Files re-statted and opened at once by a sweep (default 64). */
  batchSize?: number;
  /** Poll folders on network shares, where native events miss remote changes (default true). */
  autoPollNetworkShares?: boolean;
  platform?: NodeJS.Platform;
}
