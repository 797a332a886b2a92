/**
 * From `queued` to `processing`: claim a job, write `creating`, POST the record, write
 * `uploading` with the remote id (mid or jobId), URL and expiry, stream the bytes, then, where
 * the API has a finalize step (the Jobs API), write `finalizing` and call it; then `processing`.
 * Every state is on disk before the call it announces, so after a crash a job in `uploading` or
 * `finalizing` asks Authenta (GET) before doing anything again: a second PUT could be processed,
 * and charged, twice, and a job that already holds its bytes only needs finalizing.
 */
import type { JobState } from '../../../shared/domain';
import { modelFor, modelLabel } from '../../../shared/models';
import { isAuthentaError, type AuthentaError } from '../api/errors';
import { needsFinalize } from '../api/jobs-service';
import type { JobPatch, JobRecord } from '../ledger/ledger';
import { cancelledMessage, changedMessage, remoteGoneMessage, vanishedMessage } from '../messages';
import type { Disposable, RemoteRecord, UploadReceipt } from '../ports';
import { FileProblemError, statFile } from '../watch/classify';
import type { Gate } from './blocks';
import type { ActiveService, PipelineContext } from './context';
import { blockOrder, decideOnError, quotaOf, type Operation } from './error-policy';
import { LOCAL_CODES } from './hints';
import { duplicatePatch, sameVersion } from './intake';

const CLEAR_ERROR: JobPatch = { errorCode: null, errorKind: null, errorMessage: null, nextAttemptAt: null };

/** Only the host part of an upload URL goes into a log line: the URL is a capability. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.split('/').slice(0, 2).join('/')}/…`;
  } catch {
    return '[url]';
  }
}

/** One job's run through the slot: the service it uses, its abort signal, renewals so far. */
interface Run {
  active: ActiveService;
  signal: AbortSignal;
  renewals: number;
  /** Uploads sent again because finalize found the bytes missing. */
  reuploads?: number;
}

/** Uploads sent again in one run because finalize found no bytes, before the file fails. */
const MAX_REUPLOADS = 2;

/**
 * New records asked for in one run before giving up: each one follows an upload URL the storage
 * refused as expired (or one already past its expiry), so more mean URLs that expire at once.
 */
const MAX_RENEWALS = 3;

interface Task {
  controller: AbortController;
  cancelled: boolean;
  promise: Promise<void>;
}

/** What the uploader asks of the rest of the pipeline. */
export interface UploaderHooks {
  /** The job reached `processing` (with the record, when it is already known). */
  toProcessing(job: JobRecord, record?: RemoteRecord): void;
  /** The file changed after it was checked: make sure its new version has a job; returns its id. */
  changedFile(job: JobRecord): Promise<number | null>;
}

/** Claims jobs up to the concurrency and takes each from `creating` to `processing`. */
export class Uploader implements Disposable {
  private readonly tasks = new Map<number, Task>();
  private pumping = false;
  private again = false;
  private wakeTimer: Disposable | null = null;
  private disposed = false;
  /** The service whose calls have been seen to work; until then, one call at a time. */
  private confirmed: ActiveService['service'] | null = null;

  constructor(
    private readonly ctx: PipelineContext,
    private readonly hooks: UploaderHooks,
  ) {}

  /** Uploads (and POSTs) under way. */
  get inFlight(): number {
    return this.tasks.size;
  }

  isInFlight(id: number): boolean {
    return this.tasks.has(id);
  }

  /** Resolves once the job's task in flight, if any, has ended (its row written). */
  settled(id: number): Promise<void> {
    return this.tasks.get(id)?.promise ?? Promise.resolve();
  }

