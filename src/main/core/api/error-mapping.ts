/**
 * Pure translation of every way a call can fail (an API error body of either family, an S3 XML
 * error, a bare HTTP status, a network fault, a timeout) into one AuthentaError with a kind.
 */
import type { ErrorKind } from '../../../shared/domain';
import { AuthentaError, type QuotaKind } from './errors';
import { ApiErrorBodySchema } from './schemas';

/** The kind each known API code means; both generations' codes map onto the same kinds. */
export const API_CODE_KINDS: Readonly<Record<string, ErrorKind>> = {
  IAM001: 'auth',
  INVALID_API_KEY: 'auth',
  IAM002: 'permission',
  FORBIDDEN: 'permission',
  AA001: 'quota',
  U007: 'credits',
  INSUFFICIENT_BALANCE: 'credits',
  JOB_NOT_FOUND: 'not-found',
  INVALID_TASK_TYPE: 'invalid',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported',
};

/** What we tell people for each known code, when the API's own text is terse. */
const API_CODE_MESSAGES: Readonly<Record<string, string>> = {
  IAM001: 'Authenta did not accept the client ID or secret',
  INVALID_API_KEY: 'Authenta did not accept the API key',
  IAM002: 'This API key lacks the permission for this action',
  FORBIDDEN: 'This API key lacks the permission for this action',
  U007: 'The Authenta account has not enough credits to process more files',
  INSUFFICIENT_BALANCE: 'The Authenta account has not enough credits to process more files',
};

/** The quota a call spends: GET (and HEAD) read the Query quota, everything else the Mutation quota. */
export function quotaOfMethod(method: string): QuotaKind {
  const m = method.toUpperCase();
  return m === 'GET' || m === 'HEAD' ? 'query' : 'mutation';
}

/**
 * Milliseconds a Retry-After header asks to wait (delta-seconds or an HTTP date), or null when
 * absent or unreadable. Never negative.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value == null) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/** The kind a bare HTTP status means when the body names no known code. */
export function kindOfStatus(status: number): ErrorKind {
  if (status === 401) return 'auth';
  if (status === 402) return 'credits';
  if (status === 403) return 'permission';
  if (status === 404 || status === 410) return 'not-found';
  // A request timeout and a generic rate limit (not AA001) are worth another try later.
  if (status === 408 || status === 429) return 'transient';
  if (status === 415) return 'unsupported';
  if (status >= 500) return 'transient';
  return 'invalid';
}

export interface HttpErrorAnswer {
  status: number;
  /** The body as text (possibly empty, possibly not JSON). */
  bodyText: string;
  method: string;
  retryAfter?: string | null;
  mid?: string | null;
  nowMs: number;
}

/** Maps a non-2xx answer of the Authenta API (either error family, or none) to an AuthentaError. */
export function errorFromApiAnswer(answer: HttpErrorAnswer): AuthentaError {
  const { status, method } = answer;
  const body = parseJsonErrorBody(answer.bodyText);
  const code = body?.code ?? `HTTP_${status}`;
  const kind = (body && API_CODE_KINDS[body.code]) ?? kindOfStatus(status);
  const quota = kind === 'quota' ? quotaOfMethod(method) : null;
  const retryAfterMs = parseRetryAfter(answer.retryAfter, answer.nowMs);
  const mid = answer.mid ?? (typeof body?.['mid'] === 'string' ? body['mid'] : null);

  let message: string;
  if (kind === 'quota' && quota) {
    message = `The Authenta ${quota === 'query' ? 'Query' : 'Mutation'} quota is used up (${code})`;
  } else {
    const known = body ? API_CODE_MESSAGES[body.code] : undefined;
    const given = body?.message?.trim() || statusText(status);
    message = known ? `${known} (${code}: ${given})` : `Authenta answered ${status}: ${given} (${code})`;
  }
  return new AuthentaError({ code, kind, status, message, mid, retryAfterMs, quota });
}

