/**
 * The event hub: what the engine tells its hosts, throttled so a burst of work does not flood a
 * window or a WebSocket. Job changes are batched (one row once per batch, as it last stood),
 * upload and checking progress is sampled with a smoothed rate, and the status is sent again at
 * most every 250 ms. Every changed row comes in through `jobChanged`: the job store's stream of
 * committed changes feeds it, so the hosts and the UI hear of each row from one place.
 */
import {
  EVENT_NAMES,
  type EventApi,
  type EventName,
  type EventPayloads,
  type JobId,
  type Unsubscribe,
} from '../../../shared/contract';
import { eventMethod } from '../../../shared/contract-bridge';
import type { EngineStatus, Job, JobChange, UploadProgress } from '../../../shared/domain';
import type { TeamLedgerState } from '../../../shared/team-ledger';
import type { JobRecord } from '../ledger/ledger';
import type { Clock, Disposable, Logger } from '../ports';
import { toJob } from './to-job';

/** How often the status goes out again at most. */
const STATUS_INTERVAL_MS = 250;
/** The upload rate is measured over at least this much time. */
const RATE_WINDOW_MS = 200;

/** What the hub needs. */
export interface EventHubOptions {
  clock: Clock;
  logger: Logger;
  /** Gathers the status to send (the engine's `getStatus`). */
  status(): Promise<EngineStatus>;
  /** A batch of job changes went out (the idle watch looks again). */
  onFlushed?(): void;
  /** Batching of jobsChanged (default 100 ms) and progress events (default 250 ms). */
  eventIntervalMs?: number;
  progressIntervalMs?: number;
}

/** One job's upload (or checking) figures between two progress events. */
interface ProgressEntry {
  phase: 'checking' | 'uploading';
  bytesSent: number;
  size: number;
  bytesPerSecond: number;
  lastAt: number;
  lastBytes: number;
  dirty: boolean;
  /** The job left `uploading`: emit once more, then forget. */
  ended: boolean;
}

type Listener<T> = (value: T) => void;

/** The engine's events; see the module comment. Call `start()` once the status can be gathered. */
export class EventHub implements Disposable {
  /** One set per entry of the contract's EVENTS table (a new event fails to compile until added). */
  private readonly listeners: { [E in EventName]: Set<Listener<EventPayloads[E]>> } = {
    jobsChanged: new Set<Listener<JobChange[]>>(),
    status: new Set<Listener<EngineStatus>>(),
    progress: new Set<Listener<UploadProgress[]>>(),
    openJob: new Set<Listener<JobId>>(),
    teamLedger: new Set<Listener<TeamLedgerState>>(),
  };
  private readonly pendingChanges = new Map<number, Job>();
  private readonly progressEntries = new Map<number, ProgressEntry>();
  private flushTimer: Disposable | null = null;
  private progressTimer: Disposable | null = null;
  private statusTimer: Disposable | null = null;
  private started = false;
  private closed = false;

  constructor(private readonly options: EventHubOptions) {}

  /** The status can be gathered from now on (the ledger is open). */
  start(): void {
    this.started = true;
  }

  /** No event is taken from now on (the engine is shutting down); listeners stay until `dispose`. */
  close(): void {
    this.closed = true;
  }

  /** Stops the timers and forgets every listener. */
  dispose(): void {
    this.closed = true;
    for (const t of [this.flushTimer, this.progressTimer, this.statusTimer]) t?.dispose();
    this.flushTimer = this.progressTimer = this.statusTimer = null;
    for (const l of Object.values(this.listeners)) l.clear();
  }

  onJobsChanged(listener: Listener<JobChange[]>): Unsubscribe {
    return this.subscribe(this.listeners.jobsChanged, listener);
  }
  onStatus(listener: Listener<EngineStatus>): Unsubscribe {
    return this.subscribe(this.listeners.status, listener);
  }
  onProgress(listener: Listener<UploadProgress[]>): Unsubscribe {
    return this.subscribe(this.listeners.progress, listener);
  }
  onOpenJob(listener: Listener<JobId>): Unsubscribe {
    return this.subscribe(this.listeners.openJob, listener);
  }

  /**
   * The subscription half of the contract, derived from its EVENTS table: one `on...` method per
   * event (`onJobsChanged`, `onStatus`...). The engine exposes these as its own.
   */
  eventApi(): EventApi {
    const subscribe = (name: EventName) => (listener: Listener<never>) =>
      this.subscribe(this.listeners[name] as Set<Listener<never>>, listener);
    return Object.fromEntries(
      EVENT_NAMES.map((name) => [eventMethod(name), subscribe(name)]),
    ) as unknown as EventApi;
  }

  /** A host asks the UI to show a job. */
  openJob(id: JobId): void {
    for (const l of [...this.listeners.openJob]) l(id);
  }

