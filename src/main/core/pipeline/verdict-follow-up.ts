/**
 * What follows a verdict: the folder's after-action (a sidecar beside the file, or the file moved
 * into `_fake`, `_real`...), then the queued twins (same bytes, same model) share the verdict
 * instead of paying for it again. It listens to the job store's stream, so it runs once when a
 * row reaches `done`, whichever stage wrote it (the poller, or a cancel that came too late).
 */
import { basename, dirname } from 'node:path';
import type { CommittedChange } from '../ledger/job-store';
import type { FileGate } from '../ledger/confined-path';
import type { JobRecord, Ledger } from '../ledger/ledger';
import type { Clock, Disposable, Logger } from '../ports';
import { applyAfterAction } from '../watch/after-verdict';
import { duplicatePatch } from './intake';
import type { SettingsView } from './views';

/** What the follow-up reads and writes. */
export interface VerdictFollowUpDeps {
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: Pick<SettingsView, 'folder'>;
  /** Whether this desk may move or write beside a row's file (see confined-path.ts). */
  readonly files?: FileGate;
}

/** A committed change that is a row reaching its verdict (a write into `done`). Pure. */
export function reachedVerdict(change: CommittedChange): boolean {
  return change.cause === 'transition' && change.row.state === 'done';
}

/** Runs the follow-up of each verdict announced; see the module comment. */
export class VerdictFollowUp implements Disposable {
  private readonly running = new Set<Promise<void>>();
  private disposed = false;

  constructor(private readonly deps: VerdictFollowUpDeps) {}

  /** A listener of the job store's stream: starts the follow-up of each row that reached `done`. */
  hear(changes: readonly CommittedChange[]): void {
    for (const change of changes) {
      if (this.disposed || !reachedVerdict(change)) continue;
      const work = this.followUp(change.row)
        .catch((e: unknown) =>
          this.deps.logger.error('after the verdict failed', { id: change.row.id, message: String(e) }),
        )
        .finally(() => this.running.delete(work));
      this.running.add(work);
    }
  }

  /** No follow-up is under way. */
  get idle(): boolean {
    return this.running.size === 0;
  }

  /** Resolves once every follow-up started so far has ended (its notes and moves written). */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  /** Starts no new follow-up and waits for those under way (the ledger closes after). */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.settled();
  }

  private async followUp(job: JobRecord): Promise<void> {
    await this.afterAction(job);
    await this.shareWithTwins(job);
  }

  /** The folder's after-action; a failure is a note on the job, never a lost verdict. */
  private async afterAction(job: JobRecord): Promise<void> {
    const { deps } = this;
    const folder = deps.settings.folder(job.folderId);
    if (!folder || folder.after === 'none' || !job.verdict) return;
    const refused = await deps.files?.refusal(job.path, job.name);
    if (refused) {
      deps.logger.warn('after-action left out: the file is outside the watched folders', { id: job.id });
      await deps.ledger.addNote(
        job.id,
        `${folder.after === 'move' ? 'not moved' : 'no sidecar written'}: ${refused}`,
      );
      return;
    }
    try {
      const result = await applyAfterAction(
        folder.after,
        { path: job.path, folderPath: folder.path },
        job.verdict,
        (job.raw ?? {}) as object,
        { now: deps.clock.now() },
      );
      if (result.newPath) {
        deps.files?.allow(result.newPath);
        // The moved file's new version is known from the job store's stream (the watcher skips it).
        await deps.ledger.update(job.id, { path: result.newPath, name: basename(result.newPath) });
        await deps.ledger.addNote(job.id, `moved to ${dirname(result.newPath)}`);
      }
      if (result.sidecarPath)
        await deps.ledger.addNote(
          job.id,
          `verdict written beside the file (${basename(result.sidecarPath)})`,
        );
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      deps.logger.warn('after-action failed', { id: job.id, action: folder.after, message });
      await deps.ledger.addNote(
        job.id,
        `${folder.after === 'move' ? 'moving the file' : 'writing the sidecar'} failed: ${message}`,
      );
    }
  }

  /** Queued jobs with the same bytes and model take this verdict instead of being sent. */
  private async shareWithTwins(job: JobRecord): Promise<void> {
    const { deps } = this;
    if (!job.sha256 || !job.model) return;
    for (const twin of await deps.ledger.listQueuedTwins(job.sha256, job.model, job.simulated)) {
      if (twin.id === job.id || deps.settings.folder(twin.folderId)?.forceRecheck) continue;
      await deps.ledger.transition(
        twin.id,
        'queued',
        'skipped',
        duplicatePatch(job, job.model, deps.clock.now()),
        `duplicate of job #${job.id}`,
      );
    }
  }
}