function parseJsonErrorBody(
  text: string,
): (ReturnType<typeof ApiErrorBodySchema.parse> & Record<string, unknown>) | null {
  if (text.trim() === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ApiErrorBodySchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** Code and message of an S3 XML error body (`<Error><Code>..</Code><Message>..</Message>`), or null. */
export function parseS3ErrorXml(text: string): { code: string; message: string } | null {
  const code = /<Code>\s*([^<]*?)\s*<\/Code>/i.exec(text)?.[1];
  if (!code) return null;
  const message = /<Message>\s*([^<]*?)\s*<\/Message>/i.exec(text)?.[1] ?? '';
  return { code: decodeXml(code), message: decodeXml(message) };
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** S3 codes that are worth another try with the same URL. */
const S3_TRANSIENT = new Set([
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'IncompleteBody',
  'OperationAborted',
]);
/** S3 codes that mean the pre-signed URL no longer works: ask for a new one. */
const S3_EXPIRED = new Set(['ExpiredToken', 'TokenRefreshRequired']);

export interface S3ErrorAnswer {
  status: number;
  bodyText: string;
  retryAfter?: string | null;
  mid?: string | null;
  nowMs: number;
}

/** Maps a non-2xx answer of a pre-signed S3 PUT to an AuthentaError (expired URL, bad signature, ...). */
export function errorFromS3Answer(answer: S3ErrorAnswer): AuthentaError {
  const { status } = answer;
  const s3 = parseS3ErrorXml(answer.bodyText);
  const retryAfterMs = parseRetryAfter(answer.retryAfter, answer.nowMs);
  const mid = answer.mid ?? null;
  if (!s3) {
    const kind = status >= 500 || status === 408 || status === 429 ? 'transient' : 'invalid';
    return new AuthentaError({
      code: `HTTP_${status}`,
      kind: status === 404 ? 'not-found' : kind,
      status,
      mid,
      retryAfterMs,
      message: `The upload was refused: storage answered ${status} ${statusText(status)}`,
    });
  }
  const expired = S3_EXPIRED.has(s3.code) || (s3.code === 'AccessDenied' && /expired/i.test(s3.message));
  let kind: ErrorKind;
  let message: string;
  if (expired) {
    kind = 'expired-url';
    message = `The upload URL has expired (${s3.code}: ${s3.message || 'expired'})`;
  } else if (S3_TRANSIENT.has(s3.code) || status >= 500) {
    kind = 'transient';
    message = `The storage service failed the upload for now (${s3.code}: ${s3.message})`;
  } else if (s3.code === 'SignatureDoesNotMatch') {
    kind = 'invalid';
    message = `The upload does not match what the record was created for; most often its content type differs (${s3.code}: ${s3.message})`;
  } else {
    kind = status === 404 ? 'not-found' : 'invalid';
    message = `The upload was refused (${s3.code}: ${s3.message || statusText(status)})`;
  }
  return new AuthentaError({ code: s3.code, kind, status, mid, retryAfterMs, message });
}

/** Error codes of a failed connection (no answer) that are worth another try. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The first `code` property along an error's cause chain (fetch wraps the socket's error). */
export function systemErrorCode(e: unknown): string | null {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * Maps an error thrown before any answer arrived (connection refused or reset, DNS, TLS) to an
 * AuthentaError. `what` names the call for the message ("Authenta", "the upload").
 */
export function errorFromNetwork(e: unknown, what: string, mid: string | null = null): AuthentaError {
  const sys = systemErrorCode(e);
  const detail = sys ?? (e instanceof Error ? e.message : String(e));
  if (sys && /CERT|SSL|TLS|SELF_SIGNED/i.test(sys)) {
    return new AuthentaError({
      code: 'TLS',
      kind: 'invalid',
      mid,
      cause: e,
      message: `The secure connection to ${what} failed (${sys}): the server's certificate is not trusted`,
      action: 'Check the API address of this profile; a proxy may be intercepting HTTPS.',
    });
  }
  const transient = sys === null || NETWORK_CODES.has(sys) || sys.startsWith('UND_ERR');
  const reset = sys === 'ECONNRESET' || sys === 'EPIPE' || sys === 'UND_ERR_SOCKET';
  return new AuthentaError({
    code: reset ? 'RESET' : 'NETWORK',
    kind: transient ? 'transient' : 'invalid',
    mid,
    cause: e,
    message: reset ? `The connection to ${what} was cut (${detail})` : `Could not reach ${what} (${detail})`,
    action: transient
      ? 'Nothing to do if the network comes back: it will be retried automatically.'
      : undefined,
  });
}

/** Codes of a connection that never reached the proxy (as opposed to one cut later). */
const PROXY_UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * The proxy's own failure, when a request through `proxy` failed before any answer: the proxy
 * cannot be reached (kind 'proxy', code PROXY_UNREACHABLE), or it refused the tunnel (undici's
 * "Proxy response (407)", see proxyAnswerError). Null when the error is not the proxy's (a reset
 * mid-way is the network's). Pure; the proxy's credentials never reach the message.
 */
export function errorFromProxy(
  e: unknown,
  proxy: string,
  target: URL,
  mid: string | null = null,
): AuthentaError | null {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const m = /Proxy response \((\d+)\)/.exec((cur as { message?: unknown }).message as string);
    if (m) return proxyAnswerError(Number(m[1]), proxy, target, mid);
    cur = (cur as { cause?: unknown }).cause;
  }
  const sys = systemErrorCode(e);
  if (!sys || !PROXY_UNREACHABLE_CODES.has(sys)) return null;
  return new AuthentaError({
    code: 'PROXY_UNREACHABLE',
    kind: 'proxy',
    mid,
    cause: e,
    message: `The proxy ${proxyHost(proxy)} cannot be reached (${sys})`,
    action:
      'Check the proxy address (HTTPS_PROXY, or the system proxy settings) and that the proxy is running; the next try is automatic.',
  });
}

/**
 * The error for a proxy that answered instead of passing the request on: 407 (it wants a user
 * name and password, or did not accept the ones given) or a refused CONNECT tunnel. Pure.
 */
export function proxyAnswerError(
  status: number,
  proxy: string,
  target: URL,
  mid: string | null = null,
): AuthentaError {
  const host = proxyHost(proxy);
  if (status === 407) {
    const gaveCredentials = hasCredentials(proxy);
    return new AuthentaError({
      code: 'PROXY_AUTH',
      kind: 'proxy',
      status,
      mid,
      message: gaveCredentials
        ? `The proxy ${host} did not accept its user name and password (407 Proxy Authentication Required)`
        : `The proxy ${host} asks for a user name and password (407 Proxy Authentication Required)`,
      action:
        'Put the proxy user name and password in the proxy address (HTTPS_PROXY=http://user:password@host:port) or ask IT to let this computer through, then resume.',
    });
  }
  return new AuthentaError({
    code: 'PROXY_REFUSED',
    kind: 'proxy',
    status,
    mid,
    message: `The proxy ${host} refused to connect to ${target.host} (HTTP ${status})`,
    action: `Ask IT to allow ${target.host} through the proxy, or add it to NO_PROXY if it can be reached without the proxy; the next try is automatic.`,
  });
}

/** The proxy's host and port, never its credentials. */
function proxyHost(proxy: string): string {
  try {
    return new URL(proxy).host;
  } catch {
    return '(unreadable address)';
  }
}

function hasCredentials(proxy: string): boolean {
  try {
    const u = new URL(proxy);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/** A call that got no answer in time. */
export function timeoutError(what: string, ms: number, mid: string | null = null): AuthentaError {
  return new AuthentaError({
    code: 'TIMEOUT',
    kind: 'transient',
    mid,
    message: `${what} did not answer within ${Math.round(ms / 1000)} s`,
  });
}

/** A call the caller cancelled (pause, shutdown). Never retried. */
export function abortedError(what: string, mid: string | null = null, reason?: unknown): AuthentaError {
  return new AuthentaError({
    code: 'ABORTED',
    kind: 'local',
    mid,
    cause: reason,
    message: `${what} was cancelled`,
    action: 'Nothing to do: it resumes when the queue does.',
  });
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    402: 'Payment Required',
    403: 'Forbidden',
    404: 'Not Found',
    408: 'Request Timeout',
    409: 'Conflict',
    410: 'Gone',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return texts[status] ?? `HTTP ${status}`;
}
