/**
 * A typed client of the Authenta Jobs API v1 (authenta-api.md, section 3): create a job with its
 * input, PUT the bytes to the input's pre-signed URL, finalize (processing starts only then), read,
 * list, cancel and delete jobs. It speaks through the media client's machinery (AuthentaClient:
 * Bearer header, timeouts, redirect refusal, error mapping into AuthentaError, onCall reports,
 * logging without secrets or URLs, the streamed upload), so both APIs fail and log alike. Like the
 * media client it never retries by itself.
 */
import { modelLabel, TASK_TYPES } from '../../../shared/models';
import type { Credentials, UploadReceipt } from '../ports';
import {
  AuthentaClient,
  type ApiAnswer,
  type AuthentaClientOptions,
  type ClientUploadOptions,
  type UploadSource,
} from './authenta-client';
import { AuthentaError, isAuthentaError } from './errors';
import {
  CreateJobAnswerSchema,
  JobListAnswerSchema,
  JobSchema,
  type CreateJobAnswer,
  type Job,
  type JobListAnswer,
  type JobStatus,
} from './jobs-schemas';

/** The most jobs one `GET /v1/jobs` page may hold. */
export const MAX_JOBS_PAGE_LIMIT = 100;

/** The slot a single-file job's input goes into. */
export const ORIGINAL_SLOT = 'original';

/** One input of `POST /v1/jobs`. */
export interface JobInputRequest {
  contentType: string;
  fileName: string;
  sizeBytes: number;
  /** Default `original`. */
  slotName?: string;
}

/** A page request of `GET /v1/jobs`: `page` from 1, `limit` 1..100, optionally one status. */
export interface ListJobsQuery {
  page: number;
  limit: number;
  status?: JobStatus;
}

/** The calls of the Jobs API, for error advice. */
export type JobsOperation = 'create' | 'finalize' | 'get' | 'list' | 'cancel' | 'delete';

/** Client credentials cannot sign a Jobs API call: this error says so before anything is sent. */
export function apiKeyRequiredError(): AuthentaError {
  return new AuthentaError({
    code: 'API_KEY_REQUIRED',
    kind: 'auth',
    message: 'The Jobs API takes an API key, not a client ID and secret',
    action:
      'Enter an API key for this profile in Settings, or switch the profile to the media API (client credentials).',
  });
}

/**
 * The same error with advice that fits the Jobs API call that failed (a job that cannot be
 * cancelled, finalize before the upload, a file the task type does not take). Pure; other
 * errors come back unchanged.
 */
export function refineJobsError(
  error: AuthentaError,
  op: JobsOperation,
  context: { taskTypeId?: number } = {},
): AuthentaError {
  let action: string | undefined;
  let message: string | undefined;
  const conflict = error.status === 409 || error.status === 422;
  if (op === 'cancel' && conflict) {
    message = `The job cannot be cancelled: it has already finished or was cancelled (${error.code})`;
    action = 'Nothing to cancel: read the job to see how it ended.';
  } else if (op === 'finalize' && error.code === 'JOB_INPUTS_MISSING') {
    message = `Authenta has not received the file of this job yet, so it cannot start (${error.code})`;
    action = 'Retry the file: it will be uploaded again before processing starts.';
  } else if (op === 'finalize' && conflict) {
    action = 'Read the job: it was most likely finalized already.';
  } else if (error.code === 'UNSUPPORTED_MEDIA_TYPE') {
    const task = TASK_TYPES.find((t) => t.id === context.taskTypeId);
    action = task?.formats
      ? `${modelLabel(task.id, 'jobs-v1')} takes ${task.formats}: convert the file or choose another task type for this folder.`
      : 'Convert the file or choose another task type for this folder.';
  } else if (error.code === 'INVALID_TASK_TYPE') {
    action = 'Choose one of the task types offered for this kind of file in the folder settings.';
  }
  if (action === undefined) return error;
  return new AuthentaError({
    code: error.code,
    kind: error.kind,
    status: error.status,
    mid: error.mid,
    retryAfterMs: error.retryAfterMs,
    quota: error.quota,
    message: message ?? error.message,
    action,
    cause: error,
  });
}

/** The Jobs API v1 over HTTP. One instance per profile; stateless between calls. */
export class JobsClient {
  /** The canonical base URL (ends in /api); the jobs routes are `/v1/jobs` under it. */
  readonly baseUrl: string;
  private readonly http: AuthentaClient;
  private readonly credentialsKind: Credentials['kind'];

  /** Same options as the media client; the credentials must be an API key. */
  constructor(options: AuthentaClientOptions) {
    this.http = new AuthentaClient(options);
    this.baseUrl = this.http.baseUrl;
    this.credentialsKind = options.credentials.kind;
  }

