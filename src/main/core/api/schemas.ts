/**
 * Schemas of every answer the media API gives (authenta-api.md, sections 1 and 2). Objects are
 * loose: fields this app does not know yet survive parsing, and callers keep the raw JSON too.
 * Fields the vendor does not promise are optional and nullable, numbers may come as numeric strings.
 */
import { z } from 'zod';

/** A number, also when an API sends it as a numeric string ("0.93"). */
export const looseNumber = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v),
  z.number(),
);

/** A boolean, also when sent as "true"/"false". */
export const looseBoolean = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean(),
);

/** One face of a processed video. */
export const ParticipantAnswerSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  fake: looseBoolean,
  heatmap: z.string().nullish(),
});

/** A media record from `GET /media/{mid}` or one item of `GET /media`. */
export const MediaRecordSchema = z.looseObject({
  mid: z.string().min(1),
  name: z.string().nullish(),
  /** "Video" or "Image". */
  type: z.string().nullish(),
  status: z.string().min(1),
  modelType: z.string().nullish(),
  createdAt: z.string().nullish(),
  // Video verdict.
  faces: looseNumber.nullish(),
  deepFakes: looseNumber.nullish(),
  participants: z.array(ParticipantAnswerSchema).nullish(),
  resultURL: z.string().nullish(),
  // Image verdict.
  fake: looseBoolean.nullish(),
  confidence: looseNumber.nullish(),
  srcURL: z.string().nullish(),
});
export type MediaRecord = z.infer<typeof MediaRecordSchema>;

/** The answer of `POST /media`: a record in INITED with its pre-signed upload URL. */
export const CreateMediaAnswerSchema = z.looseObject({
  mid: z.string().min(1),
  name: z.string().nullish(),
  type: z.string().nullish(),
  status: z.string().nullish(),
  modelType: z.string().nullish(),
  createdAt: z.string().nullish(),
  uploadUrl: z.string().min(1),
  /** Seconds the upload URL stays valid (not always sent). */
  expiresIn: looseNumber.nullish(),
});
export type CreateMediaAnswer = z.infer<typeof CreateMediaAnswerSchema>;

/** The answer of `GET /media`. */
export const MediaListAnswerSchema = z.looseObject({
  limit: looseNumber.nullish(),
  offset: looseNumber.nullish(),
  total: looseNumber,
  data: z.array(MediaRecordSchema),
});
export type MediaListAnswer = z.infer<typeof MediaListAnswerSchema>;

/** Error body of the client-credentials generation: `{code, type, message}`. */
export const ClientErrorBodySchema = z.looseObject({
  code: z.string().min(1),
  type: z.string(),
  message: z.string().nullish(),
});

/** Error body of the API-key generation: `{code, statusCode, message}`. */
export const ApiKeyErrorBodySchema = z.looseObject({
  code: z.string().min(1),
  statusCode: looseNumber,
  message: z.string().nullish(),
});

/** Either error family, or any JSON object with a string `code`. */
export const ApiErrorBodySchema = z.looseObject({
  code: z.string().min(1),
  type: z.string().nullish(),
  statusCode: looseNumber.nullish(),
  message: z.string().nullish(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;
