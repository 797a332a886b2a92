/**
 * The DetectionService port over the Jobs API v1 (authenta-api.md, section 3), so the engine
 * drives both APIs alike: statuses mapped onto phases, results normalised into the same verdict,
 * `list({limit, offset})` mapped onto pages, plus the two Jobs-only steps of the port, `finalize`
 * and `cancel`.
 *
 * What the engine does with it (it never branches on the generation):
 * - After the upload, call `finalize` when the service has one (write `finalizing` first).
 *   `finalize` is idempotent: a job that was finalized already (a crash after the call left the
 *   row in `finalizing`) is taken as finalized, so after a restart just call it again.
 * - `get` answers `awaiting-upload` for `created` (bytes not there yet: upload, then finalize)
 *   and for `waiting_for_finalize` (the bytes may be there: try finalize first). `needsFinalize(record)`
 *   tells the two apart, so a resumed row tries `finalize` before sending the bytes again. The
 *   status is no proof of an upload (one reading of the docs has a job `waiting_for_finalize` from
 *   its create on): a finalize refused for missing bytes (409 JOB_INPUTS_MISSING or 400
 *   UPLOAD_INCOMPLETE, see MISSING_BYTES_CODES) means upload again, then finalize.
 * - `queued`, `processing` and unknown statuses are `pending`; `completed` is `processed` with
 *   the verdict; `failed` and `cancelled` are `failed` with the API's message.
 * - `cancel` ends a job still waiting or running; one that has finished answers 409 (kind
 *   `invalid`, status 409): read it with `get`, its outcome stands.
 * - `list` pages newest first like the media API; `listByStatus` reads one status (`completed`,
 *   `failed`, ...) a page at a time when the engine only wants the jobs that changed.
 */
import { fits, modelForJobs, modelLabel, TASK_TYPES } from '../../../shared/models';
import type {
  Clock,
  CreateInput,
  CreatedRecord,
  DetectionService,
  RemotePage,
  RemotePhase,
  RemoteRecord,
  UploadFile,
  UploadOptions,
  UploadReceipt,
  UploadTarget,
} from '../ports';
import { systemClock } from '../ports';
import { AuthentaError, isAuthentaError } from './errors';
import { MAX_JOBS_PAGE_LIMIT, ORIGINAL_SLOT, type JobsClient } from './jobs-client';
import { JobResultSchema, type Job, type JobStatus } from './jobs-schemas';
import { normaliseJobsVerdict } from './verdict';

/** Validity assumed for a job's upload URL when the answer carries no `expiresIn` ("about an hour"). */
export const DEFAULT_JOB_URL_TTL_S = 3600;

/** The phase a job status means (see the module comment); unknown statuses are still going. */
export function phaseOfJobStatus(status: string): RemotePhase {
  switch (status.trim().toLowerCase()) {
    case 'created':
    case 'waiting_for_finalize':
      return 'awaiting-upload';
    case 'completed':
      return 'processed';
    case 'failed':
    case 'cancelled':
    case 'canceled':
      return 'failed';
    default:
      return 'pending';
  }
}

/**
 * True when the remote record says it waits for finalize (Jobs API `waiting_for_finalize`): worth
 * trying finalize before uploading again, but no proof that the bytes arrived.
 */
export function needsFinalize(record: Pick<RemoteRecord, 'phase' | 'status'>): boolean {
  return record.phase === 'awaiting-upload' && record.status.trim().toLowerCase() === 'waiting_for_finalize';
}

/**
 * A job as the engine sees it. A completed job from a list without `result` is `partial` (the
 * full job holds the verdict); a completed job whose result cannot be read is `inconclusive`.
 */
export function toJobRecord(job: Job, raw: unknown, fromList: boolean): RemoteRecord {
  const phase = phaseOfJobStatus(job.status);
  const hasResult = job.result !== undefined && job.result !== null;
  let verdict = null;
  if (phase === 'processed') {
    const parsed = JobResultSchema.safeParse(job.result);
    verdict = normaliseJobsVerdict(parsed.success ? parsed.data : job.result);
  }
  return {
    remoteId: job.jobId,
    phase,
    status: job.status,
    verdict,
    partial: fromList && phase === 'processed' && !hasResult,
    failure: phase === 'failed' ? failureText(job) : null,
    raw,
  };
}

