/**
 * The upload slot: claims jobs up to the concurrency (records already paid for first), runs each
 * through the steps in upload-steps.ts, and aborts them on cancel or shutdown. Rows in `uploading`
 * or `finalizing` that nobody works on are resumed by asking Authenta first (see UploadSteps).
 */
import { keepLeases, progressingIds } from '../ledger/leases';
import type { JobRecord } from '../ledger/ledger';
import type { Disposable } from '../ports';
import type { Gate } from './blocks';
import type { Operation } from './error-policy';
import { LOCAL_CODES } from './hints';
import type { UploadDeps, UploadOutcome } from './upload-checks';
import { UploadSteps, type Run } from './upload-steps';
import type { ActiveService, ProfileView, SettingsView } from './views';

export type { UploadOutcome } from './upload-checks';
export { redactUrl, UploadSteps, type Run } from './upload-steps';

/** What the slot reads besides the steps' needs: the active profile, and what is paused. */
export interface UploaderDeps extends UploadDeps {
  readonly profile: Pick<ProfileView, 'active'>;
  readonly settings: Pick<SettingsView, 'folder' | 'preferences' | 'paused' | 'pausedFolderIds'>;
}

/**
 * Where a run's decisions go when its task ends, before the task counts as settled (the Pipeline
 * routes each to the poller or the intake). The uploader knows no other stage.
 */
export type OutcomeRoute = (outcome: UploadOutcome) => Promise<void>;

interface Task {
  controller: AbortController;
  cancelled: boolean;
  promise: Promise<void>;
  /** When it last showed progress (started, moved bytes, wrote a step), on a monotonic clock. */
  lastProgressAt: number;
}

/** A monotonic clock for liveness: a lease says the work moves, whatever clock the engine reads. */
const monotonic = (): number => performance.now();

/** Claims jobs up to the concurrency and takes each from `creating` to `processing`. */
export class Uploader implements Disposable {
  private readonly tasks = new Map<number, Task>();
  private pumping = false;
  private again = false;
  private wakeTimer: Disposable | null = null;
  private disposed = false;
  /** The service whose calls have been seen to work; until then, one call at a time. */
  private confirmed: ActiveService['service'] | null = null;
  /** Renews the leases of the tasks that are progressing (leases.ts). */
  private readonly renewal: Disposable;

  /** One job's way from `creating` to `processing`; this slot only starts, cancels and counts them. */
  private readonly steps: UploadSteps;

  constructor(
    private readonly deps: UploaderDeps,
    private readonly route: OutcomeRoute,
  ) {
    const touch = (id: number): void => {
      const task = this.tasks.get(id);
      if (task) task.lastProgressAt = monotonic();
    };
    const progress = {
      report: (id: number, sent: number, size: number): void => {
        touch(id);
        deps.progress.report(id, sent, size);
      },
    };
    this.renewal = keepLeases(() => this.renewLeases(), deps.ledger.leasing.renewEveryMs);
    this.steps = new UploadSteps(
      { ...deps, progress },
      {
        confirm: (service) => {
          this.confirmed = service;
        },
        isCancelled: (id) => this.tasks.get(id)?.cancelled === true,
      },
    );
  }

  /** Uploads (and POSTs) under way. */
  get inFlight(): number {
    return this.tasks.size;
  }

  isInFlight(id: number): boolean {
    return this.tasks.has(id);
  }

  /** Resolves once the job's task in flight, if any, has ended (its row written). */
  settled(id: number): Promise<void> {
    return this.tasks.get(id)?.promise ?? Promise.resolve();
  }

