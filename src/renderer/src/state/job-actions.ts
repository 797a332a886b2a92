/**
 * What a job may honestly offer and claim: whether trying again can change anything, and whether
 * its result came from the simulator. Pure; the details panel and the rows ask these.
 */
import type { Job } from '../../../shared/domain';

/**
 * What "try again" would do for a job: `retry` sends or reads it again and may succeed now;
 * `recheck` pays for a fresh check of bytes that already have a verdict (a duplicate); null: a
 * retry cannot change the outcome, so none is offered.
 */
export type RetryOffer = 'retry' | 'recheck' | null;

/**
 * Skip reasons the user can fix and then retry (src/main/core/watch/classify.ts and
 * src/main/core/pipeline/hints.ts): the file is put back, becomes readable or complete, the size
 * limit is raised, the folder takes the kind again or names a model the API has.
 */
const FIXABLE_SKIPS: ReadonlySet<string> = new Set([
  'VANISHED',
  'UNREADABLE',
  'TRUNCATED',
  'CORRUPT',
  'TOO_LARGE',
  'KIND_DISABLED',
  'MODEL_UNAVAILABLE',
]);

/**
 * Failures a retry cannot help: CHANGED means the new version of the file is already its own job.
 * (Skips not listed above never help either: UNSUPPORTED_TYPE and NOT_A_FILE are the bytes
 * themselves, FOLDER_REMOVED is skipped again at once, EMPTY_FILE is picked up by itself once
 * the file has content.)
 */
const HOPELESS_FAILURES: ReadonlySet<string> = new Set(['CHANGED']);

/** Whether retrying this job can change its outcome, and how. */
export function retryOffer(job: Pick<Job, 'state' | 'errorCode' | 'duplicateOf' | 'verdict'>): RetryOffer {
  switch (job.state) {
    case 'blocked':
      return 'retry';
    case 'failed':
      return job.errorCode !== null && HOPELESS_FAILURES.has(job.errorCode) ? null : 'retry';
    case 'skipped':
      if (job.duplicateOf !== null || job.errorCode === 'DUPLICATE') return 'recheck';
      return job.errorCode !== null && FIXABLE_SKIPS.has(job.errorCode) ? 'retry' : null;
    default:
      return null;
  }
}

/** Whether to say "Simulated": only a verdict can be simulated; a file never sent was judged by no one. */
export function showsSimulated(job: Pick<Job, 'simulated' | 'verdict'>): boolean {
  return job.simulated && job.verdict !== null;
}

/** A duplicate: the same bytes were checked before and share that verdict, so no credit was spent. */
export function isDuplicate(job: Pick<Job, 'state' | 'errorCode' | 'duplicateOf'>): boolean {
  return job.state === 'skipped' && (job.duplicateOf !== null || job.errorCode === 'DUPLICATE');
}
