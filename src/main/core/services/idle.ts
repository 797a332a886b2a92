/**
 * When the engine is idle: no job can move without the user. Every job is done, failed or
 * skipped, or what remains waits for an action (the queue is paused, or a block such as wrong
 * credentials); folders have finished their first scan and files their stability wait. The CLI's
 * `--once` ends there. The decision is two pure functions of what the engine knows (table-tested);
 * `IdleWatch` only asks them again until they say yes.
 */
import type { Block, JobState } from '../../../shared/domain';
import type { Clock, Disposable, Logger } from '../ports';
import { blocksOf, firstOperation, type Operation } from '../pipeline/error-policy';

/** What the engine itself is doing, apart from the rows of the queue. */
export interface EngineActivity {
  started: boolean;
  disposed: boolean;
  /** The data folder's disk is full: space comes back without the user. */
  diskFull: boolean;
  /** The pipeline has work in hand (checking, uploading, polling, a board test). */
  pipelineBusy: boolean;
  /** Job changes wait to go out. */
  pendingChanges: boolean;
  /** The watchers of folders that are not paused. */
  watchers: readonly { started: boolean; waitingCount: number }[];
}

/**
 * Whether the engine has settled enough to look at the queue: started (or disposed, which is
 * final), no full disk, nothing in hand, every unpaused folder scanned with no file still settling.
 */
export function engineSettled(a: EngineActivity): boolean {
  if (!a.started || a.disposed) return a.disposed;
  if (a.diskFull || a.pipelineBusy || a.pendingChanges) return false;
  return a.watchers.every((w) => w.started && w.waitingCount === 0);
}

/** A row of the queue as the idle decision reads it. */
export interface QueueRow {
  id: number;
  state: JobState;
  folderId: string | null;
  profileId: string;
  nextAttemptAt: number | null;
  resumeState: JobState | null;
}

/** What decides whether the queue's rows wait for the user. */
export interface QueueFacts {
  now: number;
  /** The user paused the queue, or the system sleeps. */
  paused: boolean;
  pausedFolderIds: ReadonlySet<string>;
  /** The active profile has a usable service. */
  hasService: boolean;
  activeProfileId: string;
  blocks: readonly Block[];
  /** Jobs whose upload is under way. */
  inFlight: ReadonlySet<number>;
}

/**
 * Whether none of the unfinished `rows` can move without the user: each is paused (queue or
 * folder), ended, or waits for a call that a block only the user can lift holds back (or there
 * is no service at all). A queued job whose retry time has not come, a job being checked or
 * created, an upload under way, or a verdict the active profile can poll for still moves.
 */
export function queueWaitsForUser(rows: readonly QueueRow[], f: QueueFacts): boolean {
  const waitsForUser = (op: Operation): boolean =>
    !f.hasService || blocksOf(op, f.blocks).some((b) => b.retryAt === null);
  return rows.every((r) => {
    if (f.paused || (r.folderId !== null && f.pausedFolderIds.has(r.folderId))) return true;
    switch (r.state) {
      case 'waiting':
      case 'creating':
        return false;
      case 'queued':
        return (r.nextAttemptAt ?? 0) <= f.now && waitsForUser('create');
      case 'uploading':
        return !f.inFlight.has(r.id) && waitsForUser('get');
      case 'finalizing':
        return !f.inFlight.has(r.id) && (waitsForUser('get') || waitsForUser('finalize'));
      case 'processing':
        return r.profileId !== f.activeProfileId || waitsForUser('list');
      case 'blocked':
        return waitsForUser(firstOperation(r.resumeState));
      default:
        return true;
    }
  });
}

/** What the idle watch needs. */
export interface IdleWatchOptions {
  clock: Clock;
  logger: Logger;
  /** Whether the engine is idle now (the two functions above, on the engine's current facts). */
  isIdle(): Promise<boolean>;
}

/** How often a waiter looks again while the engine is not idle. */
const RECHECK_MS = 200;

/** Resolves `whenIdle()` promises once the engine is idle; see the module comment. */
export class IdleWatch implements Disposable {
  private waiters: (() => void)[] = [];
  private timer: Disposable | null = null;
  private checking = false;
  private disposed = false;

  constructor(private readonly options: IdleWatchOptions) {}

  /** Resolves when the engine is idle (at once after `dispose`). */
  whenIdle(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return new Promise((res) => {
      this.waiters.push(res);
      this.schedule(0);
    });
  }

  /** Something moved: look again after `delayMs` (only while someone waits). */
  schedule(delayMs = 0): void {
    if (!this.waiters.length || this.disposed || this.timer) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      void this.check();
    }, delayMs);
  }

  /** Stops looking and lets every waiter go. */
  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = null;
    this.release();
  }

  private async check(): Promise<void> {
    if (this.checking || !this.waiters.length) return;
    this.checking = true;
    let idle = false;
    try {
      idle = await this.options.isIdle();
    } catch (e) {
      this.options.logger.warn('idle check failed', { message: String(e) });
    } finally {
      this.checking = false;
    }
    if (idle) this.release();
    else this.schedule(RECHECK_MS);
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
