/**
 * Pure rules of the simulator: who may call (identity, permission, quota, credits, in that order),
 * the error bodies of both API families, and validation of request bodies and queries.
 */
import type { Permission, QuotaKind } from './types';

/** Error family: client credentials answer `{code, type, message}`, API keys `{code, statusCode, message}`. */
export type Family = 'client' | 'apikey';

/** An error answer, ready to send. */
export interface ApiError {
  status: number;
  code: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Generic error kinds both families know. */
export type ErrorKind =
  'auth' | 'permission' | 'quota' | 'credits' | 'notFound' | 'invalid' | 'route' | 'server';

const CLIENT_ERRORS: Record<ErrorKind, { code: string; status: number; type: string; message: string }> = {
  auth: { code: 'IAM001', status: 401, type: 'UNAUTHENTICATED', message: 'You are not authenticated' },
  permission: { code: 'IAM002', status: 403, type: 'UNAUTHORIZED', message: 'You are not authorized' },
  quota: { code: 'AA001', status: 429, type: 'CLIENT_ERROR', message: 'API limit reached' },
  credits: { code: 'U007', status: 400, type: 'CLIENT_ERROR', message: 'Insufficient credits' },
  notFound: { code: 'M001', status: 404, type: 'NOT_FOUND', message: 'Media not found' },
  invalid: { code: 'V001', status: 400, type: 'CLIENT_ERROR', message: 'Invalid request' },
  route: { code: 'NOT_FOUND', status: 404, type: 'NOT_FOUND', message: 'No such route' },
  server: { code: 'SERVER_ERROR', status: 500, type: 'SERVER_ERROR', message: 'Internal server error' },
};

const KEY_ERRORS: Record<ErrorKind, { code: string; status: number; message: string }> = {
  auth: { code: 'INVALID_API_KEY', status: 401, message: 'Invalid or missing API key' },
  permission: { code: 'FORBIDDEN', status: 403, message: 'This API key lacks the permission for this call' },
  quota: { code: 'RATE_LIMITED', status: 429, message: 'Too many requests' },
  credits: { code: 'INSUFFICIENT_BALANCE', status: 402, message: 'Insufficient balance' },
  notFound: { code: 'MEDIA_NOT_FOUND', status: 404, message: 'Media not found' },
  invalid: { code: 'VALIDATION_ERROR', status: 400, message: 'Invalid request' },
  route: { code: 'NOT_FOUND', status: 404, message: 'No such route' },
  server: { code: 'INTERNAL_ERROR', status: 500, message: 'Internal server error' },
};

/** The error answer of `kind` in `family`'s shape; `message` replaces the default text. */
export function apiError(family: Family, kind: ErrorKind, message?: string): ApiError {
  if (family === 'client') {
    const e = CLIENT_ERRORS[kind];
    return {
      status: e.status,
      code: e.code,
      body: { code: e.code, type: e.type, message: message ?? e.message },
    };
  }
  const e = KEY_ERRORS[kind];
  return keyError(e.code, e.status, message ?? e.message);
}

/** An error in the API-key family's shape with an explicit code (Jobs API codes). */
export function keyError(code: string, status: number, message: string): ApiError {
  return { status, code, body: { code, statusCode: status, message } };
}

/** An injected 5xx: 503 with Retry-After when `retryAfterSec` is set, else 500. */
export function injectedServerError(family: Family, retryAfterSec: number | null): ApiError {
  if (retryAfterSec === null)
    return apiError(family, 'server', 'Internal server error (injected by the simulator)');
  const message = 'Service temporarily unavailable (injected by the simulator)';
  const err: ApiError =
    family === 'client'
      ? {
          status: 503,
          code: 'SERVICE_UNAVAILABLE',
          body: { code: 'SERVICE_UNAVAILABLE', type: 'SERVER_ERROR', message },
        }
      : keyError('SERVICE_UNAVAILABLE', 503, message);
  return { ...err, headers: { 'retry-after': String(retryAfterSec) } };
}

/** A principal the server knows. */
export interface Principal {
  family: Family;
  /** Client id, or a redacted form of the key (never the key itself). */
  id: string;
  permissions: ReadonlySet<Permission>;
}

/** What the server knows of its callers. */
export interface AccountBook {
  clients: ReadonlyMap<string, { secret: string; permissions: ReadonlySet<Permission> }>;
  keys: ReadonlyMap<string, { permissions: ReadonlySet<Permission> }>;
}

/** Header values as Node gives them. */
export type Headers = Record<string, string | string[] | undefined>;

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The API key from `Authorization: Bearer <key>`, or null. */
export function bearerKey(h: Headers): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header(h, 'authorization') ?? '');
  return m?.[1] ?? null;
}

/**
 * The family a request speaks: the Jobs API only knows API keys; the media API takes API keys
 * when a Bearer header comes without client headers, and client credentials otherwise.
 */
export function familyOf(h: Headers, keysOnly: boolean): Family {
  if (keysOnly) return 'apikey';
  if (header(h, 'x-client-id') === undefined && bearerKey(h) !== null) return 'apikey';
  return 'client';
}

