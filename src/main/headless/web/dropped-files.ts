/**
 * The files browsers dropped into the inbox, until the engine has decided about each. A dropped
 * file the engine finds a duplicate of one it has checked is not checked again: its copy in the
 * inbox would only pile up (one more per drop), so it goes.
 */
import { unlink } from 'node:fs/promises';
import type { Job, JobChange } from '../../../shared/domain';
import type { Logger } from '../../core/ports';

/** What becomes of a dropped file after a change to its job. */
export type DroppedFileFate = 'delete' | 'forget' | 'keep';

/**
 * A skipped duplicate is deleted; a checked or failed file stays (it is the record of what was
 * checked) and is no longer tracked; anything else is still in the pipeline.
 */
export function droppedFileFate(job: Pick<Job, 'state' | 'duplicateOf'>): DroppedFileFate {
  if (job.state === 'skipped' && job.duplicateOf !== null) return 'delete';
  if (job.state === 'done' || job.state === 'failed') return 'forget';
  return 'keep';
}

/** Tracks dropped files and removes the ones that turn out to be duplicates. */
export class DroppedFiles {
  private readonly paths = new Set<string>();

  constructor(private readonly logger: Logger) {}

  /** A file a browser dropped, now in the inbox and handed to the engine. */
  add(path: string): void {
    this.paths.add(path);
  }

  /** Apply the engine's job changes to the dropped files among them. */
  onJobsChanged(changes: readonly JobChange[]): void {
    for (const change of changes) {
      if (change.type !== 'upsert' || !this.paths.has(change.job.path)) continue;
      const { job } = change;
      const fate = droppedFileFate(job);
      if (fate === 'keep') continue;
      this.paths.delete(job.path);
      if (fate === 'delete') {
        unlink(job.path).then(
          () =>
            this.logger.info('web host: removed a dropped duplicate', {
              name: job.name,
              of: job.duplicateOf,
            }),
          () => undefined,
        );
      }
    }
  }
}