  /** Start what can start now. Cheap to call often. */
  pump(): void {
    if (this.disposed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.doPump()
      .catch((e: unknown) => this.deps.logger.error('upload pump failed', { message: String(e) }))
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.pump();
        }
      });
  }

  /** Abort an in-flight job because the user cancelled it; it ends `failed` (CANCELLED). */
  cancel(id: number): boolean {
    const task = this.tasks.get(id);
    if (!task) return false;
    task.cancelled = true;
    task.controller.abort(new Error('cancelled by the user'));
    return true;
  }

  /** Abort everything in flight and wait: rows stay where they were, resumable at the next start. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.renewal.dispose();
    this.wakeTimer?.dispose();
    this.wakeTimer = null;
    for (const t of this.tasks.values()) t.controller.abort(new Error('shutting down'));
    await Promise.allSettled([...this.tasks.values()].map((t) => t.promise));
  }

  // ---------------------------------------------------------------------------------------

  private async doPump(): Promise<void> {
    const { deps } = this;
    if (deps.settings.paused()) return;
    const active = deps.profile.active();
    if (!active) return;
    // New credentials are tried with one call before several go out: wrong ones fail once, not N times.
    const limit = this.confirmed === active.service ? deps.settings.preferences().concurrency : 1;
    const now = deps.clock.now();
    const pausedFolders = new Set(deps.settings.pausedFolderIds());

    // A POST another desk left when its claim ran out (it stopped, slept or lost its cable): the
    // file goes back to the queue (an INITED record it may have made costs no credits). This
    // desk's own rows in `creating` are in its hands, or were taken back at start-up.
    for (const row of await deps.ledger.takeOver(['creating'], now, { othersOnly: true })) {
      await deps.ledger.transition(
        row.id,
        'creating',
        'queued',
        {},
        'the desk sending it stopped before Authenta answered the POST: it is sent again (an unused INITED record may remain; it costs no credits)',
      );
    }

    // Records that already exist come first: they were paid for in quota.
    if (this.tasks.size < limit && deps.blocks.isOpen('get')) {
      // This desk's own rows, and those whose desk stopped renewing its claim (takeover, leases.ts):
      // no more than it can start now; the rest stay for other desks or the next pass.
      const resumable = await deps.ledger.takeOver(['uploading', 'finalizing'], now, {
        limit: limit - this.tasks.size,
        exceptIds: [...this.tasks.keys()],
      });
      for (const row of resumable) {
        if (this.tasks.size >= limit || this.disposed) break;
        if (this.tasks.has(row.id) || (row.nextAttemptAt ?? 0) > now) continue;
        if (row.folderId && pausedFolders.has(row.folderId)) continue;
        if (row.profileId !== active.profile.id) continue;
        // A job that only needs finalizing waits while finalize is held back (no credits).
        if (row.state === 'finalizing' && !deps.blocks.isOpen('finalize')) continue;
        this.start(row, 'open', 'get', active, (run) => this.steps.resume(row, run));
      }
    }

    while (this.tasks.size < limit && !this.disposed && !deps.settings.paused()) {
      const gate = deps.blocks.gate('create');
      if (gate === 'blocked') break;
      const job = await deps.ledger.claimNextQueued(deps.clock.now(), [...pausedFolders], {
        profileId: active.profile.id,
        simulated: active.simulated,
        generation: active.service.generation,
      });
      if (!job) {
        if (gate === 'probe') deps.blocks.probeAbandoned('create');
        break;
      }
      this.start(job, gate, 'create', active, (run) => this.steps.create(job, run));
      if (gate === 'probe') break; // one call tests the block
    }
    await this.scheduleWake();
  }

  /** Wake up when the next retry is due. */
  private async scheduleWake(): Promise<void> {
    const now = this.deps.clock.now();
    const retry = await this.deps.ledger.nextAttemptAfter(['queued', 'uploading', 'finalizing'], now);
    // Another desk's claim that runs out is work for this one then.
    const lease = await this.deps.ledger.nextLeaseExpiry(now);
    // And a look at least once a lease: a claim another desk made since may have run out by then.
    const look = now + this.deps.ledger.leasing.leaseMs;
    const next = Math.min(retry ?? look, lease === null ? look : lease + 1, look);
    this.wakeTimer?.dispose();
    this.wakeTimer = null;
    if (this.disposed) return;
    this.wakeTimer = this.deps.clock.setTimeout(
      () => {
        this.wakeTimer = null;
        this.pump();
      },
      Math.max(0, next - now),
    );
  }

  private start(
    job: JobRecord,
    gate: Gate,
    op: Operation,
    active: ActiveService,
    step: (run: Run) => Promise<void>,
  ): void {
    // A claim that answered after dispose: the row stays claimed by this desk, and its start-up
    // (or another desk, once the lease runs out) takes it; the ledger is about to close.
    if (this.disposed) {
      if (gate === 'probe') this.deps.blocks.probeAbandoned(op);
      return;
    }
    const controller = new AbortController();
    const task: Task = {
      controller,
      cancelled: false,
      promise: Promise.resolve(),
      lastProgressAt: monotonic(),
    };
    this.tasks.set(job.id, task);
    const run: Run = { active, signal: controller.signal, renewals: 0, outcomes: [] };
    task.promise = step(run)
      .catch(async (e: unknown) => {
        this.deps.logger.error('upload task failed', {
          id: job.id,
          message: e instanceof Error ? e.message : String(e),
        });
        const current = await this.deps.ledger.get(job.id);
        if (current && ['creating', 'uploading', 'finalizing'].includes(current.state) && !this.disposed) {
          await this.steps.fail(current, LOCAL_CODES.internal, 'local', `Unexpected error: ${String(e)}`);
        }
      })
      .then(() => this.routeAll(job.id, run.outcomes))
      .finally(() => {
        if (gate === 'probe') this.deps.blocks.probeAbandoned(op);
        this.tasks.delete(job.id);
        this.pump();
      });
  }

  /** Renew the leases of the tasks whose work is progressing (leases.ts); a wedged one runs out. */
  private async renewLeases(): Promise<void> {
    const work = [...this.tasks].map(([id, t]) => ({ id, lastProgressAt: t.lastProgressAt }));
    const ids = progressingIds(work, monotonic(), this.deps.ledger.leasing.leaseMs);
    if (ids.length) await this.deps.ledger.renewLeases(this.deps.clock.now(), ids);
  }

  /** Hand the run's decisions on, in the order they were made; one that fails does not stop the rest. */
  private async routeAll(id: number, outcomes: readonly UploadOutcome[]): Promise<void> {
    for (const outcome of outcomes) {
      try {
        await this.route(outcome);
      } catch (e) {
        this.deps.logger.error('routing an upload outcome failed', {
          id,
          outcome: outcome.type,
          message: String(e),
        });
      }
    }
  }
}
