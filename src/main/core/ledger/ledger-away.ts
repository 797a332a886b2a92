/**
 * A team ledger whose server goes away: the desk waits for it instead of failing. While the
 * PostgreSQL server cannot be reached (stopped, restarting, network gone), every ledger call waits
 * and tries again every few seconds, so nothing is claimed, nothing is lost and nothing crashes;
 * the stages simply pause where they stand and go on when the server answers again. The host is
 * told once when the server goes away (with a message saying what to do, without the password)
 * and once when it is back.
 *
 * A retried write must not count twice. Most are safe to send again (an update writes the same
 * fields, a read reads again); two are checked first:
 * - `transition`: a compare-and-set whose answer was lost may have committed; when the retry finds
 *   the job already in the target state since the first try, that is its result.
 * - `insert`: an insert whose answer was lost may have committed; the retry first looks for the
 *   row it would have written (same path, size and mtime, created since the first try).
 * A claim whose answer was lost is not guessed at (another upload slot of this desk may have
 * claimed in the same millisecond): its row stays in `creating` until start-up recovery, or
 * another desk's takeover of an expired lease, picks it up; never sent twice.
 *
 * Errors other than "cannot reach the server" (a refused password, a newer schema, a bug) are not
 * waited out: they fail the call as before.
 */
import type { Clock, Disposable, OpenLedger } from '../ports';
import type { JobPatch, JobRecord, Ledger, NewJob } from './ledger';
import { isUnreachable, LedgerProblem } from './postgres-errors';
import type { JobState } from '../../../shared/domain';

/** How a desk waits for its team ledger. */
export interface WaitForTeamLedgerOptions {
  /** Time between two tries while the server cannot be reached (default 3 s). */
  retryMs?: number;
  /** Timers (default: the system's, keeping the process alive: a waiting desk has work to do). */
  clock?: Pick<Clock, 'setTimeout'>;
  /**
   * Also wait when the server cannot be reached at start (a desk that watches), instead of
   * failing at once (a `--once` run that ends with a message). Default true.
   */
  waitAtStart?: boolean;
  /** The server cannot be reached: said once per absence, with what to do (no password in it). */
  onAway?: (problem: LedgerProblem) => void;
  /** It answers again after `awayMs`. */
  onBack?: (awayMs: number) => void;
}

const DEFAULT_RETRY_MS = 3_000;

