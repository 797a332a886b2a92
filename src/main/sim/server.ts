/**
 * The simulator's HTTP server: the media API under `/api`, an S3 stand-in under `/s3` for
 * pre-signed uploads and downloads, quotas, credits, processing delay and fault injection.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { matchRoute, readJsonBody } from './api-routing';
import { drainThen, sendJson } from './http';
import {
  apiError,
  checkAccess,
  familyOf,
  identify,
  injectedServerError,
  type AccountBook,
  type ApiError,
  type Family,
  type QuotaState,
} from './rules';
import { signDownload, signUpload, signedQuery } from './signing';
import {
  DEFAULT_URL_EXPIRY_SEC,
  type RouteDef,
  type SimHost,
  type SimMediaKind,
  type UploadTarget,
} from './host';
import { objectId, seededRandom } from './ids';
import { JobsApi } from './jobs';
import { MediaApi } from './media-api';
import { StorageApi } from './storage';
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

const DEFAULT_PROCESSING_MS = 4000;

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
  private readonly mediaApi: MediaApi;
  private readonly storage: StorageApi;
  private readonly uploads = new Map<string, UploadTarget>();
  private readonly routes: RouteDef[];
  private idCounter = Math.floor(Math.random() * 0xffffff);
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
    this.mediaApi = new MediaApi({
      ...this.host(),
      nextId: () => this.nextId(),
      downloadUrl: (path) => this.downloadUrl(path),
    });
    this.storage = new StorageApi({
      signingKey: this.signingKey,
      uploads: this.uploads,
      counters: this.counters,
      faults: this.faults,
      random: () => this.random(),
      later: (ms, fn) => this.later(ms, fn),
      mediaRecord: (mid) => this.mediaApi.record(mid),
    });
    this.routes = [...this.mediaApi.routes(), ...new JobsApi(this.host()).routes()];
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
      readJson: (ctx) => readJsonBody(ctx, (e) => this.answer(ctx.res, ctx.entry, e)),
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
      else if (url.pathname.startsWith('/s3/')) this.storage.handle(req, res, url, entry);
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

    const route = matchRoute(this.routes, method, sub);
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
      return drainThen(
        req,
        () => this.answer(res, entry, injectedServerError(family, this.faults.retryAfterSec)),
        entry,
      );
    }
    if (this.faults.serverErrorRate > 0 && this.random() < this.faults.serverErrorRate)
      return drainThen(
        req,
        () => this.answer(res, entry, injectedServerError(family, this.faults.retryAfterSec)),
        entry,
      );

    if (!route)
      return drainThen(
        req,
        () => this.answer(res, entry, apiError(family, 'route', `No such route: ${method} /api${sub}`)),
        entry,
      );

    const who = identify(req.headers, family, this.book);
    if ('status' in who) return drainThen(req, () => this.answer(res, entry, who), entry);
    entry.auth = who.family;
    const refused = checkAccess(who, route.demand, this.quota, this.credits);
    if (refused) return drainThen(req, () => this.answer(res, entry, refused), entry);
    if (who.family === 'client') {
      this.quota.used[route.demand.quota] += 1;
      entry.quota = route.demand.quota;
    }
    await route.handler({ req, res, url, params: route.params, principal: who, entry });
  }
}
/** Start a simulator on 127.0.0.1 and resolve once it listens. */
export async function startSimulatorServer(options: SimulatorOptions = {}): Promise<SimulatorServer> {
  const sim = new SimulatorServer(options);
  await sim.listen();
  return sim;
}
