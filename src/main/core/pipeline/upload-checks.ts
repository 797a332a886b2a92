/**
 * The checks an upload makes around the bytes it sends: a twin already settled (no second
 * payment), the file still the version checked before it goes out, and the sha256 of what was
 * really sent.
 */
import type { FileGate } from '../ledger/confined-path';
import type { JobRecord, Ledger } from '../ledger/ledger';
import { changedMessage, vanishedMessage } from '../messages';
import type { Clock, Logger, RemoteRecord, UploadReceipt } from '../ports';
import { FileProblemError, statFile } from '../watch/classify';
import type { BlockBoard } from './blocks';
import { LOCAL_CODES } from './hints';
import { duplicatePatch, sameVersion } from './intake';
import type { ProgressSink, SettingsView } from './views';

/** What an upload reads and writes besides the service it calls (see upload-steps.ts). */
export interface UploadDeps {
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
  readonly blocks: BlockBoard;
  readonly settings: Pick<SettingsView, 'folder' | 'preferences'>;
  readonly progress: ProgressSink;
  /** Whether this desk may open a row's file (a team ledger's rows are checked; see confined-path.ts). */
  readonly files?: FileGate;
}

/**
 * What an upload decided that another stage acts on. The uploader only returns these; the
 * Pipeline routes each one (to the poller, to the intake), in the order they were decided.
 */
export type UploadOutcome =
  /** The job reached `processing` (with the record, when Authenta's answer already holds it). */
  | { type: 'processing'; job: JobRecord; record?: RemoteRecord }
  /**
   * The file on disk is no longer the version this job checked: its current version needs a job
   * of its own. `unsent`: nothing went out and this job ends `failed` (CHANGED), naming that new
   * job; otherwise the bytes already sent keep this job and its verdict.
   */
  | { type: 'new-version'; job: JobRecord; unsent: boolean };

/** Where a run's decisions are collected until its task ends. */
export interface OutcomeList {
  outcomes: UploadOutcome[];
}

/** Ends a job `failed` with the error given (no retry is scheduled). */
export async function failJob(
  ledger: Ledger,
  job: JobRecord,
  code: string,
  kind: JobRecord['errorKind'],
  message: string,
): Promise<void> {
  await ledger.transition(
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

/** The failure of a job whose file changed before it was sent, naming the job of the new version. */
export async function failChanged(ledger: Ledger, job: JobRecord, newer: number | null): Promise<void> {
  await failJob(ledger, job, LOCAL_CODES.changed, 'local', changedMessage(job.name, newer, 'checked'));
}

/**
 * The same bytes may have got their verdict while this job waited (a copy hashed while the first
 * was being processed): then it shares that verdict instead of paying again.
 */
export async function settledByTwin(
  deps: Pick<UploadDeps, 'ledger' | 'clock' | 'settings'>,
  job: JobRecord,
): Promise<boolean> {
  if (!job.sha256 || !job.model || job.forceRecheck || deps.settings.folder(job.folderId)?.forceRecheck)
    return false;
  const prior = await deps.ledger.findDoneByHash(job.sha256, job.model, job.simulated);
  if (!prior || prior.id === job.id) return false;
  await deps.ledger.transition(
    job.id,
    'creating',
    'skipped',
    duplicatePatch(prior, job.model, deps.clock.now()),
    `duplicate of job #${prior.id}`,
  );
  return true;
}

/**
 * Is the file still the version that was checked? If it changed, the run decides `new-version`
 * (unsent: the Pipeline queues the new version, then fails this job naming it); if it is gone or
 * unreadable, or lies outside this desk's watched folders (a row another desk wrote), the job
 * fails here.
 */
export async function fileStillThere(
  deps: Pick<UploadDeps, 'ledger' | 'files'>,
  run: OutcomeList,
  job: JobRecord,
): Promise<boolean> {
  const { ledger } = deps;
  const refused = await deps.files?.refusal(job.path, job.name);
  if (refused) {
    await failJob(ledger, job, LOCAL_CODES.outsideFolders, 'local', refused);
    return false;
  }
  try {
    const st = await statFile(job.path);
    if (sameVersion(st, job)) return true;
    run.outcomes.push({ type: 'new-version', job, unsent: true });
  } catch (e) {
    if (!(e instanceof FileProblemError)) throw e;
    await failJob(
      ledger,
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
  deps: Pick<UploadDeps, 'ledger' | 'logger'>,
  run: OutcomeList,
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
  deps.logger.warn('file changed during its upload', {
    id: job.id,
    mid: job.remoteId,
    checked: job.sha256,
    sent: receipt.sha256,
    mtimeChanged: moved,
  });
  const row = await deps.ledger.update(job.id, { sha256: receipt.sha256 }, [job.state]);
  if (!row) return null;
  await deps.ledger.addNote(job.id, note);
  // The version now on disk: a job of its own (a twin of this one when its bytes are those sent).
  run.outcomes.push({ type: 'new-version', job: row, unsent: false });
  return row;
}
