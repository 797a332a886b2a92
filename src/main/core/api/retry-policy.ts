/**
 * When to try a failed call again (authenta-api.md, "Errors"). Only transient failures (5xx,
 * timeouts, resets, refused connections) are retried, with capped exponential backoff and full
 * jitter, never sooner than a Retry-After asks. Quota (AA001), credits (U007,
 * INSUFFICIENT_BALANCE), credentials (IAM001, INVALID_API_KEY), permission (IAM002, FORBIDDEN),
 * an expired upload URL and every other 4xx are never retried here: policy above decides.
 */
import type { Clock } from '../ports';
import { systemClock } from '../ports';
import { abortedError } from './error-mapping';
import { isAuthentaError } from './errors';

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** The backoff ceiling before jitter for the first retry; doubles each attempt. */
  baseDelayMs: number;
  /** The backoff ceiling never grows past this. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not slept through: the call fails and the engine schedules it. */
  maxRetryAfterMs: number;
}

/** Five attempts, 1 s doubling to at most 30 s, Retry-After honoured up to 2 minutes. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
}

const NO: RetryDecision = { retry: false, delayMs: 0 };

/**
 * Whether to retry after `attempt` failed attempts (1 after the first failure) and how long to
 * wait first. `random` returns [0, 1). Pure: same inputs, same answer.
 */
export function retryDecision(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
): RetryDecision {
  if (!isAuthentaError(error) || error.kind !== 'transient') return NO;
  if (attempt >= policy.maxAttempts) return NO;
  const retryAfter = error.retryAfterMs;
  if (retryAfter !== null && retryAfter > policy.maxRetryAfterMs) return NO;
  const exp = Math.max(0, attempt - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(exp, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  const jittered = Math.floor(r * ceiling);
  return { retry: true, delayMs: Math.max(jittered, retryAfter ?? 0) };
}

export interface WithRetryOptions {
  policy?: RetryPolicy;
  clock?: Clock;
  random?: () => number;
  signal?: AbortSignal;
  /** Told before each wait: the failed attempt's number, its error and the delay. */
  onRetry?: (info: { attempt: number; error: unknown; delayMs: number }) => void;
}

/**
 * Runs `fn` until it succeeds or `retryDecision` says stop, waiting on the injected Clock between
 * attempts. Throws the last error, or an ABORTED AuthentaError when `signal` fires.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: WithRetryOptions = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const { signal } = options;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortedError('The call', null, signal.reason);
    try {
      return await fn(attempt);
    } catch (error) {
      if (signal?.aborted) throw abortedError('The call', null, signal.reason);
      const decision = retryDecision(error, attempt, policy, random);
      if (!decision.retry) throw error;
      options.onRetry?.({ attempt, error, delayMs: decision.delayMs });
      await sleep(clock, decision.delayMs, signal);
    }
  }
}

function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      timer.dispose();
      reject(abortedError('The call', null, signal?.reason));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
