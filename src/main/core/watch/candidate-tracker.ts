/**
 * The candidate files of one watched folder and when each is taken: the part of a FolderWatcher
 * that decides stability. A file is taken once its size and mtime stayed unchanged for the
 * folder's stability window and it opens for reading. One sweep timer re-stats every due file in
 * batches, with no timer per file. The FolderWatcher feeds it what chokidar and rescans saw.
 */
import type { Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { FolderSettings } from '../../../shared/domain';
import type { Disposable } from '../ports';
import type { FolderWatcherDeps, FolderWatcherEvents } from './folder-watcher-types';
import { nextSweepAt, stabilityStep, type WaitingFile } from './stability';
import { walkFolder } from './walk';
import { errnoCode } from './watch-options';

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

/** What a CandidateTracker needs from its FolderWatcher. */
export interface CandidateTrackerOptions {
  settings: FolderSettings;
  events: FolderWatcherEvents;
  deps: FolderWatcherDeps;
  /** The folder as the user chose it: walked by a rescan, named in log lines. */
  root: string;
  /** Files re-statted and opened at once by a sweep. */
  batchSize: number;
  /** False once the watcher is paused or disposed: nothing is tracked, swept or reported then. */
  isActive: () => boolean;
}

/** Files seen and not yet stable, files taken, and the sweep that decides between them. */
export class CandidateTracker {
  private readonly settings: FolderSettings;
  private readonly events: FolderWatcherEvents;
  private readonly deps: FolderWatcherDeps;
  private readonly root: string;
  private readonly batchSize: number;
  private readonly isActive: () => boolean;

  private readonly pending = new Map<string, PendingFile>();
  private readonly settled = new Map<string, Version>();
  /** Files handed on although they could not be opened (no permission): tried again at every health check. */
  private readonly unreadable = new Map<string, Version>();

  private sweepTimer: Disposable | null = null;
  private sweepDue = Infinity;
  private sweeping = false;

  constructor(options: CandidateTrackerOptions) {
    this.settings = options.settings;
    this.events = options.events;
    this.deps = options.deps;
    this.root = options.root;
    this.batchSize = options.batchSize;
    this.isActive = options.isActive;
  }

  /** Files seen and not yet stable. */
  get waitingCount(): number {
    return this.pending.size;
  }

  /** Every path reported and not gone: those waiting, then those taken. */
  knownPaths(): string[] {
    return [...this.pending.keys(), ...this.settled.keys()];
  }

  /** Files not yet stable are dropped silently (pause: they are found again on resume). */
  clearPending(): void {
    this.pending.clear();
  }

  /** Forgets everything (dispose). */
  clear(): void {
    this.pending.clear();
    this.settled.clear();
    this.unreadable.clear();
  }

  /** A file was seen with this size and mtime: start or extend its wait, unless already taken or known. */
  track(path: string, size: number, mtimeMs: number): void {
    if (!this.isActive()) return;
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

  /**
   * A file event from chokidar: the file is tracked with its stats (statted now when chokidar gave
   * none); anything but a regular file is left alone (symbolic links are not followed).
   */
  trackEvent(path: string, stats: Stats | undefined): void {
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

  /** Every known path not in `present` is forgotten (and reported gone). */
  forgetAllBut(present: ReadonlySet<string>): void {
    for (const path of this.knownPaths()) if (!present.has(path)) this.forget(path);
  }

  /** Forget a path that went away; report it if it was reported before. */
  forget(path: string): void {
    const wasWaiting = this.pending.delete(path);
    const wasTaken = this.settled.delete(path);
    this.unreadable.delete(path);
    if (wasWaiting || wasTaken) this.events.onGone(path);
  }

  /** Files not yet stable are reported gone (the folder went, or was replaced). */
  dropPending(): void {
    const paths = [...this.pending.keys()];
    this.pending.clear();
    this.stopSweep();
    for (const p of paths) this.events.onGone(p);
  }

  /**
   * Walks the folder again and tracks what is new or changed, then forgets (and reports gone)
   * known files no longer there. The walk stops, reporting nothing gone, once `walking()` turns
   * false; a file is forgotten only while `current()` (the same chokidar instance) holds.
   * False when the folder could not be walked: the caller checks whether it is still there.
   */
  async reconcile(
    isIgnoredRel: (relativePath: string) => boolean,
    walking: () => boolean,
    current: () => boolean,
  ): Promise<boolean> {
    const seen = new Set<string>();
    try {
      for await (const f of walkFolder(this.root, {
        recursive: this.settings.recursive,
        ignore: isIgnoredRel,
        onError: (path, e) => this.deps.logger.debug('rescan: cannot read', { path, code: errnoCode(e) }),
      })) {
        if (!walking()) return true;
        seen.add(f.path);
        this.track(f.path, f.size, f.mtimeMs);
      }
    } catch (e) {
      this.deps.logger.warn('rescan failed', { folder: this.root, code: errnoCode(e) });
      return false;
    }
    const unseen = this.knownPaths().filter((p) => !seen.has(p));
    for (let i = 0; i < unseen.length; i += this.batchSize) {
      await Promise.all(
        unseen.slice(i, i + this.batchSize).map(async (path) => {
          const gone = await stat(path).then(
            () => false,
            (e: unknown) => errnoCode(e) === 'ENOENT',
          );
          if (gone && current()) this.forget(path);
        }),
      );
    }
    return true;
  }

  /**
   * Walks subfolders (under the root) again and tracks every file there: files that arrived
   * before chokidar watched a new folder are found. Already known files are left as they are;
   * nothing is forgotten. Stops once `walking()` turns false; a folder gone meanwhile is skipped.
   */
  async walkSubfolders(
    folders: string[],
    isIgnoredRel: (relativePath: string) => boolean,
    walking: () => boolean,
  ): Promise<void> {
    for (const folder of folders) {
      try {
        for await (const f of walkFolder(folder, {
          recursive: this.settings.recursive,
          ignore: (rel) => isIgnoredRel(relative(this.root, join(folder, rel))),
          onError: (path, e) =>
            this.deps.logger.debug('new folder: cannot read', { path, code: errnoCode(e) }),
        })) {
          if (!walking()) return;
          this.track(f.path, f.size, f.mtimeMs);
        }
      } catch (e) {
        this.deps.logger.debug('new folder: cannot walk', { folder, code: errnoCode(e) });
      }
    }
  }

  /**
   * Files handed on as unreadable are opened again: one that opens now (its permission was fixed)
   * is taken like a new file, so it is checked without the user doing anything.
   */
  async retryUnreadable(): Promise<void> {
    for (const [path, version] of [...this.unreadable]) {
      if (!this.isActive()) return;
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
   * Taken files the ledger has now finished (and that could be read) are no longer kept; each is
   * passed to `release` so its watch can be given back.
   */
  releaseFinished(release: (path: string) => void): void {
    for (const [path, version] of [...this.settled]) {
      if (this.unreadable.has(path) || this.deps.isKnown?.(path, version.size, version.mtimeMs) !== true)
        continue;
      this.settled.delete(path);
      release(path);
    }
  }

  /** Cancels the sweep timer. */
  stopSweep(): void {
    this.sweepTimer?.dispose();
    this.sweepTimer = null;
    this.sweepDue = Infinity;
  }

  private ensureSweep(due: number): void {
    if (!this.isActive()) return;
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
    if (this.sweeping || !this.isActive()) return;
    this.sweeping = true;
    try {
      const now = this.deps.clock.now();
      const due: [string, PendingFile][] = [];
      for (const item of this.pending) if (item[1].checkAt <= now) due.push(item);
      for (let i = 0; i < due.length; i += this.batchSize) {
        if (!this.isActive()) return;
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
    const still = (): boolean => this.pending.get(path) === entry && this.isActive();
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
