/**
 * The job store: any `Ledger` (SQLite today, PostgreSQL soon) that announces every change it
 * commits, on one stream. The pipeline's stages only write; the engine's event batching, and
 * through it the hosts and the UI, hear of each row from here, so no write can forget to tell
 * the UI (DESIGN.md, "The data flow"). A compare-and-set that loses (a race lost to a cancel)
 * committed nothing and announces nothing.
 *
 * On a ledger several desks share, the other desks' committed changes come out of the same stream
 * (cause `remote`, the row as it now stands), so this desk's queue, counts, details and known
 * files follow theirs. What a desk does after its own write (the verdict's after-action, sharing
 * it with twins) listens for its own causes only: a remote row is shown, never acted on twice.
 */
import type { NormalisedJobQuery } from '../../../shared/contract';
import type { JobReview, JobState } from '../../../shared/domain';
import type { Disposable } from '../ports';
import type {
  ClaimProfile,
  JobPatch,
  JobRecord,
  Ledger,
  NewJob,
  QuotaKind,
  ReadChanged,
  SharedBlocks,
  TakeOverOptions,
} from './ledger';
import { foundExisting } from './ledger';
import type { TeamMount } from './team-folders';

/**
 * What committed a change: a new row, a state change, a claim, fields, a review, a timeline note;
 * or `remote`: another desk's write to a shared ledger.
 */
export type ChangeCause = 'insert' | 'transition' | 'claim' | 'update' | 'review' | 'note' | 'remote';

/** One committed change: the row as it now stands. */
export interface CommittedChange {
  readonly cause: ChangeCause;
  readonly row: JobRecord;
}

/** Hears committed changes, in commit order; a bulk write comes as one call with every row. */
export type ChangeListener = (changes: readonly CommittedChange[]) => void;

/** How the store reports a listener that threw (the write itself has committed and stands). */
export interface JobStoreOptions {
  onListenerError?: (error: unknown) => void;
}

/** A `Ledger` that announces each committed change; see the module comment. */
export class JobStore implements Ledger {
  private readonly listeners = new Set<ChangeListener>();
  /** Ids announced here while other desks' rows are being read (one set per read under way). */
  private readonly reading = new Set<Set<number>>();
  private readonly others: Disposable | null;

  constructor(
    private readonly ledger: Ledger,
    private readonly options: JobStoreOptions = {},
  ) {
    this.others = ledger.onOtherDesks?.((read) => this.hearOtherDesks(read)) ?? null;
    if (ledger.pollTurn) this.pollTurn = (scope) => ledger.pollTurn!(scope);
  }

  /** Hear every committed change from now on. */
  onChange(listener: ChangeListener): Disposable {
    this.listeners.add(listener);
    return {
      dispose: () => {
        this.listeners.delete(listener);
      },
    };
  }

  // --- writes: each announces what it committed -------------------------------------------

  /** A row found instead of made (another desk saw the file first) is announced as an update: no second row in any view. */
  async insert(job: NewJob): Promise<JobRecord> {
    const row = await this.ledger.insert(job);
    return this.announce(foundExisting(row) ? 'update' : 'insert', row);
  }

  async transition(
    id: number,
    from: JobState | readonly JobState[],
    to: JobState,
    patch?: JobPatch,
    note?: string | null,
  ): Promise<JobRecord | null> {
    return this.announce('transition', await this.ledger.transition(id, from, to, patch, note));
  }

  async update(id: number, patch: JobPatch, inState?: readonly JobState[]): Promise<JobRecord | null> {
    return this.announce('update', await this.ledger.update(id, patch, inState));
  }

  /** A note changes the job's timeline (the details panel shows it): announced with the row. */
  async addNote(id: number, note: string): Promise<void> {
    await this.ledger.addNote(id, note);
    if (this.listeners.size) this.announce('note', await this.ledger.get(id));
  }

  async claimNextQueued(
    now: number,
    pausedFolderIds: readonly string[],
    profile: ClaimProfile,
  ): Promise<JobRecord | null> {
    return this.announce('claim', await this.ledger.claimNextQueued(now, pausedFolderIds, profile));
  }

  /** Rows taken over (their desk changed): announced together, as one bulk write. */
  async takeOver(states: readonly JobState[], now: number, options?: TakeOverOptions): Promise<JobRecord[]> {
    const rows = await this.ledger.takeOver(states, now, options);
    this.announceAll(rows.map((row) => ({ cause: 'claim' as const, row })));
    return rows;
  }

  async setReview(id: number, review: JobReview): Promise<JobRecord | null> {
    return this.announce('review', await this.ledger.setReview(id, review));
  }

  // --- reads and the rest: passed through ------------------------------------------------

