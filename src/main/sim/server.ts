/**
 * The simulator's HTTP server: the media API under `/api`, an S3 stand-in under `/s3` for
 * pre-signed uploads and downloads, quotas, credits, processing delay and fault injection.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readSmallBody, BodyTooLargeError, sendJson, sendXmlError } from './http';
import {
  apiError,
  checkAccess,
  familyOf,
  identify,
  injectedServerError,
  parseMediaListQuery,
  validateCreateMedia,
  type AccountBook,
  type ApiError,
  type Demand,
  type Family,
  type QuotaState,
} from './rules';
import { signDownload, signUpload, signatureMatches, signedQuery } from './signing';
import {
  CREATE,
  READ,
  REMOVE,
  type ApiContext,
  type CompletedUpload,
  type RouteDef,
  type SimHost,
  type SimMediaKind,
  type UploadTarget,
} from './host';
import { HEATMAP_WEBM_BASE64 } from './assets/heatmap-webm';
import { JobsApi } from './jobs';
import { MARKER_SCAN_BYTES, confidenceForModel, decideOutcome, findMarker, type Outcome } from './verdict';
import {
  ALL_PERMISSIONS,
  type Faults,
  type Permission,
  type ProcessingMsByKind,
  type RequestLogEntry,
  type Simulator,
  type SimulatorCounts,
  type SimulatorOptions,
  type SimulatorUsage,
} from './types';

/** The demo client id, secret and API key used when the options name none. */
export const DEMO_CLIENT_ID = 'sim-demo-client';
export const DEMO_CLIENT_SECRET = 'sim-demo-secret-0123456789abcdef';
export const DEMO_API_KEY = 'api_apikey_sim_demo_0123456789abcdef';

const JSON_BODY_LIMIT = 64 * 1024;
const DEFAULT_PROCESSING_MS = 4000;
const DEFAULT_URL_EXPIRY_SEC = 900;

type MediaStatus = 'INITED' | 'UPLOADED' | 'PROCESSED' | 'FAILED';

interface MediaRecord {
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

/** A matched API route. */
interface ApiRoute {
  pattern: string;
  params: string[];
  demand: Demand;
  keysOnly: boolean;
  creates: boolean;
  handler: (ctx: ApiContext) => Promise<void> | void;
}

/** Deterministic pseudo-random numbers (mulberry32) for the fault rates. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 24-hex id shaped like a MongoDB ObjectId: seconds, then random bytes, then a counter. */
function objectId(counter: number): string {
  const ts = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return ts + randomBytes(5).toString('hex') + (counter & 0xffffff).toString(16).padStart(6, '0');
}

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

/** The simulator: one HTTP server and the state of one simulated account. */
export class SimulatorServer implements Simulator {
  readonly faults: Faults = {
    serverErrorRate: 0,
    serverErrorBurst: 0,
    retryAfterSec: null,
    resetPutRate: 0,
    resetNextPuts: 0,
    latencyMs: 0,
    urlExpirySec: null,
    processingMs: null,
    holdPuts: false,
  };
  readonly requests: RequestLogEntry[] = [];
  readonly credentials: { clientId: string; clientSecret: string };
  readonly apiKey: string;

  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly signingKey = randomBytes(32);
  private readonly random: () => number;
  private readonly clients = new Map<string, { secret: string; permissions: ReadonlySet<Permission> }>();
  private readonly keys = new Map<string, { permissions: ReadonlySet<Permission> }>();
  private readonly book: AccountBook = { clients: this.clients, keys: this.keys };
  private readonly quota: QuotaState;
  private credits: number | null;
  private creditsSpent = 0;
  private readonly counters: SimulatorCounts = { query: 0, mutation: 0, put: 0, puts: {}, posts: 0 };
  /** Media records, oldest first (Map keeps insertion order). */
  private readonly media = new Map<string, MediaRecord>();
  private readonly uploads = new Map<string, UploadTarget>();
  private readonly routes: RouteDef[];
  private idCounter = Math.floor(Math.random() * 0xffffff);
  private requestCounter = 0;
  private closed = false;
  private _port = 0;

