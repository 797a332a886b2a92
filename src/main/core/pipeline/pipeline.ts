/**
 * The pipeline: intake (sniff, hash, dedupe), the uploader (POST, PUT) and the poller (verdicts),
 * plus what the user can do to a job (cancel, retry, delete the remote record) and what happens
 * at start after a crash. The Engine owns one and hands it the views it is built from
 * (PipelineDeps); each stage gets only its part. The stages never call each other: the uploader
 * returns what it decided and this routes it (`route`), and what follows a queued row or a verdict
 * is heard on the job store's stream (`hear`).
 */
import { UNFINISHED_STATES, type JobState } from '../../../shared/domain';
import { AuthentaError, isAuthentaError } from '../api/errors';
import type { FileGate } from '../ledger/confined-path';
import type { CommittedChange } from '../ledger/job-store';
import type { JobPatch, JobRecord, Ledger } from '../ledger/ledger';
import { cancelledMessage, noJobMessage, vanishedMessage } from '../messages';
import type { Clock, Disposable, Logger, RemoteRecord } from '../ports';
import { statFile } from '../watch/classify';
import type { FileCandidate } from '../watch/folder-watcher';
import type { BlockBoard } from './blocks';
import { blockOrder, blocksOf, decideOnError, firstOperation, quotaOf, type Operation } from './error-policy';
import { LOCAL_CODES } from './hints';
import { Intake } from './intake';
import type { PollTuning } from './poll-schedule';
import { Poller } from './poller';
import { failChanged, type UploadOutcome } from './upload-checks';
import { Uploader } from './uploader';
import { VerdictFollowUp } from './verdict-follow-up';
import type { ChangeStream, ProfileView, ProgressSink, SettingsView } from './views';

/**
 * The views the pipeline is built from, composed in one place (the Engine). The Pipeline hands
 * each stage the part it uses; no stage receives all of them.
 */
export interface PipelineDeps {
  /** The job store: every write through it is announced on `changes`. */
  readonly ledger: Ledger;
  readonly changes: ChangeStream;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  readonly blocks: BlockBoard;
  readonly tuning: PollTuning;
  readonly profile: ProfileView;
  readonly settings: SettingsView;
  readonly progress: ProgressSink;
  /** Whether this desk may touch a row's file (a team ledger's rows are checked; see confined-path.ts). */
  readonly files?: FileGate;
}

/**
 * A committed change that gives the uploader work: a row that has just become `queued`, here or
 * at another desk of a shared ledger (whichever desk has a free slot claims it). Pure.
 */
export function givesUploaderWork(change: CommittedChange): boolean {
  return (change.cause === 'transition' || change.cause === 'remote') && change.row.state === 'queued';
}

/** Tuning of the pipeline. */
export interface PipelineOptions {
  hashConcurrency?: number;
}

/** Everything a retried job forgets. */
const RESET: JobPatch = {
  errorCode: null,
  errorKind: null,
  errorMessage: null,
  remoteId: null,
  uploadUrl: null,
  uploadExpiresAt: null,
  attempts: 0,
  nextAttemptAt: null,
  bytesSent: 0,
  verdict: null,
  raw: null,
  duplicateOf: null,
  doneAt: null,
  uploadedAt: null,
  pollingSince: null,
  pendingSeenMs: null,
  resumeState: null,
};

/** States whose job may have a remote record that processing could still be stopped on. */
const REMOTE_STATES: readonly JobState[] = ['uploading', 'finalizing', 'processing', 'blocked'];

/** What asking Authenta to stop a job's processing came to. */
type RemoteCancel =
  | { type: 'none' }
  | { type: 'cancelled' }
  | { type: 'finished'; record: RemoteRecord }
  | { type: 'failed'; message: string };

/** The timeline note of a cancel, by what Authenta said. */
function remoteNote(remote: RemoteCancel, remoteId: string | null): string {
  switch (remote.type) {
    case 'none':
      return 'cancelled by the user';
    case 'cancelled':
      return `cancelled by the user; record ${remoteId ?? ''} was stopped on Authenta too`;
    case 'finished':
      return 'cancelled by the user after Authenta had finished it';
    case 'failed':
      return `cancelled by the user; record ${remoteId ?? ''} could not be stopped on Authenta (${remote.message}): it may still be processed there`;
  }
}

