/**
 * The Jobs API v1 of the simulator (issue 6): create a job with its inputs, PUT each input to its
 * pre-signed URL, finalize (processing and the credit start only then), poll, list, cancel,
 * delete. API keys only; errors `{code, statusCode, message}`.
 */
import { randomUUID } from 'node:crypto';
import {
  CREATE,
  READ,
  REMOVE,
  WRITE,
  type ApiContext,
  type RouteDef,
  type SimHost,
  type SimMediaKind,
} from './host';
import { apiError, intParam, keyError, MAX_LIMIT } from './rules';
import { decideOutcome, findMarker, type Outcome } from './verdict';

/** Statuses of a job, in the order a job normally passes them. */
export const JOB_STATUSES = [
  'created',
  'waiting_for_finalize',
  'queued',
  'processing',
  'completed',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A task type the simulator runs: its slug, the media it accepts and the kind of processing. */
export interface TaskType {
  id: number;
  slug: string;
  contentTypes: readonly string[];
  kind: SimMediaKind;
  /** Face-based: the result lists faces and participants. */
  faceBased: boolean;
}

/** Task types 1..6 of the Jobs API (authenta-api.md, section 3). */
export const TASK_TYPES: ReadonlyMap<number, TaskType> = new Map(
  (
    [
      [1, 'ai-image', ['image/jpeg', 'image/png'], 'image', false],
      [
        2,
        'ai-audio',
        ['audio/mpeg', 'audio/wav', 'audio/x-wav', 'audio/wave', 'audio/mp4', 'audio/x-m4a'],
        'audio',
        false,
      ],
      [3, 'ai-video', ['video/mp4', 'video/quicktime'], 'video', false],
      [4, 'faceswap', ['video/mp4', 'video/quicktime', 'video/webm'], 'video', true],
      [5, 'image-forgery', ['image/jpeg', 'image/png'], 'image', false],
      [6, 'document', ['image/jpeg', 'image/png', 'application/pdf'], 'document', false],
    ] as const
  ).map(([id, slug, contentTypes, kind, faceBased]) => [id, { id, slug, contentTypes, kind, faceBased }]),
);

/** Task types the vendor documents that the simulator does not run (answered 400 INVALID_TASK_TYPE). */
export const UNSIMULATED_TASK_TYPES: ReadonlyMap<number, string> = new Map([
  [7, 'liveness'],
  [8, 'face-intelligence'],
  [9, 'face-embedding'],
  [10, 'audio-splitter'],
  [11, 'ekyc-deepfake'],
]);

/** Default validity of a job's upload URL ("about an hour"). */
export const JOB_URL_EXPIRY_SEC = 3600;
/** Default page size of `GET /v1/jobs`. */
export const DEFAULT_JOB_PAGE = 20;

interface JobInput {
  slotName: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  uploadUrl: string;
  expiresIn: number;
  uploaded: boolean;
  digest: Buffer | null;
  head: Buffer | null;
}

interface Job {
  jobId: string;
  task: TaskType;
  status: JobStatus;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  inputs: JobInput[];
  outcome: Outcome | null;
  errorMessage: string | null;
  timer: NodeJS.Timeout | null;
}

/** A valid create request. */
export interface CreateJobRequest {
  task: TaskType;
  inputs: { slotName: string; fileName: string; contentType: string; sizeBytes: number }[];
}

/** The error of a create request, ready to answer. */
export interface CreateJobError {
  code: 'INVALID_TASK_TYPE' | 'UNSUPPORTED_MEDIA_TYPE' | 'VALIDATION_ERROR';
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate `taskTypeId` and the body of `POST /v1/jobs`. */
export function validateCreateJob(
  taskTypeId: string | null,
  body: unknown,
): CreateJobRequest | CreateJobError {
  const id = taskTypeId !== null && /^\d{1,4}$/.test(taskTypeId) ? Number(taskTypeId) : NaN;
  const task = TASK_TYPES.get(id);
  if (!task) {
    const unsimulated = UNSIMULATED_TASK_TYPES.get(id);
    const known = [...TASK_TYPES.values()].map((t) => `${t.id} (${t.slug})`).join(', ');
    return {
      code: 'INVALID_TASK_TYPE',
      message: unsimulated
        ? `Task type ${id} (${unsimulated}) is not supported by the simulator; use one of ${known}.`
        : `taskTypeId must be one of ${known}; got ${JSON.stringify(taskTypeId)}.`,
    };
  }
  if (!isRecord(body) || !Array.isArray(body.inputs) || body.inputs.length === 0)
    return {
      code: 'VALIDATION_ERROR',
      message: 'The body must be {"inputs": [{contentType, fileName, sizeBytes, slotName}]}.',
    };
  if (body.inputs.length !== 1)
    return {
      code: 'VALIDATION_ERROR',
      message: 'The simulator takes exactly one input, in slot "original".',
    };
  const input: unknown = body.inputs[0];
  if (!isRecord(input)) return { code: 'VALIDATION_ERROR', message: 'inputs[0] must be an object.' };
  const { contentType, fileName, sizeBytes, slotName } = input;
  if (slotName !== 'original')
    return {
      code: 'VALIDATION_ERROR',
      message: `inputs[0].slotName must be "original"; got ${JSON.stringify(slotName ?? null)}.`,
    };
  if (typeof fileName !== 'string' || fileName.trim() === '')
    return { code: 'VALIDATION_ERROR', message: 'inputs[0].fileName must be a non-empty string.' };
  if (typeof sizeBytes !== 'number' || !Number.isSafeInteger(sizeBytes) || sizeBytes <= 0)
    return { code: 'VALIDATION_ERROR', message: 'inputs[0].sizeBytes must be a positive integer.' };
  if (typeof contentType !== 'string' || contentType === '')
    return {
      code: 'VALIDATION_ERROR',
      message: 'inputs[0].contentType must be a media type such as image/jpeg.',
    };
  if (!task.contentTypes.includes(contentType))
    return {
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `Task type ${task.id} (${task.slug}) accepts ${task.contentTypes.join(', ')}; got ${contentType}.`,
    };
  return { task, inputs: [{ slotName, fileName, contentType, sizeBytes }] };
}

/** The `result` of a completed job: `{confidence (0..1), isAiGenerated, analysisDetails}`. */
export function jobResult(
  task: TaskType,
  outcome: Extract<Outcome, { failed: false }>,
): Record<string, unknown> {
  const details: Record<string, unknown> = {
    model: task.slug,
    verdict: outcome.fake ? 'manipulated' : 'authentic',
    simulated: true,
  };
  if (task.faceBased) {
    details.faces = outcome.faces.length;
    details.deepFakes = outcome.faces.filter((f) => f.fake).length;
    details.participants = outcome.faces.map((f, i) => ({ id: i, fake: f.fake, confidence: f.confidence }));
    if (outcome.faces.length === 0) details.verdict = 'no_face';
  }
  return { confidence: outcome.confidence, isAiGenerated: outcome.fake, analysisDetails: details };
}

const TERMINAL: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);
const ID = '([^/]+)';

/** The Jobs API's state and routes, hosted by the simulator server. */
export class JobsApi {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly host: SimHost) {}

  routes(): RouteDef[] {
    const def = (
      method: string,
      path: string,
      pattern: string,
      demand: RouteDef['demand'],
      handler: RouteDef['handler'],
      creates = false,
    ): RouteDef => ({
      method,
      re: new RegExp(`^${path}/?$`),
      pattern,
      demand,
      handler,
      keysOnly: true,
      creates,
    });
    return [
      def('POST', '/v1/jobs', '/v1/jobs', CREATE, (c) => this.create(c), true),
      def('GET', '/v1/jobs', '/v1/jobs', READ, (c) => this.list(c)),
      def('GET', `/v1/jobs/${ID}`, '/v1/jobs/:id', READ, (c) => this.get(c)),
      def('POST', `/v1/jobs/${ID}/finalize`, '/v1/jobs/:id/finalize', WRITE, (c) => this.finalize(c)),
      def('POST', `/v1/jobs/${ID}/cancel`, '/v1/jobs/:id/cancel', WRITE, (c) => this.cancel(c)),
      def('DELETE', `/v1/jobs/${ID}`, '/v1/jobs/:id', REMOVE, (c) => this.remove(c)),
    ];
  }

  private uploadPath(jobId: string, slot: string): string {
    return `/s3/jobs/${jobId}/${slot}`;
  }

  private touch(job: Job, status: JobStatus): void {
    job.status = status;
    job.updatedAt = new Date().toISOString();
    if (status === 'completed' || status === 'failed') job.completedAt = job.updatedAt;
  }

  private json(job: Job, full: boolean): Record<string, unknown> {
    const o: Record<string, unknown> = {
      jobId: job.jobId,
      taskTypeId: job.task.id,
      taskTypeSlug: job.task.slug,
      status: job.status,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
    };
    if (job.completedAt) o.completedAt = job.completedAt;
    o.inputs = job.inputs.map((i) => ({
      slotName: i.slotName,
      fileName: i.fileName,
      contentType: i.contentType,
      sizeBytes: i.sizeBytes,
      uploaded: i.uploaded,
      ...(full && !i.uploaded && (job.status === 'created' || job.status === 'waiting_for_finalize')
        ? { uploadUrl: i.uploadUrl }
        : {}),
    }));
    if (job.status === 'completed' && job.outcome && !job.outcome.failed)
      o.result = jobResult(job.task, job.outcome);
    if (job.errorMessage) o.errorMessage = job.errorMessage;
    if (this.host.labelled()) o.simulated = true;
    return o;
  }

  private jobOr404(ctx: ApiContext): Job | undefined {
    const job = this.jobs.get(ctx.params[0] ?? '');
    if (!job)
      this.host.answer(
        ctx,
        keyError('JOB_NOT_FOUND', 404, `No job with id ${ctx.params[0] ?? ''} (it may have been deleted).`),
      );
    return job;
  }

  private async create(ctx: ApiContext): Promise<void> {
    const body = await this.host.readJson(ctx);
    if (!body) return;
    const v = validateCreateJob(ctx.url.searchParams.get('taskTypeId'), body.value);
    if ('code' in v) return this.host.answer(ctx, keyError(v.code, 400, v.message));
    const jobId = randomUUID();
    const now = new Date().toISOString();
    const expiresIn = this.host.expirySec(JOB_URL_EXPIRY_SEC);
    const expires = Math.floor(Date.now() / 1000) + expiresIn;
    const job: Job = {
      jobId,
      task: v.task,
      status: this.host.jobsWaitingAtCreate() ? 'waiting_for_finalize' : 'created',
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      inputs: [],
      outcome: null,
      errorMessage: null,
      timer: null,
    };
    for (const i of v.inputs) {
      const input: JobInput = { ...i, uploadUrl: '', expiresIn, uploaded: false, digest: null, head: null };
      input.uploadUrl = this.host.registerUpload(
        this.uploadPath(jobId, i.slotName),
        {
          grant: { id: jobId, object: i.slotName, contentType: i.contentType, size: i.sizeBytes },
          awaiting: () =>
            this.jobs.get(jobId) === job &&
            (job.status === 'created' || job.status === 'waiting_for_finalize') &&
            !input.uploaded,
          complete: (u) => {
            input.uploaded = true;
            input.digest = u.digest;
            input.head = u.head;
            if (job.inputs.every((x) => x.uploaded)) this.touch(job, 'waiting_for_finalize');
            else job.updatedAt = new Date().toISOString();
          },
        },
        expires,
      );
      job.inputs.push(input);
    }
    this.jobs.set(jobId, job);
    ctx.entry.mid = jobId;
    if (job.inputs[0]) ctx.entry.name = job.inputs[0].fileName;
    const shown = this.json(job, true);
    shown.inputs = job.inputs.map((i) => ({
      slotName: i.slotName,
      fileName: i.fileName,
      contentType: i.contentType,
      sizeBytes: i.sizeBytes,
      uploaded: false,
      uploadUrl: i.uploadUrl,
      expiresIn: i.expiresIn,
    }));
    this.host.ok(ctx, 201, shown);
  }

  private list(ctx: ApiContext): void {
    const q = ctx.url.searchParams;
    const page = intParam(q.get('page'), 1);
    const limit = intParam(q.get('limit'), DEFAULT_JOB_PAGE);
    const status = q.get('status');
    if (page === null || page < 1)
      return this.host.answer(ctx, apiError('apikey', 'invalid', '"page" must be an integer from 1.'));
    if (limit === null || limit < 1 || limit > MAX_LIMIT)
      return this.host.answer(
        ctx,
        apiError('apikey', 'invalid', `"limit" must be an integer from 1 to ${MAX_LIMIT}.`),
      );
    if (status !== null && status !== '' && !(JOB_STATUSES as readonly string[]).includes(status))
      return this.host.answer(
        ctx,
        apiError('apikey', 'invalid', `"status" must be one of ${JOB_STATUSES.join(', ')}; got ${status}.`),
      );
    const all = [...this.jobs.values()].reverse().filter((j) => !status || j.status === status);
    this.host.ok(ctx, 200, {
      data: all.slice((page - 1) * limit, page * limit).map((j) => this.json(j, false)),
      pagination: { page, limit, total: all.length, pages: Math.ceil(all.length / limit) },
    });
  }

  private get(ctx: ApiContext): void {
    const job = this.jobOr404(ctx);
    if (job) this.host.ok(ctx, 200, this.json(job, true));
  }

  private finalize(ctx: ApiContext): void {
    const job = this.jobOr404(ctx);
    if (!job) return;
    if (job.status === 'created') {
      const missing = job.inputs.filter((i) => !i.uploaded).map((i) => i.slotName);
      return this.host.answer(
        ctx,
        keyError(
          'JOB_INPUTS_MISSING',
          409,
          `Upload every input before finalize; still missing: ${missing.join(', ')}. PUT the file to its uploadUrl first.`,
        ),
      );
    }
    const missing = job.inputs.filter((i) => !i.uploaded).map((i) => i.slotName);
    if (job.status === 'waiting_for_finalize' && missing.length > 0)
      return this.host.answer(
        ctx,
        keyError(
          'UPLOAD_INCOMPLETE',
          400,
          `The storage has not received every input; still missing: ${missing.join(', ')}. PUT the file to its uploadUrl, then finalize again.`,
        ),
      );
    if (job.status !== 'waiting_for_finalize')
      return this.host.answer(
        ctx,
        keyError(
          'JOB_INVALID_STATE',
          409,
          `The job is ${job.status}; only a job waiting_for_finalize can be finalized.`,
        ),
      );
    if (!this.host.spendCredit())
      return this.host.answer(
        ctx,
        keyError(
          'INSUFFICIENT_BALANCE',
          402,
          'Insufficient balance: add credits, then finalize this job again.',
        ),
      );
    const input = job.inputs[0]!;
    const outcome = decideOutcome(
      input.digest!,
      findMarker(input.head!),
      job.task.faceBased,
      this.host.failShare(),
    );
    job.outcome = outcome;
    this.touch(job, 'queued');
    const total = this.host.processingMsFor(job.task.kind);
    const queuedMs = Math.min(Math.floor(total / 10), 500);
    job.timer = this.host.later(queuedMs, () => {
      if (job.status !== 'queued') return;
      this.touch(job, 'processing');
      job.timer = this.host.later(total - queuedMs, () => {
        if (job.status !== 'processing') return;
        job.timer = null;
        if (outcome.failed) {
          job.errorMessage = outcome.reason;
          this.touch(job, 'failed');
        } else this.touch(job, 'completed');
      });
    });
    this.host.ok(ctx, 200, this.json(job, true));
  }

  private cancel(ctx: ApiContext): void {
    const job = this.jobOr404(ctx);
    if (!job) return;
    if (TERMINAL.has(job.status))
      return this.host.answer(
        ctx,
        keyError('JOB_NOT_CANCELLABLE', 409, `The job is already ${job.status} and cannot be cancelled.`),
      );
    this.host.cancel(job.timer);
    job.timer = null;
    this.touch(job, 'cancelled');
    this.host.ok(ctx, 200, this.json(job, true));
  }

  private remove(ctx: ApiContext): void {
    const job = this.jobOr404(ctx);
    if (!job) return;
    this.host.cancel(job.timer);
    this.jobs.delete(job.jobId);
    for (const i of job.inputs) this.host.unregisterUpload(this.uploadPath(job.jobId, i.slotName));
    this.host.ok(ctx, 204, undefined);
  }
}
