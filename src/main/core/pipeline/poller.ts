/**
 * Waits for verdicts: follows the pure schedule (poll-schedule.ts), makes one call at a time,
 * and turns what Authenta answers into `done` or `failed` rows. One list page answers for every
 * pending record it contains; the full record is fetched only where the list lacks the verdict
 * (the media API's videos). Where the API filters its list by status (the Jobs API), the pages
 * read are those of the finished jobs only (`status=completed`, then `status=failed`), so a job
 * missing from them is known to be unfinished without a call of its own.
 *
 * On a ledger desks share, one desk polls for the team (DESIGN.md, "Shared polling"): every desk
 * follows every pending record of the team (its own, and the other desks' as the notifications
 * bring them), but only the desk whose turn it is (Ledger.pollTurn) asks Authenta about them; the
 * others ask for the turn every few seconds while records wait, and take it when its holder stops.
 */
import type { ApiGeneration, MediaKind } from '../../../shared/domain';
import { count } from '../../../shared/display-text';
import { isAuthentaError } from '../api/errors';
import type { JobRecord, Ledger } from '../ledger/ledger';
import { remoteGoneMessage } from '../messages';
import type { Clock, Disposable, Logger, RemoteRecord } from '../ports';
import type { BlockBoard } from './blocks';
import { blockOrder, decideOnError, JOB_RETRY_POLICY } from './error-policy';
import { LOCAL_CODES } from './hints';
import { readFinishedPages, readRecentPages, type ListingRead } from './poll-listing';
import {
  afterUnfinishedCheck,
  expectedProcessingMs,
  learnExpectations,
  listPageBudget,
  planPoll,
  pollHoldMs,
  type Expectations,
  type PendingCheck,
  type PollTuning,
} from './poll-schedule';
import type { ActiveService, ProfileView, SettingsView } from './views';

interface Entry extends PendingCheck {
  remoteId: string;
  profileId: string;
  model: string | null;
  size: number;
  /** Known upload time (learning uses only these). */
  uploadedAt: number | null;
  pendingSeenMs: number | null;
  generation: ApiGeneration | null;
}

/** How long a desk whose turn to poll it is not waits before it asks again, while records wait. */
export const POLL_TURN_ASK_MS = 2_000;

/**
 * Which records one set of credentials can ask about, as the turn to poll is kept: a profile's,
 * through one API (the media API's generations read the same records; the Jobs API others). Pure.
 */
export function pollScope(profileId: string, generation: ApiGeneration | null): string {
  return `${profileId}\u0000${generation === 'jobs-v1' ? 'jobs' : 'media'}`;
}

/**
 * A job missing from the finished-jobs lists this many times in a row is read on its own: it may
 * have ended in a way the lists do not show (cancelled on Authenta by someone else).
 */
const UNFINISHED_CHECKS_BEFORE_GET = 4;

/**
 * What the poller reads and writes. It only writes rows: what follows a verdict (the folder's
 * after-action, the queued twins) hears of it from the job store's stream (verdict-follow-up.ts).
 */
export interface PollerDeps {
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  readonly blocks: BlockBoard;
  readonly tuning: PollTuning;
  readonly profile: Pick<ProfileView, 'active'>;
  readonly settings: Pick<SettingsView, 'preferences' | 'paused'>;
}

/** Follows the poll schedule, one call at a time; see the module comment. */
export class Poller implements Disposable {
  private readonly pending = new Map<number, Entry>();
  private learned: Expectations = { byKey: new Map(), byModel: new Map() };
  /** A verdict arrived since the expectations were last learned. */
  private relearnDue = false;
  private timer: Disposable | null = null;
  private running = false;
  private loopQueued = false;
  private again = false;
  private controller = new AbortController();
  private retryAttempts = 0;
  private retryUntil = 0;
  private disposed = false;
  private current: Promise<void> = Promise.resolve();
  /** Shared polling: this desk held the turn at its last ask. */
  private turnHeld = false;
  /** Shared polling: not this desk's turn; ask again from then. */
  private turnAskAt = 0;

  constructor(private readonly deps: PollerDeps) {}

  /** Records waiting for a verdict. */
  get size(): number {
    return this.pending.size;
  }

  /** A call is under way. */
  get busy(): boolean {
    return this.running;
  }

