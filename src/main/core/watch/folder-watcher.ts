/**
 * Watches one folder with its own settings and reports candidate files once they are complete.
 *
 * chokidar says what appeared, changed or went; this class decides when a file is taken: its
 * size and mtime unchanged for the folder's stability window and the file opens for reading.
 * One sweep timer re-stats every due file in batches, so 100,000 files present at start-up cost
 * one stat each at the scan, one after a window and one open, with no timer per file. A file the
 * ledger finished holds no inotify watch of its own (its folder's watch notices a replacement), so
 * a tree of 100,000 done files costs one watch per folder, not one per file.
 *
 * Trouble is visible and survived: EMFILE/ENOSPC switch the folder to polling with a message
 * saying how to raise the limit; a folder that disappears is reported unavailable and watched
 * again, with backoff through the Clock, when it returns.
 *
 * Its parts: candidate-tracker.ts (stability, sweep, rescan, finished files let go),
 * watch-options.ts (chokidar options and setup), folder-status.ts (health), folder-watcher-types.ts.
 */
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FolderHealth, FolderSettings } from '../../../shared/domain';
import type { Disposable } from '../ports';
import { CandidateTracker } from './candidate-tracker';
import type { FolderWatcherDeps, FolderWatcherEvents, WatchFactory } from './folder-watcher-types';
import { FolderStatus } from './folder-status';
import { createIgnoreMatcher } from './junk';
import { NewFolderRewalk } from './new-folder-rewalk';
import {
  isWatchLimitError,
  nextRetryDelay,
  pollingChosenMessage,
  unavailableMessage,
  watchLimitMessage,
} from './watch-health';
import {
  chokidarOptions,
  closeQuietly,
  errnoCode,
  folderIdentity,
  isIgnoredUnder,
  linkTarget,
  mapRoot,
  networkSharePolling,
} from './watch-options';

export type {
  FileCandidate,
  FolderWatcherDeps,
  FolderWatcherEvents,
  WatchFactory,
} from './folder-watcher-types';

/** Watches one folder; see the module comment. Dispose it to release every handle and timer. */
export class FolderWatcher implements Disposable {
  private readonly root: string;
  /**
   * The folder chokidar watches: the root with symbolic links resolved (chokidar sees nothing
   * under a root that is itself a link). Paths are reported under `root`, as the user chose it.
   */
  private watchRoot: string;
  private readonly isIgnoredRel: (relativePath: string) => boolean;
  private readonly healthCheckMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly platform: NodeJS.Platform;
  private readonly watchFactory: WatchFactory;

  private fsw: FSWatcher | null = null;
  /** Incremented whenever the chokidar instance is replaced; events of older ones are dropped. */
  private generation = 0;
  /** Set after EMFILE/ENOSPC or on a network share: poll, and why. */
  private forcedPolling: string | null = null;
  private networkChecked = false;
  private rootId: string | null = null;
  /** Paths reported by the current watcher's initial scan, until it is done. */
  private initialScan: Set<string> | null = null;

  /** Files seen and not yet stable, files taken, and the sweep that decides between them. */
  private readonly candidates: CandidateTracker;
  /** Subfolders that appeared while watching, walked again (chokidar may miss what arrived as they were read). */
  private readonly newFolders: NewFolderRewalk;

  private healthTimer: Disposable | null = null;
  private retryTimer: Disposable | null = null;
  private retryDelay: number | null = null;
  private opening: Promise<void> | null = null;
  /** Starting and closing chokidar instances run one at a time, so none is ever leaked. */
  private watcherOps: Promise<void> = Promise.resolve();

  private started = false;
  private paused: boolean;
  private disposed = false;
  private readonly status: FolderStatus;

  constructor(
    private readonly settings: FolderSettings,
    private readonly events: FolderWatcherEvents,
    private readonly deps: FolderWatcherDeps,
  ) {
    this.root = resolve(settings.path);
    this.watchRoot = this.root;
    this.isIgnoredRel = createIgnoreMatcher(settings.ignore, deps.platform ?? process.platform);
    this.healthCheckMs = deps.healthCheckMs ?? 5_000;
    this.retryBaseMs = deps.retryBaseMs ?? 1_000;
    this.retryMaxMs = deps.retryMaxMs ?? 60_000;
    this.platform = deps.platform ?? process.platform;
    this.watchFactory = deps.watch ?? chokidarWatch;
    this.paused = settings.paused;
    this.status = new FolderStatus(events, deps.clock, () => this.disposed);
    this.candidates = new CandidateTracker({
      settings,
      events,
      deps,
      root: this.root,
      batchSize: Math.max(1, deps.batchSize ?? 64),
      isActive: () => !this.disposed && !this.paused,
    });
    this.newFolders = new NewFolderRewalk(deps.clock, (folders) => this.rewalkNewFolders(folders));
  }

