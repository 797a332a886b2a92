/**
 * `--json` output: one JSON object per line on stdout. Every line has a `type`:
 * `job` (a job changed state), `block` (the queue is blocked, and why) and `summary` (the last
 * line of a run). Job lines carry the normalised verdict and the remote record's id (the media
 * API's `mid`, or the Jobs API's `jobId`, with the generation that says which); never a secret.
 */
import type { ApiGeneration, Block, Job, JobChange, JobState, Verdict } from '../../shared/domain';

/** A job changed state. */
export interface JobLine {
  type: 'job';
  /** When the change was seen (ISO 8601). */
  time: string;
  id: number;
  path: string;
  name: string;
  state: JobState;
  /** The state before, or null the first time this run sees the job. */
  previousState: JobState | null;
  sha256: string | null;
  size: number;
  contentType: string | null;
  model: string | null;
  /** The API the file was sent to; null before it was sent. */
  generation: ApiGeneration | null;
  /** The media API's record id; null for a Jobs API job (see `jobId`). */
  mid: string | null;
  /** The Jobs API's job id; null for a media API record (see `mid`). */
  jobId: string | null;
  verdict: Verdict | null;
  error: { code: string | null; kind: string | null; message: string | null } | null;
  duplicateOf: number | null;
  simulated: boolean;
}

export interface BlockLine {
  type: 'block';
  time: string;
  kind: Block['kind'];
  code: string;
  message: string;
  action: string;
  retryAt: string | null;
}

export interface SummaryLine {
  type: 'summary';
  time: string;
  counts: Record<JobState, number>;
  exitCode: number;
}

export type NdjsonLine = JobLine | BlockLine | SummaryLine;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The line for a job now in `job.state`, coming from `previous`. */
export function jobLine(job: Job, previous: JobState | null, now: number): JobLine {
  const failed = job.errorCode !== null || job.errorMessage !== null;
  return {
    type: 'job',
    time: iso(now),
    id: job.id,
    path: job.path,
    name: job.name,
    state: job.state,
    previousState: previous,
    sha256: job.sha256,
    size: job.size,
    contentType: job.contentType,
    model: job.model,
    generation: job.generation,
    mid: job.generation === 'jobs-v1' ? null : job.remoteId,
    jobId: job.generation === 'jobs-v1' ? job.remoteId : null,
    verdict: job.verdict,
    error: failed ? { code: job.errorCode, kind: job.errorKind, message: job.errorMessage } : null,
    duplicateOf: job.duplicateOf,
    simulated: job.simulated,
  };
}

export function blockLine(block: Block, now: number): BlockLine {
  return {
    type: 'block',
    time: iso(now),
    kind: block.kind,
    code: block.code,
    message: block.message,
    action: block.action,
    retryAt: block.retryAt === null ? null : iso(block.retryAt),
  };
}

export function summaryLine(counts: Record<JobState, number>, exitCode: number, now: number): SummaryLine {
  return { type: 'summary', time: iso(now), counts, exitCode };
}

/** One line of text (no newline inside, newline at the end). */
export function serialise(line: NdjsonLine): string {
  return `${JSON.stringify(line)}\n`;
}

/**
 * Remembers each job's last state, so only real state changes become lines (a job's row also
 * changes while its bytes go up; those are progress, not events).
 */
export class StateChanges {
  private readonly states = new Map<number, JobState>();

  /** The changed jobs among `changes`, each with the state it left (null when first seen). */
  take(changes: readonly JobChange[]): { job: Job; previous: JobState | null }[] {
    const out: { job: Job; previous: JobState | null }[] = [];
    for (const change of changes) {
      if (change.type === 'removed') {
        this.states.delete(change.id);
        continue;
      }
      const previous = this.states.get(change.job.id) ?? null;
      if (previous === change.job.state) continue;
      this.states.set(change.job.id, change.job.state);
      out.push({ job: change.job, previous });
    }
    return out;
  }

  /** Remember jobs without reporting them (the state they were in when the run started). */
  seed(jobs: readonly Job[]): void {
    for (const j of jobs) this.states.set(j.id, j.state);
  }
}

/** Blocks that are new compared with `before` (by kind and code), to report each once. */
export function newBlocks(before: readonly Block[], now: readonly Block[]): Block[] {
  const key = (b: Block): string => `${b.kind}:${b.code}`;
  const seen = new Set(before.map(key));
  return now.filter((b) => !seen.has(key(b)));
}