  /** Start what can start now. Cheap to call often. */
  pump(): void {
    if (this.disposed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.doPump()
      .catch((e: unknown) => this.ctx.logger.error('upload pump failed', { message: String(e) }))
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.pump();
        }
      });
  }

  /** Abort an in-flight job because the user cancelled it; it ends `failed` (CANCELLED). */
  cancel(id: number): boolean {
    const task = this.tasks.get(id);
    if (!task) return false;
    task.cancelled = true;
    task.controller.abort(new Error('cancelled by the user'));
    return true;
  }

  /** Abort everything in flight and wait: rows stay where they were, resumable at the next start. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.wakeTimer?.dispose();
    this.wakeTimer = null;
    for (const t of this.tasks.values()) t.controller.abort(new Error('shutting down'));
    await Promise.allSettled([...this.tasks.values()].map((t) => t.promise));
  }

  // ---------------------------------------------------------------------------------------

  private async doPump(): Promise<void> {
    const { ctx } = this;
    if (ctx.paused()) return;
    const active = ctx.active();
    if (!active) return;
    // New credentials are tried with one call before several go out: wrong ones fail once, not N times.
    const limit = this.confirmed === active.service ? ctx.preferences().concurrency : 1;
    const now = ctx.clock.now();
    const pausedFolders = new Set(ctx.pausedFolderIds());

    // Records that already exist come first: they were paid for in quota.
    if (this.tasks.size < limit && ctx.blocks.isOpen('get')) {
      const resumable = await ctx.ledger.listByStates(['uploading', 'finalizing']);
      for (const row of resumable) {
        if (this.tasks.size >= limit || this.disposed) break;
        if (this.tasks.has(row.id) || (row.nextAttemptAt ?? 0) > now) continue;
        if (row.folderId && pausedFolders.has(row.folderId)) continue;
        if (row.profileId !== active.profile.id) continue;
        // A job that only needs finalizing waits while finalize is held back (no credits).
        if (row.state === 'finalizing' && !ctx.blocks.isOpen('finalize')) continue;
        this.start(row, 'open', 'get', (signal) => this.resume(row, { active, signal, renewals: 0 }));
      }
    }

    while (this.tasks.size < limit && !this.disposed && !ctx.paused()) {
      const gate = ctx.blocks.gate('create');
      if (gate === 'blocked') break;
      const job = await ctx.ledger.claimNextQueued(ctx.clock.now(), [...pausedFolders], {
        profileId: active.profile.id,
        simulated: active.simulated,
        generation: active.service.generation,
      });
      if (!job) {
        if (gate === 'probe') ctx.blocks.probeAbandoned('create');
        break;
      }
      this.start(job, gate, 'create', (signal) => this.create(job, { active, signal, renewals: 0 }));
      if (gate === 'probe') break; // one call tests the block
    }
    await this.scheduleWake();
  }

  /** Wake up when the next retry is due. */
  private async scheduleWake(): Promise<void> {
    const now = this.ctx.clock.now();
    const next = await this.ctx.ledger.nextAttemptAfter(['queued', 'uploading', 'finalizing'], now);
    this.wakeTimer?.dispose();
    this.wakeTimer = null;
    if (next === null || this.disposed) return;
    this.wakeTimer = this.ctx.clock.setTimeout(
      () => {
        this.wakeTimer = null;
        this.pump();
      },
      Math.max(0, next - now),
    );
  }

  private start(
    job: JobRecord,
    gate: Gate,
    op: Operation,
    run: (signal: AbortSignal) => Promise<void>,
  ): void {
    const controller = new AbortController();
    const task: Task = { controller, cancelled: false, promise: Promise.resolve() };
    this.tasks.set(job.id, task);
    task.promise = run(controller.signal)
      .catch(async (e: unknown) => {
        this.ctx.logger.error('upload task failed', {
          id: job.id,
          message: e instanceof Error ? e.message : String(e),
        });
        const current = await this.ctx.ledger.get(job.id);
        if (current && ['creating', 'uploading', 'finalizing'].includes(current.state) && !this.disposed) {
          await this.fail(current, LOCAL_CODES.internal, 'local', `Unexpected error: ${String(e)}`);
        }
      })
      .finally(() => {
        if (gate === 'probe') this.ctx.blocks.probeAbandoned(op);
        this.tasks.delete(job.id);
        this.pump();
      });
  }

  private async transition(
    job: JobRecord,
    to: JobState,
    patch: JobPatch,
    note: string | null = null,
  ): Promise<JobRecord | null> {
    const row = await this.ctx.ledger.transition(job.id, job.state, to, patch, note);
    return row;
  }

  private async fail(
    job: JobRecord,
    code: string,
    kind: JobRecord['errorKind'],
    message: string,
  ): Promise<void> {
    await this.transition(job, 'failed', {
      errorCode: code,
      errorKind: kind,
      errorMessage: message,
      nextAttemptAt: null,
    });
  }

  /**
   * The same bytes may have got their verdict while this job waited (a copy hashed while the first
   * was being processed): then it shares that verdict instead of paying again.
   */
  private async settledByTwin(job: JobRecord): Promise<boolean> {
    if (!job.sha256 || !job.model || job.forceRecheck || this.ctx.folder(job.folderId)?.forceRecheck)
      return false;
    const prior = await this.ctx.ledger.findDoneByHash(job.sha256, job.model, job.simulated);
    if (!prior || prior.id === job.id) return false;
    await this.ctx.ledger.transition(
      job.id,
      'creating',
      'skipped',
      duplicatePatch(prior, job.model, this.ctx.clock.now()),
      `duplicate of job #${prior.id}`,
    );
    return true;
  }

  /** Is the file still the version that was checked? Fails the job (and queues the new version) if not. */
  private async fileStillThere(job: JobRecord): Promise<boolean> {
    try {
      const st = await statFile(job.path);
      if (sameVersion(st, job)) return true;
      const newer = await this.hooks.changedFile(job);
      await this.fail(job, LOCAL_CODES.changed, 'local', changedMessage(job.name, newer, 'checked'));
    } catch (e) {
      if (!(e instanceof FileProblemError)) throw e;
      await this.fail(
        job,
        e.code,
        'local',
        e.code === 'VANISHED' ? vanishedMessage(job.name, 'sent') : e.message,
      );
    }
    return false;
  }

  /** `creating`: POST the record, then upload. */
  private async create(claimed: JobRecord, run: Run): Promise<void> {
    const { active, signal } = run;
    let job = claimed;
    if (await this.settledByTwin(job)) return;
    if (!(await this.fileStillThere(job))) return;
    // The model as this profile's API spells it (the queue may have been filled under another profile).
    const model = modelFor(active.service.generation, job.model ?? '');
    if (model === null) {
      await this.fail(
        job,
        LOCAL_CODES.modelUnavailable,
        'unsupported',
        `${modelLabel(job.model ?? '?')} has no equivalent in the API this profile speaks, so ${job.name} was not sent. Choose another model in the folder settings, then retry.`,
      );
      return;
    }
    const startedAt = this.ctx.clock.now();
    let created;
    try {
      created = await active.service.create(
        {
          name: job.name,
          contentType: job.contentType ?? 'application/octet-stream',
          size: job.size,
          model,
          kind: job.kind ?? 'image',
        },
        signal,
      );
    } catch (e) {
      await this.onError('create', job, e, run, startedAt);
      return;
    }
    this.ctx.blocks.succeeded('create', startedAt);
    this.confirmed = active.service;
    this.ctx.logger.info('record created', {
      id: job.id,
      mid: created.remoteId,
      url: redactUrl(created.uploadUrl),
    });
    const next = await this.transition(
      job,
      'uploading',
      {
        ...CLEAR_ERROR,
        remoteId: created.remoteId,
        uploadUrl: created.uploadUrl,
        uploadExpiresAt: created.expiresAt,
        raw: created.raw,
        generation: active.service.generation,
        model,
        bytesSent: 0,
        recordsCreated: job.recordsCreated + 1,
      },
      `record ${created.remoteId} created`,
    );
    if (!next) return;
    job = next;
    if (signal.aborted) return this.aborted(job);
    await this.upload(job, run);
  }

  /** `uploading`: stream the bytes, then `processing` (or `finalizing` for the Jobs API). */
  private async upload(job: JobRecord, run: Run): Promise<void> {
    const { active, signal } = run;
    const now = this.ctx.clock.now();
    // A URL is used for as long as it is valid, however little is left: the storage checks it when
    // the PUT starts, and says so if it was too late (then, and only then, a new record is asked for).
    if (!job.uploadUrl || !job.remoteId || (job.uploadExpiresAt ?? 0) <= now) {
      await this.renew(job, run, 'the upload URL expired before the upload');
      return;
    }
    if (!(await this.fileStillThere(job))) return;
    const size = job.size;
    let receipt: UploadReceipt;
    try {
      receipt = await active.service.upload(
        { remoteId: job.remoteId, uploadUrl: job.uploadUrl },
        { path: job.path, contentType: job.contentType ?? 'application/octet-stream', size },
        { signal, onProgress: (sent) => this.ctx.progress(job.id, sent, size) },
      );
    } catch (e) {
      await this.onError('upload', job, e, run, now);
      return;
    }
    const uploadedAt = this.ctx.clock.now();
    this.ctx.progress(job.id, size, size);
    const sent = await this.recordWhatWasSent(job, receipt);
    if (!sent) return;
    job = sent;
    if (active.service.finalize) {
      const fin = await this.transition(
        job,
        'finalizing',
        { bytesSent: size, uploadedAt, ...CLEAR_ERROR },
        'uploaded',
      );
      if (!fin) return;
      await this.finalize(fin, run);
      return;
    }
    const processing = await this.transition(
      job,
      'processing',
      { ...CLEAR_ERROR, bytesSent: size, uploadedAt, pollingSince: uploadedAt },
      'uploaded; waiting for the verdict',
    );
    if (processing) this.hooks.toProcessing(processing);
  }

  /**
   * The file may have been rewritten while it streamed (same size, other bytes): Authenta then
   * holds what was read, not the version checked. The job records the sha256 of what was really
   * sent, and the file's current version gets a job of its own, which shares this verdict when its
   * bytes are the ones sent (nothing is paid twice) and is sent on its own only when they differ.
   */
  private async recordWhatWasSent(job: JobRecord, receipt: UploadReceipt): Promise<JobRecord | null> {
    let moved = false;
    try {
      moved = !sameVersion(await statFile(job.path), job);
    } catch {
      moved = true; // gone or unreadable now: what was sent is all there is
    }
    if (receipt.sha256 === job.sha256) return job;
    const note = `${job.name} changed while it was being sent: Authenta received the bytes with sha256 ${receipt.sha256.slice(0, 12)}…, not the version checked (${(job.sha256 ?? '?').slice(0, 12)}…); the verdict is for what was sent`;
    this.ctx.logger.warn('file changed during its upload', {
      id: job.id,
      mid: job.remoteId,
      checked: job.sha256,
      sent: receipt.sha256,
      mtimeChanged: moved,
    });
    const row = await this.ctx.ledger.update(job.id, { sha256: receipt.sha256 }, [job.state]);
    if (!row) return null;
    await this.ctx.ledger.addNote(job.id, note);
    // The version now on disk: a job of its own (a twin of this one when its bytes are those sent).
    await this.hooks.changedFile(row);
    return row;
  }

  /** Jobs API: processing starts only after finalize. */
  private async finalize(job: JobRecord, run: Run): Promise<void> {
    const { active, signal } = run;
    const startedAt = this.ctx.clock.now();
    try {
      await active.service.finalize?.(job.remoteId ?? '', signal);
    } catch (e) {
      await this.onError('finalize', job, e, run, startedAt);
      return;
    }
    this.ctx.blocks.succeeded('finalize', startedAt);
    const now = this.ctx.clock.now();
    const processing = await this.transition(
      job,
      'processing',
      { ...CLEAR_ERROR, uploadedAt: job.uploadedAt ?? now, pollingSince: now },
      'finalized; waiting for the verdict',
    );
    if (processing) this.hooks.toProcessing(processing);
  }

  /**
   * A row in `uploading`/`finalizing` that is not being worked on (a restart, or a retry after a
   * failed PUT): ask Authenta first. Bytes already there are never sent again.
   */
  private async resume(job: JobRecord, run: Run): Promise<void> {
    const { active, signal } = run;
    if (!job.remoteId) {
      await this.renew(job, run, 'the record id was lost');
      return;
    }
    const startedAt = this.ctx.clock.now();
    let record: RemoteRecord;
    try {
      record = await active.service.get(job.remoteId, signal);
    } catch (e) {
      await this.onError('get', job, e, run, startedAt);
      return;
    }
    this.ctx.blocks.succeeded('get', startedAt);
    this.confirmed = active.service;
    if (record.phase === 'awaiting-upload') {
      if (job.state === 'finalizing') {
        await this.finalize(job, run);
        return;
      }
      if (needsFinalize(record)) {
        // The bytes may have arrived before the crash or the reset: finalize tells. When it says
        // they are missing, they are sent again (see reupload), so nothing is lost either way.
        const fin = await this.transition(
          job,
          'finalizing',
          { ...CLEAR_ERROR, raw: record.raw, bytesSent: job.size, uploadedAt: job.uploadedAt ?? startedAt },
          `Authenta says the record waits for finalize (${record.status}): finalizing; the bytes are not sent again unless finalize finds them missing`,
        );
        if (fin) await this.finalize(fin, run);
        return;
      }
      await this.ctx.ledger.addNote(
        job.id,
        `record ${job.remoteId} still waits for its bytes (${record.status})`,
      );
      await this.upload(job, run);
      return;
    }
    const now = this.ctx.clock.now();
    const processing = await this.transition(
      job,
      'processing',
      { ...CLEAR_ERROR, raw: record.raw, pollingSince: now, bytesSent: job.size },
      `Authenta already has the bytes (${record.status}): not sent again`,
    );
    if (processing) this.hooks.toProcessing(processing, record);
  }

  /** The upload URL (or the record) is no longer usable: a new record, in this same slot when allowed. */
  private async renew(job: JobRecord, run: Run, why: string): Promise<void> {
    const old = job.remoteId;
    run.renewals += 1;
    if (run.renewals > MAX_RENEWALS) {
      await this.fail(
        job,
        'URL_EXPIRED',
        'expired-url',
        `Every upload URL expired before it could be used (${why}). Check that this computer's clock is right, then retry.`,
      );
      return;
    }
    const creating = await this.transition(
      job,
      'creating',
      { remoteId: null, uploadUrl: null, uploadExpiresAt: null, bytesSent: 0, raw: null },
      `${why}: asking for a new record${old ? ` (record ${old} stays unused and costs no credits)` : ''}`,
    );
    if (!creating) return;
    if (this.ctx.blocks.isOpen('create') && !run.signal.aborted) {
      await this.create(creating, run);
      return;
    }
    await this.transition(creating, 'queued', {}, 'waits for its turn to be created again');
  }

  /**
   * Finalize was refused because the storage has not got the bytes (a PUT cut off by a reset or a
   * crash, whatever status the job showed): upload them again (to a fresh URL when the old one
   * expired), then finalize. Nothing was processed, so nothing is paid twice.
   */
  private async reupload(job: JobRecord, run: Run, e: AuthentaError | null): Promise<void> {
    run.reuploads = (run.reuploads ?? 0) + 1;
    if (job.state !== 'finalizing' || run.reuploads > MAX_REUPLOADS) {
      await this.fail(
        job,
        e?.code ?? 'UPLOAD_INCOMPLETE',
        'transient',
        `Authenta did not receive the bytes of ${job.name} although they were sent ${run.reuploads} times (${e?.message ?? 'upload incomplete'}). Retry the file; if it keeps failing, check the network or proxy between this computer and the storage.`,
      );
      return;
    }
    const row = await this.transition(
      job,
      'uploading',
      { ...CLEAR_ERROR, bytesSent: 0, uploadedAt: null },
      `Authenta has not received the bytes (${e?.code ?? 'upload incomplete'}): sending them again`,
    );
    if (row) await this.upload(row, run);
  }

  /** The call was aborted: by the user (cancel) or by shutdown (leave the row to resume later). */
  private async aborted(job: JobRecord): Promise<void> {
    const task = this.tasks.get(job.id);
    if (!task?.cancelled) return;
    const current = await this.ctx.ledger.get(job.id);
    if (!current || !['creating', 'uploading', 'finalizing', 'queued'].includes(current.state)) return;
    await this.transition(current, 'failed', {
      errorCode: LOCAL_CODES.cancelled,
      errorKind: 'local',
      errorMessage: cancelledMessage(current.state === 'uploading'),
      nextAttemptAt: null,
    });
  }

  private async onError(
    op: Operation,
    job: JobRecord,
    error: unknown,
    run: Run,
    startedAt: number,
  ): Promise<void> {
    const { ctx } = this;
    if (run.signal.aborted) return this.aborted(job);
    const attempt = job.attempts + 1;
    const outcome = decideOnError(op, error, attempt, ctx.random);
    const e = isAuthentaError(error) ? error : null;
    const errPatch: JobPatch = {
      errorCode: e?.code ?? LOCAL_CODES.internal,
      errorKind: e?.kind ?? 'local',
      errorMessage: e?.message ?? String(error),
      attempts: attempt,
    };
    ctx.logger.warn('call failed', {
      id: job.id,
      op,
      code: e?.code,
      mid: job.remoteId,
      outcome: outcome.type,
    });
    switch (outcome.type) {
      case 'block': {
        ctx.blocks.apply(blockOrder(outcome, error, ctx.clock.now(), ctx.preferences().quotaCooldownMs));
        const resumeState: JobState = job.state === 'creating' ? 'queued' : job.state;
        await this.transition(job, 'blocked', { ...errPatch, resumeState }, `stopped: ${e?.code ?? 'error'}`);
        return;
      }
      case 'retry': {
        const now = ctx.clock.now();
        const at = now + outcome.delayMs;
        ctx.blocks.apply(blockOrder(outcome, error, now, ctx.preferences().quotaCooldownMs));
        const note = `${e?.code ?? 'error'}: retrying at ${new Date(at).toISOString()}`;
        if (job.state === 'creating') {
          await this.transition(job, 'queued', { ...errPatch, nextAttemptAt: at }, note);
        } else {
          const row = await ctx.ledger.update(job.id, { ...errPatch, nextAttemptAt: at }, [job.state]);
          if (row) {
            await ctx.ledger.addNote(job.id, note);
          }
        }
        return;
      }
      case 'renew-url':
        await this.renew(job, run, e?.message ?? 'the upload URL expired');
        return;
      case 'reupload':
        await this.reupload(job, run, e);
        return;
      case 'gone':
        if (job.state === 'uploading') {
          await this.renew(job, run, 'the record no longer exists on Authenta');
          return;
        }
        await this.fail(job, LOCAL_CODES.remoteGone, 'not-found', remoteGoneMessage('processing'));
        return;
      case 'fail':
        // The server answered past its quota check: a block of this kind has lifted.
        if (quotaOf(op) !== null && outcome.kind !== 'transient' && outcome.kind !== 'local') {
          ctx.blocks.succeeded(op, startedAt);
        }
        await this.transition(job, 'failed', {
          ...errPatch,
          errorCode: outcome.code,
          errorKind: outcome.kind,
          errorMessage: outcome.message,
          nextAttemptAt: null,
        });
        return;
    }
  }
}
