/**
 * What a failed call means for the queue (authenta-api.md, "Errors"), decided by the error's kind,
 * never its text. Pure and table-tested. AA001 stops the calls of the exhausted quota, credits stop
 * record creation, credentials and permissions stop everything and ask; none of these is retried
 * blindly. Transient failures retry the job with backoff; a network that is down becomes an
 * `offline` block so every call waits instead of each failing on its own.
 */
import type { Block, BlockKind, ErrorKind, JobState } from '../../../shared/domain';
import type { AuthentaError } from '../api/errors';
import { isAuthentaError } from '../api/errors';
import { retryDecision, type RetryPolicy } from '../api/retry-policy';

/** The calls the pipeline makes. `probe` is the single call that checks whether a block lifted. */
export type Operation = 'create' | 'upload' | 'finalize' | 'get' | 'list' | 'remove' | 'probe';

/** The quota an operation spends; uploads go to storage and spend none. */
export function quotaOf(op: Operation): 'query' | 'mutation' | null {
  if (op === 'get' || op === 'list' || op === 'probe') return 'query';
  if (op === 'upload') return null;
  return 'mutation';
}

/**
 * The call a job in `state` needs first: a job that has its bytes up needs finalize (where the
 * Jobs API spends the credit, so a credits block holds it back), one being uploaded asks for its
 * record first (GET), one being processed waits on the list; anything else starts by creating a
 * record. For a blocked job, pass the state it resumes into (null: queued). The one rule for
 * which blocks hold a job back, what a job's hint names, and when a blocked job may resume.
 */
export function firstOperation(state: JobState | null): Operation {
  if (state === 'uploading') return 'get';
  if (state === 'finalizing') return 'finalize';
  if (state === 'processing') return 'list';
  return 'create';
}

/** Which operations each block stops. */
const BLOCKED_OPERATIONS: Readonly<Record<BlockKind, readonly Operation[]>> = {
  auth: ['create', 'upload', 'finalize', 'get', 'list', 'remove'],
  permission: ['create', 'upload', 'finalize', 'get', 'list', 'remove'],
  'quota-query': ['get', 'list'],
  'quota-mutation': ['create', 'finalize', 'remove'],
  // Credits are spent where processing starts: at the media API's record, at the Jobs API's finalize.
  credits: ['create', 'finalize'],
  offline: ['create', 'upload', 'finalize', 'get', 'list', 'remove'],
  proxy: ['create', 'upload', 'finalize', 'get', 'list', 'remove'],
};

/**
 * Whether a block is the account's, the same for every desk using it (AA001: the account's Query
 * or Mutation quota; no credits left), as opposed to one desk's own (its credentials or key, its
 * network, its proxy). On a team ledger the account's blocks are shared (team-blocks.ts). Pure.
 */
export function isAccountBlock(kind: BlockKind): boolean {
  return kind === 'quota-query' || kind === 'quota-mutation' || kind === 'credits';
}

/** Whether an operation may run now, given the current blocks. */
export function isBlocked(op: Operation, blocks: readonly Pick<Block, 'kind'>[]): boolean {
  return blocks.some((b) => BLOCKED_OPERATIONS[b.kind].includes(op));
}

/** The blocks that stop an operation. */
export function blocksOf(op: Operation, blocks: readonly Block[]): Block[] {
  return blocks.filter((b) => BLOCKED_OPERATIONS[b.kind].includes(op));
}

/** What to do about a failed call. */
export type ErrorOutcome =
  /** Stop the calls this block covers; the job keeps its place. */
  | { type: 'block'; block: BlockKind }
  /** Try this job again after `delayMs`; `offline`: the network itself is down. */
  | { type: 'retry'; delayMs: number; offline: boolean }
  /** The upload URL no longer works: create a new record. */
  | { type: 'renew-url' }
  /** The remote record is gone. */
  | { type: 'gone' }
  /** Finalize was refused because the storage lacks the bytes: upload them again, then finalize. */
  | { type: 'reupload' }
  /** This job cannot succeed as it is. */
  | { type: 'fail'; code: string; kind: ErrorKind; message: string };

/** Job-level retries of transient failures: 8 attempts, 2 s doubling to 5 min, Retry-After up to an hour. */
export const JOB_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
};

/**
 * Codes with which the Jobs API refuses a finalize because the bytes are not there (the status
 * read before, even `waiting_for_finalize`, proves nothing about the upload).
 */
export const MISSING_BYTES_CODES: ReadonlySet<string> = new Set(['JOB_INPUTS_MISSING', 'UPLOAD_INCOMPLETE']);