  /** The folder's current health (with the time of the last filesystem event). */
  get health(): FolderHealth {
    return this.status.health;
  }

  /** Files seen and not yet stable. */
  get waitingCount(): number {
    return this.candidates.waitingCount;
  }

  /** Starts watching; resolves when the initial scan is done (or the folder is found unavailable or paused). */
  async start(): Promise<void> {
    if (this.started || this.disposed) return;
    this.started = true;
    this.events.onHealth(this.health); // 'starting': the UI shows the folder at once
    if (this.paused) {
      this.status.set('paused', null);
      return;
    }
    await this.openFolder();
  }

  /**
   * Walks the folder again (after resume from suspend, or when events may have been missed) and
   * reports what is new or changed, and what went. An unavailable folder is retried at once.
   */
  async rescan(): Promise<void> {
    if (this.disposed || this.paused || !this.started) return;
    if (this.status.state === 'unavailable') {
      this.retryTimer?.dispose();
      this.retryTimer = null;
      this.retryDelay = null;
      await this.openFolder();
      return;
    }
    if (this.fsw === null) return; // a watcher is (re)starting: its own scan reports everything
    const generation = this.generation;
    const walked = await this.candidates.reconcile(
      this.isIgnoredRel,
      () => this.generation === generation && !this.disposed,
      () => this.generation === generation,
    );
    if (!walked) await this.checkRoot();
  }

  /** Stops watching until `resume()`; files not yet stable are dropped and found again on resume. */
  async pause(): Promise<void> {
    if (this.disposed || this.paused) return;
    this.paused = true;
    this.retryTimer?.dispose();
    this.retryTimer = null;
    this.healthTimer?.dispose();
    this.healthTimer = null;
    await this.closeWatcher();
    this.candidates.clearPending();
    this.candidates.stopSweep();
    this.status.set('paused', null);
    this.status.releaseScanWaiters();
  }

  /** Watches again after `pause()`; reports what appeared or changed meanwhile. */
  async resume(): Promise<void> {
    if (this.disposed || !this.paused) return;
    this.paused = false;
    if (!this.started) return;
    await this.openFolder();
  }

  /** Stops everything: the watcher, the sweep, health checks and retries. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.retryTimer?.dispose();
    this.retryTimer = null;
    this.healthTimer?.dispose();
    this.healthTimer = null;
    this.candidates.stopSweep();
    await this.closeWatcher();
    this.candidates.clear();
    this.status.releaseScanWaiters();
  }

  // --- opening, health and fallback ---------------------------------------------------------

  private openFolder(): Promise<void> {
    if (this.opening === null) {
      this.opening = this.doOpenFolder().finally(() => {
        this.opening = null;
      });
    }
    return this.opening;
  }

  private async doOpenFolder(): Promise<void> {
    if (this.disposed || this.paused) return;
    if (this.status.state !== 'unavailable') this.status.set('starting', null);
    let st: Stats;
    try {
      st = await stat(this.root);
      if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    } catch (e) {
      this.becomeUnavailable(errnoCode(e));
      return;
    }
    if (this.disposed || this.paused) return;
    this.retryDelay = null;
    this.rootId = folderIdentity(st);
    await this.resolveWatchRoot();
    await this.detectNetworkShare();
    const scanned = this.status.scanDone();
    await this.startWatcher();
    if (this.fsw !== null) this.scheduleHealthCheck();
    await scanned;
  }

  /** The root given as a symbolic link to a folder: watch the folder it names. */
  private async resolveWatchRoot(): Promise<void> {
    this.watchRoot = await linkTarget(this.root, this.watchRoot, this.deps.logger);
  }

  /** A path as the user sees it (under `root`), as chokidar knows it (under `watchRoot`). */
  private watchPath(path: string): string {
    return mapRoot(this.root, this.watchRoot, path);
  }

