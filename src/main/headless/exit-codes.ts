/**
 * The CLI's exit code, decided from what happened to the jobs and what blocks the queue.
 * Scripts branch on it: 0 all done or skipped, 1 something else went wrong (a file failed),
 * 2 usage, 3 credentials or permission, 4 quota or credits, 5 gave up waiting (`--timeout`).
 */
import type { Block, ErrorKind, Job, JobState } from '../../shared/domain';
import type { LedgerProblemKind } from '../core/ledger/postgres-errors';
import { isBlocked } from '../core/pipeline/error-policy';

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  credentials: 3,
  quota: 4,
  /** `--once` gave up waiting (`--timeout` passed): what is pending resumes on the next run. */
  timedOut: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** API codes (both generations) meaning the credentials are wrong or lack a permission. */
export const CREDENTIAL_CODES: readonly string[] = ['IAM001', 'IAM002', 'INVALID_API_KEY', 'FORBIDDEN'];
/** API codes meaning a call quota or the credits ran out. */
export const QUOTA_CODES: readonly string[] = ['AA001', 'U007', 'INSUFFICIENT_BALANCE'];

const CREDENTIAL_KINDS: readonly ErrorKind[] = ['auth', 'permission'];
const QUOTA_KINDS: readonly ErrorKind[] = ['quota', 'credits'];

/** Which exit class an error belongs to, by its code or else its kind; null: an ordinary failure. */
export function errorClass(code: string | null, kind: ErrorKind | null): 'credentials' | 'quota' | null {
  if (code !== null && CREDENTIAL_CODES.includes(code)) return 'credentials';
  if (code !== null && QUOTA_CODES.includes(code)) return 'quota';
  if (kind !== null && CREDENTIAL_KINDS.includes(kind)) return 'credentials';
  if (kind !== null && QUOTA_KINDS.includes(kind)) return 'quota';
  return null;
}

/** Which exit class a queue block belongs to; null for blocks that clear by themselves (offline). */
export function blockClass(block: Pick<Block, 'kind' | 'code'>): 'credentials' | 'quota' | null {
  if (block.kind === 'auth' || block.kind === 'permission') return 'credentials';
  if (block.kind === 'credits' || block.kind === 'quota-query' || block.kind === 'quota-mutation')
    return 'quota';
  return errorClass(block.code, null);
}

export interface RunOutcome {
  jobs: readonly Pick<Job, 'state' | 'errorCode' | 'errorKind'>[];
  blocks: readonly Pick<Block, 'kind' | 'code'>[];
}

/**
 * The exit code of a finished (or stopped) run. Credentials win over quota, quota over other
 * failures: the first thing the user must fix is reported. Jobs still open count as failures.
 */
export function exitCodeFor(outcome: RunOutcome): ExitCode {
  const classes = new Set<string>();
  for (const b of outcome.blocks) {
    const c = blockClass(b);
    if (c) classes.add(c);
  }
  let unfinished = false;
  for (const j of outcome.jobs) {
    if (j.state === 'done' || j.state === 'skipped') continue;
    unfinished = true;
    const c = errorClass(j.errorCode, j.errorKind);
    if (c) classes.add(c);
  }
  if (classes.has('credentials')) return EXIT.credentials;
  if (classes.has('quota')) return EXIT.quota;
  return unfinished ? EXIT.failed : EXIT.ok;
}

/**
 * Whether a job in `state` can still move on under these blocks: the call it needs next is not
 * stopped (a file already sent is polled with Query calls, which a Mutation quota or a lack of
 * credits does not stop), or it needs no call (local checks, a call already under way). Pure.
 */
export function canStillAdvance(state: JobState, blocks: readonly Pick<Block, 'kind'>[]): boolean {
  switch (state) {
    case 'waiting':
    case 'creating':
      return true;
    case 'queued':
      return !isBlocked('create', blocks);
    case 'uploading':
      return !isBlocked('get', blocks) && !isBlocked('upload', blocks);
    case 'finalizing':
      return !isBlocked('finalize', blocks);
    case 'processing':
      return !isBlocked('list', blocks);
    default:
      return false;
  }
}

/**
 * Whether `--once` must stop now instead of waiting: a block that only the user can clear
 * (credentials, permission, credits, quota) stops the queue, so waiting for the jobs it holds
 * would never end. Jobs it does not hold (files already sent, waiting for their verdicts with
 * Query calls) are waited for first: "files already sent still get their verdicts".
 */
export function stopsOnceRun(
  blocks: readonly Pick<Block, 'kind' | 'code'>[],
  openJobs: readonly Pick<Job, 'state'>[] = [],
): boolean {
  return (
    blocks.some((b) => blockClass(b) !== null) && !openJobs.some((j) => canStillAdvance(j.state, blocks))
  );
}

/**
 * The exit code when the team ledger cannot be used at start: a URL or database name to fix is
 * usage (2), a refused user or password is credentials (3), a server that cannot be reached now
 * is like Authenta out of reach (5: run again later), a newer schema or anything else is 1.
 */
export function ledgerExitCode(kind: LedgerProblemKind): ExitCode {
  switch (kind) {
    case 'bad-url':
    case 'no-database':
      return EXIT.usage;
    case 'auth':
    case 'permission':
      return EXIT.credentials;
    case 'unreachable':
      return EXIT.timedOut;
    case 'newer-schema':
    case 'failed':
      return EXIT.failed;
  }
}
