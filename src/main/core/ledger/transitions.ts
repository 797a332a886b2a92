/**
 * The legal moves of a job between ledger states (DESIGN.md, "A file's life", plus `finalizing`
 * for the Jobs API). Pure: the ledger refuses any write this table does not allow, so a bug in
 * the pipeline shows up as a refused transition instead of a file sent twice.
 */
import type { JobState } from '../../../shared/domain';

/** Every state a job may move to from each state. */
export const TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  // Seen, not yet stable. Skipped when it vanishes or cannot be checked; failed when cancelled.
  waiting: ['queued', 'skipped', 'failed'],
  // Stable, sniffed and hashed. Back to waiting when the file changed and must be looked at again.
  queued: ['creating', 'skipped', 'failed', 'waiting', 'blocked'],
  // POST about to be sent. Back to queued for a retry after a transient error or a restart.
  creating: ['uploading', 'blocked', 'failed', 'queued', 'skipped'],
  // Remote record and upload URL stored; bytes streaming. Back to creating when the URL expired.
  uploading: ['finalizing', 'processing', 'creating', 'blocked', 'failed'],
  // Jobs API: upload done, finalize about to be sent. Back to uploading when finalize says the bytes are missing.
  finalizing: ['processing', 'blocked', 'failed', 'uploading'],
  // Waiting for the verdict.
  processing: ['done', 'failed', 'blocked'],
  // A verdict: final.
  done: [],
  // Terminal until the user retries: checked again, or polled again when the upload was accepted.
  failed: ['waiting', 'queued', 'processing'],
  // Stopped by quota, credits or credentials; resumes where it stood, or is cancelled.
  blocked: ['queued', 'creating', 'uploading', 'finalizing', 'processing', 'failed'],
  // Terminal until the user retries.
  skipped: ['waiting', 'queued'],
};

/** Whether a job may move from `from` to `to`. */
export function canTransition(from: JobState, to: JobState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States whose job has a remote record that was (or may have been) given bytes: never re-created blindly. */
export const UPLOAD_STARTED_STATES: readonly JobState[] = ['uploading', 'finalizing', 'processing'];

/** A refused transition: a bug, or a race lost to another action (cancel during upload). */
export class TransitionError extends Error {
  override readonly name = 'TransitionError';
  constructor(
    readonly jobId: number,
    readonly from: JobState,
    readonly to: JobState,
  ) {
    super(`Job ${jobId} cannot move from ${from} to ${to}.`);
  }
}
