/**
 * Schemas of every answer the Jobs API v1 gives (authenta-api.md, section 3). Objects are loose
 * (unknown fields survive, callers keep the raw JSON too); fields the vendor does not promise are
 * optional and nullable, and numbers may come as numeric strings.
 */
import { z } from 'zod';
import { looseBoolean, looseNumber } from './schemas';

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

/** One input slot of a job; `uploadUrl` is present while the job still waits for its bytes. */
export const JobInputSchema = z.looseObject({
  slotName: z.string().nullish(),
  fileName: z.string().nullish(),
  contentType: z.string().nullish(),
  sizeBytes: looseNumber.nullish(),
  uploaded: looseBoolean.nullish(),
  uploadUrl: z.string().nullish(),
  /** Seconds the upload URL stays valid (not always sent). */
  expiresIn: looseNumber.nullish(),
});
export type JobInput = z.infer<typeof JobInputSchema>;

/** The `result` of a completed job, e.g. `{confidence: 0.98, isAiGenerated: true, analysisDetails}`. */
export const JobResultSchema = z.looseObject({
  confidence: looseNumber.nullish(),
  isAiGenerated: looseBoolean.nullish(),
  analysisDetails: z.unknown().optional(),
});
export type JobResult = z.infer<typeof JobResultSchema>;

/**
 * A job from `GET /v1/jobs/{id}`, one item of `GET /v1/jobs`, or the answer of finalize and
 * cancel. `result` stays unparsed here so an unexpected shape never hides the job's status.
 */
export const JobSchema = z.looseObject({
  jobId: z.string().min(1),
  taskTypeId: looseNumber.nullish(),
  taskTypeSlug: z.string().nullish(),
  status: z.string().min(1),
  createdAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
  completedAt: z.string().nullish(),
  inputs: z.array(JobInputSchema).nullish(),
  result: z.unknown().optional(),
  errorMessage: z.string().nullish(),
});
export type Job = z.infer<typeof JobSchema>;

/** The answer of `POST /v1/jobs`: a job in `created` with one pre-signed URL per input. */
export const CreateJobAnswerSchema = JobSchema.extend({
  inputs: z.array(JobInputSchema.extend({ uploadUrl: z.string().min(1) })).min(1),
});
export type CreateJobAnswer = z.infer<typeof CreateJobAnswerSchema>;

/** `pagination` of `GET /v1/jobs`. */
export const PaginationSchema = z.looseObject({
  page: looseNumber.nullish(),
  limit: looseNumber.nullish(),
  total: looseNumber,
  pages: looseNumber.nullish(),
});
export type Pagination = z.infer<typeof PaginationSchema>;

/** The answer of `GET /v1/jobs?page&limit&status`: `{data, pagination}`. */
export const JobListAnswerSchema = z.looseObject({
  data: z.array(JobSchema),
  pagination: PaginationSchema,
});
export type JobListAnswer = z.infer<typeof JobListAnswerSchema>;
