/**
 * The local media as the UI sees it, for every host (the web host's `/media/<key>/...` route and
 * Electron's `authenta-media://local/...` protocol): a job id in, the bytes of that job's file
 * out, with HTTP Range for video seeking. The file is found only through the ledger, never from a
 * path in the request, and it must still be the file that was judged (same size and mtime);
 * otherwise the answer says it vanished (410) or changed (409) in plain words, and never carries
 * other bytes. Anything that is not exactly `/original/<id>`, `/thumb/<id>` or `/thumb-row/<id>` is 404.
 *
 * Pure request handling: the hosts only translate their request and response types.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import parseRange from 'range-parser';
import type { FileGate } from '../ledger/confined-path';
import type { JobRecord } from '../ledger/ledger';
import type { Logger } from '../ports';
import type { Thumbnail, ThumbnailService, ThumbnailVariant } from './thumbnails';

/** The part of a request the media routes read. */
export interface MediaRequest {
  method: string;
  /** The path below the media base, raw (not decoded): `/original/12`, `/thumb/12`. */
  path: string;
  /** The Range header, if any. */
  range?: string | null;
}

/** The answer: status, headers and a body (a stream of the file, a short text, or nothing for HEAD). */
export interface MediaResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable | string | null;
}

/** Whatever answers media requests (the engine's MediaFiles; hosts depend only on this). */
export interface MediaResponder {
  respond(request: MediaRequest): Promise<MediaResponse>;
}

/** What the media routes need of the engine. */
export interface MediaDeps {
  /** The ledger row of a job id, or null. */
  job(id: number): Promise<JobRecord | null>;
  thumbs: ThumbnailService;
  logger: Logger;
  /** Whether this desk may serve a row's file (a team ledger's rows are checked; see confined-path.ts). */
  files?: FileGate;
}

/** Content types the routes serve as they are; anything else is not shown (no HTML, no SVG from disk). */
const SHOWABLE =
  /^(image\/(jpeg|png|gif|webp|avif|heic|heif|bmp|tiff)|video\/[a-z0-9.+-]+|audio\/[a-z0-9.+-]+|application\/pdf)$/;

const ROUTE = /^\/(original|thumb|thumb-row)\/([1-9][0-9]{0,14})$/;

/** Headers of every media answer: never sniffed, never framed, never cached by a shared cache. */
function baseHeaders(): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
  };
}

/** A short plain-text answer. */
function text(status: number, message: string): MediaResponse {
  return {
    status,
    headers: {
      ...baseHeaders(),
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(message)),
      'Cache-Control': 'no-store',
    },
    body: message,
  };
}

const NOT_FOUND = 'Not found.';

/** Why a job's file cannot be served, or null when it is the judged file. */
type FileCheck = { ok: true; handle: FileHandle; size: number } | { ok: false; response: MediaResponse };

/** Serves `/original/<id>`, `/thumb/<id>` and `/thumb-row/<id>`; see the module comment. */
export class MediaFiles implements MediaResponder {
  constructor(private readonly deps: MediaDeps) {}

