/**
 * The simulator's media API under `/api/media`: create a record with a pre-signed upload URL,
 * list, read and delete records, and start processing once the upload is complete.
 */
import { apiError, parseMediaListQuery, validateCreateMedia } from './rules';
import {
  CREATE,
  DEFAULT_URL_EXPIRY_SEC,
  READ,
  REMOVE,
  type ApiContext,
  type CompletedUpload,
  type RouteDef,
  type SimHost,
} from './host';
import { confidenceForModel, decideOutcome, findMarker, type Outcome } from './verdict';

type MediaStatus = 'INITED' | 'UPLOADED' | 'PROCESSED' | 'FAILED';

/** One media record as the simulated account keeps it. */
export interface MediaRecord {
  mid: string;
  name: string;
  kind: 'image' | 'video';
  status: MediaStatus;
  modelType: string;
  contentType: string;
  size: number;
  createdAt: string;
  uploadUrl: string;
  outcome: Outcome | null;
  failureReason: string | null;
}

/** What the media API needs of its server beyond the shared host services. */
export interface MediaHost extends SimHost {
  /** A fresh record id shaped like a MongoDB ObjectId. */
  nextId(): string;
  /** A pre-signed GET URL for `path`, valid for the current expiry setting. */
  downloadUrl(path: string): string;
}

/** The media API: the account's records, oldest first, and their four routes. */
export class MediaApi {
  /** Media records, oldest first (Map keeps insertion order). */
  private readonly media = new Map<string, MediaRecord>();

  constructor(private readonly host: MediaHost) {}

  /** The record with id `mid`, if it exists (the storage side serves its objects). */
  record(mid: string): MediaRecord | undefined {
    return this.media.get(mid);
  }

  routes(): RouteDef[] {
    return [
      {
        method: 'POST',
        re: /^\/media\/?$/,
        pattern: '/media',
        demand: CREATE,
        creates: true,
        handler: (c) => this.createMedia(c),
      },
      {
        method: 'GET',
        re: /^\/media\/?$/,
        pattern: '/media',
        demand: READ,
        handler: (c) => this.listMedia(c),
      },
      {
        method: 'GET',
        re: /^\/media\/([^/]+)\/?$/,
        pattern: '/media/:mid',
        demand: READ,
        handler: (c) => this.getMedia(c),
      },
      {
        method: 'DELETE',
        re: /^\/media\/([^/]+)\/?$/,
        pattern: '/media/:mid',
        demand: REMOVE,
        handler: (c) => this.deleteMedia(c),
      },
    ];
  }

  async createMedia(ctx: ApiContext): Promise<void> {
    const body = await this.host.readJson(ctx);
    if (!body) return;
    const v = validateCreateMedia(body.value);
    if ('error' in v) return this.host.answer(ctx, apiError(ctx.principal.family, 'invalid', v.error));
    const mid = this.host.nextId();
    const expiresIn = this.host.expirySec(DEFAULT_URL_EXPIRY_SEC);
    const expires = Math.floor(Date.now() / 1000) + expiresIn;
    const path = `/s3/uploads/${mid}/original.media`;
    const rec: MediaRecord = {
      mid,
      name: v.name,
      kind: v.kind,
      status: 'INITED',
      modelType: v.modelType,
      contentType: v.contentType,
      size: v.size,
      createdAt: new Date().toISOString(),
      uploadUrl: '',
      outcome: null,
      failureReason: null,
    };
    rec.uploadUrl = this.host.registerUpload(
      path,
      {
        grant: { id: mid, object: 'original.media', contentType: v.contentType, size: v.size },
        awaiting: () => this.media.get(mid)?.status === 'INITED',
        complete: (u) => this.mediaUploaded(mid, u),
      },
      expires,
    );
    this.media.set(mid, rec);
    ctx.entry.mid = mid;
    ctx.entry.name = rec.name;
    this.host.ok(ctx, 201, {
      mid,
      name: rec.name,
      type: rec.kind === 'video' ? 'Video' : 'Image',
      status: rec.status,
      modelType: rec.modelType,
      createdAt: rec.createdAt,
      uploadUrl: rec.uploadUrl,
      expiresIn,
      ...(this.host.labelled() ? { simulated: true } : {}),
    });
  }