/** Real timers that keep the process running (the system clock's are unref'd). */
const keepAlive: Pick<Clock, 'setTimeout'> = {
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

/** The problem an unreachable error stands for, as a LedgerProblem (never the raw driver text). */
function asProblem(error: unknown): LedgerProblem {
  if (error instanceof LedgerProblem) return error;
  return new LedgerProblem(
    'unreachable',
    `Cannot reach the team ledger's PostgreSQL: start the server, or check the host and port in the ledger URL and the network.`,
  );
}

/**
 * Open a team ledger through `open` so that its calls wait out an unreachable server (see the
 * module comment). With `waitAtStart`, an unreachable server at start is waited for too: the
 * returned promise settles once the ledger is open (or fails for any other reason).
 */
export function waitForTeamLedger(
  open: OpenLedger,
  options: WaitForTeamLedgerOptions = {},
): OpenLedger & { stopWaiting(): void; isAway(): boolean } {
  const absences = new Set<Absence>();
  let stopped = false;
  const opener = async (place: Parameters<OpenLedger>[0]): Promise<Ledger> => {
    const absence = new Absence(options, place.now);
    absences.add(absence);
    if (stopped) absence.close();
    for (;;) {
      try {
        const ledger = await open(place);
        absence.answered();
        return waitingLedger(ledger, absence, place.now);
      } catch (e) {
        if (options.waitAtStart === false || absence.closed || !isUnreachable(e)) throw e;
        absence.unreachable(e);
        await absence.pause();
        if (absence.closed) throw asProblem(e);
      }
    }
  };
  /**
   * Give up: every call waiting for the server fails with its problem, and later ones fail at
   * once instead of waiting (a `--once` run past its `--timeout`, so it can end).
   */
  const stopWaiting = (): void => {
    stopped = true;
    for (const a of absences) a.close();
  };
  /** Whether the server cannot be reached now (a call or the opening is waiting for it). */
  const isAway = (): boolean => [...absences].some((a) => a.away);
  return Object.assign(opener, { stopWaiting, isAway });
}

/** Whether the server is away now, telling the host once per absence; the pause between tries. */
class Absence {
  private since: number | null = null;
  private readonly waits = new Set<{ timer: Disposable; wake: () => void }>();
  closed = false;

  constructor(
    private readonly options: WaitForTeamLedgerOptions,
    private readonly now: () => number,
  ) {}

  get away(): boolean {
    return this.since !== null;
  }

  unreachable(error: unknown): void {
    if (this.since !== null) return;
    this.since = this.now();
    this.options.onAway?.(asProblem(error));
  }

  answered(): void {
    if (this.since === null) return;
    const awayMs = this.now() - this.since;
    this.since = null;
    this.options.onBack?.(awayMs);
  }

  /** Wait `retryMs` (cut short by `close`). */
  pause(): Promise<void> {
    return new Promise((resolve) => {
      const clock = this.options.clock ?? keepAlive;
      const wait = {
        timer: clock.setTimeout(() => {
          this.waits.delete(wait);
          resolve();
        }, this.options.retryMs ?? DEFAULT_RETRY_MS),
        wake: resolve,
      };
      this.waits.add(wait);
    });
  }

  /** Stop waiting: every waiting call fails with its last problem. */
  close(): void {
    this.closed = true;
    for (const w of this.waits) {
      w.timer.dispose();
      w.wake();
    }
    this.waits.clear();
  }
}

/** `ledger` with every call waiting out an unreachable server (the port's methods and any others). */
function waitingLedger(ledger: Ledger, absence: Absence, now: () => number): Ledger {
  /** Run `first`, then `again` on every retry, until one answers or fails for another reason. */
  const persist = async <T>(first: () => Promise<T>, again: () => Promise<T> = first): Promise<T> => {
    let attempt = first;
    for (;;) {
      try {
        const out = await attempt();
        absence.answered();
        return out;
      } catch (e) {
        if (absence.closed || !isUnreachable(e)) throw e;
        absence.unreachable(e);
        await absence.pause();
        if (absence.closed) throw asProblem(e);
        attempt = again;
      }
    }
  };

  const special: Partial<Ledger> = {
    insert(job: NewJob): Promise<JobRecord> {
      const since = now();
      return persist(
        () => ledger.insert(job),
        async () => {
          const row = await ledger.findLatestByPath(job.path);
          const same =
            row &&
            row.size === Math.floor(job.size) &&
            row.mtimeMs === Math.floor(job.mtimeMs) &&
            row.createdAt >= since;
          return same ? row : ledger.insert(job);
        },
      );
    },
    transition(
      id: number,
      from: JobState | readonly JobState[],
      to: JobState,
      patch?: JobPatch,
      note?: string | null,
    ): Promise<JobRecord | null> {
      const since = now();
      return persist(
        () => ledger.transition(id, from, to, patch, note),
        async () => {
          const moved = await ledger.transition(id, from, to, patch, note);
          if (moved) return moved;
          // The first try may have committed before its answer was lost.
          const row = await ledger.get(id);
          return row && row.state === to && row.updatedAt >= since ? row : null;
        },
      );
    },
    async close(): Promise<void> {
      absence.close();
      await ledger.close();
    },
  };
  // Other desks' changes are heard as they come (postgres-notify.ts waits out the server itself):
  // subscribing is not a call to wait for.
  if (ledger.onOtherDesks) special.onOtherDesks = (listener) => ledger.onOtherDesks!(listener);

  return new Proxy(ledger, {
    get(target, key) {
      if (typeof key === 'string' && key in special) return special[key as keyof Ledger];
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown =>
        persist(() => Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)));
    },
  });
}
