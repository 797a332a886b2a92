/**
 * The simulator's S3 stand-in under `/s3`: pre-signed PUT uploads (checked like S3 checks them,
 * with reset and hold faults) and pre-signed GET downloads of a record's objects.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { drainThen, sendXmlError } from './http';
import type { UploadTarget } from './host';
import type { MediaRecord } from './media-api';
import { signDownload, signUpload, signatureMatches } from './signing';
import { HEATMAP_WEBM_BASE64 } from './assets/heatmap-webm';
import { MARKER_SCAN_BYTES, type Outcome } from './verdict';
import type { Faults, RequestLogEntry, SimulatorCounts } from './types';

/** Tiny placeholder bodies for signed downloads: the simulator never stores uploaded bytes. */
/** What every face's heatmap serves: a real VP8 WebM (see assets/heatmap-webm.ts). */
const HEATMAP_WEBM = Buffer.from(HEATMAP_WEBM_BASE64, 'base64');

const PLACEHOLDER_MP4 = Buffer.from(
  '000000186674797069736f6d0000020069736f6d69736f32000000086672656500000008',
  'hex',
);
const PLACEHOLDER_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const PLACEHOLDER_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);

/** What the storage side shares with its server. */
export interface StorageHost {
  readonly signingKey: Buffer;
  /** Where PUTs land, by path. */
  readonly uploads: ReadonlyMap<string, UploadTarget>;
  /** The server's request counters (PUTs are counted here). */
  readonly counters: SimulatorCounts;
  readonly faults: Faults;
  /** The server's seeded random numbers, for the fault rates. */
  random(): number;
  /** An unref'd timer that close() clears. */
  later(ms: number, fn: () => void): NodeJS.Timeout;
  /** The media record with id `mid`, if it exists. */
  mediaRecord(mid: string): MediaRecord | undefined;
}

/** The S3 stand-in: routes `/s3/...` requests to uploads and downloads. */
export class StorageApi {
  private requestCounter = 0;

  constructor(private readonly host: StorageHost) {}

  requestId(): string {
    this.requestCounter += 1;
    return `SIM${this.requestCounter.toString(16).toUpperCase().padStart(13, '0')}`;
  }

  handle(req: IncomingMessage, res: ServerResponse, url: URL, entry: RequestLogEntry): void {
    const path = url.pathname;
    const xmlError = (status: number, code: string, message: string): void => {
      entry.status = status;
      entry.code = code;
      drainThen(req, () => sendXmlError(res, status, code, message, this.requestId()));
    };
    const upload = /^\/s3\/(uploads|jobs)\/([^/]+)\/([^/]+)$/.exec(path);
    if (req.method === 'PUT' && upload) {
      const id = upload[2]!;
      entry.route = upload[1] === 'uploads' ? '/s3/uploads/:mid' : '/s3/jobs/:id';
      entry.mid = id;
      this.host.counters.put += 1;
      this.host.counters.puts[id] = (this.host.counters.puts[id] ?? 0) + 1;
      return this.handlePut(req, res, url, entry, xmlError);
    }
    const download = /^\/s3\/objects\/([^/]+)\/([^/]+)$/.exec(path);
    if ((req.method === 'GET' || req.method === 'HEAD') && download) {
      entry.route = '/s3/objects/:mid';
      entry.mid = download[1]!;
      return this.handleDownload(req, res, url, entry, download[1]!, download[2]!, xmlError);
    }
    xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
  }