  get desk(): string {
    return this.ledger.desk;
  }
  /** Whether other desks write to this ledger too (it tells of their changes). */
  get shared(): boolean {
    return this.others !== null;
  }
  get teamLedger(): boolean {
    return this.ledger.teamLedger;
  }
  /** The account's blocks the desks share (absent on one desk's ledger). */
  get sharedBlocks(): SharedBlocks | undefined {
    return this.ledger.sharedBlocks;
  }
  mountTeamFolders(mounts: readonly TeamMount[]): Promise<void> {
    return this.ledger.mountTeamFolders(mounts);
  }
  /** Lease renewals change nothing people see: not announced. */
  renewLeases(now: number, ids?: readonly number[]): Promise<number> {
    return this.ledger.renewLeases(now, ids);
  }
  /** Poll holds change nothing people see: not announced. */
  claimPolls(
    ids: readonly number[],
    now: number,
    holdMs: number,
  ): Promise<{ mine: number[]; finished: number[] }> {
    return this.ledger.claimPolls(ids, now, holdMs);
  }
  /** The turn to poll writes nothing: not announced (absent where the ledger has none). */
  readonly pollTurn?: (scope: string) => Promise<boolean>;
  get leasing(): { leaseMs: number; renewEveryMs: number } {
    return this.ledger.leasing;
  }
  nextLeaseExpiry(now: number): Promise<number | null> {
    return this.ledger.nextLeaseExpiry(now);
  }

  get(id: number): Promise<JobRecord | null> {
    return this.ledger.get(id);
  }
  list(query: NormalisedJobQuery): Promise<{ total: number; jobs: JobRecord[] }> {
    return this.ledger.list(query);
  }
  listByStates(states: readonly JobState[]): Promise<JobRecord[]> {
    return this.ledger.listByStates(states);
  }
  counts(): ReturnType<Ledger['counts']> {
    return this.ledger.counts();
  }
  verdictCounts(): ReturnType<Ledger['verdictCounts']> {
    return this.ledger.verdictCounts();
  }
  findDoneByHash(sha256: string, model: string, simulated: boolean): Promise<JobRecord | null> {
    return this.ledger.findDoneByHash(sha256, model, simulated);
  }
  listQueuedTwins(sha256: string, model: string, simulated: boolean): Promise<JobRecord[]> {
    return this.ledger.listQueuedTwins(sha256, model, simulated);
  }
  findLatestByPath(path: string): Promise<JobRecord | null> {
    return this.ledger.findLatestByPath(path);
  }
  knownFileKeys(): Promise<string[]> {
    return this.ledger.knownFileKeys();
  }
  nextAttemptAfter(states: readonly JobState[], now: number): Promise<number | null> {
    return this.ledger.nextAttemptAfter(states, now);
  }
  timeline(id: number): ReturnType<Ledger['timeline']> {
    return this.ledger.timeline(id);
  }
  processingSamples(limit: number): ReturnType<Ledger['processingSamples']> {
    return this.ledger.processingSamples(limit);
  }
  addCalls(day: string, quota: QuotaKind, n: number): Promise<void> {
    return this.ledger.addCalls(day, quota, n);
  }
  callsOn(day: string): ReturnType<Ledger['callsOn']> {
    return this.ledger.callsOn(day);
  }

  /** Closes the ledger; nothing is announced afterwards. */
  async close(): Promise<void> {
    this.listeners.clear();
    this.others?.dispose();
    await this.ledger.close();
  }

  /**
   * Other desks changed rows: read them and announce them. A row this desk wrote while the read was
   * under way may have been read before that write: it is read again (twice at most), so the
   * stream never ends on an older version of a row than this desk announced.
   */
  private async hearOtherDesks(read: ReadChanged): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const touched = new Set<number>();
      this.reading.add(touched);
      let rows: JobRecord[];
      try {
        rows = await read();
      } finally {
        this.reading.delete(touched);
      }
      const fresh = rows.filter((row) => !touched.has(row.id));
      this.announceAll(fresh.map((row) => ({ cause: 'remote' as const, row })));
      if (fresh.length === rows.length || attempt >= 2) return;
    }
  }

  // ---------------------------------------------------------------------------------------

  private announce<T extends JobRecord | null>(cause: ChangeCause, row: T): T {
    if (row) this.announceAll([{ cause, row }]);
    return row;
  }

  /** Tell every listener; one that throws neither undoes the write nor silences the others. */
  private announceAll(changes: readonly CommittedChange[]): void {
    if (!changes.length) return;
    for (const touched of this.reading) for (const c of changes) touched.add(c.row.id);
    for (const listener of [...this.listeners]) {
      try {
        listener(changes);
      } catch (e) {
        this.options.onListenerError?.(e);
      }
    }
  }
}