/** Who is calling, or the auth error (IAM001 / INVALID_API_KEY). */
export function identify(h: Headers, family: Family, book: AccountBook): Principal | ApiError {
  if (family === 'apikey') {
    const key = bearerKey(h);
    const entry = key === null ? undefined : book.keys.get(key);
    if (key === null || !entry) return apiError('apikey', 'auth');
    return { family, id: redactKey(key), permissions: entry.permissions };
  }
  const id = header(h, 'x-client-id');
  const client = id === undefined ? undefined : book.clients.get(id);
  if (id === undefined || !client) return apiError('client', 'auth');
  const secret = header(h, 'x-client-secret');
  if (secret === undefined || secret !== client.secret) return apiError('client', 'auth');
  return { family, id, permissions: client.permissions };
}

/** A key shortened so it can appear in logs: its prefix and last four characters. */
export function redactKey(key: string): string {
  return key.length <= 12 ? '***' : `${key.slice(0, 7)}...${key.slice(-4)}`;
}

/** What a route demands of its caller. */
export interface Demand {
  permission: Permission;
  quota: QuotaKind;
  /** The call creates something that will need a credit (POST /media, POST /v1/jobs). */
  needsCredit: boolean;
}

/** Quota state of the current window; a limit of undefined is unlimited. */
export interface QuotaState {
  limit: { query?: number; mutation?: number };
  used: { query: number; mutation: number };
}

/**
 * After identity: permission, then quota (client credentials only), then credits. Returns the
 * error to answer, or null when the call may go ahead (the caller then charges the quota).
 */
export function checkAccess(
  p: Principal,
  demand: Demand,
  quota: QuotaState,
  credits: number | null,
): ApiError | null {
  if (!p.permissions.has(demand.permission)) return apiError(p.family, 'permission');
  if (p.family === 'client') {
    const limit = quota.limit[demand.quota];
    if (limit !== undefined && quota.used[demand.quota] >= limit) return apiError('client', 'quota');
  }
  if (demand.needsCredit && credits !== null && credits <= 0) return apiError(p.family, 'credits');
  return null;
}

/** Content types the media API accepts, and the kind of media each is. */
export const MEDIA_CONTENT_TYPES: Readonly<Record<string, 'image' | 'video'>> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'video/mp4': 'video',
};

/** Models of the media API the simulator runs, and the kind of media each takes. */
export const MEDIA_MODELS: Readonly<Record<string, 'image' | 'video'>> = {
  'DF-1': 'video',
  'AC-1': 'image',
  'FD-1': 'image',
};

/** A valid `POST /media` body. */
export interface CreateMediaBody {
  name: string;
  contentType: string;
  size: number;
  modelType: string;
  kind: 'image' | 'video';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate a `POST /media` body; on failure, a message saying what to fix. */
export function validateCreateMedia(body: unknown): CreateMediaBody | { error: string } {
  if (!isRecord(body))
    return { error: 'The body must be a JSON object with name, contentType, size and modelType.' };
  const { name, contentType, size, modelType } = body;
  if (typeof name !== 'string' || name.trim() === '') return { error: '"name" must be a non-empty string.' };
  if (typeof contentType !== 'string' || !(contentType in MEDIA_CONTENT_TYPES))
    return {
      error: `"contentType" must be one of ${Object.keys(MEDIA_CONTENT_TYPES).join(', ')}; got ${JSON.stringify(contentType ?? null)}.`,
    };
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0)
    return {
      error: `"size" must be a positive integer number of bytes; got ${JSON.stringify(size ?? null)}.`,
    };
  if (typeof modelType !== 'string' || !(modelType in MEDIA_MODELS))
    return {
      error: `"modelType" must be one of ${Object.keys(MEDIA_MODELS).join(', ')}; got ${JSON.stringify(modelType ?? null)}.`,
    };
  const kind = MEDIA_CONTENT_TYPES[contentType]!;
  if (MEDIA_MODELS[modelType] !== kind)
    return {
      error: `Model ${modelType} analyses ${MEDIA_MODELS[modelType]} media, but ${contentType} is ${kind === 'image' ? 'an image' : 'a video'}: use ${kind === 'video' ? 'DF-1' : 'AC-1 or FD-1'}.`,
    };
  return { name, contentType, size, modelType, kind };
}

/** Parse a non-negative integer query parameter; `fallback` when absent, null when malformed. */
export function intParam(value: string | null, fallback: number): number | null {
  if (value === null || value === '') return fallback;
  if (!/^\d{1,9}$/.test(value)) return null;
  return Number(value);
}

/** Default and largest page size of `GET /media` and `GET /v1/jobs`. */
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

/** Validate `limit` and `offset` of `GET /media`. */
export function parseMediaListQuery(
  q: URLSearchParams,
): { limit: number; offset: number } | { error: string } {
  const limit = intParam(q.get('limit'), DEFAULT_LIMIT);
  const offset = intParam(q.get('offset'), 0);
  if (limit === null || limit < 1 || limit > MAX_LIMIT)
    return { error: `"limit" must be an integer from 1 to ${MAX_LIMIT}.` };
  if (offset === null) return { error: '"offset" must be a non-negative integer.' };
  return { limit, offset };
}
