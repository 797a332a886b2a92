/**
 * The upload half of the Authenta client: streaming a file to a pre-signed URL from a fixed pool
 * of buffers, with its timeouts and the errors for a file that changed or cannot be read.
 * AuthentaClient.upload (authenta-client.ts) reports, logs and scrubs around it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Hash } from 'node:crypto';
import type { Clock } from '../ports';
import {
  abortedError,
  errorFromNetwork,
  errorFromProxy,
  errorFromS3Answer,
  proxyAnswerError,
  timeoutError,
} from './error-mapping';
import { AuthentaError, isAuthentaError } from './errors';
import type { UploadRateLimiter } from './upload-rate';

export interface UploadSource {
  path: string;
  contentType: string;
  size: number;
}

export interface ClientUploadOptions {
  signal?: AbortSignal;
  /** Bytes handed to the connection so far; called as they go and once more with the total. */
  onProgress?: (bytesSent: number) => void;
  /** The record this upload belongs to, for errors and log lines. */
  mid?: string | null;
}

/** The slowest throughput an upload may average before its overall timeout ends it (100 kB/s). */
export const MIN_UPLOAD_BYTES_PER_SECOND = 100_000;
const UPLOAD_BASE_TIMEOUT_MS = 60_000;
const MAX_ERROR_BODY = 64 * 1024;

/**
 * The overall timeout of uploading `size` bytes: a minute plus the time the file takes at
 * MIN_UPLOAD_BYTES_PER_SECOND (1 GiB: about three hours). Pure. The idle timeout catches stalls sooner.
 */
export function uploadTimeoutMs(size: number): number {
  const bytes = Number.isFinite(size) && size > 0 ? size : 0;
  return UPLOAD_BASE_TIMEOUT_MS + Math.ceil((bytes / MIN_UPLOAD_BYTES_PER_SECOND) * 1000);
}

/**
 * Streams the file to a pre-signed URL with a PUT of exactly `source.size` bytes and its
 * Content-Type, hashing what it sends into `sentHash`. Rejects with an AuthentaError on every failure:
 * the overall timeout (uploadTimeoutMs), `deps.idleTimeoutMs` without progress, cancellation, an
 * error answer from storage, or a file that ended early.
 */
export function streamUpload(
  url: URL,
  source: UploadSource,
  handle: fs.promises.FileHandle,
  options: ClientUploadOptions,
  setStatus: (status: number) => void,
  sentHash: Hash,
  deps: {
    clock: Clock;
    idleTimeoutMs: number;
    /** The proxy this PUT goes through and its agent (see NetworkRoutes); absent: straight. */
    proxy?: { url: string; agent: http.Agent } | null;
    /** The bandwidth cap all uploads share; absent: none. */
    limiter?: UploadRateLimiter;
  },
): Promise<void> {
  const mid = options.mid ?? null;
  const size = source.size;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    // Bytes the socket has taken: what progress reports.
    let sent = 0;
    let responded = false;
    const req = transport.request(url, {
      method: 'PUT',
      // One connection per upload: nothing to reuse and no idle socket left behind.
      agent: deps.proxy?.agent ?? false,
      headers: { 'Content-Type': source.contentType, 'Content-Length': String(size) },
    });
    // Bytes read from the file and handed to the request.
    let handed = 0;

    const overall = uploadTimeoutMs(size);
    const timer = deps.clock.setTimeout(() => finish(timeoutError('The upload', overall, mid)), overall);
    const onAbort = () => finish(abortedError('The upload', mid, options.signal?.reason));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = (error?: AuthentaError) => {
      if (settled) return;
      settled = true;
      timer.dispose();
      options.signal?.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else {
        resolve();
      }
    };

    req.setTimeout(deps.idleTimeoutMs, () => {
      finish(
        new AuthentaError({
          code: 'TIMEOUT',
          kind: 'transient',
          mid,
          message: `The upload made no progress for ${Math.round(deps.idleTimeoutMs / 1000)} s`,
        }),
      );
    });
    const proxy = deps.proxy?.url ?? null;
    // https-proxy-agent tells how the proxy answered the CONNECT before it replays a refusal.
    let proxyRefused: number | null = null;
    req.on('proxyConnect', (connect: { statusCode?: number }) => {
      if (connect.statusCode !== 200) proxyRefused = connect.statusCode ?? 0;
    });
    req.on('error', (e) => {
      // Storage may answer early (an expired URL) and close while we still send: its answer wins.
      if (responded) return;
      finish(
        (proxy ? errorFromProxy(e, proxy, url, mid) : null) ??
          errorFromNetwork(e, 'the storage service', mid),
      );
    });
    req.on('response', (res) => {
      responded = true;
      const status = res.statusCode ?? 0;
      setStatus(status);
      // Storage never asks for proxy credentials: a 407 (or a refused tunnel) is the proxy's.
      if (proxy && (status === 407 || proxyRefused !== null)) {
        res.resume();
        finish(proxyAnswerError(proxyRefused ?? status, proxy, url, mid));
        return;
      }
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < MAX_ERROR_BODY) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      res.on('error', (e) => finish(errorFromNetwork(e, 'the storage service', mid)));
      res.on('close', () => {
        if (!res.complete) {
          const cut = Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' });
          finish(errorFromNetwork(cut, 'the storage service', mid));
        }
      });
      res.on('end', () => {
        if (status >= 200 && status < 300) {
          if (handed !== size) {
            finish(
              new AuthentaError({
                code: 'UPLOAD_INCOMPLETE',
                kind: 'transient',
                status,
                mid,
                message: `Storage accepted the upload after ${handed} of ${size} bytes`,
              }),
            );
            return;
          }
          if (sent < size) {
            sent = size;
            options.onProgress?.(size);
          }
          finish();
          return;
        }
        finish(
          errorFromS3Answer({
            status,
            bodyText: Buffer.concat(chunks).toString('utf8'),
            retryAfter: headerValue(res.headers['retry-after']),
            mid,
            nowMs: deps.clock.now(),
          }),
        );
      });
    });

    pumpFile(handle, req, size, {
      stopped: () => settled,
      beforeWrite: (bytes) => deps.limiter?.take(bytes, options.signal),
      onRead: (chunk) => sentHash.update(chunk),
      onHanded: (n) => (handed = n),
      fileEnded: (n) => sizeChangedError(source.path, n, size, mid),
      onSent: (n) => {
        if (!settled && n > sent) {
          sent = n;
          options.onProgress?.(n);
        }
      },
    })
      .catch((e: unknown) => finish(isAuthentaError(e) ? e : localFileError(e, source.path, mid)))
      .finally(() => void handle.close().catch(() => undefined));
  });
}

