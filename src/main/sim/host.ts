/**
 * What the simulator's API modules (media API, Jobs API) share with the server that hosts them:
 * route definitions, the request context, upload targets, and the host's services.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError, Demand, Principal } from './rules';
import type { UploadGrant } from './signing';
import type { RequestLogEntry } from './types';

/** How long pre-signed URLs stay valid when neither an option nor a fault says otherwise. */
export const DEFAULT_URL_EXPIRY_SEC = 900;

/** Media kinds with their own processing time. */
export type SimMediaKind = 'image' | 'video' | 'audio' | 'document';

/** What a finished upload delivered: the sha256 digest, the first 64 KiB and the ETag. */
export interface CompletedUpload {
  digest: Buffer;
  head: Buffer;
  etag: string;
}

/** Where an upload PUT lands: the object it fills and what happens once it is complete. */
export interface UploadTarget {
  grant: Omit<UploadGrant, 'expires'>;
  /** Whether bytes are still awaited (a later PUT is accepted but changes nothing). */
  awaiting(): boolean;
  complete(upload: CompletedUpload): void;
}

/** Everything a route handler needs. */
export interface ApiContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The route's captured path parameters. */
  params: string[];
  principal: Principal;
  entry: RequestLogEntry;
}

/** One API route under `/api`. */
export interface RouteDef {
  method: string;
  /** Matched against the path after `/api`; groups become `params`. */
  re: RegExp;
  /** Logged as the request's route. */
  pattern: string;
  demand: Demand;
  /** Jobs API routes speak only API keys. */
  keysOnly?: boolean;
  /** The route creates a record (counted in `counts().posts`). */
  creates?: boolean;
  handler: (ctx: ApiContext) => Promise<void> | void;
}

/** Services the server lends its API modules. */
export interface SimHost {
  /** The server's origin, e.g. `http://127.0.0.1:40123`. */
  origin(): string;
  /** An unref'd timer that close() clears. */
  later(ms: number, fn: () => void): NodeJS.Timeout;
  cancel(t: NodeJS.Timeout | null | undefined): void;
  /** Seconds URLs issued now stay valid; `fallback` when neither option nor fault sets it. */
  expirySec(fallback: number): number;
  /** Jobs API: new jobs start `waiting_for_finalize` (see SimulatorOptions.jobsWaitingAtCreate). */
  jobsWaitingAtCreate(): boolean;
  processingMsFor(kind: SimMediaKind): number;
  failShare(): number;
  labelled(): boolean;
  /** Spend a credit now; false when none is left. */
  spendCredit(): boolean;
  /** Register where PUTs to `path` land and return the pre-signed URL. */
  registerUpload(path: string, target: UploadTarget, expires: number): string;
  unregisterUpload(path: string): void;
  /** Read a small JSON body; answers 400 itself and returns undefined when it is not JSON. */
  readJson(ctx: ApiContext): Promise<{ value: unknown } | undefined>;
  /** Send an error answer and log it. */
  answer(ctx: ApiContext, e: ApiError): void;
  /** Send a success and log it (`body` undefined = empty body). */
  ok(ctx: ApiContext, status: number, body: unknown): void;
}

/** What the routes of each kind demand of the caller. */
export const READ: Demand = { permission: 'read', quota: 'query', needsCredit: false };
export const WRITE: Demand = { permission: 'write', quota: 'mutation', needsCredit: false };
export const CREATE: Demand = { permission: 'write', quota: 'mutation', needsCredit: true };
export const REMOVE: Demand = { permission: 'delete', quota: 'mutation', needsCredit: false };