  constructor(private readonly options: SimulatorOptions = {}) {
    this.random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
    const creds = options.credentials?.length
      ? options.credentials
      : [{ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET }];
    for (const c of creds) this.addCredentials(c);
    this.credentials = { clientId: creds[0]!.clientId, clientSecret: creds[0]!.clientSecret };
    const keys = options.apiKeys?.length ? options.apiKeys : [{ key: DEMO_API_KEY }];
    for (const k of keys) this.addApiKey(k);
    this.apiKey = keys[0]!.key;
    this.quota = { limit: { ...options.quota }, used: { query: 0, mutation: 0 } };
    this.credits = options.credits ?? null;
    this.routes = [...this.mediaRoutes(), ...new JobsApi(this.host()).routes()];
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Listen on 127.0.0.1; resolves once the port is bound. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this._port = (this.server.address() as AddressInfo).port;
  }

  get port(): number {
    return this._port;
  }
  get origin(): string {
    return `http://127.0.0.1:${this._port}`;
  }
  get url(): string {
    return `${this.origin}/api`;
  }

  counts(): SimulatorCounts {
    return { ...this.counters, puts: { ...this.counters.puts } };
  }

  usage(): SimulatorUsage {
    return { ...this.quota.used, credits: this.credits, creditsSpent: this.creditsSpent };
  }

  setQuota(q: { query?: number; mutation?: number }): void {
    this.quota.limit = { ...q };
  }

  resetQuotaWindow(): void {
    this.quota.used = { query: 0, mutation: 0 };
  }

  setCredits(n: number | null): void {
    this.credits = n;
  }

  addCredentials(c: { clientId: string; clientSecret: string; permissions?: Permission[] }): {
    clientId: string;
    clientSecret: string;
  } {
    this.clients.set(c.clientId, {
      secret: c.clientSecret,
      permissions: new Set(c.permissions ?? ALL_PERMISSIONS),
    });
    return { clientId: c.clientId, clientSecret: c.clientSecret };
  }

  addApiKey(k: { key?: string; permissions?: Permission[] } = {}): string {
    const key = k.key ?? `api_apikey_${randomBytes(16).toString('hex')}`;
    this.keys.set(key, { permissions: new Set(k.permissions ?? ALL_PERMISSIONS) });
    return key;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await done;
  }

  // ---- shared machinery ------------------------------------------------------------------

  /** setTimeout that never keeps the process alive and is cleared by close(). */
  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    t.unref();
    this.timers.add(t);
    return t;
  }

