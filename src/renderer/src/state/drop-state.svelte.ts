/**
 * What became of files given to the window. A host only says how many files it received (the web
 * host cannot know yet whether a file is a photo: the engine sniffs it afterwards), so the notice
 * watches the jobs that arrive for them and tells their outcome as it happens.
 */
import { MOVING_STATES, type Job, type JobChange } from '../../../shared/domain';
import { countOf } from '../lib/format';

/** Files that ended the same way for the same reason. */
export interface DropGroup {
  reason: string;
  names: string[];
}

/** The outcome so far of the files of one drop. */
export interface DropSummary {
  /** Files the host took. */
  received: number;
  /** Judged by Authenta (or the Sandbox). */
  withVerdict: number;
  /** Same bytes as an earlier file: they share its verdict. */
  alreadyChecked: number;
  /** Not listed yet, or still on their way to a verdict. */
  inProgress: number;
  /** Held back by a block (credentials, quota, credits): a banner says why. */
  blocked: number;
  skipped: DropGroup[];
  failed: DropGroup[];
  /** Every file has an outcome (blocked counts: it waits for the user). */
  settled: boolean;
}

/** Short reasons, by the engine's codes (src/main/core/watch/classify.ts, src/main/core/pipeline/hints.ts). */
const REASONS: Readonly<Record<string, string>> = {
  UNSUPPORTED_TYPE: 'not a type Authenta can check',
  NOT_A_FILE: 'not a regular file',
  EMPTY_FILE: 'the file is empty',
  TRUNCATED: 'the file is incomplete',
  CORRUPT: 'the file is damaged',
  VANISHED: 'the file was moved or deleted',
  UNREADABLE: 'the file could not be read',
  TOO_LARGE: 'over the size limit',
  KIND_DISABLED: 'this kind of file is turned off',
  MODEL_UNAVAILABLE: 'its model is not offered by this API',
  CANCELLED: 'cancelled',
  DEADLINE: 'no verdict in time',
  REMOTE_FAILED: 'Authenta could not analyse it',
  REMOTE_GONE: 'its record was deleted on Authenta',
  INTERNAL: 'an unexpected error',
  DUPLICATE: 'already checked',
  CHANGED: 'the file changed before it was sent',
  FOLDER_REMOVED: 'its folder is no longer watched',
  OUTSIDE_FOLDERS: "outside this desk's watched folders",
  U007: 'the account is out of credits',
  INSUFFICIENT_BALANCE: 'the account is out of credits',
  AA001: 'the API quota is used up',
  IAM001: 'the credentials were refused',
  INVALID_API_KEY: 'the API key was refused',
  API_KEY_REQUIRED: 'this API needs an API key',
  IAM002: 'the key lacks a permission',
  FORBIDDEN: 'the key lacks a permission',
  SignatureDoesNotMatch: 'the upload did not match its record',
};

/** Why a job stopped, in a few words for its row: the code's words, else the engine's message. */
export function rowReason(job: Pick<Job, 'errorCode' | 'errorMessage'>): string {
  const known = job.errorCode === null ? undefined : REASONS[job.errorCode];
  return known ?? job.errorMessage ?? 'see its details';
}

/** Why a skipped or failed job ended so, in a few words. */
export function reasonOf(job: Pick<Job, 'errorCode'>): string {
  const code = job.errorCode;
  if (code === null) return 'see its details in the queue';
  return REASONS[code] ?? `${code}: see its details in the queue`;
}

function group(groups: DropGroup[], reason: string, name: string): void {
  const found = groups.find((g) => g.reason === reason);
  if (found) found.names.push(name);
  else groups.push({ reason, names: [name] });
}

/**
 * Sum up the jobs of a drop. `jobs` are the new dropped jobs seen so far, oldest first; only the
 * first `received` count (another window may drop files at the same time).
 */
