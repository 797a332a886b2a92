/**
 * Whether the team ledger this run uses answers (issue 11), for the UI: `connecting` while it is
 * opened, `away` while its server cannot be reached (the desk waits, see ledger-away.ts),
 * `connected` once it answers, `failed` when it refused the desk for good (a password, a newer
 * schema): the hosts feed it from `waitForTeamLedger`'s callbacks and the engine forwards every
 * change to the UI (the `teamLedger` event), so a banner can say the server is away and go when it
 * is back. Holds no password: `inUse` is the URL Settings keep.
 */
import type { TeamLedgerConnection } from '../../../shared/team-ledger';
import type { Disposable, OpenLedger } from '../ports';
import { isUnreachable, LedgerProblem } from './postgres-errors';

/** The team ledger a run opened: its URL without password and the desk's name. */
export interface LedgerInUse {
  url: string;
  desk: string;
}

/** See the module comment. */
export class LedgerConnectionWatch {
  private current: { connection: TeamLedgerConnection; message: string | null } = {
    connection: 'connecting',
    message: null,
  };
  private readonly listeners = new Set<() => void>();
  private readonly disposers: (() => void)[] = [];
  private disposed = false;

  constructor(readonly inUse: LedgerInUse) {}

  /** Where the connection stands, and for `away`/`failed` what happened (no password). */
  get state(): { connection: TeamLedgerConnection; message: string | null } {
    return { ...this.current };
  }

  /** Called on every change of `state`. */
  onDidChange(listener: () => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Run `fn` when the run ends (stop waiting for the server). */
  onDispose(fn: () => void): void {
    if (this.disposed) fn();
    else this.disposers.push(fn);
  }

  /** The run ends: whoever waits for the server stops; no more changes are told. */
  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
    for (const fn of this.disposers.splice(0)) fn();
  }

  /** Its server cannot be reached: `message` says so and what to do. */
  away(message: string): void {
    this.set('away', message);
  }

  /** It answers again (or for the first time). */
  connected(): void {
    this.set('connected', null);
  }

  /** It refused this desk for a reason waiting does not cure. */
  failed(message: string): void {
    this.set('failed', message);
  }

  /** `open` with its outcome recorded: connected when it opens, failed when it refuses for good. */
  track(open: OpenLedger): OpenLedger {
    return async (place) => {
      try {
        const ledger = await open(place);
        this.connected();
        return ledger;
      } catch (e) {
        // A LedgerProblem's message holds no password; any other error's text is not shown.
        if (!isUnreachable(e))
          this.failed(
            e instanceof LedgerProblem
              ? e.message
              : 'The team ledger could not be opened (details are in the log): check it under Settings, Team ledger.',
          );
        throw e;
      }
    };
  }

  private set(connection: TeamLedgerConnection, message: string | null): void {
    if (this.current.connection === connection && this.current.message === message) return;
    this.current = { connection, message };
    for (const l of [...this.listeners]) l();
  }
}