/** No answer at all: the network (or the server) is unreachable, as opposed to a reset or a 5xx. */
export function isOffline(error: unknown): boolean {
  return (
    isAuthentaError(error) && error.kind === 'transient' && error.status === null && error.code === 'NETWORK'
  );
}

/**
 * Decide what a failed call means. `attempt` counts this job's failed attempts (1 after the first).
 * `random` gives the jitter. An offline network is retried without limit (the attempt count does
 * not grow the delay past the cap); a server that keeps failing ends the job after the policy's attempts.
 */
export function decideOnError(
  op: Operation,
  error: unknown,
  attempt: number,
  random: () => number,
  policy: RetryPolicy = JOB_RETRY_POLICY,
): ErrorOutcome {
  if (!isAuthentaError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return { type: 'fail', code: 'INTERNAL', kind: 'local', message: `Unexpected error: ${message}` };
  }
  if (op === 'finalize' && MISSING_BYTES_CODES.has(error.code)) return { type: 'reupload' };
  switch (error.kind) {
    case 'auth':
      return { type: 'block', block: 'auth' };
    case 'permission':
      // A key without delete permission must not stop the queue: the delete alone fails.
      if (op === 'remove') return fail(error);
      return { type: 'block', block: 'permission' };
    case 'quota': {
      const quota = error.quota ?? quotaOf(op) ?? 'mutation';
      return { type: 'block', block: quota === 'query' ? 'quota-query' : 'quota-mutation' };
    }
    case 'credits':
      return { type: 'block', block: 'credits' };
    case 'proxy':
      return { type: 'block', block: 'proxy' };
    case 'expired-url':
      return op === 'upload' ? { type: 'renew-url' } : fail(error);
    case 'not-found':
      if (op === 'upload') return { type: 'renew-url' };
      if (op === 'get' || op === 'remove' || op === 'finalize') return { type: 'gone' };
      return fail(error);
    case 'transient': {
      if (isOffline(error)) {
        const capped = Math.min(attempt, policy.maxAttempts - 1);
        const d = retryDecision(error, capped, policy, random);
        return { type: 'retry', delayMs: Math.max(1_000, d.delayMs), offline: true };
      }
      const d = retryDecision(error, attempt, policy, random);
      if (d.retry) return { type: 'retry', delayMs: Math.max(500, d.delayMs), offline: false };
      return {
        type: 'fail',
        code: error.code,
        kind: 'transient',
        message: `${error.message}; gave up after ${attempt} attempts. Retry the file when Authenta works again.`,
      };
    }
    default:
      return fail(error);
  }
}

function fail(error: AuthentaError): ErrorOutcome {
  return { type: 'fail', code: error.code, kind: error.kind, message: error.message };
}

/** How long a proxy block waits before one call tests the proxy again. */
export const PROXY_RECHECK_MS = 30_000;

/** A block to set on the board: its kind, the error it shows, and when one call tests it again. */
export interface BlockOrder {
  kind: BlockKind;
  error: { code: string; message: string; action?: string } | null;
  /** Null: it waits for the user (resume, new credentials). */
  retryAt: number | null;
}

/**
 * The block an error outcome sets, if any: a `block` outcome stops its calls (a quota block is
 * tested again after the cool-down, `quotaCooldownMs`; the others wait for the user); a network
 * that is down (`retry` with `offline`) holds every call until the retry time. Pure.
 */
export function blockOrder(
  outcome: ErrorOutcome,
  error: unknown,
  now: number,
  quotaCooldownMs: number,
): BlockOrder | null {
  const shown = isAuthentaError(error) ? { code: error.code, message: error.message } : null;
  if (outcome.type === 'block') {
    const quota = outcome.block === 'quota-query' || outcome.block === 'quota-mutation';
    // A proxy may come back or be fixed outside the app (its settings, its PAC): one call tests it.
    if (outcome.block === 'proxy' && isAuthentaError(error))
      return { kind: 'proxy', error: { ...shown!, action: error.action }, retryAt: now + PROXY_RECHECK_MS };
    return { kind: outcome.block, error: shown, retryAt: quota ? now + quotaCooldownMs : null };
  }
  if (outcome.type === 'retry' && outcome.offline) {
    return { kind: 'offline', error: shown, retryAt: now + outcome.delayMs };
  }
  return null;
}

/** Codes of a server that answers, but with 5xx errors (as opposed to an unreachable network). */
const SERVER_ERROR_CODES: ReadonlySet<string> = new Set([
  'SERVER_ERROR',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
  'BAD_GATEWAY',
  'GATEWAY_TIMEOUT',
]);

/** Whether a code is a 5xx answer of Authenta (HTTP_5xx or a body code of one). */
export function isServerErrorCode(code: string): boolean {
  return /^HTTP_5\d\d$/.test(code) || SERVER_ERROR_CODES.has(code);
}

