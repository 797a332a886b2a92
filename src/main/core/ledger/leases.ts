/**
 * Desks and leases (issue 11): several desks may share one ledger, so every row names the desk
 * that handles it (`desk`) and, while a desk works on it (creating, uploading, finalizing), how
 * long its claim holds without renewal (`lease_until`). The rules are pure and shared by both
 * adapters; the SQL that applies them lives in each adapter.
 *
 * - A claim and every transition write this desk and, into a leased state, a fresh lease.
 * - A desk renews the leases of its rows while it runs (every third of the lease).
 * - A desk takes a row over only when it is its own (its own crash, on restart), nobody's (a
 *   ledger from before desks), or its lease ran out (the desk died, slept or lost its cable).
 *   What it then does follows the crash-recovery rule: ask Authenta before sending again.
 * - A desk whose row was taken over cannot move it on any more (a fence on the transition): only
 *   `failed` (a cancel, a give-up) passes, since it pays nothing.
 */
import type { JobState } from '../../../shared/domain';
import type { Disposable } from '../ports';

/** States a desk holds a lease on: work under way that another desk must not start again. */
export const LEASED_STATES: readonly JobState[] = ['creating', 'uploading', 'finalizing'];

/** How long a claim holds without renewal, by default: a desk that stops renewing loses it after this. */
export const DEFAULT_LEASE_MS = 60_000;

/** The desk a ledger writes for when the host names none (one desk alone). */
export const DEFAULT_DESK = 'this desk';

/** Which desk a ledger writes for and how long its claims hold. */
export interface DeskOptions {
  /** The desk's name as people see it (stable per data folder). */
  desk?: string;
  /** How long a claim holds without renewal (default DEFAULT_LEASE_MS). */
  leaseMs?: number;
  /** How often the ledger renews this desk's leases (default a third of the lease; 0: never, tests). */
  renewEveryMs?: number;
}

/** The lease a transition into `to` writes: until `now + leaseMs` for a leased state, else none. Pure. */
export function leaseAfter(to: JobState, now: number, leaseMs: number): number | null {
  return LEASED_STATES.includes(to) ? now + leaseMs : null;
}

/**
 * Whether a transition into `to` is fenced: refused when another desk holds a live lease on the
 * row. Only `failed` passes (a cancel or a give-up sends nothing and pays nothing). Pure.
 */
export function fencedTransition(to: JobState): boolean {
  return to !== 'failed';
}

/** The timeline note of a row taken over from another desk. Pure. */
export function takeoverNote(fromDesk: string | null, me: string): string | null {
  if (fromDesk === null || fromDesk === me) return null;
  return `taken over from ${fromDesk} (its claim ran out: that desk stopped, slept or lost the connection)`;
}

/** The desk settings with their defaults filled in. Pure. */
export function deskSettings(options: DeskOptions): { desk: string; leaseMs: number; renewEveryMs: number } {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  return {
    desk: options.desk ?? DEFAULT_DESK,
    leaseMs,
    renewEveryMs: options.renewEveryMs ?? Math.max(1, Math.floor(leaseMs / 3)),
  };
}

/**
 * Renew a desk's leases every `everyMs` while the ledger is open (a real timer: a lease says the
 * process is alive, whatever clock the engine reads). A failed renewal is tried again next time;
 * the lease is long enough to survive one or two.
 */
export function keepLeases(renew: () => Promise<unknown>, everyMs: number): Disposable {
  if (everyMs <= 0) return { dispose: () => undefined };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    renew()
      .catch(() => undefined)
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return { dispose: () => clearInterval(timer) };
}
