/**
 * A typed client of the Authenta media API (authenta-api.md, sections 1 and 2): the four routes,
 * the streamed upload to the pre-signed URL, auth headers for both credential kinds, timeouts,
 * and one AuthentaError for every failure. It never retries by itself (see retry-policy.ts) and
 * never logs a secret or a pre-signed URL.
 */
import type { z } from 'zod';
import { createHash } from 'node:crypto';
import { fetch as undiciFetch } from 'undici';
import type { Clock, Credentials, Logger, UploadReceipt } from '../ports';
import { systemClock } from '../ports';
import { normaliseBaseUrl } from './base-url';
import {
  abortedError,
  errorFromApiAnswer,
  errorFromNetwork,
  errorFromProxy,
  proxyAnswerError,
  quotaOfMethod,
  timeoutError,
} from './error-mapping';
import { redactString } from '../logger';
import { AuthentaError, isAuthentaError, redactError } from './errors';
import {
  CreateMediaAnswerSchema,
  MediaListAnswerSchema,
  MediaRecordSchema,
  type CreateMediaAnswer,
  type MediaListAnswer,
  type MediaRecord,
} from './schemas';
import { openForUpload, streamUpload, type ClientUploadOptions, type UploadSource } from './upload-stream';
import { redactProxyUrl, type NetworkRoutes } from './proxy';
import type { UploadRateLimiter } from './upload-rate';

export {
  MIN_UPLOAD_BYTES_PER_SECOND,
  uploadTimeoutMs,
  type ClientUploadOptions,
  type UploadSource,
} from './upload-stream';

/** What the client reports about each call it made, so the engine can count calls per quota. */
export interface ApiCall {
  /** 'query' (GET) and 'mutation' (POST, DELETE) spend the API quotas; 'upload' spends none. */
  kind: 'query' | 'mutation' | 'upload';
  method: string;
  /** The route template: `/media`, `/media/:mid`, or `upload`. */
  route: string;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  /** The error code when it failed (IAM001, AA001, TIMEOUT, ...), null on success. */
  code: string | null;
  mid: string | null;
  durationMs: number;
}

export interface AuthentaClientOptions {
  /** Any accepted form; normalised with normaliseBaseUrl. */
  baseUrl: string;
  credentials: Credentials;
  logger?: Logger;
  /** Called once per request made, success or not. Must not throw. */
  onCall?: (call: ApiCall) => void;
  /** Timeout of each API call, the body included; default 30 s. */
  fetchTimeoutMs?: number;
  /** An upload that makes no progress this long fails as transient; default 60 s. */
  uploadIdleTimeoutMs?: number;
  clock?: Clock;
  network?: ClientNetwork;
}

/** How the client reaches the network: the proxy routes and the shared upload cap (both optional). */
export interface ClientNetwork {
  /** Which proxy each call and upload goes through; absent: all straight. */
  routes?: NetworkRoutes;
  /** The bandwidth cap every upload shares; absent: none. */
  uploadRate?: UploadRateLimiter;
}

/** The part of a fetch answer the client reads (global fetch's and undici's alike). */
interface FetchAnswer {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** A parsed answer and the JSON exactly as received. */
export interface ApiAnswer<T> {
  data: T;
  raw: unknown;
  status: number;
}

/** Body of `POST /media`. */
export interface CreateMediaRequest {
  name: string;
  contentType: string;
  size: number;
  modelType: string;
}

/** Default timeout of one API call. */
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000;
/** Default no-progress timeout of an upload. */
export const DEFAULT_UPLOAD_IDLE_TIMEOUT_MS = 60_000;
/** The auth headers of a request: two client headers, or one Bearer API key. */
export function authHeaders(credentials: Credentials): Record<string, string> {
  return credentials.kind === 'client'
    ? { 'x-client-id': credentials.clientId, 'x-client-secret': credentials.clientSecret }
    : { authorization: `Bearer ${credentials.apiKey}` };
}

/** The Authenta media API over HTTP. One instance per profile; stateless between calls. */
export class AuthentaClient {
  /** The canonical base URL (ends in /api). */
  readonly baseUrl: string;
  private readonly credentials: Credentials;
  private readonly logger: Logger | undefined;
  private readonly onCall: ((call: ApiCall) => void) | undefined;
  private readonly fetchTimeoutMs: number;
  private readonly uploadIdleTimeoutMs: number;
  private readonly clock: Clock;
  private readonly network: ClientNetwork;

  constructor(options: AuthentaClientOptions) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.credentials = options.credentials;
    this.logger = options.logger;
    this.onCall = options.onCall;
    this.fetchTimeoutMs = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    this.uploadIdleTimeoutMs = options.uploadIdleTimeoutMs ?? DEFAULT_UPLOAD_IDLE_TIMEOUT_MS;
    this.clock = options.clock ?? systemClock;
    this.network = options.network ?? {};
  }