  /** `POST /v1/jobs?taskTypeId=N` with one input: a job in `created` with its upload URL. A Mutation call. */
  createJob(
    taskTypeId: number,
    input: JobInputRequest,
    signal?: AbortSignal,
  ): Promise<ApiAnswer<CreateJobAnswer>> {
    const q = new URLSearchParams({ taskTypeId: String(taskTypeId) });
    const body = {
      inputs: [
        {
          contentType: input.contentType,
          fileName: input.fileName,
          sizeBytes: input.sizeBytes,
          slotName: input.slotName ?? ORIGINAL_SLOT,
        },
      ],
    };
    return this.send(
      'create',
      () =>
        this.http.request('POST', `/v1/jobs?${q.toString()}`, '/v1/jobs', CreateJobAnswerSchema, {
          body,
          signal,
        }),
      { taskTypeId },
    );
  }

  /**
   * `POST /v1/jobs/{id}/finalize`: processing (and the credit) starts. A Mutation call. `data` is
   * the job when the answer carries one, else null.
   */
  finalize(id: string, signal?: AbortSignal): Promise<ApiAnswer<Job | null>> {
    return this.jobAction('finalize', id, signal);
  }

  /** `GET /v1/jobs/{id}`: one job, with `result` once completed. A Query call. */
  getJob(id: string, signal?: AbortSignal): Promise<ApiAnswer<Job>> {
    return this.send('get', () =>
      this.http.request('GET', `/v1/jobs/${encodeURIComponent(id)}`, '/v1/jobs/:id', JobSchema, {
        id,
        signal,
      }),
    );
  }

  /**
   * `GET /v1/jobs?page&limit&status`: a page of the account's jobs, newest first. A Query call.
   * A page below 1 or a limit outside 1..100 fails as `invalid` before anything is sent.
   */
  listJobs(query: ListJobsQuery, signal?: AbortSignal): Promise<ApiAnswer<JobListAnswer>> {
    const { page, limit, status } = query;
    if (!Number.isSafeInteger(page) || page < 1 || !Number.isSafeInteger(limit) || limit < 1) {
      return Promise.reject(badQuery(`page ${page} and limit ${limit} must be whole numbers from 1`));
    }
    if (limit > MAX_JOBS_PAGE_LIMIT) {
      return Promise.reject(badQuery(`limit ${limit} is above the API's maximum of ${MAX_JOBS_PAGE_LIMIT}`));
    }
    const q = new URLSearchParams({ page: String(page), limit: String(limit) });
    if (status) q.set('status', status);
    return this.send('list', () =>
      this.http.request('GET', `/v1/jobs?${q.toString()}`, '/v1/jobs', JobListAnswerSchema, { signal }),
    );
  }

  /** `POST /v1/jobs/{id}/cancel`; a finished job answers 409 (kind `invalid`). A Mutation call. */
  cancel(id: string, signal?: AbortSignal): Promise<ApiAnswer<Job | null>> {
    return this.jobAction('cancel', id, signal);
  }

  /** `DELETE /v1/jobs/{id}` (answers 204). A Mutation call; needs the delete permission. */
  async deleteJob(id: string, signal?: AbortSignal): Promise<void> {
    await this.send('delete', () =>
      this.http.request('DELETE', `/v1/jobs/${encodeURIComponent(id)}`, '/v1/jobs/:id', null, {
        id,
        signal,
      }),
    );
  }

  /**
   * Streams a file to an input's pre-signed URL (the media client's upload: exact Content-Type and
   * Content-Length, no API headers, never buffered). `mid` names the job in errors.
   */
  upload(uploadUrl: string, source: UploadSource, options: ClientUploadOptions = {}): Promise<UploadReceipt> {
    return this.http.upload(uploadUrl, source, options);
  }

  private async jobAction(
    op: 'finalize' | 'cancel',
    id: string,
    signal: AbortSignal | undefined,
  ): Promise<ApiAnswer<Job | null>> {
    const answer = await this.send(op, () =>
      this.http.request('POST', `/v1/jobs/${encodeURIComponent(id)}/${op}`, `/v1/jobs/:id/${op}`, null, {
        id,
        signal,
      }),
    );
    const parsed = JobSchema.safeParse(answer.raw);
    return { data: parsed.success ? parsed.data : null, raw: answer.raw, status: answer.status };
  }

  private async send<T>(
    op: JobsOperation,
    run: () => Promise<T>,
    context: { taskTypeId?: number } = {},
  ): Promise<T> {
    if (this.credentialsKind !== 'apikey') throw apiKeyRequiredError();
    try {
      return await run();
    } catch (e) {
      throw isAuthentaError(e) ? refineJobsError(e, op, context) : e;
    }
  }
}

function badQuery(why: string): AuthentaError {
  return new AuthentaError({
    code: 'BAD_QUERY',
    kind: 'invalid',
    message: `A job list was asked for wrongly: ${why}`,
  });
}
