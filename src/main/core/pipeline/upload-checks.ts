/**
 * The checks an upload makes around the bytes it sends: a twin already settled (no second
 * payment), the file still the version checked before it goes out, and the sha256 of what was
 * really sent.
 */
import type { JobRecord } from '../ledger/ledger';
import { changedMessage, vanishedMessage } from '../messages';
import type { RemoteRecord, UploadReceipt } from '../ports';
import { FileProblemError, statFile } from '../watch/classify';
import type { PipelineContext } from './context';
import { LOCAL_CODES } from './hints';
import { duplicatePatch, sameVersion } from './intake';

/** What the uploader asks of the rest of the pipeline. */
export interface UploaderHooks {
  /** The job reached `processing` (with the record, when it is already known). */
  toProcessing(job: JobRecord, record?: RemoteRecord): void;
  /** The file changed after it was checked: make sure its new version has a job; returns its id. */
  changedFile(job: JobRecord): Promise<number | null>;
}

/** Ends a job `failed` with the error given (no retry is scheduled). */
export async function failJob(
  ctx: PipelineContext,
  job: JobRecord,
  code: string,
  kind: JobRecord['errorKind'],
  message: string,
): Promise<void> {
  await ctx.ledger.transition(
    job.id,
    job.state,
    'failed',
    {
      errorCode: code,
      errorKind: kind,
      errorMessage: message,
      nextAttemptAt: null,
    },
    null,
  );
}

/**
 * The same bytes may have got their verdict while this job waited (a copy hashed while the first
 * was being processed): then it shares that verdict instead of paying again.
 */
export async function settledByTwin(ctx: PipelineContext, job: JobRecord): Promise<boolean> {
  if (!job.sha256 || !job.model || job.forceRecheck || ctx.folder(job.folderId)?.forceRecheck) return false;
  const prior = await ctx.ledger.findDoneByHash(job.sha256, job.model, job.simulated);
  if (!prior || prior.id === job.id) return false;
  await ctx.ledger.transition(
    job.id,
    'creating',
    'skipped',
    duplicatePatch(prior, job.model, ctx.clock.now()),
    `duplicate of job #${prior.id}`,
  );
  return true;
}

/** Is the file still the version that was checked? Fails the job (and queues the new version) if not. */
export async function fileStillThere(
  ctx: PipelineContext,
  hooks: UploaderHooks,
  job: JobRecord,
): Promise<boolean> {
  try {
    const st = await statFile(job.path);
    if (sameVersion(st, job)) return true;
    const newer = await hooks.changedFile(job);
    await failJob(ctx, job, LOCAL_CODES.changed, 'local', changedMessage(job.name, newer, 'checked'));
  } catch (e) {
    if (!(e instanceof FileProblemError)) throw e;
    await failJob(
      ctx,
      job,
      e.code,
      'local',
      e.code === 'VANISHED' ? vanishedMessage(job.name, 'sent') : e.message,
    );
  }
  return false;
}

/**
 * The file may have been rewritten while it streamed (same size, other bytes): Authenta then
 * holds what was read, not the version checked. The job records the sha256 of what was really
 * sent, and the file's current version gets a job of its own, which shares this verdict when its
 * bytes are the ones sent (nothing is paid twice) and is sent on its own only when they differ.
 */
export async function recordWhatWasSent(
  ctx: PipelineContext,
  hooks: UploaderHooks,
  job: JobRecord,
  receipt: UploadReceipt,
): Promise<JobRecord | null> {
  let moved = false;
  try {
    moved = !sameVersion(await statFile(job.path), job);
  } catch {
    moved = true; // gone or unreadable now: what was sent is all there is
  }
  if (receipt.sha256 === job.sha256) return job;
  const note = `${job.name} changed while it was being sent: Authenta received the bytes with sha256 ${receipt.sha256.slice(0, 12)}…, not the version checked (${(job.sha256 ?? '?').slice(0, 12)}…); the verdict is for what was sent`;
  ctx.logger.warn('file changed during its upload', {
    id: job.id,
    mid: job.remoteId,
    checked: job.sha256,
    sent: receipt.sha256,
    mtimeChanged: moved,
  });
  const row = await ctx.ledger.update(job.id, { sha256: receipt.sha256 }, [job.state]);
  if (!row) return null;
  await ctx.ledger.addNote(job.id, note);
  // The version now on disk: a job of its own (a twin of this one when its bytes are those sent).
  await hooks.changedFile(row);
  return row;
}