  /** The team ledger's setting or connection changed (sent at once, also before start: a waiting desk says so). */
  teamLedger(state: TeamLedgerState): void {
    if (this.closed) return;
    for (const l of [...this.listeners.teamLedger]) l(state);
  }

  /** Job changes wait to go out (the engine is not idle while they do). */
  get hasPendingChanges(): boolean {
    return this.pendingChanges.size > 0;
  }

  /** The bytes per second of every upload under way, together. */
  get uploadBytesPerSecond(): number {
    let sum = 0;
    for (const p of this.progressEntries.values())
      if (!p.ended && p.phase === 'uploading') sum += p.bytesPerSecond;
    return Math.round(sum);
  }

  /**
   * A row changed (a committed change): it goes out with the next batch, as it then stands. A
   * job that left checking or uploading sends its last figures once more, then its progress ends.
   */
  jobChanged(job: JobRecord): void {
    if (this.closed) return;
    this.pendingChanges.set(job.id, toJob(job));
    const p = this.progressEntries.get(job.id);
    const stillGoing =
      p?.phase === 'checking' ? job.state === 'waiting' : ['creating', 'uploading'].includes(job.state);
    if (p && !stillGoing) {
      // The check or the upload is over: its last figures still go out once, then the entry goes.
      if (!p.dirty) this.progressEntries.delete(job.id);
      else p.ended = true;
    }
    if (!this.flushTimer) {
      this.flushTimer = this.options.clock.setTimeout(() => {
        this.flushTimer = null;
        const changes: JobChange[] = [...this.pendingChanges.values()].map((j) => ({
          type: 'upsert',
          job: j,
        }));
        this.pendingChanges.clear();
        if (changes.length) this.emit(this.listeners.jobsChanged, changes);
        this.options.onFlushed?.();
      }, this.options.eventIntervalMs ?? 100);
    }
    this.statusChanged();
  }

  /** Progress of one job: bytes uploaded, or while `checking`, bytes read to sniff and hash it. */
  progress(id: number, bytesSent: number, size: number, phase: 'checking' | 'uploading' = 'uploading'): void {
    if (this.closed) return;
    const now = this.options.clock.now();
    const known = this.progressEntries.get(id);
    // From checking to uploading the figures start again (another kind of work, another rate).
    const entry: ProgressEntry = (known?.phase === phase ? known : undefined) ?? {
      phase,
      bytesSent: 0,
      size,
      bytesPerSecond: 0,
      lastAt: now,
      lastBytes: 0,
      dirty: true,
      ended: false,
    };
    const dt = now - entry.lastAt;
    if (dt >= RATE_WINDOW_MS) {
      const rate = ((bytesSent - entry.lastBytes) * 1000) / dt;
      entry.bytesPerSecond = entry.bytesPerSecond === 0 ? rate : entry.bytesPerSecond * 0.5 + rate * 0.5;
      entry.lastAt = now;
      entry.lastBytes = bytesSent;
    }
    entry.bytesSent = bytesSent;
    entry.size = size;
    entry.dirty = true;
    this.progressEntries.set(id, entry);
    if (!this.progressTimer) {
      this.progressTimer = this.options.clock.setTimeout(() => {
        this.progressTimer = null;
        const out: UploadProgress[] = [];
        for (const [jobId, p] of this.progressEntries) {
          if (!p.dirty) continue;
          p.dirty = false;
          out.push({
            id: jobId,
            bytesSent: p.bytesSent,
            size: p.size,
            bytesPerSecond: Math.round(p.bytesPerSecond),
            phase: p.phase,
          });
          if (p.ended || p.bytesSent >= p.size) this.progressEntries.delete(jobId);
        }
        if (out.length) this.emit(this.listeners.progress, out);
        this.statusChanged();
      }, this.options.progressIntervalMs ?? 250);
    }
  }

  /** Something the status shows changed: it goes out again within 250 ms. */
  statusChanged(): void {
    if (this.closed || this.statusTimer || !this.started) return;
    this.statusTimer = this.options.clock.setTimeout(() => {
      this.statusTimer = null;
      if (this.closed) return;
      this.options
        .status()
        .then((s) => this.emit(this.listeners.status, s))
        .catch((e: unknown) => this.options.logger.warn('status failed', { message: String(e) }));
    }, STATUS_INTERVAL_MS);
  }

  private subscribe<T>(set: Set<Listener<T>>, listener: Listener<T>): Unsubscribe {
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  private emit<T>(set: Set<Listener<T>>, value: T): void {
    for (const l of [...set]) {
      try {
        l(value);
      } catch (e) {
        this.options.logger.warn('an event listener failed', { message: String(e) });
      }
    }
  }
}
