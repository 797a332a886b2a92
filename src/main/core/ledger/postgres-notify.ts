/**
 * Other desks' changes, heard through PostgreSQL's LISTEN/NOTIFY (issue 11): a verdict, a claim or
 * a review made at one desk reaches every other desk's queue, counts and details within about a
 * second, without polling.
 *
 * - Saying: triggers on the ledger's tables (postgres-migrations.ts, version 3) call `pg_notify`
 *   in the writing statement's own transaction, so a notice always means committed. The notice is
 *   small: the writing desk (the connection's `authenta_watch.desk` setting) and the row ids
 *   (`{"d": desk, "i": [ids]}`, at most NOTICE_IDS ids; a bigger write sends several). A lease
 *   renewal changes nothing people see and says nothing.
 * - Hearing: one dedicated connection (never one of the pool's, which come and go) LISTENs. Notices
 *   of this desk's own writes are dropped (the job store announced them already); the others'
 *   ids are gathered for a moment (DEBOUNCE_MS) and read back in one query, as the rows now stand.
 * - Losing: when that connection breaks (the server restarted, the network went away), it connects
 *   again (waiting 0.5 s, doubling up to 5 s), LISTENs again, then reads every row changed since a
 *   little before it was lost (RESYNC_MARGIN_MS, for clocks that differ between desks): nothing
 *   that changed meanwhile is missed.
 */
import pg from 'pg';
import type { Disposable } from '../ports';
import type { JobRecord, OtherDesksListener } from './ledger';

/** The channel every desk's writes are announced on. */
export const CHANGE_CHANNEL = 'authenta_watch_changes';

/** The channel changes of the account's blocks are announced on (postgres-migrations.ts, version 6). */
export const BLOCKS_CHANNEL = 'authenta_watch_blocks';

/** The per-connection setting naming the desk that writes (the triggers put it in each notice). */
export const DESK_SETTING = 'authenta_watch.desk';

/** Row ids in one notice at most (a notice holds under 8,000 bytes). */
export const NOTICE_IDS = 500;

/** How long notices are gathered before their rows are read in one query. */
const DEBOUNCE_MS = 25;

/** How far before the connection was lost the catch-up reads (desks' clocks differ a little). */
const RESYNC_MARGIN_MS = 120_000;

/** What a notice says: which desk wrote, and which rows. */
export interface ChangeNotice {
  desk: string | null;
  ids: number[];
}

/** A notice's payload, or null when it is not one of ours. Ids that are not positive integers are dropped. Pure. */
export function parseChangeNotice(payload: string): ChangeNotice | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { d, i } = value as { d?: unknown; i?: unknown };
  if (!Array.isArray(i)) return null;
  return {
    desk: typeof d === 'string' ? d : null,
    ids: i.filter((x): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0),
  };
}

/** The writing desk a notice names (`{"d": desk}`), or null. Pure. */
export function parseDesk(payload: string): string | null {
  try {
    const value: unknown = JSON.parse(payload);
    const d = typeof value === 'object' && value !== null ? (value as { d?: unknown }).d : null;
    return typeof d === 'string' ? d : null;
  } catch {
    return null;
  }
}

/** The PostgreSQL startup option that names the desk on a connection (spaces escaped as libpq splits options). Pure. */
export function deskOption(desk: string): string {
  return `-c ${DESK_SETTING}=${desk.replace(/\\/g, '\\\\').replace(/\s/g, (c) => `\\${c}`)}`;
}

/** The default wait before connecting again: 0.5 s, doubling up to 5 s. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.min(5_000, 500 * 2 ** Math.max(0, attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** What the listener needs. */
export interface ChangeListenerOptions {
  /** Connection settings of the dedicated connection (the pool's, with its own application name). */
  connection: pg.ClientConfig;
  /** This desk: its own notices are dropped. */
  desk: string;
  now: () => number;
  /** The rows with these ids, and (when `since` is set) every row changed since then. */
  read(ids: readonly number[], since: number | null): Promise<JobRecord[]>;
  /** Wait before connecting again after the `attempt`-th failure in a row (default: backoff). */
  retry?: (attempt: number) => Promise<void>;
  /** Told (without the password) why the connection broke or could not be made. */
  onProblem?: (message: string) => void;
  /**
   * A second channel heard on the same connection (the account's blocks, BLOCKS_CHANNEL): told of
   * each other desk's notice on it, and once a lost connection listens again (something may have
   * changed meanwhile).
   */
  also?: { channel: string; heard: () => void };
}

/** See the module comment. Call `start()` once, as soon as the ledger is open. */
export class OtherDeskChanges implements Disposable {
  private readonly listeners = new Set<OtherDesksListener>();
  private readonly pendingIds = new Set<number>();
  /** A catch-up to read (rows changed since then), or null. */
  private pendingSince: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;
  private client: pg.Client | null = null;
  private running: Promise<void> | null = null;
  private disposed = false;
  /** Resolves the current connection's "lost" wait. */
  private dropConnection: (() => void) | null = null;
  /** Settles once the first connection listens, or failed (it keeps trying behind). */
  private firstTry: (() => void) | null = null;
  /** Resolves at `dispose`: a wait before connecting again ends at once. */
  private stop!: () => void;
  private readonly stopped = new Promise<void>((resolve) => (this.stop = resolve));