  /** `POST /media`: creates a record in INITED with a pre-signed upload URL. A Mutation call. */
  createMedia(request: CreateMediaRequest, signal?: AbortSignal): Promise<ApiAnswer<CreateMediaAnswer>> {
    return this.call('POST', '/media', '/media', CreateMediaAnswerSchema, { body: request, signal });
  }

  /** `GET /media?limit&offset`: a page of the account's records. A Query call. */
  listMedia(
    page: { limit: number; offset: number },
    signal?: AbortSignal,
  ): Promise<ApiAnswer<MediaListAnswer>> {
    const q = new URLSearchParams({ limit: String(page.limit), offset: String(page.offset) });
    return this.call('GET', `/media?${q.toString()}`, '/media', MediaListAnswerSchema, { signal });
  }

  /** `GET /media/{mid}`: one record, with its verdict once PROCESSED. A Query call. */
  getMedia(mid: string, signal?: AbortSignal): Promise<ApiAnswer<MediaRecord>> {
    return this.call('GET', `/media/${encodeURIComponent(mid)}`, '/media/:mid', MediaRecordSchema, {
      mid,
      signal,
    });
  }

  /** `DELETE /media/{mid}`. A Mutation call; needs the delete permission. */
  async deleteMedia(mid: string, signal?: AbortSignal): Promise<void> {
    await this.call('DELETE', `/media/${encodeURIComponent(mid)}`, '/media/:mid', null, { mid, signal });
  }