export function summariseDrop(jobs: readonly Job[], received: number): DropSummary {
  const mine = jobs.slice(0, received);
  const summary: DropSummary = {
    received,
    withVerdict: 0,
    alreadyChecked: 0,
    inProgress: received - mine.length,
    blocked: 0,
    skipped: [],
    failed: [],
    settled: false,
  };
  for (const job of mine) {
    if (job.state === 'done') summary.withVerdict += 1;
    else if (job.state === 'blocked') summary.blocked += 1;
    else if (MOVING_STATES.includes(job.state)) summary.inProgress += 1;
    else if (job.state === 'skipped' && (job.duplicateOf !== null || job.errorCode === 'DUPLICATE'))
      summary.alreadyChecked += 1;
    else if (job.state === 'skipped') group(summary.skipped, reasonOf(job), job.name);
    else group(summary.failed, reasonOf(job), job.name);
  }
  summary.settled = summary.inProgress === 0;
  return summary;
}

/** The summary in one line: "1 with a verdict · 1 skipped · 1 still being checked". */
export function describeDrop(summary: DropSummary): string {
  const skipped = summary.skipped.reduce((n, g) => n + g.names.length, 0);
  const failed = summary.failed.reduce((n, g) => n + g.names.length, 0);
  const parts = [
    summary.withVerdict > 0 &&
      `${summary.withVerdict.toLocaleString()} with ${summary.withVerdict === 1 ? 'a verdict' : 'verdicts'}`,
    summary.alreadyChecked > 0 &&
      `${summary.alreadyChecked.toLocaleString()} already checked (same bytes as an earlier file)`,
    skipped > 0 && `${skipped.toLocaleString()} skipped`,
    failed > 0 && `${failed.toLocaleString()} failed`,
    summary.blocked > 0 && `${summary.blocked.toLocaleString()} held back: see the banner above`,
    summary.inProgress > 0 && `${summary.inProgress.toLocaleString()} still being checked`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.join(' · ');
}

/** "Skipped, not a type Authenta can check: notes.txt, a.txt and 3 more." */
export function describeGroup(outcome: 'Skipped' | 'Failed', g: DropGroup, shown = 3): string {
  const names = g.names.slice(0, shown).join(', ');
  const more = g.names.length > shown ? ` and ${countOf(g.names.length - shown, 'more', 'more')}` : '';
  return `${outcome}, ${g.reason}: ${names}${more}.`;
}

/**
 * Follows the jobs of one drop through the engine's change events. A dropped job is one with no
 * folder whose id is above the newest job known before the drop began (the ledger counts ids up).
 */
export class DropTracker {
  /** The new dropped jobs seen so far, oldest first. */
  jobs = $state.raw<Job[]>([]);
  /** How many files the host received; null while they are still being handed over. */
  received = $state<number | null>(null);

  readonly #after: number;

  /** `after`: the highest job id that existed before the drop. */
  constructor(after: number) {
    this.#after = after;
  }

  /** The outcome so far; null while the host is still receiving the files. */
  readonly summary: DropSummary | null = $derived(
    this.received === null ? null : summariseDrop(this.jobs, this.received),
  );

  /** The host answered: this many files were received. */
  expect(received: number): void {
    this.received = received;
  }

  /** Take in the engine's changes (every change, whatever the queue's filter). */
  apply(changes: readonly JobChange[]): void {
    let jobs = this.jobs;
    let changed = false;
    for (const change of changes) {
      if (change.type === 'removed') {
        if (!jobs.some((j) => j.id === change.id)) continue;
        jobs = jobs.filter((j) => j.id !== change.id);
        if (this.received !== null) this.received = Math.max(0, this.received - 1);
        changed = true;
        continue;
      }
      const job = change.job;
      if (job.folderId !== null || job.id <= this.#after) continue;
      const at = jobs.findIndex((j) => j.id === job.id);
      jobs = at >= 0 ? jobs.with(at, job) : [...jobs, job].sort((a, b) => a.id - b.id);
      changed = true;
    }
    if (changed) this.jobs = jobs;
  }
}