  /** A path chokidar reported (under `watchRoot`), as the user sees it (under `root`). */
  private userPath(path: string): string {
    return mapRoot(this.watchRoot, this.root, path);
  }

  private async detectNetworkShare(): Promise<void> {
    if (this.networkChecked || this.deps.autoPollNetworkShares === false || this.settings.usePolling) return;
    this.networkChecked = true;
    const message = await networkSharePolling(
      this.root,
      this.platform,
      this.settings.pollIntervalMs,
      this.deps.logger,
    );
    if (message !== null) this.forcedPolling = message;
  }

  private get polling(): boolean {
    return this.settings.usePolling || this.forcedPolling !== null;
  }

  private serially(op: () => Promise<void>): Promise<void> {
    const run = this.watcherOps.then(op, op);
    this.watcherOps = run.catch(() => undefined);
    return run;
  }

  /** Replaces the chokidar instance with a new one (native or polling as things stand now). */
  private startWatcher(): Promise<void> {
    return this.serially(async () => {
      await this.closeWatcherNow();
      this.createWatcher();
    });
  }

  private createWatcher(): void {
    if (this.disposed || this.paused) return;
    const generation = ++this.generation;
    const polling = this.polling;
    const initialScan = new Set<string>();
    this.initialScan = initialScan;
    const options = chokidarOptions(
      this.settings,
      polling,
      (path) => this.isIgnoredAbsolute(path),
      (path, stats) => this.isFinishedVersion(path, stats),
    );
    let fsw: FSWatcher;
    try {
      fsw = this.watchFactory(this.watchRoot, options);
    } catch (e) {
      const code = errnoCode(e);
      if (isWatchLimitError(code) && !polling) {
        this.fallBackToPolling(code);
        return;
      }
      this.becomeUnavailable(code);
      return;
    }
    this.fsw = fsw;
    const live = (): boolean => this.generation === generation && !this.disposed;
    fsw.on('add', (path, stats) => {
      if (live()) this.onFileEvent(this.userPath(path), stats);
    });
    fsw.on('change', (path, stats) => {
      if (live()) this.onFileEvent(this.userPath(path), stats);
    });
    fsw.on('unlink', (path) => {
      if (!live()) return;
      this.status.touch();
      this.candidates.forget(this.userPath(path));
    });
    fsw.on('addDir', (path) => {
      // Folders met by the initial scan were read whole; only those appearing later can race.
      // Not recursive: files in subfolders are not watched at all.
      if (!live() || !this.settings.recursive || this.initialScan !== null) return;
      if (resolve(path) === this.watchRoot) return;
      this.newFolders.add(this.userPath(path));
    });
    fsw.on('unlinkDir', (path) => {
      if (!live()) return;
      this.status.touch();
      if (resolve(path) === this.watchRoot) void this.checkRoot();
    });
    fsw.on('error', (e) => this.onWatcherError(e, generation));
    fsw.on('ready', () => {
      if (!live()) return;
      this.initialScan = null;
      // What was known before (an earlier watcher, before the folder went away) and is not there now is gone.
      this.candidates.forgetAllBut(initialScan);
      this.deps.logger.debug('initial scan done', {
        folder: this.root,
        waiting: this.candidates.waitingCount,
      });
      this.status.set(
        polling ? 'polling' : 'watching',
        polling ? (this.forcedPolling ?? pollingChosenMessage(this.settings.pollIntervalMs)) : null,
      );
      this.status.releaseScanWaiters();
    });
  }

  private onWatcherError(e: unknown, generation: number): void {
    if (generation !== this.generation || this.disposed) return;
    const code = errnoCode(e);
    if (isWatchLimitError(code) && !this.polling) {
      this.fallBackToPolling(code);
      return;
    }
    if (code === 'EACCES' || code === 'EPERM') {
      this.deps.logger.warn('a subfolder cannot be read', {
        folder: this.root,
        code,
        path: e instanceof Error && 'path' in e ? String(e.path) : undefined,
      });
      return;
    }
    this.deps.logger.warn('watcher error', {
      folder: this.root,
      code,
      message: e instanceof Error ? e.message : String(e),
    });
    void this.checkRoot();
  }