  /** Answer one request. Never throws: an unexpected failure is a 500 with a plain reason. */
  async respond(request: MediaRequest): Promise<MediaResponse> {
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      const r = text(405, 'Media is read only: GET and HEAD.');
      r.headers.Allow = 'GET, HEAD';
      return r;
    }
    const match = ROUTE.exec(request.path);
    if (!match) return text(404, NOT_FOUND);
    const id = Number(match[2]);
    if (!Number.isSafeInteger(id)) return text(404, NOT_FOUND);
    try {
      const job = await this.deps.job(id);
      if (!job) return text(404, NOT_FOUND);
      // A row whose path leads out of the watched folders is not shown, nor drawn.
      if (await this.deps.files?.refusal(job.path, job.name)) {
        this.deps.logger.warn('media: not served, the file is outside the watched folders', { id });
        return text(404, NOT_FOUND);
      }
      const response =
        match[1] === 'original'
          ? await this.original(job, request)
          : await this.thumbnail(job, match[1] === 'thumb-row' ? 'row' : 'large');
      if (method === 'HEAD' && response.body && typeof response.body !== 'string') response.body.destroy();
      return method === 'HEAD' ? { ...response, body: null } : response;
    } catch (e) {
      this.deps.logger.warn('media: request failed', { id, message: String((e as Error).message ?? e) });
      return text(500, 'The file could not be read; try again.');
    }
  }

  /** The job's file itself, whole or a range of it, once it is known to be the judged file. */
  private async original(job: JobRecord, request: MediaRequest): Promise<MediaResponse> {
    const checked = await this.openJudged(job);
    if (!checked.ok) return checked.response;
    const { handle, size } = checked;
    let handed = false;
    try {
      const contentType = await this.contentTypeOf(job, handle, size);
      if (!contentType)
        return text(415, `${job.name} is not a photo, video, audio or PDF file, so it is not shown.`);
      const headers: Record<string, string> = {
        ...baseHeaders(),
        'Content-Type': contentType,
        'Accept-Ranges': 'bytes',
        'Cache-Control': 'no-store',
      };
      let start = 0;
      let end = size - 1;
      let status = 200;
      const range = request.range ? parseRange(size, request.range, { combine: true }) : null;
      if (range === -1 || (size === 0 && request.range)) {
        // No byte of the range is in the file.
        return {
          status: 416,
          headers: { ...baseHeaders(), 'Content-Range': `bytes */${size}`, 'Cache-Control': 'no-store' },
          body: null,
        };
      }
      // A malformed Range (-2) or several ranges are answered with the whole file, as RFC 9110 allows.
      if (Array.isArray(range) && range.length === 1) {
        start = range[0]!.start;
        end = range[0]!.end;
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
      }
      headers['Content-Length'] = String(size === 0 ? 0 : end - start + 1);
      if (request.method.toUpperCase() === 'HEAD' || size === 0) return { status, headers, body: null };
      // The stream reads the very file that was checked (this handle), whatever happens to the path.
      const body = handle.createReadStream({ start, end, autoClose: true });
      handed = true;
      return { status, headers, body };
    } finally {
      if (!handed) await handle.close().catch(() => undefined);
    }
  }

  /**
   * The cached thumbnail, or one made now from the judged image; 404 when there is none. A row's
   * picture is cut from the large one (made first if need be); the large one serves when it cannot be.
   */
  private async thumbnail(job: JobRecord, variant: ThumbnailVariant): Promise<MediaResponse> {
    if (!job.sha256) return text(404, 'No picture yet: the file has not been checked.');
    const serve = async (thumb: { file: string; size: number }): Promise<MediaResponse> => {
      const handle = await open(thumb.file, constants.O_RDONLY).catch(() => null);
      if (!handle) return text(404, 'No picture of this file.');
      const size = (await handle.stat()).size;
      return {
        status: 200,
        headers: {
          ...baseHeaders(),
          'Content-Type': 'image/webp',
          'Content-Length': String(size),
          // A job's hash never changes, so its thumbnail may be kept a while (scrolling a long queue).
          'Cache-Control': 'private, max-age=300',
        },
        body: handle.createReadStream({ autoClose: true }),
      };
    };
    const sha256 = job.sha256;
    const withRow = async (large: Thumbnail): Promise<MediaResponse> =>
      serve(variant === 'row' ? ((await this.deps.thumbs.row(sha256, large)) ?? large) : large);
    if (variant === 'row') {
      const row = await this.deps.thumbs.cached(sha256, 'row');
      if (row) return serve(row);
    }
    const cached = await this.deps.thumbs.cached(sha256);
    if (cached) return withRow(cached);
    if (job.kind !== 'image') return text(404, 'No picture of this file yet.');
    const checked = await this.openJudged(job);
    if (!checked.ok) return checked.response;
    const before = await checked.handle.stat();
    await checked.handle.close();
    const made = await this.deps.thumbs.get({ sha256: job.sha256, kind: job.kind, path: job.path });
    if (!made) return text(404, 'No picture can be made of this file.');
    // The file must not have been swapped while it was drawn; else the picture is of other bytes.
    const again = await this.openJudged(job);
    if (!again.ok || (await again.handle.stat()).ino !== before.ino) {
      if (again.ok) await again.handle.close();
      await this.deps.thumbs.discard(job.sha256);
      return again.ok ? text(409, changedMessage(job)) : again.response;
    }
    await again.handle.close();
    return withRow(made);
  }

  /** Open the job's file and check it is the one that was judged (size and whole-ms mtime). */
  private async openJudged(job: JobRecord): Promise<FileCheck> {
    let handle: FileHandle;
    try {
      handle = await open(job.path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR')
        return { ok: false, response: text(410, vanishedMessage(job)) };
      if (code === 'EACCES' || code === 'EPERM')
        return {
          ok: false,
          response: text(403, `${job.name} cannot be read by this app any more: check its permissions.`),
        };
      throw e;
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return { ok: false, response: text(410, vanishedMessage(job)) };
      }
      if (info.size !== job.size || Math.floor(info.mtimeMs) !== Math.floor(job.mtimeMs)) {
        await handle.close();
        return { ok: false, response: text(409, changedMessage(job)) };
      }
      return { ok: true, handle, size: info.size };
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw e;
    }
  }

  /** The sniffed type from the ledger, or sniffed now from the first bytes; null when not showable. */
  private async contentTypeOf(job: JobRecord, handle: FileHandle, size: number): Promise<string | null> {
    let type = job.contentType;
    if (!type) {
      const head = Buffer.alloc(Math.min(size, 4100));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      type = (await fileTypeFromBuffer(head.subarray(0, bytesRead)))?.mime ?? null;
    }
    return type && SHOWABLE.test(type) ? type : null;
  }
}

function vanishedMessage(job: JobRecord): string {
  return `${job.name} is no longer at ${job.path}: it was moved or deleted after it was checked.`;
}

function changedMessage(job: JobRecord): string {
  return `${job.name} has changed since it was checked, so it is not shown: the verdict is about the earlier version.`;
}