  /**
   * One JSON call to any route under the base URL (the Jobs API client speaks through this), with
   * the same auth headers, timeout, error mapping, onCall report and logging as the media routes.
   * `route` is the template reported and logged; `id` names the record in errors (their `mid`).
   */
  request<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    pathAndQuery: string,
    route: string,
    schema: S | null,
    options: { body?: unknown; id?: string; signal?: AbortSignal } = {},
  ): Promise<ApiAnswer<z.infer<S>>> {
    return this.call(method, pathAndQuery, route, schema, {
      body: options.body,
      mid: options.id,
      signal: options.signal,
    });
  }

  /**
   * Streams the file to a pre-signed URL with a PUT carrying exactly its Content-Type and
   * Content-Length and no API headers. Never buffers the file. Fails with a 'local' error before
   * sending when the file's size no longer matches, and with an AuthentaError for every other failure.
   * Resolves with the sha256 of the bytes actually sent, hashed as they were read: the file may
   * have been rewritten under the upload.
   */
  async upload(
    uploadUrl: string,
    source: UploadSource,
    options: ClientUploadOptions = {},
  ): Promise<UploadReceipt> {
    const mid = options.mid ?? null;
    const started = this.clock.now();
    let url: URL;
    try {
      url = new URL(uploadUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(url.protocol);
    } catch {
      throw new AuthentaError({
        code: 'BAD_UPLOAD_URL',
        kind: 'invalid',
        mid,
        message: 'Authenta gave an upload URL that is not an http(s) address',
      });
    }
    if (options.signal?.aborted) throw abortedError('The upload', mid, options.signal.reason);

    const route = (await this.network.routes?.route(url)) ?? { proxy: null };
    const proxy =
      route.proxy && this.network.routes
        ? { url: route.proxy, agent: this.network.routes.uploadAgentFor(url, route.proxy) }
        : null;
    const handle = await openForUpload(source, mid);
    let status: number | null = null;
    const sent = createHash('sha256');
    try {
      await streamUpload(url, source, handle, options, (s) => (status = s), sent, {
        clock: this.clock,
        idleTimeoutMs: this.uploadIdleTimeoutMs,
        proxy,
        limiter: this.network.uploadRate,
      });
      this.report({ kind: 'upload', method: 'PUT', route: 'upload', status, code: null, mid, started });
      this.logger?.debug('Upload finished', {
        mid,
        bytes: source.size,
        host: url.host,
        ms: this.clock.now() - started,
      });
      return { sha256: sent.digest('hex'), bytes: source.size };
    } catch (e) {
      const error = this.scrub(isAuthentaError(e) ? e : errorFromNetwork(e, 'the storage service', mid));
      this.report({
        kind: 'upload',
        method: 'PUT',
        route: 'upload',
        status: error.status,
        code: error.code,
        mid,
        started,
      });
      this.logFailure('Upload failed', error, {
        host: url.host,
        ...(proxy ? { proxy: redactProxyUrl(proxy.url) } : {}),
      });
      throw error;
    }
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    pathAndQuery: string,
    route: string,
    schema: S | null,
    extra: { body?: unknown; mid?: string; signal?: AbortSignal | undefined },
  ): Promise<ApiAnswer<z.infer<S>>> {
    const mid = extra.mid ?? null;
    const started = this.clock.now();
    const kind = quotaOfMethod(method);
    const what = `Authenta (${method} ${route})`;
    if (extra.signal?.aborted) throw abortedError(what, mid, extra.signal.reason);

    const timeout = AbortSignal.timeout(this.fetchTimeoutMs);
    const signal = extra.signal ? AbortSignal.any([extra.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(this.credentials) };
    if (extra.body !== undefined) headers['content-type'] = 'application/json';

    let status: number | null = null;
    let proxy: string | null = null;
    try {
      let res: FetchAnswer;
      let text: string;
      const target = `${this.baseUrl}${pathAndQuery}`;
      try {
        const init = {
          method,
          headers,
          body: extra.body === undefined ? undefined : JSON.stringify(extra.body),
          // Never follow a redirect: the secret headers would go along to wherever it points.
          redirect: 'manual' as const,
          signal,
        };
        proxy = (await this.network.routes?.route(new URL(target)))?.proxy ?? null;
        res =
          proxy && this.network.routes
            ? await undiciFetch(target, { ...init, dispatcher: this.network.routes.dispatcherFor(proxy) })
            : await fetch(target, init);
        status = res.status;
        text = await res.text();
      } catch (e) {
        if (extra.signal?.aborted) throw abortedError(what, mid, extra.signal.reason);
        if (timeout.aborted) throw timeoutError(what, this.fetchTimeoutMs, mid);
        throw (
          (proxy ? errorFromProxy(e, proxy, new URL(target), mid) : null) ??
          errorFromNetwork(e, 'Authenta', mid)
        );
      }
      // A proxy that forwards plain http answers 407 itself: Authenta never asks for proxy credentials.
      if (proxy && status === 407) throw proxyAnswerError(407, proxy, new URL(target), mid);

      if (status >= 300 && status < 400) {
        throw new AuthentaError({
          code: `HTTP_${status}`,
          kind: 'invalid',
          status,
          mid,
          message: `Authenta answered with a redirect${res.headers.get('location') ? ` to ${safeLocation(res.headers.get('location'))}` : ''}`,
          action: 'Set the API address of this profile to where the service now lives.',
        });
      }
      if (status < 200 || status >= 300) {
        throw errorFromApiAnswer({
          status,
          bodyText: text,
          method,
          retryAfter: res.headers.get('retry-after'),
          mid,
          nowMs: this.clock.now(),
        });
      }

      let raw: unknown = null;
      if (text.trim() !== '') {
        try {
          raw = JSON.parse(text);
        } catch {
          throw badResponse(what, status, mid, 'it is not JSON');
        }
      }
      let data: z.infer<S> = raw as z.infer<S>;
      if (schema) {
        const parsed = schema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw badResponse(
            what,
            status,
            mid,
            issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unexpected shape',
          );
        }
        data = parsed.data as z.infer<S>;
      }
      this.report({ kind, method, route, status, code: null, mid, started });
      this.logger?.debug('Authenta call', { method, route, status, mid, ms: this.clock.now() - started });
      return { data, raw, status };
    } catch (e) {
      const error = this.scrub(isAuthentaError(e) ? e : errorFromNetwork(e, 'Authenta', mid));
      this.report({ kind, method, route, status: error.status ?? status, code: error.code, mid, started });
      this.logFailure('Authenta call failed', error, {
        method,
        route,
        ...(proxy ? { proxy: redactProxyUrl(proxy) } : {}),
      });
      throw error;
    }
  }

  /** The error without this profile's secrets, whatever the server quoted back (see redactError). */
  private scrub(error: AuthentaError): AuthentaError {
    const secrets =
      this.credentials.kind === 'client' ? [this.credentials.clientSecret] : [this.credentials.apiKey];
    return redactError(error, (text) => redactString(text, secrets));
  }

  private report(call: Omit<ApiCall, 'durationMs'> & { started: number }): void {
    if (!this.onCall) return;
    const { started, ...rest } = call;
    try {
      this.onCall({ ...rest, durationMs: Math.max(0, this.clock.now() - started) });
    } catch (e) {
      this.logger?.warn('onCall listener threw', { error: e instanceof Error ? e.message : String(e) });
    }
  }

  private logFailure(msg: string, error: AuthentaError, fields: Record<string, unknown>): void {
    if (!this.logger) return;
    const line = {
      ...fields,
      code: error.code,
      kind: error.kind,
      status: error.status,
      message: error.message,
      mid: error.mid,
    };
    if (error.code === 'ABORTED') this.logger.debug(msg, line);
    else if (error.kind === 'transient' || error.kind === 'expired-url') this.logger.info(msg, line);
    else this.logger.warn(msg, line);
  }
}

/** A redirect target without its query string (it may carry a signature). */
function safeLocation(location: string | null): string {
  if (!location) return '';
  try {
    const u = new URL(location);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(an unreadable address)';
  }
}

function badResponse(what: string, status: number, mid: string | null, why: string): AuthentaError {
  return new AuthentaError({
    code: 'BAD_RESPONSE',
    kind: 'invalid',
    status,
    mid,
    message: `${what} answered something this app cannot read (${why})`,
    action: 'Check the API address of this profile; if it is right, report this with the code shown.',
  });
}