  /** Jobs waiting for a verdict, with their profile. */
  pendingJobs(): { id: number; profileId: string }[] {
    return [...this.pending.values()].map((e) => ({ id: e.id, profileId: e.profileId }));
  }

  /** Load the rows in `processing` (at start) and what finished jobs taught. */
  async load(): Promise<void> {
    await this.relearn();
    for (const row of await this.deps.ledger.listByStates(['processing'])) this.track(row);
    this.wake();
  }

  /** A job entered `processing`; with `record`, its state is already known (no call needed). */
  add(job: JobRecord, record?: RemoteRecord): void {
    const entry = this.track(job);
    if (record && entry && record.phase !== 'pending' && record.phase !== 'awaiting-upload') {
      this.enqueue(() => this.apply(entry, record, true, this.deps.clock.now(), false));
    }
    this.wake();
  }

  /**
   * Another desk changed a row of the shared ledger: a record waiting for its verdict is followed
   * (polled here when it is this desk's turn), a row in any other state is no longer waited for.
   */
  follow(row: JobRecord): void {
    if (row.state !== 'processing') {
      this.pending.delete(row.id);
      return;
    }
    if (this.pending.has(row.id) || !this.track(row)) return;
    this.wake();
  }

  /** Stop waiting for a job (cancelled, retried elsewhere). */
  remove(id: number): void {
    this.pending.delete(id);
  }