/**
 * Who met an account's block on a team ledger (team-blocks.ts): this desk (`seenBy` null) or
 * another one, named. Every desk waits for it alike.
 */
export interface TeamSeen {
  seenBy: string | null;
}

/** A time of day as people read it on this desk: `14:05`. */
export function clockTime(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** What a block asks of the user and when it lifts by itself; `team`: a block every desk of a team shares. */
export function describeBlock(
  kind: BlockKind,
  error: { code: string; message: string; action?: string } | null,
  now: number,
  retryAt: number | null,
  team?: TeamSeen,
): Block {
  const code = error?.code ?? kind.toUpperCase();
  const base = {
    kind,
    code,
    since: now,
    retryAt,
  };
  if (team && isAccountBlock(kind)) return describeTeamBlock(kind, error, base, team);
  switch (kind) {
    case 'auth':
      return {
        ...base,
        message: `${error?.message ?? 'Authenta did not accept the credentials'}. Nothing is sent until this is fixed.`,
        action:
          'Check the client ID and secret (or API key) of this profile (Account), then resume the queue.',
      };
    case 'permission':
      return {
        ...base,
        message: `${error?.message ?? 'The key lacks a permission'}. Nothing is sent until this is fixed.`,
        action:
          'Give this key read and write permission in the Authenta console (or use another profile), then resume.',
      };
    case 'quota-query':
      return {
        ...base,
        message: 'The Authenta Query quota is used up (AA001): checking for verdicts is paused.',
        action:
          'Wait: one check is made when the cool-down ends. Or raise the quota in the Authenta console and resume.',
      };
    case 'quota-mutation':
      return {
        ...base,
        message: 'The Authenta Mutation quota is used up (AA001): no new files are sent.',
        action:
          'Wait: the next file is tried when the cool-down ends. Or raise the quota in the Authenta console and resume.',
      };
    case 'credits':
      return {
        ...base,
        message: `${error?.message ?? 'The account has no credits left'}. No new files are sent; files already sent still get their verdicts.`,
        action: 'Buy credits in the Authenta console, then resume.',
      };
    case 'proxy':
      return {
        ...base,
        message: `${error?.message ?? 'The proxy refused the connection'}. Nothing is sent until the proxy lets it through.`,
        action:
          error?.action ??
          'Check the proxy settings (HTTPS_PROXY, or the system proxy settings); the next try is automatic.',
      };
    case 'offline':
      if (error && isServerErrorCode(error.code)) {
        return {
          ...base,
          message: 'Authenta is answering with errors; nothing is sent until it answers normally.',
          action:
            "Nothing to do: the next try is automatic. If it lasts, check Authenta's status page or contact support.",
        };
      }
      return {
        ...base,
        message: `${error?.message ?? 'Authenta cannot be reached'}. Everything waits for the network.`,
        action:
          'Nothing to do if the network comes back: the next try is automatic. Check the connection or proxy.',
      };
  }
}

/**
 * An account's block on a team ledger: it says which desk met it and that every desk waits (until
 * when, or for someone to resume on any desk).
 */
function describeTeamBlock(
  kind: BlockKind,
  error: { code: string; message: string } | null,
  base: Pick<Block, 'kind' | 'code' | 'since' | 'retryAt'>,
  team: TeamSeen,
): Block {
  const seen = team.seenBy === null ? 'seen by this desk' : `seen by desk ${team.seenBy}`;
  const waits =
    base.retryAt === null
      ? 'every desk waits until someone resumes'
      : `every desk waits until ${clockTime(base.retryAt)}`;
  switch (kind) {
    case 'quota-query':
      return {
        ...base,
        message: `The account's Authenta Query quota is used up (${base.code}, ${seen}): checking for verdicts is paused; ${waits}.`,
        action:
          'Wait: one desk checks when the cool-down ends, for the whole team. Or raise the quota in the Authenta console and resume (on any desk: it resumes every desk).',
      };
    case 'quota-mutation':
      return {
        ...base,
        message: `The account's Authenta Mutation quota is used up (${base.code}, ${seen}): no new files are sent; ${waits}.`,
        action:
          'Wait: one desk tries the next file when the cool-down ends, for the whole team. Or raise the quota in the Authenta console and resume (on any desk: it resumes every desk).',
      };
    default:
      return {
        ...base,
        message: `${error?.message || 'The account has no credits left'} (${base.code}, ${seen}). No new files are sent; files already sent still get their verdicts; ${waits}.`,
        action: 'Buy credits in the Authenta console, then resume (on any desk: it resumes every desk).',
      };
  }
}
