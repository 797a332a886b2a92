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
import { cancelledMessage, remoteGoneMessage } from '../messages';
import type { RemoteRecord, UploadReceipt } from '../ports';
import { blockOrder, decideOnError, quotaOf, type Operation } from './error-policy';
import { LOCAL_CODES } from './hints';
import {
  failJob,
  fileStillThere,
  recordWhatWasSent,
  settledByTwin,
  type OutcomeList,
  type UploadDeps,
} from './upload-checks';
import type { ActiveService } from './views';

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

/**
 * One job's run through the slot: the service it uses, its abort signal, renewals so far, and
 * what it decided for other stages (`outcomes`, routed by the Pipeline when the run ends).
 */
export interface Run extends OutcomeList {
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

/** What the steps need from the slot that runs them. */
export interface UploadSlot {
  /** The service's calls have been seen to work: more than one may go out at once. */
  confirm(service: ActiveService['service']): void;
  /** The user cancelled this job's task in flight. */
  isCancelled(id: number): boolean;
}

/** One job's way from `creating` to `processing`, and what each failed call leads to. */
export class UploadSteps {
  constructor(
    private readonly deps: UploadDeps,
    private readonly slot: UploadSlot,
  ) {}

  private async transition(
    job: JobRecord,
    to: JobState,
    patch: JobPatch,
    note: string | null = null,
  ): Promise<JobRecord | null> {
    const row = await this.deps.ledger.transition(job.id, job.state, to, patch, note);
    return row;
  }

  /** Ends the job `failed` with the error given. */
  async fail(job: JobRecord, code: string, kind: JobRecord['errorKind'], message: string): Promise<void> {
    await failJob(this.deps.ledger, job, code, kind, message);
  }

  /** `creating`: POST the record, then upload. */
  async create(claimed: JobRecord, run: Run): Promise<void> {
    const { active, signal } = run;
    let job = claimed;
    if (await settledByTwin(this.deps, job)) return;
    if (!(await fileStillThere(this.deps, run, job))) return;
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
    const startedAt = this.deps.clock.now();
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
    this.deps.blocks.succeeded('create', startedAt);
    this.slot.confirm(active.service);
    this.deps.logger.info('record created', {
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
    const now = this.deps.clock.now();
    // A URL is used for as long as it is valid, however little is left: the storage checks it when
    // the PUT starts, and says so if it was too late (then, and only then, a new record is asked for).
    if (!job.uploadUrl || !job.remoteId || (job.uploadExpiresAt ?? 0) <= now) {
      await this.renew(job, run, 'the upload URL expired before the upload');
      return;
    }
    if (!(await fileStillThere(this.deps, run, job))) return;
    const size = job.size;
    let receipt: UploadReceipt;
    try {
      receipt = await active.service.upload(
        { remoteId: job.remoteId, uploadUrl: job.uploadUrl },
        { path: job.path, contentType: job.contentType ?? 'application/octet-stream', size },
        { signal, onProgress: (sent) => this.deps.progress.report(job.id, sent, size) },
      );
    } catch (e) {
      await this.onError('upload', job, e, run, now);
      return;
    }
    const uploadedAt = this.deps.clock.now();
    this.deps.progress.report(job.id, size, size);
    const sent = await recordWhatWasSent(this.deps, run, job, receipt);
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
    if (processing) run.outcomes.push({ type: 'processing', job: processing });
  }
  /** Jobs API: processing starts only after finalize. */
  private async finalize(job: JobRecord, run: Run): Promise<void> {
    const { active, signal } = run;
    const startedAt = this.deps.clock.now();
    try {
      await active.service.finalize?.(job.remoteId ?? '', signal);
    } catch (e) {
      await this.onError('finalize', job, e, run, startedAt);
      return;
    }
    this.deps.blocks.succeeded('finalize', startedAt);
    const now = this.deps.clock.now();
    const processing = await this.transition(
      job,
      'processing',
      { ...CLEAR_ERROR, uploadedAt: job.uploadedAt ?? now, pollingSince: now },
      'finalized; waiting for the verdict',
    );
    if (processing) run.outcomes.push({ type: 'processing', job: processing });
  }

  /**
   * A row in `uploading`/`finalizing` that is not being worked on (a restart, or a retry after a
   * failed PUT): ask Authenta first. Bytes already there are never sent again.
   */
  async resume(job: JobRecord, run: Run): Promise<void> {
    const { active, signal } = run;
    if (!job.remoteId) {
      await this.renew(job, run, 'the record id was lost');
      return;
    }
    const startedAt = this.deps.clock.now();
    let record: RemoteRecord;
    try {
      record = await active.service.get(job.remoteId, signal);
    } catch (e) {
      await this.onError('get', job, e, run, startedAt);
      return;
    }
    this.deps.blocks.succeeded('get', startedAt);
    this.slot.confirm(active.service);
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
      await this.deps.ledger.addNote(
        job.id,
        `record ${job.remoteId} still waits for its bytes (${record.status})`,
      );
      await this.upload(job, run);
      return;
    }
    const now = this.deps.clock.now();
    const processing = await this.transition(
      job,
      'processing',
      { ...CLEAR_ERROR, raw: record.raw, pollingSince: now, bytesSent: job.size },
      `Authenta already has the bytes (${record.status}): not sent again`,
    );
    if (processing) run.outcomes.push({ type: 'processing', job: processing, record });
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
    if (this.deps.blocks.isOpen('create') && !run.signal.aborted) {
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
    if (!this.slot.isCancelled(job.id)) return;
    const current = await this.deps.ledger.get(job.id);
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
    const { deps } = this;
    if (run.signal.aborted) return this.aborted(job);
    const attempt = job.attempts + 1;
    const outcome = decideOnError(op, error, attempt, deps.random);
    const e = isAuthentaError(error) ? error : null;
    const errPatch: JobPatch = {
      errorCode: e?.code ?? LOCAL_CODES.internal,
      errorKind: e?.kind ?? 'local',
      errorMessage: e?.message ?? String(error),
      attempts: attempt,
    };
    deps.logger.warn('call failed', {
      id: job.id,
      op,
      code: e?.code,
      mid: job.remoteId,
      outcome: outcome.type,
    });
    switch (outcome.type) {
      case 'block': {
        deps.blocks.apply(
          blockOrder(outcome, error, deps.clock.now(), deps.settings.preferences().quotaCooldownMs),
        );
        const resumeState: JobState = job.state === 'creating' ? 'queued' : job.state;
        await this.transition(job, 'blocked', { ...errPatch, resumeState }, `stopped: ${e?.code ?? 'error'}`);
        return;
      }
      case 'retry': {
        const now = deps.clock.now();
        const at = now + outcome.delayMs;
        deps.blocks.apply(blockOrder(outcome, error, now, deps.settings.preferences().quotaCooldownMs));
        const note = `${e?.code ?? 'error'}: retrying at ${new Date(at).toISOString()}`;
        if (job.state === 'creating') {
          await this.transition(job, 'queued', { ...errPatch, nextAttemptAt: at }, note);
        } else {
          const row = await deps.ledger.update(job.id, { ...errPatch, nextAttemptAt: at }, [job.state]);
          if (row) {
            await deps.ledger.addNote(job.id, note);
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
          deps.blocks.succeeded(op, startedAt);
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