/** Bytes read from disk per write, and how many such buffers one upload may hold at once (1 MiB). */
const UPLOAD_CHUNK_BYTES = 256 * 1024;
const UPLOAD_POOL_SIZE = 4;

interface PumpHooks {
  /** True once the upload has ended (failed, cancelled, answered): stop reading. */
  stopped(): boolean;
  /** Waits until `bytes` more may go (the bandwidth cap). */
  beforeWrite(bytes: number): Promise<void> | undefined;
  /** Bytes handed to the request so far. */
  onHanded(bytes: number): void;
  /** The bytes just read from the file, before they are written (they are what is sent). */
  onRead(chunk: Buffer): void;
  /** Bytes the socket has taken so far (each write's callback). */
  onSent(bytes: number): void;
  /** The error for a file that ended after `bytes` bytes, before `size`. */
  fileEnded(bytes: number): AuthentaError;
}

/**
 * Writes `size` bytes of the file into the request from a fixed pool of buffers, each reused only
 * once the socket has taken its bytes: memory stays flat whatever the file's size and no garbage
 * piles up for the collector. Honours backpressure; ends the request after the last byte.
 */
async function pumpFile(
  handle: fs.promises.FileHandle,
  req: http.ClientRequest,
  size: number,
  hooks: PumpHooks,
): Promise<void> {
  const free: Buffer[] = [];
  const poolSize = Math.max(1, Math.min(UPLOAD_POOL_SIZE, Math.ceil(size / UPLOAD_CHUNK_BYTES)));
  for (let i = 0; i < poolSize; i++)
    free.push(Buffer.allocUnsafe(Math.min(UPLOAD_CHUNK_BYTES, Math.max(1, size))));
  let wake: (() => void) | null = null;
  const nudge = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  req.on('drain', nudge);
  req.on('close', nudge);
  let read = 0;
  let sent = 0;
  try {
    while (read < size) {
      while (free.length === 0 || req.writableNeedDrain) {
        if (hooks.stopped() || req.destroyed) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (hooks.stopped() || req.destroyed) return;
      const buf = free.pop()!;
      const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, size - read), read);
      if (bytesRead === 0) throw hooks.fileEnded(read);
      if (hooks.stopped() || req.destroyed) return;
      await hooks.beforeWrite(bytesRead);
      if (hooks.stopped() || req.destroyed) return;
      read += bytesRead;
      hooks.onRead(buf.subarray(0, bytesRead));
      hooks.onHanded(read);
      req.write(buf.subarray(0, bytesRead), (err) => {
        if (!err) {
          sent += bytesRead;
          hooks.onSent(sent);
        }
        free.push(buf);
        nudge();
      });
    }
    if (!hooks.stopped() && !req.destroyed) req.end();
  } finally {
    req.off('drain', nudge);
    req.off('close', nudge);
  }
}

function headerValue(v: string | string[] | undefined): string | null {
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

/**
 * Opens the file to upload and checks it is still a regular file of the size its record was
 * created for; a 'local' AuthentaError otherwise (nothing is sent then).
 */
export async function openForUpload(
  source: UploadSource,
  mid: string | null,
): Promise<fs.promises.FileHandle> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(source.path, 'r');
  } catch (e) {
    throw localFileError(e, source.path, mid);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new AuthentaError({
        code: 'NOT_A_FILE',
        kind: 'local',
        mid,
        message: `${source.path} is not a regular file`,
      });
    }
    if (stat.size !== source.size) throw sizeChangedError(source.path, stat.size, source.size, mid);
    return handle;
  } catch (e) {
    await handle.close();
    throw isAuthentaError(e) ? e : localFileError(e, source.path, mid);
  }
}

function sizeChangedError(file: string, actual: number, expected: number, mid: string | null): AuthentaError {
  return new AuthentaError({
    code: 'SIZE_CHANGED',
    kind: 'local',
    mid,
    message: `${file} is now ${actual} bytes but its record was created for ${expected} bytes: the file changed after it was queued`,
    action: 'Nothing was sent. Wait until the file is completely written; it will be checked again.',
  });
}

function localFileError(e: unknown, file: string, mid: string | null): AuthentaError {
  const code = (e as { code?: unknown }).code;
  const why =
    code === 'ENOENT'
      ? 'it no longer exists'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : String(code ?? e);
  return new AuthentaError({
    code: 'FILE_UNREADABLE',
    kind: 'local',
    mid,
    cause: e,
    message: `Could not read ${file}: ${why}`,
  });
}