  private cancel(t: NodeJS.Timeout | null | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve));
  }

  private nextId(): string {
    this.idCounter = (this.idCounter + 1) & 0xffffff;
    return objectId(this.idCounter);
  }

  /** Seconds every URL issued now stays valid. */
  private expirySec(fallback = DEFAULT_URL_EXPIRY_SEC): number {
    return this.faults.urlExpirySec ?? this.options.urlExpirySec ?? fallback;
  }

  /** Processing time for media of `kind` started now. */
  private processingMsFor(kind: SimMediaKind): number {
    const byKind: ProcessingMsByKind = this.options.processingMsByKind ?? {};
    return this.faults.processingMs ?? byKind[kind] ?? this.options.processingMs ?? DEFAULT_PROCESSING_MS;
  }

  private get failShare(): number {
    return this.options.failShare ?? 0;
  }

  private get labelled(): boolean {
    return this.options.simulatedLabel ?? true;
  }

  /**
   * Spend a credit for processing that starts now. False when none is left (processing then
   * fails: the credit check of POST only looks at the balance when the record is created).
   */
  private spendCredit(): boolean {
    if (this.credits !== null) {
      if (this.credits <= 0) return false;
      this.credits -= 1;
    }
    this.creditsSpent += 1;
    return true;
  }

  /** Register where PUTs to `path` land, and return the pre-signed URL. */
  private registerUpload(path: string, target: UploadTarget, expires: number): string {
    this.uploads.set(path, target);
    return `${this.origin}${path}?${signedQuery(expires, signUpload(this.signingKey, { ...target.grant, expires }))}`;
  }

  private unregisterUpload(path: string): void {
    this.uploads.delete(path);
  }

  /** A pre-signed GET URL for `path`, valid for the current expiry setting. */
  private downloadUrl(path: string): string {
    const expires = Math.floor(Date.now() / 1000) + this.expirySec();
    return `${this.origin}${path}?${signedQuery(expires, signDownload(this.signingKey, path, expires))}`;
  }

  /** The services lent to the API modules. */
  private host(): SimHost {
    return {
      origin: () => this.origin,
      later: (ms, fn) => this.later(ms, fn),
      cancel: (t) => this.cancel(t),
      expirySec: (fallback) => this.expirySec(fallback),
      jobsWaitingAtCreate: () => this.options.jobsWaitingAtCreate ?? false,
      processingMsFor: (kind) => this.processingMsFor(kind),
      failShare: () => this.failShare,
      labelled: () => this.labelled,
      spendCredit: () => this.spendCredit(),
      registerUpload: (path, target, expires) => this.registerUpload(path, target, expires),
      unregisterUpload: (path) => this.unregisterUpload(path),
      readJson: (ctx) => this.readJson(ctx),
      answer: (ctx, e) => this.answer(ctx.res, ctx.entry, e),
      ok: (ctx, status, body) => this.ok(ctx.res, ctx.entry, status, body),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: RequestLogEntry = {
      at: Date.now(),
      method: req.method ?? 'GET',
      route: url.pathname,
      status: 0,
      mid: null,
      bytes: 0,
      quota: null,
      code: null,
      auth: null,
    };
    this.requests.push(entry);
    res.on('close', () => {
      if (!res.writableFinished) entry.status = 0;
    });
    try {
      if (url.pathname === '/api' || url.pathname.startsWith('/api/'))
        await this.handleApi(req, res, url, entry);
      else if (url.pathname.startsWith('/s3/')) this.handleStorage(req, res, url, entry);
      else
        this.answer(res, entry, apiError('client', 'route', `No such route: ${req.method} ${url.pathname}`));
    } catch (err) {
      if (!res.headersSent && !res.destroyed) {
        const e = apiError('client', 'server', `Simulator bug: ${(err as Error).message}`);
        this.answer(res, entry, e);
      }
    }
  }

  /** Send an API error and log it. */
  private answer(res: ServerResponse, entry: RequestLogEntry, e: ApiError): void {
    entry.status = e.status;
    entry.code = e.code;
    sendJson(res, e.status, e.body, e.headers);
  }

  /** Send a success and log it. */
  private ok(res: ServerResponse, entry: RequestLogEntry, status: number, body: unknown): void {
    entry.status = status;
    sendJson(res, status, body);
  }

  // ---- API side -------------------------------------------------------------------------

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    entry: RequestLogEntry,
  ): Promise<void> {
    const sub = url.pathname.slice('/api'.length) || '/';
    const method = entry.method;
    if (method === 'GET') this.counters.query += 1;
    else if (method === 'POST' || method === 'DELETE') this.counters.mutation += 1;

    let route: ApiRoute | null = null;
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.re.exec(sub);
      if (!m) continue;
      route = {
        pattern: r.pattern,
        params: m.slice(1),
        demand: r.demand,
        keysOnly: r.keysOnly ?? false,
        creates: r.creates ?? false,
        handler: r.handler,
      };
      break;
    }
    if (route) {
      entry.route = route.pattern;
      if (route.creates) this.counters.posts += 1;
      entry.mid = route.params[0] ?? null;
    } else {
      entry.route = sub;
    }
    const family: Family = familyOf(req.headers, route?.keysOnly ?? sub.startsWith('/v1/'));

    if (this.faults.latencyMs > 0) await this.sleep(this.faults.latencyMs);
    if (this.closed) return;
    if (this.faults.serverErrorBurst > 0) {
      this.faults.serverErrorBurst -= 1;
      return this.drainThen(
        req,
        () => this.answer(res, entry, injectedServerError(family, this.faults.retryAfterSec)),
        entry,
      );
    }
    if (this.faults.serverErrorRate > 0 && this.random() < this.faults.serverErrorRate)
      return this.drainThen(
        req,
        () => this.answer(res, entry, injectedServerError(family, this.faults.retryAfterSec)),
        entry,
      );

    if (!route)
      return this.drainThen(
        req,
        () => this.answer(res, entry, apiError(family, 'route', `No such route: ${method} /api${sub}`)),
        entry,
      );

    const who = identify(req.headers, family, this.book);
    if ('status' in who) return this.drainThen(req, () => this.answer(res, entry, who), entry);
    entry.auth = who.family;
    const refused = checkAccess(who, route.demand, this.quota, this.credits);
    if (refused) return this.drainThen(req, () => this.answer(res, entry, refused), entry);
    if (who.family === 'client') {
      this.quota.used[route.demand.quota] += 1;
      entry.quota = route.demand.quota;
    }
    await route.handler({ req, res, url, params: route.params, principal: who, entry });
  }

  /** Read and drop the request body, then answer (so clients never see a reset mid-send). */
  private drainThen(req: IncomingMessage, fn: () => void, entry?: RequestLogEntry): void {
    if (req.readableEnded) return fn();
    if (entry) req.on('data', (c: Buffer) => (entry.bytes += c.length));
    req.on('end', fn);
    req.on('error', () => undefined);
    req.resume();
  }

  /** Read a JSON body; on failure answers 400 and returns undefined. */
  private async readJson(ctx: ApiContext): Promise<{ value: unknown } | undefined> {
    const { req, res, entry, principal } = ctx;
    let raw: Buffer;
    try {
      raw = await readSmallBody(req, JSON_BODY_LIMIT);
    } catch (err) {
      if (err instanceof BodyTooLargeError)
        this.answer(
          res,
          entry,
          apiError(principal.family, 'invalid', `The JSON body must be under ${err.limit} bytes.`),
        );
      return undefined;
    }
    entry.bytes = raw.length;
    if (raw.length === 0) return { value: undefined };
    try {
      return { value: JSON.parse(raw.toString('utf8')) as unknown };
    } catch {
      this.answer(res, entry, apiError(principal.family, 'invalid', 'The body is not valid JSON.'));
      return undefined;
    }
  }

  // ---- media API -------------------------------------------------------------------------

  private mediaRoutes(): RouteDef[] {
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

  private async createMedia(ctx: ApiContext): Promise<void> {
    const body = await this.readJson(ctx);
    if (!body) return;
    const v = validateCreateMedia(body.value);
    if ('error' in v)
      return this.answer(ctx.res, ctx.entry, apiError(ctx.principal.family, 'invalid', v.error));
    const mid = this.nextId();
    const expiresIn = this.expirySec();
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
    rec.uploadUrl = this.registerUpload(
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
    this.ok(ctx.res, ctx.entry, 201, {
      mid,
      name: rec.name,
      type: rec.kind === 'video' ? 'Video' : 'Image',
      status: rec.status,
      modelType: rec.modelType,
      createdAt: rec.createdAt,
      uploadUrl: rec.uploadUrl,
      expiresIn,
      ...(this.labelled ? { simulated: true } : {}),
    });
  }

  private mediaUploaded(mid: string, u: CompletedUpload): void {
    const rec = this.media.get(mid);
    if (!rec || rec.status !== 'INITED') return;
    rec.status = 'UPLOADED';
    // S3 notifies Authenta; processing starts and a credit is spent.
    if (!this.spendCredit()) {
      rec.status = 'FAILED';
      rec.failureReason = 'Insufficient credits: processing could not start. Add credits and upload again.';
      return;
    }
    const outcome = decideOutcome(u.digest, findMarker(u.head), rec.kind === 'video', this.failShare);
    rec.outcome = outcome;
    this.later(this.processingMsFor(rec.kind), () => {
      if (this.media.get(mid) !== rec) return;
      if (outcome.failed) {
        rec.status = 'FAILED';
        rec.failureReason = outcome.reason;
      } else rec.status = 'PROCESSED';
    });
  }

  /** The record as the API shows it; `full` for the single-record route. */
  private mediaJson(rec: MediaRecord, full: boolean): Record<string, unknown> {
    const o: Record<string, unknown> = {
      mid: rec.mid,
      name: rec.name,
      type: rec.kind === 'video' ? 'Video' : 'Image',
      status: rec.status,
      modelType: rec.modelType,
      createdAt: rec.createdAt,
    };
    if (this.labelled) o.simulated = true;
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
            heatmap: this.downloadUrl(`${base}/heatmap-${i}.webm`),
          }));
          o.resultURL = this.downloadUrl(`${base}/result.json`);
        }
      }
    }
    if (rec.status === 'FAILED' && rec.failureReason) o.failureReason = rec.failureReason;
    if (full) {
      if (rec.status === 'INITED') o.uploadUrl = rec.uploadUrl;
      else o.srcURL = this.downloadUrl(`${base}/original.media`);
    }
    return o;
  }

  private listMedia(ctx: ApiContext): void {
    const q = parseMediaListQuery(ctx.url.searchParams);
    if ('error' in q)
      return this.answer(ctx.res, ctx.entry, apiError(ctx.principal.family, 'invalid', q.error));
    const all = [...this.media.values()].reverse();
    this.ok(ctx.res, ctx.entry, 200, {
      limit: q.limit,
      offset: q.offset,
      total: all.length,
      data: all.slice(q.offset, q.offset + q.limit).map((r) => this.mediaJson(r, false)),
    });
  }

  private mediaOr404(ctx: ApiContext): MediaRecord | undefined {
    const rec = this.media.get(ctx.params[0] ?? '');
    if (!rec)
      this.answer(
        ctx.res,
        ctx.entry,
        apiError(
          ctx.principal.family,
          'notFound',
          `No media with id ${ctx.params[0] ?? ''} (it may have been deleted).`,
        ),
      );
    return rec;
  }

  private getMedia(ctx: ApiContext): void {
    const rec = this.mediaOr404(ctx);
    if (rec) this.ok(ctx.res, ctx.entry, 200, this.mediaJson(rec, true));
  }

  private deleteMedia(ctx: ApiContext): void {
    const rec = this.mediaOr404(ctx);
    if (!rec) return;
    this.media.delete(rec.mid);
    this.unregisterUpload(`/s3/uploads/${rec.mid}/original.media`);
    this.ok(ctx.res, ctx.entry, 200, { mid: rec.mid, deleted: true, message: 'Media deleted' });
  }

  // ---- storage side (S3 stand-in) ----------------------------------------------------------

  private requestId(): string {
    this.requestCounter += 1;
    return `SIM${this.requestCounter.toString(16).toUpperCase().padStart(13, '0')}`;
  }

  private handleStorage(req: IncomingMessage, res: ServerResponse, url: URL, entry: RequestLogEntry): void {
    const path = url.pathname;
    const xmlError = (status: number, code: string, message: string): void => {
      entry.status = status;
      entry.code = code;
      this.drainThen(req, () => sendXmlError(res, status, code, message, this.requestId()));
    };
    const upload = /^\/s3\/(uploads|jobs)\/([^/]+)\/([^/]+)$/.exec(path);
    if (req.method === 'PUT' && upload) {
      const id = upload[2]!;
      entry.route = upload[1] === 'uploads' ? '/s3/uploads/:mid' : '/s3/jobs/:id';
      entry.mid = id;
      this.counters.put += 1;
      this.counters.puts[id] = (this.counters.puts[id] ?? 0) + 1;
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

  private handlePut(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    entry: RequestLogEntry,
    xmlError: (status: number, code: string, message: string) => void,
  ): void {
    const target = this.uploads.get(url.pathname);
    if (!target)
      return xmlError(
        404,
        'NoSuchUpload',
        'No upload is expected at this URL (the record was deleted or never existed).',
      );
    const expires = Number(url.searchParams.get('X-Expires'));
    const expected = signUpload(this.signingKey, { ...target.grant, expires });
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
      this.faults.resetNextPuts > 0
        ? ((this.faults.resetNextPuts -= 1), true)
        : this.faults.resetPutRate > 0 && this.random() < this.faults.resetPutRate;
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
      if (this.faults.holdPuts) {
        req.pause();
        const check = (): void => {
          if (ended || req.destroyed) return;
          if (this.faults.holdPuts) this.later(20, check);
          else req.resume();
        };
        this.later(20, check);
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

  private handleDownload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    entry: RequestLogEntry,
    mid: string,
    object: string,
    xmlError: (status: number, code: string, message: string) => void,
  ): void {
    const expires = Number(url.searchParams.get('X-Expires'));
    const expected = signDownload(this.signingKey, url.pathname, expires);
    if (!Number.isInteger(expires) || !signatureMatches(expected, url.searchParams.get('X-Signature')))
      return xmlError(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    if (Date.now() / 1000 >= expires) return xmlError(403, 'AccessDenied', 'Request has expired');
    const rec = this.media.get(mid);
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

/** Start a simulator on 127.0.0.1 and resolve once it listens. */
export async function startSimulatorServer(options: SimulatorOptions = {}): Promise<SimulatorServer> {
  const sim = new SimulatorServer(options);
  await sim.listen();
  return sim;
}
