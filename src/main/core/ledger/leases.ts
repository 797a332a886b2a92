/**
 * Desks and leases (issue 11): several desks may share one ledger, so every row names the desk
 * that handles it (`desk`) and, while a desk works on it (creating, uploading, finalizing), how
 * long its claim holds without renewal (`lease_until`). The rules are pure and shared by both
 * adapters; the SQL that applies them lives in each adapter.
 *
 * - A claim and every transition write this desk and, into a leased state, a fresh lease.
 * - A desk renews (every third of the lease) only the leases of rows whose work is progressing:
 *   a task of its uploader that started, moved bytes or changed state within the last lease
 *   (`progressingIds`). A live process is not proof of live work: a task wedged for a whole lease
 *   (no byte, no answer; every call has its own shorter timeout) loses its row to another desk,
 *   and so do rows it holds but is not working on (a retry not yet due, rows beyond its
 *   concurrency). The engine's uploader renews them, not the ledger, because only it knows.
 * - A desk takes a row over only when it is its own (its own crash, on restart), nobody's (a
 *   ledger from before desks), or its lease ran out (the desk died, slept or lost its cable), and
 *   its retry is due. At start-up it takes its own rows and lapsed ones, no more than it can start
 *   at once (its concurrency); the rest stay for other desks or for later. While it runs, its
 *   uploader takes other desks' lapsed rows in its regular pass (woken when the next lease of
 *   another desk runs out, and at least once a lease), never its own (those are in its hands).
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

/** One task of a desk's uploader: its row, and when it last showed progress (ms, monotonic). */
export interface LeaseWork {
  id: number;
  lastProgressAt: number;
}

/**
 * The rows whose lease is renewed now: those whose work showed progress (started, moved bytes,
 * changed state) within the last lease. A wedged task stops being renewed and its row runs out,
 * so another desk can take it over; see the module comment. Pure.
 */
export function progressingIds(work: readonly LeaseWork[], now: number, leaseMs: number): number[] {
  return work.filter((w) => now - w.lastProgressAt < leaseMs).map((w) => w.id);
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
