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
 */
import { watch as chokidarWatch, type ChokidarOptions, type FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import { open, realpath, stat, statfs } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { FolderHealth, FolderHealthState, FolderSettings } from '../../../shared/domain';
import type { Clock, Disposable, Logger } from '../ports';
import { createIgnoreMatcher, isJunkPath } from './junk';
import { nextSweepAt, stabilityStep, type WaitingFile } from './stability';
import { walkFolder } from './walk';
import {
  isWatchLimitError,
  networkFsName,
  networkShareMessage,
  nextRetryDelay,
  pollingChosenMessage,
  unavailableMessage,
  watchLimitMessage,
} from './watch-health';

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

interface PendingFile extends WaitingFile {
  /** Consecutive failed opens with unchanged size and mtime. */
  openFailures: number;
}

interface Version {
  size: number;
  mtimeMs: number;
}

/** After this many failed opens for lack of permission, the file is handed on so the classifier can say why. */
const PERMISSION_FAILURES_BEFORE_GIVING_UP = 3;
/** The shortest wait between examinations of one file, even with a zero stability window. */
const MIN_RECHECK_MS = 50;

/**
 * Tells a folder from another mounted or created in its place. Birth time is left out: where
 * the kernel lacks it, Node reports the change time, which moves with every file added.
 */
function folderIdentity(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

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
  private readonly batchSize: number;
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

  private readonly pending = new Map<string, PendingFile>();
  private readonly settled = new Map<string, Version>();
  /** Files handed on although they could not be opened (no permission): tried again at every health check. */
  private readonly unreadable = new Map<string, Version>();

  private sweepTimer: Disposable | null = null;
  private sweepDue = Infinity;
  private sweeping = false;
  private healthTimer: Disposable | null = null;
  private retryTimer: Disposable | null = null;
  private retryDelay: number | null = null;
  private scanWaiters: (() => void)[] = [];
  private opening: Promise<void> | null = null;
  /** Starting and closing chokidar instances run one at a time, so none is ever leaked. */
  private watcherOps: Promise<void> = Promise.resolve();

  private started = false;
  private paused: boolean;
  private disposed = false;
  private current: FolderHealth = { state: 'starting', message: null, lastEventAt: null };

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
    this.batchSize = Math.max(1, deps.batchSize ?? 64);
    this.platform = deps.platform ?? process.platform;
    this.watchFactory = deps.watch ?? chokidarWatch;
    this.paused = settings.paused;
  }

  /** The folder's current health (with the time of the last filesystem event). */
  get health(): FolderHealth {
    return { ...this.current };
  }

  /** Files seen and not yet stable. */
  get waitingCount(): number {
    return this.pending.size;
  }

  /** Starts watching; resolves when the initial scan is done (or the folder is found unavailable or paused). */
  async start(): Promise<void> {
    if (this.started || this.disposed) return;
    this.started = true;
    this.events.onHealth(this.health); // 'starting': the UI shows the folder at once
    if (this.paused) {
      this.setHealth('paused', null);
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
    if (this.current.state === 'unavailable') {
      this.retryTimer?.dispose();
      this.retryTimer = null;
      this.retryDelay = null;
      await this.openFolder();
      return;
    }
    if (this.fsw === null) return; // a watcher is (re)starting: its own scan reports everything
    const generation = this.generation;
    const seen = new Set<string>();
    try {
      for await (const f of walkFolder(this.root, {
        recursive: this.settings.recursive,
        ignore: this.isIgnoredRel,
        onError: (path, e) => this.deps.logger.debug('rescan: cannot read', { path, code: errnoCode(e) }),
      })) {
        if (this.generation !== generation || this.disposed) return;
        seen.add(f.path);
        this.track(f.path, f.size, f.mtimeMs);
      }
    } catch (e) {
      this.deps.logger.warn('rescan failed', { folder: this.root, code: errnoCode(e) });
      await this.checkRoot();
      return;
    }
    const unseen = [...this.pending.keys(), ...this.settled.keys()].filter((p) => !seen.has(p));
    for (let i = 0; i < unseen.length; i += this.batchSize) {
      await Promise.all(
        unseen.slice(i, i + this.batchSize).map(async (path) => {
          const gone = await stat(path).then(
            () => false,
            (e: unknown) => errnoCode(e) === 'ENOENT',
          );
          if (gone && this.generation === generation) this.forget(path);
        }),
      );
    }
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
    this.pending.clear();
    this.stopSweep();
    this.setHealth('paused', null);
    this.releaseScanWaiters();
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
    this.stopSweep();
    await this.closeWatcher();
    this.pending.clear();
    this.settled.clear();
    this.unreadable.clear();
    this.releaseScanWaiters();
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
    if (this.current.state !== 'unavailable') this.setHealth('starting', null);
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
    const scanned = new Promise<void>((res) => this.scanWaiters.push(res));
    await this.startWatcher();
    if (this.fsw !== null) this.scheduleHealthCheck();
    await scanned;
  }

  /** The root given as a symbolic link to a folder: watch the folder it names. */
  private async resolveWatchRoot(): Promise<void> {
    const real = await realpath(this.root).catch(() => this.root);
    if (real !== this.watchRoot && real !== this.root) {
      this.deps.logger.info('folder is a symbolic link: watching its target', {
        folder: this.root,
        target: real,
      });
    }
    this.watchRoot = real;
  }

  /** A path as the user sees it (under `root`), as chokidar knows it (under `watchRoot`). */
  private watchPath(path: string): string {
    if (this.watchRoot === this.root) return path;
    const rel = relative(this.root, path);
    return rel === '' ? this.watchRoot : resolve(this.watchRoot, rel);
  }

  /** A path chokidar reported (under `watchRoot`), as the user sees it (under `root`). */
  private userPath(path: string): string {
    if (this.watchRoot === this.root) return path;
    const rel = relative(this.watchRoot, path);
    return rel === '' ? this.root : resolve(this.root, rel);
  }

  private async detectNetworkShare(): Promise<void> {
    if (this.networkChecked || this.deps.autoPollNetworkShares === false || this.settings.usePolling) return;
    this.networkChecked = true;
    try {
      const fs = await statfs(this.root);
      const name = networkFsName(fs.type, this.platform);
      if (name !== null) {
        this.forcedPolling = networkShareMessage(name, this.settings.pollIntervalMs);
        this.deps.logger.info('folder on a network share: polling', { folder: this.root, fs: name });
      }
    } catch {
      // statfs unsupported here: keep the folder's own setting.
    }
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
    const options: ChokidarOptions = {
      persistent: true,
      ignoreInitial: false,
      followSymlinks: false,
      alwaysStat: true,
      usePolling: polling,
      interval: this.settings.pollIntervalMs,
      binaryInterval: this.settings.pollIntervalMs,
      // true: chokidar would otherwise drop, unreported, every file whose owner lacks the read bit
      // (it looks at the mode, not at who reads). Such files must reach the pipeline, which says
      // "cannot be read"; unreadable subfolders still show in the log through the rescan's walk.
      ignorePermissionErrors: true,
      awaitWriteFinish: false,
      // A finished version (the ledger's done path, size and mtime) is not watched at all: its
      // folder's watch still fires when it is rewritten or replaced, chokidar then re-reads the
      // folder and asks again with the new size and mtime, and the new version is reported like a
      // new file. Not when polling: a folder's polled mtime does not move when a file in it is
      // rewritten in place, so there every file keeps its own poll.
      ignored: (path: string, stats?: Stats) =>
        this.isIgnoredAbsolute(path) || (!polling && this.isFinishedVersion(path, stats)),
      ...(this.settings.recursive ? {} : { depth: 0 }),
    };
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
      this.touch();
      this.forget(this.userPath(path));
    });
    fsw.on('unlinkDir', (path) => {
      if (!live()) return;
      this.touch();
      if (resolve(path) === this.watchRoot) void this.checkRoot();
    });
    fsw.on('error', (e) => this.onWatcherError(e, generation));
    fsw.on('ready', () => {
      if (!live()) return;
      this.initialScan = null;
      // What was known before (an earlier watcher, before the folder went away) and is not there now is gone.
      for (const path of [...this.pending.keys(), ...this.settled.keys()])
        if (!initialScan.has(path)) this.forget(path);
      this.deps.logger.debug('initial scan done', { folder: this.root, waiting: this.pending.size });
      this.setHealth(
        polling ? 'polling' : 'watching',
        polling ? (this.forcedPolling ?? pollingChosenMessage(this.settings.pollIntervalMs)) : null,
      );
      this.releaseScanWaiters();
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
    this.setHealth('polling', message);
    void this.startWatcher();
  }

  private scheduleHealthCheck(): void {
    this.healthTimer?.dispose();
    if (this.disposed || this.paused) return;
    this.healthTimer = this.deps.clock.setTimeout(() => {
      this.healthTimer = null;
      void this.checkRoot()
        .then(() => this.retryUnreadable())
        .then(() => this.releaseFinished())
        .then(() => {
          const active = !this.disposed && !this.paused && this.current.state !== 'unavailable';
          if (active && this.healthTimer === null) this.scheduleHealthCheck();
        });
    }, this.healthCheckMs);
  }

  /**
   * Files handed on as unreadable are opened again: one that opens now (its permission was fixed)
   * is taken like a new file, so it is checked without the user doing anything.
   */
  private async retryUnreadable(): Promise<void> {
    for (const [path, version] of [...this.unreadable]) {
      if (this.disposed || this.paused) return;
      let st: Stats;
      try {
        st = await stat(path);
        const handle = await open(path, 'r');
        await handle.close();
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') this.forget(path);
        continue;
      }
      if (this.unreadable.get(path) !== version) continue;
      this.unreadable.delete(path);
      this.settled.delete(path);
      this.deps.logger.info('a file that could not be read can be read now', { path });
      this.track(path, st.size, st.mtimeMs);
    }
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
    for (const [path, version] of [...this.settled]) {
      if (this.unreadable.has(path) || this.deps.isKnown?.(path, version.size, version.mtimeMs) !== true)
        continue;
      this.settled.delete(path);
      fsw._closePath(this.watchPath(path));
    }
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
      this.dropPending();
      await this.resolveWatchRoot();
      await this.startWatcher();
    }
  }

  private becomeUnavailable(code: string | undefined): void {
    if (this.disposed || this.paused) return;
    this.healthTimer?.dispose();
    this.healthTimer = null;
    this.dropPending();
    this.setHealth('unavailable', unavailableMessage(this.root, code));
    this.releaseScanWaiters();
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
    const fsw = this.fsw;
    this.fsw = null;
    if (fsw !== null) {
      try {
        const closing = fsw.close();
        // close() drops every listener; a late error from work in flight must not crash the process.
        fsw.on('error', () => undefined);
        await closing;
      } catch (e) {
        this.deps.logger.debug('closing watcher failed', { folder: this.root, code: errnoCode(e) });
      }
    }
  }

  private setHealth(state: FolderHealthState, message: string | null): void {
    if (this.disposed) return;
    if (this.current.state === state && this.current.message === message) return;
    this.current = { state, message, lastEventAt: this.current.lastEventAt };
    this.events.onHealth({ ...this.current });
  }

  private releaseScanWaiters(): void {
    const waiters = this.scanWaiters;
    this.scanWaiters = [];
    for (const w of waiters) w();
  }

  private touch(): void {
    this.current = { ...this.current, lastEventAt: this.deps.clock.now() };
  }

  // --- candidates and stability -------------------------------------------------------------

  private isIgnoredAbsolute(path: string): boolean {
    const rel = relative(this.watchRoot, path);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..') return false;
    return isJunkPath(rel) || this.isIgnoredRel(rel);
  }

  /** A file whose exact version (size, mtime) the ledger finished; chokidar path. */
  private isFinishedVersion(path: string, stats: Stats | undefined): boolean {
    if (stats === undefined || !stats.isFile() || this.deps.isKnown === undefined) return false;
    return this.deps.isKnown(this.userPath(path), stats.size, stats.mtimeMs);
  }

  private onFileEvent(path: string, stats: Stats | undefined): void {
    this.touch();
    this.initialScan?.add(path);
    if (stats === undefined) {
      void stat(path).then(
        (st) => {
          if (st.isFile()) this.track(path, st.size, st.mtimeMs);
        },
        () => undefined,
      );
      return;
    }
    if (!stats.isFile()) return; // symbolic links are not followed
    this.track(path, stats.size, stats.mtimeMs);
  }

  /** A file was seen with this size and mtime: start or extend its wait, unless already taken or known. */
  private track(path: string, size: number, mtimeMs: number): void {
    if (this.disposed || this.paused) return;
    const now = this.deps.clock.now();
    const waiting = this.pending.get(path);
    if (waiting !== undefined) {
      if (waiting.size !== size || waiting.mtimeMs !== mtimeMs) {
        waiting.size = size;
        waiting.mtimeMs = mtimeMs;
        waiting.openFailures = 0;
        waiting.checkAt = now + this.settings.stabilityMs;
      }
      return;
    }
    const taken = this.settled.get(path);
    if (taken !== undefined && taken.size === size && taken.mtimeMs === mtimeMs) return;
    // Finished before: nothing to report, and nothing kept (its deletion concerns no one).
    if (this.deps.isKnown?.(path, size, mtimeMs) === true) return;
    this.settled.delete(path);
    this.unreadable.delete(path);
    const entry: PendingFile = { size, mtimeMs, checkAt: now + this.settings.stabilityMs, openFailures: 0 };
    this.pending.set(path, entry);
    this.events.onSeen({ folderId: this.settings.id, path, size, mtimeMs });
    this.ensureSweep(entry.checkAt);
  }

  /** Forget a path that went away; report it if it was reported before. */
  private forget(path: string): void {
    const wasWaiting = this.pending.delete(path);
    const wasTaken = this.settled.delete(path);
    this.unreadable.delete(path);
    if (wasWaiting || wasTaken) this.events.onGone(path);
  }

  /** Files not yet stable are reported gone (the folder went, or was replaced). */
  private dropPending(): void {
    const paths = [...this.pending.keys()];
    this.pending.clear();
    this.stopSweep();
    for (const p of paths) this.events.onGone(p);
  }

  private stopSweep(): void {
    this.sweepTimer?.dispose();
    this.sweepTimer = null;
    this.sweepDue = Infinity;
  }

  private ensureSweep(due: number): void {
    if (this.disposed || this.paused) return;
    if (this.sweepTimer !== null && this.sweepDue <= due) return;
    this.sweepTimer?.dispose();
    this.sweepDue = due;
    this.sweepTimer = this.deps.clock.setTimeout(
      () => {
        this.sweepTimer = null;
        this.sweepDue = Infinity;
        void this.sweep();
      },
      Math.max(0, due - this.deps.clock.now()),
    );
  }

  /** Examines every due file, a batch at a time, then sleeps until the next one is due. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.disposed || this.paused) return;
    this.sweeping = true;
    try {
      const now = this.deps.clock.now();
      const due: [string, PendingFile][] = [];
      for (const item of this.pending) if (item[1].checkAt <= now) due.push(item);
      for (let i = 0; i < due.length; i += this.batchSize) {
        if (this.disposed || this.paused) return;
        await Promise.all(due.slice(i, i + this.batchSize).map(([path, entry]) => this.examine(path, entry)));
      }
    } catch (e) {
      this.deps.logger.error('stability sweep failed', {
        folder: this.root,
        message: e instanceof Error ? e.message : String(e),
      });
    } finally {
      this.sweeping = false;
      const next = nextSweepAt(this.pending.values());
      if (next !== null) this.ensureSweep(next);
    }
  }

  /** One file: changed (wait again), gone, locked (wait again) or stable (report it). */
  private async examine(path: string, entry: PendingFile): Promise<void> {
    const still = (): boolean => this.pending.get(path) === entry && !this.disposed && !this.paused;
    let st: Stats;
    try {
      st = await stat(path);
    } catch (e) {
      if (!still()) return;
      if (errnoCode(e) === 'ENOENT') this.forget(path);
      else this.retryLater(entry, e, path);
      return;
    }
    if (!still()) return;
    if (!st.isFile()) {
      this.forget(path);
      return;
    }
    const now = this.deps.clock.now();
    const step = stabilityStep(entry, st, now);
    if (step === 'changed') {
      entry.size = st.size;
      entry.mtimeMs = st.mtimeMs;
      entry.openFailures = 0;
      entry.checkAt = now + this.settings.stabilityMs;
      return;
    }
    if (step === 'wait') return; // pushed back by an event meanwhile
    let readable = true;
    try {
      const handle = await open(path, 'r');
      await handle.close();
    } catch (e) {
      readable = false;
      if (!still()) return;
      const code = errnoCode(e);
      if (code === 'ENOENT') {
        this.forget(path);
        return;
      }
      const permission = code === 'EACCES' || code === 'EPERM';
      if (!permission || entry.openFailures + 1 < PERMISSION_FAILURES_BEFORE_GIVING_UP) {
        this.retryLater(entry, e, path);
        return;
      }
      // Unreadable for good: hand it on so the classifier can say why (UNREADABLE).
    }
    if (!still()) return;
    this.pending.delete(path);
    const version = { size: st.size, mtimeMs: st.mtimeMs };
    this.settled.set(path, version);
    if (!readable) this.unreadable.set(path, version);
    this.events.onStable({ folderId: this.settings.id, path, size: st.size, mtimeMs: st.mtimeMs });
  }

  private retryLater(entry: PendingFile, e: unknown, path: string): void {
    entry.openFailures++;
    entry.checkAt = this.deps.clock.now() + Math.max(MIN_RECHECK_MS, this.settings.stabilityMs);
    if (entry.openFailures === 1) {
      this.deps.logger.debug('file not readable yet: waiting', { path, code: errnoCode(e) });
    }
  }
}