function failureText(job: Job): string {
  const given = job.errorMessage?.trim();
  if (given) return given;
  const status = job.status.trim().toLowerCase();
  return status === 'cancelled' || status === 'canceled'
    ? 'The job was cancelled before it finished'
    : `Authenta could not process this file (status ${job.status})`;
}

/** One `GET /v1/jobs` call of a plan: read `page` of size `limit`, keep `take` items after `skip`. */
export interface PageRead {
  page: number;
  limit: number;
  skip: number;
  take: number;
}

/**
 * The page reads that cover items `[offset, offset + limit)` of a list served in pages of at most
 * 100: one read whenever some page size fits the window, else two. `limit` above 100 is cut to
 * 100. Pure.
 */
export function pagesFor(window: { limit: number; offset: number }): PageRead[] {
  const limit = Math.min(Math.floor(window.limit), MAX_JOBS_PAGE_LIMIT);
  const offset = Math.max(0, Math.floor(window.offset));
  if (!(limit > 0)) return [];
  for (let size = limit; size <= MAX_JOBS_PAGE_LIMIT; size++) {
    const first = Math.floor(offset / size);
    if (first === Math.floor((offset + limit - 1) / size)) {
      return [{ page: first + 1, limit: size, skip: offset - first * size, take: limit }];
    }
  }
  const page = Math.floor(offset / limit) + 1;
  const skip = offset - (page - 1) * limit;
  return [
    { page, limit, skip, take: limit - skip },
    { page: page + 1, limit, skip: 0, take: skip },
  ];
}

/** A page of jobs of one status, with where it stands in the whole list. */
export interface JobsPage extends RemotePage {
  page: number;
  /** Pages in all (from the API, else computed from `total`). */
  pages: number;
}

export interface JobsDetectionServiceOptions {
  clock?: Clock;
}

/** DetectionService for the Jobs API v1, over a JobsClient. */
export class JobsDetectionService implements DetectionService {
  readonly generation = 'jobs-v1' as const;
  private readonly clock: Clock;

  constructor(
    readonly client: JobsClient,
    options: JobsDetectionServiceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /**
   * `POST /v1/jobs?taskTypeId=N` with the file as input `original`. `input.model` is a media code
   * (AC-1, DF-1, FD-1) or a task type id or slug. A model the Jobs API lacks, or a file its task
   * type does not take, fails before any call (`invalid` / `unsupported`).
   */
  async create(input: CreateInput, signal?: AbortSignal): Promise<CreatedRecord> {
    const taskTypeId = offeredTaskType(input.model);
    if (!fits(taskTypeId, input.contentType, 'jobs-v1')) {
      const task = TASK_TYPES.find((t) => t.id === taskTypeId);
      throw new AuthentaError({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        kind: 'unsupported',
        message: `${modelLabel(taskTypeId, 'jobs-v1')} does not take ${input.contentType} files; it takes ${task?.formats ?? 'other formats'}`,
        action:
          'Choose a task type that takes this kind of file in the folder settings, or convert the file.',
      });
    }
    const sentAt = this.clock.now();
    const answer = await this.client.createJob(
      taskTypeId,
      {
        contentType: input.contentType,
        fileName: input.name,
        sizeBytes: input.size,
        slotName: ORIGINAL_SLOT,
      },
      signal,
    );
    const inputs = answer.data.inputs;
    const slot = inputs.find((i) => i.slotName === ORIGINAL_SLOT) ?? inputs[0]!;
    const ttl = slot.expiresIn ?? DEFAULT_JOB_URL_TTL_S;
    return {
      remoteId: answer.data.jobId,
      uploadUrl: slot.uploadUrl,
      // Counted from when the request left, so a slow answer never makes the URL look fresher than it is.
      expiresAt: sentAt + Math.max(0, ttl) * 1000,
      raw: answer.raw,
    };
  }

  /** Streams the file to the input's pre-signed URL. */
  upload(target: UploadTarget, file: UploadFile, options: UploadOptions = {}): Promise<UploadReceipt> {
    return this.client.upload(target.uploadUrl, file, { ...options, mid: target.remoteId });
  }

  /**
   * `POST /v1/jobs/{id}/finalize`: processing and the credit start. Idempotent: when the API
   * refuses because the job is past finalize (queued, processing, completed, failed), that is
   * success. Finalize before the upload fails with JOB_INPUTS_MISSING (kind `invalid`).
   */
  async finalize(remoteId: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.finalize(remoteId, signal);
    } catch (e) {
      if (!isAuthentaError(e) || (e.status !== 409 && e.status !== 422) || e.code === 'JOB_INPUTS_MISSING') {
        throw e;
      }
      const job = await this.client.getJob(remoteId, signal);
      const status = job.data.status.trim().toLowerCase();
      if (['queued', 'processing', 'completed', 'failed'].includes(status)) return;
      throw e;
    }
  }

