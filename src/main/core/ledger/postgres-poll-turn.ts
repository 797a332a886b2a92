/**
 * Whose turn it is to poll for the team (shared polling, issue 11): one desk at a time asks
 * Authenta about the team's pending records, so the team makes one desk's list rounds, not one
 * per desk (a list page answers for every pending record it holds, whoever sent it).
 *
 * The turn is a PostgreSQL session-level advisory lock (`pg_try_advisory_lock`) held on a
 * connection of its own, never one of the pool's (which come and go). The server releases it when
 * that session ends: the desk stopped, crashed (SIGKILL closes its socket at once) or its
 * connection broke (a pulled cable: TCP keepalives, set short on both ends here, end the session
 * within about half a minute). The other desks ask again every few seconds while records wait, so
 * one of them takes over without a restart. Nothing is written: no migration, no row to clean up.
 *
 * A desk that holds the turn proves it before each round with one round trip on that connection
 * (its session, and so its lock, still lives); a desk that lost its connection says it does not
 * hold the turn and connects again at its next ask.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Disposable } from '../ports';

/** The lock's key for one scope (64 bits of a sha256): desks that poll the same records share it. Pure. */
export function pollTurnKey(scope: string): string {
  return createHash('sha256')
    .update(`authenta-watch poll turn\u0000${scope}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/**
 * The server ends the session of a desk it has not heard from for about 25 s (10 s idle, then
 * three probes 5 s apart), so a vanished desk's turn passes on. The desk's own side finds a
 * vanished server at its next proof (QUERY_TIMEOUT_MS), and stops polling then.
 */
const SERVER_KEEPALIVES = '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3';
const KEEPALIVE_IDLE_MS = 10_000;

/** How long the proof or the ask may take before the connection is given up as broken. */
const QUERY_TIMEOUT_MS = 15_000;

/** What the turn needs. */
export interface PollTurnOptions {
  /** Connection settings (the pool's, with its own application name). */
  connection: pg.ClientConfig;
  /** Told (without the password) why the connection broke or could not be made. */
  onProblem?: (message: string) => void;
}

/** See the module comment. */
export class PostgresPollTurn implements Disposable {
  private client: pg.Client | null = null;
  /** The scope whose lock this desk's session holds, or null. */
  private held: string | null = null;
  private work: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(private readonly options: PollTurnOptions) {}

  /** Whether this desk polls `scope`'s records now: it holds the turn, or has just taken it. */
  ask(scope: string): Promise<boolean> {
    const next = this.work.then(() => this.askNow(scope));
    this.work = next.catch(() => undefined);
    return next;
  }

  /** Give the turn back (the session ends) and stop. */
  async dispose(): Promise<void> {
    this.disposed = true;
    await this.work;
    await this.drop();
  }

  private async askNow(scope: string): Promise<boolean> {
    if (this.disposed) return false;
    try {
      const client = await this.connect();
      if (this.held !== null && this.held !== scope) {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [pollTurnKey(this.held)]);
        this.held = null;
      }
      if (this.held === scope) {
        await client.query('SELECT 1');
        return true;
      }
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [
        pollTurnKey(scope),
      ]);
      if (rows[0]?.ok === true) this.held = scope;
      return this.held === scope;
    } catch (e) {
      if (!this.disposed) this.options.onProblem?.(e instanceof Error ? e.message : String(e));
      await this.drop();
      return false;
    }
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const { connection } = this.options;
    const client = new pg.Client({
      ...connection,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      options: `${connection.options ?? ''} ${SERVER_KEEPALIVES}`.trim(),
    });
    // A broken connection must not end the process; its lock is gone with its session.
    const lost = (): void => {
      if (this.client !== client) return;
      this.client = null;
      this.held = null;
    };
    client.on('error', (e) => {
      if (!this.disposed && this.client === client) this.options.onProblem?.(e.message);
      lost();
    });
    client.on('end', lost);
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    this.client = client;
    return client;
  }

  private async drop(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.held = null;
    await client?.end().catch(() => undefined);
  }
}