  mediaUploaded(mid: string, u: CompletedUpload): void {
    const rec = this.media.get(mid);
    if (!rec || rec.status !== 'INITED') return;
    rec.status = 'UPLOADED';
    // S3 notifies Authenta; processing starts and a credit is spent.
    if (!this.host.spendCredit()) {
      rec.status = 'FAILED';
      rec.failureReason = 'Insufficient credits: processing could not start. Add credits and upload again.';
      return;
    }
    const outcome = decideOutcome(u.digest, findMarker(u.head), rec.kind === 'video', this.host.failShare());
    rec.outcome = outcome;
    this.host.later(this.host.processingMsFor(rec.kind), () => {
      if (this.media.get(mid) !== rec) return;
      if (outcome.failed) {
        rec.status = 'FAILED';
        rec.failureReason = outcome.reason;
      } else rec.status = 'PROCESSED';
    });
  }

  /** The record as the API shows it; `full` for the single-record route. */
  mediaJson(rec: MediaRecord, full: boolean): Record<string, unknown> {
    const o: Record<string, unknown> = {
      mid: rec.mid,
      name: rec.name,
      type: rec.kind === 'video' ? 'Video' : 'Image',
      status: rec.status,
      modelType: rec.modelType,
      createdAt: rec.createdAt,
    };
    if (this.host.labelled()) o.simulated = true;
    const base = `/s3/objects/${rec.mid}`;
    if (rec.status === 'PROCESSED' && rec.outcome && !rec.outcome.failed) {
      const out = rec.outcome;
      if (rec.kind === 'image') {
        o.fake = out.fake;
        o.confidence = confidenceForModel(rec.modelType, out.confidence);
      } else {
        o.faces = out.faces.length;
        o.deepFakes = out.faces.filter((f) => f.fake).length;
        if (full) {
          o.participants = out.faces.map((f, i) => ({
            id: i,
            fake: f.fake,
            heatmap: this.host.downloadUrl(`${base}/heatmap-${i}.webm`),
          }));
          o.resultURL = this.host.downloadUrl(`${base}/result.json`);
        }
      }
    }
    if (rec.status === 'FAILED' && rec.failureReason) o.failureReason = rec.failureReason;
    if (full) {
      if (rec.status === 'INITED') o.uploadUrl = rec.uploadUrl;
      else o.srcURL = this.host.downloadUrl(`${base}/original.media`);
    }
    return o;
  }

  listMedia(ctx: ApiContext): void {
    const q = parseMediaListQuery(ctx.url.searchParams);
    if ('error' in q) return this.host.answer(ctx, apiError(ctx.principal.family, 'invalid', q.error));
    const all = [...this.media.values()].reverse();
    this.host.ok(ctx, 200, {
      limit: q.limit,
      offset: q.offset,
      total: all.length,
      data: all.slice(q.offset, q.offset + q.limit).map((r) => this.mediaJson(r, false)),
    });
  }

  mediaOr404(ctx: ApiContext): MediaRecord | undefined {
    const rec = this.media.get(ctx.params[0] ?? '');
    if (!rec)
      this.host.answer(
        ctx,
        apiError(
          ctx.principal.family,
          'notFound',
          `No media with id ${ctx.params[0] ?? ''} (it may have been deleted).`,
        ),
      );
    return rec;
  }

  getMedia(ctx: ApiContext): void {
    const rec = this.mediaOr404(ctx);
    if (rec) this.host.ok(ctx, 200, this.mediaJson(rec, true));
  }

  deleteMedia(ctx: ApiContext): void {
    const rec = this.mediaOr404(ctx);
    if (!rec) return;
    this.media.delete(rec.mid);
    this.host.unregisterUpload(`/s3/uploads/${rec.mid}/original.media`);
    this.host.ok(ctx, 200, { mid: rec.mid, deleted: true, message: 'Media deleted' });
  }
}