  /** `GET /v1/jobs/{id}`: a full job. */
  async get(remoteId: string, signal?: AbortSignal): Promise<RemoteRecord> {
    const answer = await this.client.getJob(remoteId, signal);
    return toJobRecord(answer.data, answer.raw, false);
  }

  /**
   * Items `[offset, offset + limit)` of all jobs, newest first, read as one page of
   * `GET /v1/jobs?page&limit` whenever possible (see `pagesFor`). `limit` is capped at 100.
   */
  async list(page: { limit: number; offset: number }, signal?: AbortSignal): Promise<RemotePage> {
    const reads = pagesFor(page);
    const records: RemoteRecord[] = [];
    let total = 0;
    for (const read of reads) {
      const answer = await this.client.listJobs({ page: read.page, limit: read.limit }, signal);
      total = answer.data.pagination.total;
      const rawItems = rawListItems(answer.raw);
      answer.data.data.slice(read.skip, read.skip + read.take).forEach((job, i) => {
        records.push(toJobRecord(job, rawItems[read.skip + i] ?? job, true));
      });
      if (answer.data.data.length < read.skip + read.take) break;
    }
    return { records, total };
  }

  /** One page of `GET /v1/jobs?status=S&page&limit`: the jobs in one status, newest first. A Query call. */
  async listByStatus(
    status: JobStatus,
    page: { page: number; limit: number },
    signal?: AbortSignal,
  ): Promise<JobsPage> {
    const limit = Math.min(page.limit, MAX_JOBS_PAGE_LIMIT);
    const answer = await this.client.listJobs({ page: page.page, limit, status }, signal);
    const rawItems = rawListItems(answer.raw);
    const { total, pages } = answer.data.pagination;
    return {
      records: answer.data.data.map((job, i) => toJobRecord(job, rawItems[i] ?? job, true)),
      total,
      page: answer.data.pagination.page ?? page.page,
      pages: pages ?? Math.ceil(total / limit),
    };
  }

  /** `POST /v1/jobs/{id}/cancel`; a finished job answers 409 (see the module comment). */
  async cancel(remoteId: string, signal?: AbortSignal): Promise<void> {
    await this.client.cancel(remoteId, signal);
  }

  /** `DELETE /v1/jobs/{id}`. */
  async remove(remoteId: string, signal?: AbortSignal): Promise<void> {
    await this.client.deleteJob(remoteId, signal);
  }
}

/** The task type a model names, when this app offers it; otherwise an `invalid` error, before any call. */
function offeredTaskType(model: string): number {
  const id = modelForJobs(model);
  const task = TASK_TYPES.find((t) => t.id === id);
  if (task?.offered) return task.id;
  const offered = TASK_TYPES.filter((t) => t.offered)
    .map((t) => modelLabel(t.id, 'jobs-v1'))
    .join(', ');
  throw new AuthentaError({
    code: 'INVALID_TASK_TYPE',
    kind: 'invalid',
    message: task
      ? `${modelLabel(task.id, 'jobs-v1')} is not offered by this app (it needs inputs this app does not send)`
      : `"${model}" names no task type of the Jobs API`,
    action: `Choose one of: ${offered}.`,
  });
}

function rawListItems(raw: unknown): unknown[] {
  const data = raw && typeof raw === 'object' ? (raw as { data?: unknown }).data : undefined;
  return Array.isArray(data) ? data : [];
}