  constructor(private readonly options: ChangeListenerOptions) {}

  /**
   * Connect and LISTEN; resolves once listening (every change committed from then on is heard) or
   * once the first try failed (it keeps trying; the catch-up covers the time without).
   */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    const first = new Promise<void>((resolve) => (this.firstTry = resolve));
    this.running = this.run();
    return first;
  }

  /** Hear other desks' changes from now on. */
  subscribe(listener: OtherDesksListener): Disposable {
    this.listeners.add(listener);
    return {
      dispose: () => {
        this.listeners.delete(listener);
      },
    };
  }

  /** Stop listening and close the connection; nothing is read afterwards. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.listeners.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stop();
    this.dropConnection?.();
    this.firstTry?.();
    await this.client?.end().catch(() => undefined);
    await this.running;
  }

  /** Connect, LISTEN, catch up when a connection was lost before, wait until this one is lost; again. */
  private async run(): Promise<void> {
    let failures = 0;
    let lostAt: number | null = null;
    while (!this.disposed) {
      const client = new pg.Client(this.options.connection);
      let lost!: () => void;
      const gone = new Promise<void>((resolve) => (lost = resolve));
      this.dropConnection = lost;
      client.on('error', (e) => {
        if (!this.disposed) this.options.onProblem?.(e.message);
        lost();
      });
      client.on('end', () => lost());
      const also = this.options.also;
      client.on('notification', (n) => {
        if (n.channel === CHANGE_CHANNEL && n.payload) this.heard(n.payload);
        else if (also && n.channel === also.channel && !this.disposed) {
          const desk = parseDesk(n.payload ?? '');
          if (desk !== this.options.desk) also.heard();
        }
      });
      this.client = client;
      try {
        // pg's connect() never settles when end() (dispose) comes before the server's first answer
        // and the server then closes without a word: dispose would wait for this loop for good
        // (a desk closing while its listener connected again after a restart). Dispose ends it.
        // pg 8.23 lib/client.js `_connect`: its 'end' handler skips the callback once end() was
        // called; no upstream issue found (kin: brianc/node-postgres#2777, #2716).
        await Promise.race([client.connect(), this.stopped]);
        if (this.disposed) return;
        await client.query(`LISTEN ${CHANGE_CHANNEL}`);
        if (also) await client.query(`LISTEN ${also.channel}`);
        failures = 0;
        this.firstTry?.();
        this.firstTry = null;
        if (lostAt !== null) {
          this.catchUp(lostAt - RESYNC_MARGIN_MS);
          also?.heard();
        }
        lostAt = null;
        if (!this.disposed) await gone;
      } catch (e) {
        if (!this.disposed) this.options.onProblem?.(e instanceof Error ? e.message : String(e));
        failures++;
        this.firstTry?.();
        this.firstTry = null;
      }
      this.client = null;
      await client.end().catch(() => undefined);
      if (this.disposed) break;
      lostAt ??= this.options.now();
      if (failures === 0) failures = 1;
      await Promise.race([(this.options.retry ?? backoff)(failures), this.stopped]);
    }
  }

  /** A notice arrived: other desks' ids wait a moment for the ones that follow. */
  private heard(payload: string): void {
    const notice = parseChangeNotice(payload);
    if (!notice || notice.desk === this.options.desk || this.disposed) return;
    for (const id of notice.ids) this.pendingIds.add(id);
    this.schedule(DEBOUNCE_MS);
  }

  /** Read every row changed since `since` (after a lost connection). */
  private catchUp(since: number): void {
    this.pendingSince = this.pendingSince === null ? since : Math.min(this.pendingSince, since);
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer || this.flushing || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
    this.timer.unref();
  }

  /** Hand what is pending to the listeners, one read at a time (so an older read never lands last). */
  private async flush(): Promise<void> {
    this.flushing = true;
    let failed = false;
    try {
      while (!this.disposed && (this.pendingIds.size || this.pendingSince !== null)) {
        const ids = [...this.pendingIds];
        const since = this.pendingSince;
        this.pendingIds.clear();
        this.pendingSince = null;
        const read = () => this.options.read(ids, since);
        try {
          for (const listener of [...this.listeners]) await listener(read);
        } catch (e) {
          // Not read (the server went away meanwhile): offered again in a moment.
          this.options.onProblem?.(e instanceof Error ? e.message : String(e));
          for (const id of ids) this.pendingIds.add(id);
          if (since !== null)
            this.pendingSince = this.pendingSince === null ? since : Math.min(this.pendingSince, since);
          failed = true;
          break;
        }
      }
    } finally {
      this.flushing = false;
    }
    if (failed) this.schedule(1_000);
    else if (this.pendingIds.size || this.pendingSince !== null) this.schedule(0);
  }
}