  handlePut(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    entry: RequestLogEntry,
    xmlError: (status: number, code: string, message: string) => void,
  ): void {
    const target = this.host.uploads.get(url.pathname);
    if (!target)
      return xmlError(
        404,
        'NoSuchUpload',
        'No upload is expected at this URL (the record was deleted or never existed).',
      );
    const expires = Number(url.searchParams.get('X-Expires'));
    const expected = signUpload(this.host.signingKey, { ...target.grant, expires });
    if (!Number.isInteger(expires) || !signatureMatches(expected, url.searchParams.get('X-Signature')))
      return xmlError(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    if (Date.now() / 1000 >= expires) return xmlError(403, 'AccessDenied', 'Request has expired');
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.trim() !== target.grant.contentType)
      return xmlError(
        403,
        'SignatureDoesNotMatch',
        `The request signature we calculated does not match the signature you provided: Content-Type ${JSON.stringify(contentType)} differs from the signed ${JSON.stringify(target.grant.contentType)}.`,
      );
    const lengthHeader = req.headers['content-length'];
    if (lengthHeader === undefined)
      return xmlError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
    if (Number(lengthHeader) !== target.grant.size)
      return xmlError(
        403,
        'SignatureDoesNotMatch',
        `The request signature we calculated does not match the signature you provided: Content-Length ${lengthHeader} differs from the signed size ${target.grant.size}.`,
      );

    const reset =
      this.host.faults.resetNextPuts > 0
        ? ((this.host.faults.resetNextPuts -= 1), true)
        : this.host.faults.resetPutRate > 0 && this.host.random() < this.host.faults.resetPutRate;
    const sha = createHash('sha256');
    const md5 = createHash('md5');
    const head: Buffer[] = [];
    let headBytes = 0;
    let ended = false;
    req.on('data', (chunk: Buffer) => {
      if (ended) return;
      entry.bytes += chunk.length;
      sha.update(chunk);
      md5.update(chunk);
      if (headBytes < MARKER_SCAN_BYTES) {
        const part = chunk.subarray(0, MARKER_SCAN_BYTES - headBytes);
        head.push(part);
        headBytes += part.length;
      }
      if (reset) {
        ended = true;
        entry.status = 0;
        entry.code = 'RESET';
        req.socket.destroy();
        return;
      }
      if (this.host.faults.holdPuts) {
        req.pause();
        const check = (): void => {
          if (ended || req.destroyed) return;
          if (this.host.faults.holdPuts) this.host.later(20, check);
          else req.resume();
        };
        this.host.later(20, check);
      }
    });
    req.on('error', () => undefined);
    req.on('close', () => {
      if (!ended && !req.complete) {
        ended = true;
        entry.status = 0;
        entry.code = 'IncompleteBody';
      }
    });
    req.on('end', () => {
      if (ended) return;
      ended = true;
      if (entry.bytes !== target.grant.size) {
        entry.status = 400;
        entry.code = 'IncompleteBody';
        return sendXmlError(
          res,
          400,
          'IncompleteBody',
          'You did not provide the number of bytes specified by the Content-Length HTTP header.',
          this.requestId(),
        );
      }
      const etag = `"${md5.digest('hex')}"`;
      if (target.awaiting()) target.complete({ digest: sha.digest(), head: Buffer.concat(head), etag });
      entry.status = 200;
      res.writeHead(200, { etag, 'content-length': '0', 'x-amz-request-id': this.requestId() });
      res.end();
    });
  }

  handleDownload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    entry: RequestLogEntry,
    mid: string,
    object: string,
    xmlError: (status: number, code: string, message: string) => void,
  ): void {
    const expires = Number(url.searchParams.get('X-Expires'));
    const expected = signDownload(this.host.signingKey, url.pathname, expires);
    if (!Number.isInteger(expires) || !signatureMatches(expected, url.searchParams.get('X-Signature')))
      return xmlError(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    if (Date.now() / 1000 >= expires) return xmlError(403, 'AccessDenied', 'Request has expired');
    const rec = this.host.mediaRecord(mid);
    if (!rec || rec.status === 'INITED')
      return xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
    let body: Buffer;
    let type: string;
    const heat = /^heatmap-(\d+)\.webm$/.exec(object);
    if (object === 'original.media') {
      type = rec.contentType;
      body =
        rec.contentType === 'image/png'
          ? PLACEHOLDER_PNG
          : rec.contentType === 'image/jpeg'
            ? PLACEHOLDER_JPEG
            : PLACEHOLDER_MP4;
    } else if (object === 'result.json' && rec.outcome && !rec.outcome.failed && rec.status === 'PROCESSED') {
      type = 'application/json';
      body = Buffer.from(JSON.stringify(resultDetails(rec.mid, rec.outcome)));
    } else if (heat && rec.outcome && !rec.outcome.failed && Number(heat[1]) < rec.outcome.faces.length) {
      // A real, decodable clip (recorded once in Chromium), so players show frames.
      type = 'video/webm';
      body = HEATMAP_WEBM;
    } else return xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
    entry.status = 200;
    res.writeHead(200, {
      'content-type': type,
      'content-length': String(body.length),
      'x-authenta-simulated': 'true',
      'x-amz-request-id': this.requestId(),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

/** The detailed per-frame result of a processed video (what `resultURL` serves). */
function resultDetails(mid: string, outcome: Extract<Outcome, { failed: false }>): Record<string, unknown> {
  const frames = [0, 1, 2].map((n) => ({
    frame: n * 30,
    timeSec: n,
    boxes: outcome.faces.map((f, i) => ({
      participant: i,
      fake: f.fake,
      confidence: f.confidence,
      x: 40 + i * 120,
      y: 60 + n * 2,
      width: 96,
      height: 112,
    })),
  }));
  return { mid, simulated: true, fps: 30, frames };
}