  /** Look at the schedule again now (new record, block lifted, resumed). */
  wake(): void {
    if (this.disposed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.timer?.dispose();
    this.timer = null;
    if (this.loopQueued) return;
    this.loopQueued = true;
    this.enqueue(() => {
      this.loopQueued = false;
      return this.loop();
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = null;
    this.controller.abort(new Error('shutting down'));
    await this.current.catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------

  private tuning(): PollTuning {
    return { ...this.deps.tuning, ...(this.deps.profile.active()?.defaults ?? {}) };
  }

  private expectedFor(e: { model: string | null; kind: MediaKind; size: number }): number {
    return expectedProcessingMs(this.learned, e, this.tuning());
  }

  private async relearn(): Promise<void> {
    this.learned = learnExpectations(await this.deps.ledger.processingSamples(500), this.tuning());
    for (const e of this.pending.values()) e.expectedMs = this.expectedFor(e);
  }

  private track(job: JobRecord): Entry | null {
    if (!job.remoteId) return null;
    const since = job.uploadedAt ?? job.pollingSince ?? job.updatedAt;
    const kind: MediaKind = job.kind === 'video' ? 'video' : 'image';
    const entry: Entry = {
      id: job.id,
      kind,
      since,
      pollingSince: job.pollingSince ?? since,
      expectedMs: 0,
      checks: 0,
      lastCheckAt: null,
      remoteId: job.remoteId,
      profileId: job.profileId,
      model: job.model,
      size: job.size,
      uploadedAt: job.uploadedAt,
      pendingSeenMs: job.pendingSeenMs,
      generation: job.generation,
    };
    entry.expectedMs = this.expectedFor(entry);
    this.pending.set(job.id, entry);
    return entry;
  }

  /** Work runs one piece at a time, in order. */
  private enqueue(fn: () => Promise<void>): void {
    this.current = this.current
      .then(fn)
      .catch((e: unknown) =>
        this.deps.logger.error('poller failed', { message: e instanceof Error ? e.message : String(e) }),
      );
  }

  private schedule(at: number): void {
    if (this.disposed) return;
    this.timer?.dispose();
    this.timer = this.deps.clock.setTimeout(
      () => {
        this.timer = null;
        this.wake();
      },
      Math.max(0, at - this.deps.clock.now()),
    );
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      do {
        this.again = false;
        const more = await this.step();
        if (more) this.again = true;
      } while (this.again && !this.disposed);
    } finally {
      this.running = false;
    }
  }

  /** One step of the schedule; true when another step should follow at once. */
  private async step(): Promise<boolean> {
    const { deps } = this;
    if (this.disposed || deps.settings.paused()) return false;
    const active = deps.profile.active();
    if (!active) return false;
    const now = deps.clock.now();
    if (now < this.retryUntil) {
      this.schedule(this.retryUntil);
      return false;
    }
    if (this.relearnDue) {
      this.relearnDue = false;
      await this.relearn();
    }
    const mine = [...this.pending.values()].filter((e) => this.polls(e, active));
    const tuning = this.tuning();
    const plan = planPoll(mine, now, deps.settings.preferences().processingDeadlineMs, tuning);
    switch (plan.type) {
      case 'idle':
        return false;
      case 'wait':
        this.schedule(plan.until);
        return false;
      case 'expire': {
        const turn = await this.askTurn(active, now);
        if (turn !== 'held') return turn === 'taken';
        const minutes = Math.round(deps.settings.preferences().processingDeadlineMs / 60_000);
        for (const id of plan.ids) {
          this.pending.delete(id);
          await deps.ledger.transition(id, 'processing', 'failed', {
            errorCode: LOCAL_CODES.deadline,
            errorKind: 'transient',
            errorMessage: `Authenta has not finished this file after ${count(minutes, 'minute')}. Retry to look for its verdict again; it is not sent twice.`,
          });
        }
        return true;
      }
      case 'get':
      case 'list': {
        if (!deps.blocks.isOpen(plan.type)) return false; // a lifted block wakes the poller
        const turn = await this.askTurn(active, now);
        if (turn !== 'held') return turn === 'taken';
        const startedAt = now;
        const ids = plan.type === 'get' ? [plan.id] : plan.ids;
        // One desk's ledger: the records it polls this round (claimPolls). A shared ledger: this
        // desk has the turn, and polls every record of the team it can ask about.
        const claimed = deps.ledger.pollTurn
          ? null
          : new Set(await this.claim(plan.type === 'get' ? [plan.id] : mine.map((e) => e.id), now, tuning));
        const asked = claimed ? ids.filter((id) => claimed.has(id)) : ids;
        if (!asked.length) return true;
        try {
          if (plan.type === 'get') {
            const entry = this.pending.get(plan.id)!;
            const record = await active.service.get(entry.remoteId, this.controller.signal);
            deps.blocks.succeeded('get', startedAt);
            await this.apply(entry, record, true, startedAt, false);
          } else {
            await this.listAndApply(asked, plan.limit, tuning, startedAt);
          }
          this.retryAttempts = 0;
          return true;
        } catch (e) {
          return this.onError(plan.type, e, plan.type === 'get' ? plan.id : null, startedAt);
        }
      }
    }
  }

  /** Whether this desk asks about a pending record with the active profile's credentials. */
  private polls(e: Entry, active: ActiveService): boolean {
    if (e.profileId !== active.profile.id) return false;
    // A shared ledger holds the records of every desk: only those of the same API.
    return !this.deps.ledger.pollTurn || pollScope(e.profileId, e.generation) === this.scopeOf(active);
  }

  private scopeOf(active: ActiveService): string {
    return pollScope(active.profile.id, active.profile.generation);
  }

  /**
   * Shared polling: whether this desk may call now. `held`: yes (always, on one desk's ledger);
   * `taken`: it has just become the team's poller, and follows every pending record of the team
   * from the ledger (plan again); `no`: another desk polls, asked again after POLL_TURN_ASK_MS.
   */
  private async askTurn(active: ActiveService, now: number): Promise<'held' | 'taken' | 'no'> {
    const { ledger } = this.deps;
    if (!ledger.pollTurn) return 'held';
    if (!this.turnHeld && now < this.turnAskAt) {
      this.schedule(this.turnAskAt);
      return 'no';
    }
    if (!(await ledger.pollTurn(this.scopeOf(active)))) {
      if (this.turnHeld) this.deps.logger.info('another desk polls for the team now');
      this.turnHeld = false;
      this.turnAskAt = now + POLL_TURN_ASK_MS;
      this.schedule(this.turnAskAt);
      return 'no';
    }
    if (this.turnHeld) return 'held';
    this.turnHeld = true;
    // Only records followed before the read are dropped: one added meanwhile may be newer than it.
    const before = [...this.pending.keys()];
    const rows = await ledger.listByStates(['processing']);
    const pending = new Set(rows.map((r) => r.id));
    for (const id of before) if (!pending.has(id)) this.pending.delete(id);
    for (const row of rows) if (!this.pending.has(row.id)) this.track(row);
    this.deps.logger.info('this desk polls for the team', { pending: this.pending.size });
    return 'taken';
  }

  /**
   * Of the records a round would ask about, those this desk polls (Ledger.claimPolls): the others
   * are polled by another desk now, so they wait here as if checked; finished ones are dropped.
   */
  private async claim(ids: number[], now: number, tuning: PollTuning): Promise<number[]> {
    const { mine, finished } = await this.deps.ledger.claimPolls(ids, now, pollHoldMs(tuning));
    for (const id of finished) this.pending.delete(id);
    const polled = new Set(mine);
    for (const id of ids) {
      const entry = this.pending.get(id);
      if (entry && !polled.has(id)) Object.assign(entry, afterUnfinishedCheck(entry, now));
    }
    return mine;
  }

  private async listAndApply(
    ids: number[],
    limit: number,
    tuning: PollTuning,
    startedAt: number,
  ): Promise<void> {
    const active = this.deps.profile.active();
    if (!active) return;
    const asked = new Set(ids);
    const wanted = (found: ReadonlyMap<string, RemoteRecord>): Entry[] =>
      ids.flatMap((id) => {
        const e = this.pending.get(id);
        return e && !found.has(e.remoteId) ? [e] : [];
      });
    const read: ListingRead = {
      limit,
      pages: listPageBudget(this.pending.size, limit, tuning),
      missing: (found) => wanted(found).length,
      signal: this.controller.signal,
      onPage: () => this.deps.blocks.succeeded('list', startedAt),
    };
    const { listByStatus } = active.service;
    if (!listByStatus) {
      const found = await readRecentPages((page, signal) => active.service.list(page, signal), read);
      await this.applyListed(found, asked, active, startedAt);
      // Asked for but not in the pages read (an account with many newer records): one GET each.
      for (const entry of wanted(found)) if (this.pending.has(entry.id)) await this.readAlone(entry, active);
      return;
    }
    // Asked jobs in neither finished list are unfinished; when the pages ran out first (many
    // newer jobs), or a job has stayed unfinished for a while (it may have been cancelled
    // elsewhere), it is read on its own.
    const { found, complete } = await readFinishedPages(listByStatus, read);
    await this.applyListed(found, asked, active, startedAt);
    for (const entry of wanted(found)) {
      if (!this.pending.has(entry.id)) continue;
      if (complete && entry.checks < UNFINISHED_CHECKS_BEFORE_GET) this.unfinished(entry, startedAt, true);
      else await this.readAlone(entry, active);
    }
  }

  /** What a list's pages said, applied to every pending record this desk polls. */
  private async applyListed(
    byRemote: ReadonlyMap<string, RemoteRecord>,
    asked: ReadonlySet<number>,
    active: ActiveService,
    startedAt: number,
  ): Promise<void> {
    for (const entry of [...this.pending.values()]) {
      if (!this.polls(entry, active)) continue;
      const record = byRemote.get(entry.remoteId);
      if (record) await this.apply(entry, record, asked.has(entry.id), startedAt, true);
    }
  }

  /** One record read on its own (asked for, not in the pages read): gone when Authenta has it no more. */
  private async readAlone(entry: Entry, active: ActiveService): Promise<void> {
    try {
      const record = await active.service.get(entry.remoteId, this.controller.signal);
      await this.apply(entry, record, true, this.deps.clock.now(), false);
    } catch (e) {
      if (isAuthentaError(e) && e.kind === 'not-found') await this.gone(entry);
      else throw e;
    }
  }

  /** A pending record was seen unfinished at `at`: learn from it, and back off when it was asked for. */
  private unfinished(entry: Entry, at: number, asked: boolean): void {
    if (entry.uploadedAt !== null)
      entry.pendingSeenMs = Math.max(entry.pendingSeenMs ?? 0, at - entry.uploadedAt);
    if (asked) Object.assign(entry, afterUnfinishedCheck(entry, at));
  }

  /** What one answer means for one pending record. */
  private async apply(
    entry: Entry,
    record: RemoteRecord,
    asked: boolean,
    at: number,
    fromList: boolean,
  ): Promise<void> {
    if (!this.pending.has(entry.id)) return;
    if (record.phase === 'processed') {
      let full = record;
      if (
        fromList &&
        (record.partial || record.verdict === null) &&
        (entry.kind === 'video' || record.verdict === null)
      ) {
        const active = this.deps.profile.active();
        if (!active) return;
        full = await active.service.get(entry.remoteId, this.controller.signal);
        if (full.phase !== 'processed') full = record;
      }
      await this.finish(entry, full, at);
      return;
    }
    if (record.phase === 'failed') {
      this.pending.delete(entry.id);
      await this.deps.ledger.transition(entry.id, 'processing', 'failed', {
        errorCode: LOCAL_CODES.remoteFailed,
        errorKind: 'invalid',
        errorMessage: record.failure ?? `Authenta could not process this file (${record.status}).`,
        raw: record.raw,
      });
      return;
    }
    this.unfinished(entry, at, asked);
  }

  private async finish(entry: Entry, record: RemoteRecord, at: number): Promise<void> {
    this.pending.delete(entry.id);
    const verdict = record.verdict ?? {
      label: 'inconclusive' as const,
      reason: 'Authenta returned no verdict.',
    };
    const row = await this.deps.ledger.transition(
      entry.id,
      'processing',
      'done',
      {
        verdict,
        raw: record.raw,
        doneAt: at,
        pendingSeenMs: entry.pendingSeenMs,
        errorCode: null,
        errorKind: null,
        errorMessage: null,
      },
      `verdict: ${verdict.label}`,
    );
    if (!row) return;
    // Learned once per step, not once per verdict: a list round can finish dozens of files.
    this.relearnDue = true;
  }

  private async gone(entry: Entry): Promise<void> {
    this.pending.delete(entry.id);
    await this.deps.ledger.transition(entry.id, 'processing', 'failed', {
      errorCode: LOCAL_CODES.remoteGone,
      errorKind: 'not-found',
      errorMessage: remoteGoneMessage('verdict'),
    });
  }

  private async onError(
    op: 'get' | 'list',
    error: unknown,
    id: number | null,
    startedAt: number,
  ): Promise<boolean> {
    const { deps } = this;
    if (this.disposed || this.controller.signal.aborted) return false;
    const e = isAuthentaError(error) ? error : null;
    // Polling never gives up on a record because of the network: the deadline does that.
    const attempt = Math.min(this.retryAttempts + 1, JOB_RETRY_POLICY.maxAttempts - 1);
    const outcome = decideOnError(op, error, attempt, deps.random);
    deps.logger.warn('poll failed', {
      op,
      code: e?.code,
      outcome: outcome.type,
      ...(e ? {} : { message: error instanceof Error ? error.message : String(error) }),
    });
    switch (outcome.type) {
      case 'block':
        deps.blocks.apply(
          blockOrder(outcome, error, deps.clock.now(), deps.settings.preferences().quotaCooldownMs),
        );
        return false;
      case 'retry': {
        const now = deps.clock.now();
        this.retryAttempts += 1;
        this.retryUntil = now + outcome.delayMs;
        deps.blocks.apply(blockOrder(outcome, error, now, deps.settings.preferences().quotaCooldownMs));
        this.schedule(this.retryUntil);
        return false;
      }
      case 'gone': {
        const entry = id === null ? undefined : this.pending.get(id);
        if (entry) await this.gone(entry);
        return true;
      }
      default: {
        // A refused request (our bug, or a malformed id): that record fails, polling goes on.
        deps.blocks.succeeded(op, startedAt);
        const entry = id === null ? undefined : this.pending.get(id);
        if (entry) {
          this.pending.delete(entry.id);
          await deps.ledger.transition(entry.id, 'processing', 'failed', {
            errorCode: outcome.type === 'fail' ? outcome.code : LOCAL_CODES.internal,
            errorKind: outcome.type === 'fail' ? outcome.kind : 'local',
            errorMessage: outcome.type === 'fail' ? outcome.message : 'Unexpected answer.',
          });
          return true;
        }
        this.retryAttempts = Math.min(this.retryAttempts + 1, JOB_RETRY_POLICY.maxAttempts - 1);
        this.retryUntil = deps.clock.now() + 5_000 * this.retryAttempts;
        this.schedule(this.retryUntil);
        return false;
      }
    }
  }
}