/** Intake, uploader and poller together, with the user's actions and crash recovery. */
export class Pipeline implements Disposable {
  readonly intake: Intake;
  readonly uploader: Uploader;
  readonly poller: Poller;
  private readonly followUp: VerdictFollowUp;
  private readonly boardListener: Disposable;
  private readonly changeListener: Disposable;
  private boardRunning = false;
  private boardAgain = false;
  private boardWork: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly deps: PipelineDeps,
    options: PipelineOptions = {},
  ) {
    const { ledger, clock, logger, random, blocks, tuning, profile, settings, progress, files } = deps;
    this.intake = new Intake(
      { ledger, clock, logger, profile, settings, progress, files },
      { hashConcurrency: options.hashConcurrency },
    );
    this.uploader = new Uploader(
      { ledger, clock, logger, random, blocks, profile, settings, progress, files },
      (outcome) => this.route(outcome),
    );
    this.poller = new Poller({ ledger, clock, logger, random, blocks, tuning, profile, settings });
    this.followUp = new VerdictFollowUp({ ledger, clock, logger, settings, files });
    this.boardListener = blocks.onChange(() => this.onBoardChange());
    this.changeListener = deps.changes.onChange((changes) => this.hear(changes));
  }

  /**
   * The job store announced committed rows: queued work wakes the uploader; verdicts are followed
   * up; another desk's records waiting for a verdict are the team's to poll (shared polling).
   */
  private hear(changes: readonly CommittedChange[]): void {
    if (changes.some(givesUploaderWork)) this.uploader.pump();
    for (const c of changes) if (c.cause === 'remote') this.poller.follow(c.row);
    this.followUp.hear(changes);
  }

  /** Where the uploader's decisions go: a job in `processing` to the poller, a new file version to the intake. */
  private async route(outcome: UploadOutcome): Promise<void> {
    switch (outcome.type) {
      case 'processing':
        this.poller.add(outcome.job, outcome.record);
        return;
      case 'new-version': {
        const newer = await this.intake.requeueChanged(outcome.job);
        if (outcome.unsent) await failChanged(this.deps.ledger, outcome.job, newer);
        return;
      }
    }
  }

  /** Recover what a crash or a shutdown left half-way, then start working. */
  async start(): Promise<void> {
    const { ledger } = this.deps;
    // Only this desk's rows, or rows whose desk stopped renewing its claim (leases.ts): a row another
    // desk is sending right now is not this desk's crash.
    for (const row of await ledger.takeOver(['creating'], this.deps.clock.now())) {
      // The POST may have created a record before the crash; that record stays INITED and costs no credits.
      await ledger.transition(
        row.id,
        'creating',
        'queued',
        {},
        'restarted before Authenta answered the POST: it is sent again (an unused INITED record may remain; it costs no credits)',
      );
    }
    const held = this.restoreQuotaBlocks(await ledger.listByStates(['blocked']));
    for (const row of await ledger.listByStates(['blocked'])) {
      if (held.has(row.id)) continue;
      await ledger.transition(
        row.id,
        'blocked',
        row.resumeState ?? 'queued',
        { resumeState: null },
        'restarted: trying again',
      );
    }
    for (const row of await ledger.listByStates(['waiting'])) {
      if (row.desk && row.desk !== ledger.desk) continue; // another desk's file: it looks at it
      const gone = await statFile(row.path).then(
        () => false,
        () => true,
      );
      if (gone) {
        await ledger.transition(row.id, 'waiting', 'skipped', {
          errorCode: 'VANISHED',
          errorKind: 'local',
          errorMessage: vanishedMessage(row.name),
        });
      } else if (row.folderId === null || this.deps.settings.folder(row.folderId) === null) {
        this.intake.classify(row.id);
      }
      // Rows of watched folders: the watcher reports the file again and it is looked at then.
    }
    await this.poller.load();
    this.kick();
  }

  /**
   * Rows blocked by AA001 less than a cool-down ago (an earlier run met the quota): the quota is
   * known to be used up, so the block is set again with its original time to check, and those
   * rows keep waiting. No call is spent to find out again (authenta-api.md: stop calling until
   * the user acts or the quota window resets; the cool-down stands for the window). Returns the
   * ids of the rows held.
   */
  private restoreQuotaBlocks(rows: readonly JobRecord[]): Set<number> {
    const { deps } = this;
    const now = deps.clock.now();
    const cooldown = deps.settings.preferences().quotaCooldownMs;
    const held = new Set<number>();
    const until = new Map<'quota-query' | 'quota-mutation', { at: number; row: JobRecord }>();
    for (const row of rows) {
      if (row.errorKind !== 'quota' || row.profileId !== deps.profile.activeProfileId()) continue;
      const at = row.updatedAt + cooldown;
      if (at <= now) continue;
      const kind = quotaOf(firstOperation(row.resumeState)) === 'query' ? 'quota-query' : 'quota-mutation';
      held.add(row.id);
      if ((until.get(kind)?.at ?? 0) < at) until.set(kind, { at, row });
    }
    for (const [kind, { at, row }] of until) {
      // A team's block read from the ledger already stands (team-blocks.ts): it knows better.
      if (deps.blocks.has(kind)) continue;
      deps.blocks.set(kind, { code: row.errorCode ?? 'AA001', message: row.errorMessage ?? '' }, at);
      deps.logger.info('quota still used up from an earlier run', {
        kind,
        retryAt: new Date(at).toISOString(),
      });
    }
    return held;
  }

  /** Look for work now (after resume, a profile change, a new preference). */
  kick(): void {
    this.uploader.pump();
    this.poller.wake();
  }

  // --- the watcher and dropped files ------------------------------------------------------

  seen(c: FileCandidate): void {
    this.intake.seen(c);
  }
  stable(c: FileCandidate): void {
    this.intake.stable(c);
  }
  gone(path: string): void {
    this.intake.gone(path);
  }
  addDropped(c: FileCandidate): Promise<JobRecord> {
    return this.intake.addDropped(c);
  }

  // --- what the user does -------------------------------------------------------------------

  /**
   * Stop a job before its verdict: it ends `failed` (CANCELLED); a call under way is aborted. When
   * the API can cancel (the Jobs API), processing on Authenta is stopped too, and a retry sends
   * the file again; otherwise (or when stopping failed) a retry asks for the verdict instead. A
   * job Authenta had already finished keeps its outcome: the verdict is taken, not thrown away.
   */
  async cancel(id: number): Promise<void> {
    const job = await this.deps.ledger.get(id);
    if (!job) throw new Error(noJobMessage(id));
    if (!UNFINISHED_STATES.includes(job.state)) {
      throw new Error(`Job #${id} is already ${job.state}; only jobs still on their way can be cancelled.`);
    }
    if (this.uploader.cancel(id)) {
      await this.uploader.settled(id);
      await this.stopRemoteAfterAbort(id);
      return;
    }
    this.intake.abort(id);
    this.poller.remove(id);
    const remote = REMOTE_STATES.includes(job.state)
      ? await this.cancelRemote(job)
      : { type: 'none' as const };
    if (remote.type === 'finished') {
      // Too late to cancel: the outcome is there (and paid for), so it is taken.
      const note = `too late to cancel: Authenta had finished it (${remote.record.status})`;
      const row =
        job.state === 'processing'
          ? job
          : await this.deps.ledger.transition(
              id,
              job.state,
              'processing',
              { pollingSince: this.deps.clock.now(), raw: remote.record.raw },
              note,
            );
      if (job.state === 'processing') await this.deps.ledger.addNote(id, note);
      if (row) {
        this.poller.add(row, remote.record);
        return;
      }
    }
    const row = await this.deps.ledger.transition(
      id,
      UNFINISHED_STATES,
      'failed',
      {
        errorCode: LOCAL_CODES.cancelled,
        errorKind: 'local',
        errorMessage: cancelledMessage(),
        nextAttemptAt: null,
        // Stopped on Authenta: nothing will come of that record, so a retry sends the file again.
        ...(remote.type === 'cancelled' ? { pollingSince: null } : {}),
      },
      remoteNote(remote, job.remoteId),
    );
    if (!row && this.uploader.cancel(id)) {
      // Claimed meanwhile: abort it in flight.
      await this.uploader.settled(id);
      await this.stopRemoteAfterAbort(id);
    }
  }

  /** A call in flight was aborted by a cancel: its record, if it has one, is stopped on Authenta too. */
  private async stopRemoteAfterAbort(id: number): Promise<void> {
    const row = await this.deps.ledger.get(id);
    if (!row || row.state !== 'failed' || row.errorCode !== LOCAL_CODES.cancelled || !row.remoteId) return;
    const remote = await this.cancelRemote(row);
    if (remote.type === 'none') return;
    await this.deps.ledger.addNote(id, remoteNote(remote, row.remoteId));
    if (remote.type === 'cancelled') {
      await this.deps.ledger.update(id, { pollingSince: null }, ['failed']);
    }
  }

  /**
   * Ask Authenta to stop processing a job's record, when the API can (the service has `cancel`)
   * and the record belongs to the active profile. A record that already finished answers with
   * a conflict: it is read instead, and its outcome stands.
   */
  private async cancelRemote(job: JobRecord): Promise<RemoteCancel> {
    const active = this.deps.profile.active();
    const service = active?.service;
    if (!service?.cancel || !job.remoteId || active?.profile.id !== job.profileId) return { type: 'none' };
    if (!this.deps.blocks.isOpen('remove')) {
      return { type: 'failed', message: 'calls are stopped (see the banner)' };
    }
    try {
      await service.cancel(job.remoteId);
      return { type: 'cancelled' };
    } catch (e) {
      const conflict = isAuthentaError(e) && (e.status === 409 || e.status === 422);
      if (conflict) {
        try {
          const record = await service.get(job.remoteId);
          if (record.phase === 'processed' || record.phase === 'failed') return { type: 'finished', record };
        } catch {
          // Unknown: treated like any failure to cancel below.
        }
      }
      const message = isAuthentaError(e) ? `${e.code}: ${e.message}` : String(e);
      this.deps.logger.warn('cancelling on Authenta failed', { id: job.id, mid: job.remoteId, message });
      return { type: 'failed', message };
    }
  }

  /** Put a failed, skipped or blocked job back on its way; a record already paid for is polled again, not re-sent. */
  async retry(id: number): Promise<void> {
    const { ledger } = this.deps;
    const job = await ledger.get(id);
    if (!job) throw new Error(noJobMessage(id));
    if (job.state === 'blocked') {
      this.deps.blocks.resume();
      await this.resumeBlocked(() => true);
      this.kick();
      return;
    }
    if (job.state === 'failed') {
      const uploaded = job.remoteId !== null && job.pollingSince !== null;
      const remoteProblem =
        job.errorCode === LOCAL_CODES.remoteFailed || job.errorCode === LOCAL_CODES.remoteGone;
      if (uploaded && !remoteProblem) {
        const row = await ledger.transition(
          id,
          'failed',
          'processing',
          { errorCode: null, errorKind: null, errorMessage: null, pollingSince: this.deps.clock.now() },
          'retried: asking Authenta for the verdict again (nothing is sent twice)',
        );
        if (row) this.poller.add(row);
        return;
      }
      await this.reexamine(job, 'failed');
      return;
    }
    if (job.state === 'skipped') {
      if (job.duplicateOf !== null && job.sha256 && job.model) {
        const row = await ledger.transition(
          id,
          'skipped',
          'queued',
          { ...RESET, forceRecheck: true },
          `checked again on request, although job #${job.duplicateOf} has a verdict for the same bytes`,
        );
        if (row) this.uploader.pump();
        return;
      }
      await this.reexamine(job, 'skipped');
      return;
    }
    throw new Error(`Job #${id} is ${job.state}; only failed, skipped or blocked jobs can be retried.`);
  }

  /** Delete the remote record; the row keeps its verdict. A key without delete permission fails only this. */
  async deleteRemote(id: number): Promise<void> {
    const { deps } = this;
    const job = await deps.ledger.get(id);
    if (!job) throw new Error(noJobMessage(id));
    if (!job.remoteId) throw new Error(`Job #${id} has no record on Authenta: nothing was sent for it.`);
    const active = deps.profile.active();
    if (!active)
      throw new Error('No usable profile: check the active profile and its credentials in Settings.');
    if (job.profileId !== active.profile.id) {
      throw new Error(
        `This record belongs to another profile (${job.profileId}); select that profile to delete it.`,
      );
    }
    const blocking = blocksOf('remove', deps.blocks.list())[0];
    if (blocking) {
      throw new AuthentaError({
        code: blocking.code,
        kind: 'local',
        message: `${blocking.message} ${blocking.action}`,
      });
    }
    if (UNFINISHED_STATES.includes(job.state)) await this.cancel(id);
    const startedAt = deps.clock.now();
    try {
      await active.service.remove(job.remoteId);
    } catch (e) {
      const outcome = decideOnError('remove', e, 1, deps.random);
      const err = isAuthentaError(e) ? e : null;
      if (outcome.type === 'gone') {
        await deps.ledger.addNote(id, `record ${job.remoteId} was already deleted`);
        return;
      }
      // Only a block stops calls here: a delete that met a network down fails alone.
      if (outcome.type === 'block') {
        deps.blocks.apply(
          blockOrder(outcome, e, deps.clock.now(), deps.settings.preferences().quotaCooldownMs),
        );
      }
      const message = err?.message ?? String(e);
      await deps.ledger.addNote(id, `deleting record ${job.remoteId} failed: ${message}`);
      await deps.ledger.update(id, {
        errorCode: err?.code ?? LOCAL_CODES.internal,
        errorKind: err?.kind ?? 'local',
        errorMessage: `Deleting the record on Authenta failed: ${message}`,
      });
      throw e;
    }
    deps.blocks.succeeded('remove', startedAt);
    await deps.ledger.addNote(id, `record ${job.remoteId} deleted on Authenta`);
    // The row's time says when the record went (the note above is announced with the row).
    await deps.ledger.update(id, {});
  }

  /** Move blocked jobs back where they stood, when `allowed` says their first call may go. */
  async resumeBlocked(allowed: (op: Operation) => boolean): Promise<void> {
    for (const row of await this.deps.ledger.listByStates(['blocked'])) {
      const to = row.resumeState ?? 'queued';
      if (!allowed(firstOperation(to))) continue;
      const back = await this.deps.ledger.transition(row.id, 'blocked', to, { resumeState: null }, 'resumed');
      if (!back) continue;
      if (to === 'processing') this.poller.add(back);
    }
  }

  /** Files are being read: sniffed and hashed, or sent (thumbnails wait for it; see thumbnails.ts). */
  get readingFiles(): boolean {
    return this.intake.reading || this.uploader.inFlight > 0;
  }

  /** Nothing is being worked on right now (timers may still be set). */
  get busy(): boolean {
    return (
      !this.intake.idle ||
      this.uploader.inFlight > 0 ||
      this.poller.busy ||
      !this.followUp.idle ||
      this.boardRunning
    );
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.boardListener.dispose();
    await this.intake.dispose();
    await this.uploader.dispose();
    await this.poller.dispose();
    // Heard until the poller has stopped: a verdict written in its last step is still followed up.
    this.changeListener.dispose();
    await this.followUp.dispose();
    await this.boardWork.catch(() => undefined);
  }

  // ---------------------------------------------------------------------------------------

  private async reexamine(job: JobRecord, from: 'failed' | 'skipped'): Promise<void> {
    const row = await this.deps.ledger.transition(
      job.id,
      from,
      'waiting',
      { ...RESET },
      'retried: looking at the file again',
    );
    if (!row) return;
    this.intake.classify(row.id);
  }

  /** A block was set, lifted, or reached its time: test it with one call, resume what may go. */
  private onBoardChange(): void {
    if (this.disposed) return;
    if (this.boardRunning) {
      this.boardAgain = true;
      return;
    }
    this.boardRunning = true;
    this.boardWork = (async () => {
      try {
        do {
          this.boardAgain = false;
          if (this.deps.blocks.gate('list') === 'probe') await this.probeQuery();
          await this.resumeBlocked((op) => this.deps.blocks.isDueOrOpen(op));
        } while (this.boardAgain && !this.disposed);
      } catch (e) {
        this.deps.logger.error('resuming after a block failed', { message: String(e) });
      } finally {
        this.boardRunning = false;
      }
      if (!this.disposed) this.kick();
    })();
  }

  /** After a cool-down: one `GET /media?limit=1` tells whether Query calls work again. */
  private async probeQuery(): Promise<void> {
    const { deps } = this;
    const active = deps.profile.active();
    if (!active) {
      deps.blocks.probeAbandoned('list');
      return;
    }
    const startedAt = deps.clock.now();
    try {
      await active.service.list({ limit: 1, offset: 0 });
      deps.blocks.succeeded('list', startedAt);
      deps.logger.info('a block lifted', { check: 'GET /media?limit=1' });
    } catch (e) {
      const outcome = decideOnError('probe', e, 1, deps.random);
      if (outcome.type === 'block' || outcome.type === 'retry') {
        // A probe that failed for a while keeps every call waiting: any retry is an offline block.
        const order = outcome.type === 'retry' ? { ...outcome, offline: true } : outcome;
        deps.blocks.apply(
          blockOrder(order, e, deps.clock.now(), deps.settings.preferences().quotaCooldownMs),
        );
      } else {
        deps.blocks.succeeded('list', startedAt);
      }
    } finally {
      deps.blocks.probeAbandoned('list');
    }
  }
}
