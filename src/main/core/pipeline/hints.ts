/**
 * "What do I do now?" for every job that needs an answer: by its error code first, then by the
 * kind of error, then by its state. Pure; the UI shows it under the job.
 */
import type { Block, ErrorKind, JobState } from '../../../shared/domain';
import { remoteGoneMessage } from '../messages';

/** Local error codes the pipeline writes (file problems come from the watcher's classifier). */
export const LOCAL_CODES = {
  duplicate: 'DUPLICATE',
  kindDisabled: 'KIND_DISABLED',
  changed: 'CHANGED',
  cancelled: 'CANCELLED',
  deadline: 'DEADLINE',
  remoteFailed: 'REMOTE_FAILED',
  remoteGone: 'REMOTE_GONE',
  folderRemoved: 'FOLDER_REMOVED',
  outsideFolders: 'OUTSIDE_FOLDERS',
  modelUnavailable: 'MODEL_UNAVAILABLE',
  internal: 'INTERNAL',
} as const;

const BY_CODE: Readonly<Record<string, string>> = {
  DUPLICATE:
    'Nothing to do: the same bytes were already checked with this model, and that verdict is shown. To pay for a new check, use Check again (or turn on "Check again" for the folder).',
  KIND_DISABLED:
    'This folder is set to skip this kind of file. Turn it on in the folder settings, then retry.',
  CHANGED:
    'The file changed before it was sent, so this version was not checked; the new version is checked as a new job.',
  CANCELLED: 'You cancelled this file. Retry it to check it after all.',
  DEADLINE:
    'Authenta has not finished this file in time. Retry to look for its verdict again (the file is not sent or paid for twice).',
  REMOTE_FAILED:
    'Authenta could not analyse this file. Check that it plays or opens correctly; retry to send it again (this spends a credit).',
  REMOTE_GONE: remoteGoneMessage('verdict'),
  FOLDER_REMOVED: 'Its folder is no longer watched. Add the folder again, or drop the file on the window.',
  OUTSIDE_FOLDERS:
    "The team ledger names a place outside this desk's watched folders for this file, so this desk left it alone. Check the desk that wrote the row; to check the file, put it in a watched folder or drop it on the window.",
  MODEL_UNAVAILABLE:
    "The folder's model for this kind of file does not exist in the API this profile speaks: choose one the folder settings offer, then retry.",
  EMPTY_FILE: 'The file is empty: copy it again from the source; it is checked once it has content.',
  TRUNCATED: 'The file is incomplete: copy it again from the source, then retry.',
  CORRUPT: 'The file is damaged: export or copy it again from the source, then retry.',
  VANISHED: 'The file was moved or deleted. Put it back (or drop it on the window) to check it.',
  UNREADABLE: 'The file could not be read: check permissions, locks or the network share, then retry.',
  NOT_A_FILE: 'Only regular files can be checked.',
  TOO_LARGE:
    'The file is over the size limit: compress or trim it, or raise the maximum file size in Settings, then retry.',
  UNSUPPORTED_TYPE:
    'Authenta checks JPEG, PNG and MP4 with the media API, and also MOV, WebM, MP3, WAV, M4A and PDF with the Jobs API v1: convert the file or choose a model that takes it, then drop it again.',
  SignatureDoesNotMatch:
    'The upload did not match the record (often a changed file or content type). Retry; if it happens again, report it with this code.',
  IAM001: 'Check the client ID and secret of this profile in Account, then resume.',
  API_KEY_REQUIRED:
    'The Jobs API takes an API key: enter one for this profile in Account, or switch the profile to the media API.',
  INVALID_API_KEY: 'Check the API key of this profile in Account, then resume.',
  IAM002:
    'The key lacks a permission for this action: grant it in the Authenta console or use another profile.',
  FORBIDDEN:
    'The key lacks a permission for this action: grant it in the Authenta console or use another profile.',
  AA001: 'The API quota is used up: it resumes after the cool-down, or raise the quota and resume.',
  U007: 'The account is out of credits: buy credits in the Authenta console, then resume.',
  INSUFFICIENT_BALANCE: 'The account is out of credits: buy credits in the Authenta console, then resume.',
  INTERNAL: 'Something unexpected went wrong. Retry; if it happens again, report it with the log file.',
};

const BY_KIND: Readonly<Partial<Record<ErrorKind, string>>> = {
  transient: 'Authenta or the network failed for a while. Retry the file when it works again.',
  invalid: 'Authenta refused the request. Retry; if it fails again, report it with the code shown.',
  unsupported:
    'Authenta does not take this kind of file with this model: convert it, or choose another model in the folder settings.',
  local: 'Check that the file is still there and no longer being written, then retry.',
  'not-found': 'The record no longer exists on Authenta; retry the file to send it again.',
  'expired-url': 'Retry the file: a new upload URL will be requested.',
};

/** The job fields a hint depends on. */
export interface HintInput {
  state: JobState;
  errorCode: string | null;
  errorKind: ErrorKind | null;
  duplicateOf: number | null;
  nextAttemptAt?: number | null;
  resumeState?: JobState | null;
}

function at(ms: number): string {
  return new Date(ms).toLocaleTimeString();
}

/** One sentence or two saying what to do next, or null when nothing is needed. */
export function hintFor(job: HintInput, blocks: readonly Block[], now: number): string | null {
  if (job.state === 'done') return null;
  if (job.state === 'skipped' && job.duplicateOf !== null) {
    return `Same bytes as job #${job.duplicateOf}, which has a verdict: it is shown here. To pay for a new check, use Check again.`;
  }
  if (job.state === 'blocked') {
    const block = blocks[0];
    if (block) return `${block.message} ${block.action}`;
    return job.errorCode && BY_CODE[job.errorCode]
      ? BY_CODE[job.errorCode]!
      : 'Stopped by the account (quota, credits or credentials). Resume the queue once that is fixed.';
  }
  if (job.state === 'failed' || job.state === 'skipped') {
    if (job.errorCode && BY_CODE[job.errorCode]) return BY_CODE[job.errorCode]!;
    if (job.errorKind && BY_KIND[job.errorKind]) return BY_KIND[job.errorKind]!;
    return 'Retry the file; if it fails again, report it with the code shown.';
  }
  if (job.nextAttemptAt && job.nextAttemptAt > now) {
    return `The last try failed (${job.errorCode ?? 'error'}); retrying automatically at ${at(job.nextAttemptAt)}.`;
  }
  if (blocks.length && job.state !== 'waiting') {
    const block = blocks[0]!;
    return `${block.message} ${block.action}`;
  }
  return null;
}
