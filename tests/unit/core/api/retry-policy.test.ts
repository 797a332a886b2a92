import { describe, expect, it } from 'vitest';
import { AuthentaError } from '../../../../src/main/core/api/errors';
import {
  DEFAULT_RETRY_POLICY,
  retryDecision,
  withRetry,
  type RetryPolicy,
} from '../../../../src/main/core/api/retry-policy';
import type { Clock, Disposable } from '../../../../src/main/core/ports';
import type { ErrorKind } from '../../../../src/shared/domain';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };

function err(code: string, kind: ErrorKind, status: number | null, retryAfterMs: number | null = null) {
  return new AuthentaError({ code, kind, status, message: code, retryAfterMs });
}

describe('retryDecision', () => {
  it.each([
    // error, attempt, random, expected
    [
      '500, first failure, top of jitter',
      err('HTTP_500', 'transient', 500),
      1,
      0.999,
      { retry: true, delayMs: 999 },
    ],
    [
      '500, first failure, bottom of jitter',
      err('HTTP_500', 'transient', 500),
      1,
      0,
      { retry: true, delayMs: 0 },
    ],
    [
      '500, second failure doubles the ceiling',
      err('HTTP_500', 'transient', 500),
      2,
      0.5,
      { retry: true, delayMs: 1000 },
    ],
    ['timeout, third failure', err('TIMEOUT', 'transient', null), 3, 0.5, { retry: true, delayMs: 2000 }],
    [
      'reset, fourth failure is capped',
      err('RESET', 'transient', null),
      4,
      0.999,
      { retry: true, delayMs: 7992 },
    ],
    [
      'fifth failure: max attempts reached',
      err('HTTP_503', 'transient', 503),
      5,
      0.5,
      { retry: false, delayMs: 0 },
    ],
    [
      'Retry-After above the jitter wins',
      err('HTTP_503', 'transient', 503, 5000),
      1,
      0.5,
      { retry: true, delayMs: 5000 },
    ],
    [
      'jitter above Retry-After wins',
      err('HTTP_503', 'transient', 503, 100),
      2,
      0.5,
      { retry: true, delayMs: 1000 },
    ],
    [
      'Retry-After too long: leave it to the engine',
      err('HTTP_503', 'transient', 503, 61_000),
      1,
      0.5,
      { retry: false, delayMs: 0 },
    ],
    ['AA001 quota', err('AA001', 'quota', 429, 1000), 1, 0.5, { retry: false, delayMs: 0 }],
    ['U007 credits', err('U007', 'credits', 400), 1, 0.5, { retry: false, delayMs: 0 }],
    [
      'INSUFFICIENT_BALANCE credits',
      err('INSUFFICIENT_BALANCE', 'credits', 402),
      1,
      0.5,
      { retry: false, delayMs: 0 },
    ],
    ['IAM001 auth', err('IAM001', 'auth', 401), 1, 0.5, { retry: false, delayMs: 0 }],
    ['INVALID_API_KEY auth', err('INVALID_API_KEY', 'auth', 401), 1, 0.5, { retry: false, delayMs: 0 }],
    ['IAM002 permission', err('IAM002', 'permission', 403), 1, 0.5, { retry: false, delayMs: 0 }],
    ['FORBIDDEN permission', err('FORBIDDEN', 'permission', 403), 1, 0.5, { retry: false, delayMs: 0 }],
    ['other 4xx', err('HTTP_422', 'invalid', 422), 1, 0.5, { retry: false, delayMs: 0 }],
    ['404', err('HTTP_404', 'not-found', 404), 1, 0.5, { retry: false, delayMs: 0 }],
    ['expired upload URL', err('AccessDenied', 'expired-url', 403), 1, 0.5, { retry: false, delayMs: 0 }],
    ['cancelled', err('ABORTED', 'local', null), 1, 0.5, { retry: false, delayMs: 0 }],
    ['not an AuthentaError (a bug)', new TypeError('x is undefined'), 1, 0.5, { retry: false, delayMs: 0 }],
  ] as const)('%s', (_name, error, attempt, random, expected) => {
    expect(retryDecision(error, attempt, policy, () => random)).toEqual(expected);
  });

  it('never waits longer than the cap, whatever the attempt', () => {
    for (let attempt = 1; attempt < 60; attempt++) {
      const d = retryDecision(
        err('HTTP_500', 'transient', 500),
        attempt,
        { ...policy, maxAttempts: 100 },
        () => 0.9999,
      );
      expect(d.retry).toBe(true);
      expect(d.delayMs).toBeLessThanOrEqual(policy.maxDelayMs);
      expect(d.delayMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('the default policy retries a transient failure and stops after five attempts', () => {
    const e = err('HTTP_500', 'transient', 500);
    expect(retryDecision(e, 4, DEFAULT_RETRY_POLICY, () => 0.5).retry).toBe(true);
    expect(retryDecision(e, 5, DEFAULT_RETRY_POLICY, () => 0.5).retry).toBe(false);
  });
});

/** A clock whose timers fire only when the test advances it. */
class ManualClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  readonly delays: number[] = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): Disposable {
    const timer = { at: this.t + ms, fn, live: true };
    this.delays.push(ms);
    this.timers.push(timer);
    return { dispose: () => void (timer.live = false) };
  }
  get pending(): number {
    return this.timers.filter((t) => t.live).length;
  }
  /** Fires every due timer. */
  advance(ms: number): void {
    this.t += ms;
    for (const timer of this.timers.filter((x) => x.live && x.at <= this.t)) {
      timer.live = false;
      timer.fn();
    }
  }
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error('condition never became true');
}

describe('withRetry', () => {
  it('retries transient failures on the injected clock and returns the first success', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const result = withRetry(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw err('HTTP_500', 'transient', 500);
        return 'ok';
      },
      { policy, clock, random: () => 0.5 },
    );
    await until(() => clock.pending === 1);
    clock.advance(500);
    await until(() => clock.pending === 1 && calls === 2);
    clock.advance(1000);
    await expect(result).resolves.toBe('ok');
    expect(calls).toBe(3);
    expect(clock.delays).toEqual([500, 1000]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const result = withRetry(
      async () => {
        calls++;
        throw err(`HTTP_50${calls}`, 'transient', 500);
      },
      { policy: { ...policy, maxAttempts: 3 }, clock, random: () => 0 },
    );
    result.catch(() => undefined);
    await until(() => clock.pending === 1);
    clock.advance(0);
    await until(() => clock.pending === 1 && calls === 2);
    clock.advance(0);
    await expect(result).rejects.toMatchObject({ code: 'HTTP_503' });
    expect(calls).toBe(3);
  });

  it.each(['AA001', 'U007', 'IAM001', 'IAM002'])('throws %s at once without waiting', async (code) => {
    const clock = new ManualClock();
    let calls = 0;
    const e = err(
      code,
      code === 'AA001' ? 'quota' : code === 'U007' ? 'credits' : code === 'IAM001' ? 'auth' : 'permission',
      400,
    );
    await expect(
      withRetry(
        async () => {
          calls++;
          throw e;
        },
        { policy, clock, random: () => 0.5 },
      ),
    ).rejects.toBe(e);
    expect(calls).toBe(1);
    expect(clock.delays).toEqual([]);
  });

  it('stops waiting when the signal aborts and says it was cancelled', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const result = withRetry(
      async () => {
        throw err('HTTP_500', 'transient', 500);
      },
      { policy, clock, random: () => 0.5, signal: controller.signal },
    );
    await until(() => clock.pending === 1);
    controller.abort();
    await expect(result).rejects.toMatchObject({ code: 'ABORTED', kind: 'local' });
    expect(clock.pending).toBe(0);
  });

  it('tells onRetry about each wait', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    const result = withRetry(
      async (attempt) => {
        if (attempt === 1) throw err('HTTP_503', 'transient', 503, 2500);
        return attempt;
      },
      { policy, clock, random: () => 0.1, onRetry: (i) => seen.push(i.delayMs) },
    );
    await until(() => clock.pending === 1);
    clock.advance(2500);
    await expect(result).resolves.toBe(2);
    expect(seen).toEqual([2500]);
  });
});