  private fallBackToPolling(code: 'EMFILE' | 'ENOSPC' | 'ENFILE'): void {
    const message = watchLimitMessage(code, this.platform, this.settings.pollIntervalMs);
    this.forcedPolling = message;
    this.deps.logger.warn('watch limit reached: falling back to polling', { folder: this.root, code });
    this.status.set('polling', message);
    void this.startWatcher();
  }

  private scheduleHealthCheck(): void {
    this.healthTimer?.dispose();
    if (this.disposed || this.paused) return;
    this.healthTimer = this.deps.clock.setTimeout(() => {
      this.healthTimer = null;
      void this.checkRoot()
        .then(() => this.candidates.retryUnreadable())
        .then(() => this.releaseFinished())
        .then(() => {
          const active = !this.disposed && !this.paused && this.status.state !== 'unavailable';
          if (active && this.healthTimer === null) this.scheduleHealthCheck();
        });
    }, this.healthCheckMs);
  }

  /**
   * Files taken while watching, now finished in the ledger, give their watch back: chokidar
   * forgets them (closes the file's own watch and drops it from the folder's list), so the next
   * re-read of the folder asks `ignored` again and a replaced version comes back as new. Keeps the
   * inotify watches at one per folder however long the app runs.
   */
  private releaseFinished(): void {
    const fsw = this.fsw;
    if (fsw === null || this.polling || this.disposed || this.paused) return;
    this.candidates.releaseFinished((path) => fsw._closePath(this.watchPath(path)));
  }

  /** Is the folder still there, and the same folder? If not: unavailable, or watch the new one. */
  private async checkRoot(): Promise<void> {
    if (this.disposed || this.paused || this.fsw === null) return;
    const generation = this.generation;
    let id: string;
    try {
      const st = await stat(this.root);
      if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
      id = folderIdentity(st);
    } catch (e) {
      if (generation === this.generation) {
        await this.closeWatcher();
        this.becomeUnavailable(errnoCode(e));
      }
      return;
    }
    if (generation !== this.generation || this.fsw === null) return;
    if (id !== this.rootId) {
      this.deps.logger.info('folder was replaced: watching the new one', { folder: this.root });
      this.rootId = id;
      this.candidates.dropPending();
      await this.resolveWatchRoot();
      await this.startWatcher();
    }
  }

  private becomeUnavailable(code: string | undefined): void {
    if (this.disposed || this.paused) return;
    this.healthTimer?.dispose();
    this.healthTimer = null;
    this.candidates.dropPending();
    this.status.set('unavailable', unavailableMessage(this.root, code));
    this.status.releaseScanWaiters();
    this.retryDelay = nextRetryDelay(this.retryDelay, this.retryBaseMs, this.retryMaxMs);
    this.deps.logger.warn('folder unavailable', { folder: this.root, code, retryInMs: this.retryDelay });
    this.retryTimer?.dispose();
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = null;
      void this.openFolder();
    }, this.retryDelay);
  }

  private closeWatcher(): Promise<void> {
    return this.serially(() => this.closeWatcherNow());
  }

  private async closeWatcherNow(): Promise<void> {
    this.generation++;
    this.newFolders.clear();
    const fsw = this.fsw;
    this.fsw = null;
    if (fsw !== null) await closeQuietly(fsw, this.root, this.deps.logger);
  }

  // --- candidates and stability -------------------------------------------------------------

  /** New subfolders walked again while the same chokidar instance runs; see NewFolderRewalk. */
  private rewalkNewFolders(folders: string[]): Promise<void> {
    const generation = this.generation;
    if (this.fsw === null || this.disposed || this.paused) return Promise.resolve();
    return this.candidates.walkSubfolders(
      folders,
      this.isIgnoredRel,
      () => this.generation === generation && !this.disposed && !this.paused,
    );
  }

  private isIgnoredAbsolute(path: string): boolean {
    return isIgnoredUnder(this.watchRoot, this.isIgnoredRel, path);
  }

  /** A file whose exact version (size, mtime) the ledger finished; chokidar path. */
  private isFinishedVersion(path: string, stats: Stats | undefined): boolean {
    if (stats === undefined || !stats.isFile() || this.deps.isKnown === undefined) return false;
    return this.deps.isKnown(this.userPath(path), stats.size, stats.mtimeMs);
  }

  private onFileEvent(path: string, stats: Stats | undefined): void {
    this.status.touch();
    this.initialScan?.add(path);
    this.candidates.trackEvent(path, stats);
  }
}
