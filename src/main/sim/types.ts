/**
 * The public shape of the Authenta simulator: options, fault switches, the request log and the
 * handle tests and the Sandbox profile hold. The behaviour behind it lives in server.ts.
 */

/** What a client id/secret pair or an API key may do: GET needs read, POST write, DELETE delete. */
export type Permission = 'read' | 'write' | 'delete';

/** All three permissions, the default for the demo credentials and key. */
export const ALL_PERMISSIONS: readonly Permission[] = ['read', 'write', 'delete'];

/** Processing time per media kind, in ms; kinds left out use `processingMs`. */
export interface ProcessingMsByKind {
  image?: number;
  video?: number;
  audio?: number;
  document?: number;
}

/** How to start a simulator. Every field is optional; defaults are stated per field. */
export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Time from a finished upload (media API) or finalize (Jobs API) to the verdict (default 4000). */
  processingMs?: number;
  /** Per kind override of `processingMs`. */
  processingMsByKind?: ProcessingMsByKind;
  /** Client credentials the server accepts; default: one demo pair with all permissions. */
  credentials?: { clientId: string; clientSecret: string; permissions?: Permission[] }[];
  /** API keys the server accepts; default: one demo key with all permissions. */
  apiKeys?: { key: string; permissions?: Permission[] }[];
  /** Calls allowed per quota window (client credentials only); default unlimited. */
  quota?: { query?: number; mutation?: number };
  /** Credits of the account; default unlimited. One credit is spent per processed record. */
  credits?: number;
  /** Validity of every pre-signed URL in seconds (default 900). */
  urlExpirySec?: number;
  /** Share (0..1) of records without a marker that end FAILED, chosen by their bytes (default 0). */
  failShare?: number;
  /** Add `simulated: true` to every record (default true). */
  simulatedLabel?: boolean;
  /** Seed of the generator behind `faults.serverErrorRate` and `faults.resetPutRate`. */
  seed?: number;
  /**
   * Jobs API: the other reading of the vendor's docs. A new job is `waiting_for_finalize` at once
   * (it waits for its inputs and the finalize call), whether or not its bytes ever arrive, and
   * finalize checks the storage: a job without its bytes is refused with 400 `UPLOAD_INCOMPLETE`.
   * Default false: a job is `created` until its bytes arrive, and finalize before that is refused
   * with 409 `JOB_INPUTS_MISSING`. Either way the status is no proof of an upload.
   */
  jobsWaitingAtCreate?: boolean;
}

/** Fault switches, read on every request: tests flip them while the server runs. */
export interface Faults {
  /** Share (0..1) of API requests answered 5xx (default 0). */
  serverErrorRate: number;
  /** The next N API requests get 500 (503 with Retry-After when `retryAfterSec` is set); decrements. */
  serverErrorBurst: number;
  /** When set, injected errors are 503 with this Retry-After (seconds) instead of 500. */
  retryAfterSec: number | null;
  /** Share (0..1) of upload PUTs whose socket is destroyed mid-body. */
  resetPutRate: number;
  /** The next N upload PUTs get their socket destroyed mid-body; decrements. */
  resetNextPuts: number;
  /** Delay added to every API request, in ms. */
  latencyMs: number;
  /** Overrides `urlExpirySec` for URLs issued from now on. */
  urlExpirySec: number | null;
  /** Overrides `processingMs` (all kinds) for processing started from now on. */
  processingMs: number | null;
  /**
   * While true, upload PUTs stop being read after their first chunk (a stalled network): the
   * client's upload hangs mid-body. Setting it back to false lets them go on.
   */
  holdPuts: boolean;
}

/** Which quota a request used up. */
export type QuotaKind = 'query' | 'mutation';

/** One line of the request log: every request the server saw, API or storage. */
export interface RequestLogEntry {
  /** Epoch ms when the request arrived. */
  at: number;
  method: string;
  /** The route pattern, e.g. `/media/:mid`, `/v1/jobs/:id/finalize`, `/s3/uploads/:mid`; raw path if unknown. */
  route: string;
  /** HTTP status answered; 0 when the socket was destroyed (injected reset or client abort). */
  status: number;
  /** The media id or job id the request was about, when there is one. */
  mid: string | null;
  /**
   * The file name a record-creating call named (`POST /media`'s name, `POST /v1/jobs`'s first
   * input's fileName), so tests can count records per file; absent on other requests.
   */
  name?: string;
  /** Request body bytes received. */
  bytes: number;
  /** The quota this request used up; null for storage requests, API keys and refused calls. */
  quota: QuotaKind | null;
  /** Error code answered (IAM001, AA001, SignatureDoesNotMatch, RESET, ...), or null on success. */
  code: string | null;
  /** How the request authenticated itself. */
  auth: 'client' | 'apikey' | null;
}

/** Request counts since start, for assertions. */
export interface SimulatorCounts {
  /** API GET requests (any outcome). */
  query: number;
  /** API POST and DELETE requests (any outcome). */
  mutation: number;
  /** PUTs to upload URLs (any outcome). */
  put: number;
  /** PUTs per media id / job id. */
  puts: Record<string, number>;
  /** Record-creating POSTs: `POST /media` and `POST /v1/jobs` (any outcome). */
  posts: number;
}

/** Quota and credit usage of the account. */
export interface SimulatorUsage {
  /** Calls used up in the current quota window. */
  query: number;
  mutation: number;
  /** Credits left (null = unlimited) and spent since start. */
  credits: number | null;
  creditsSpent: number;
}

/** A running simulator. Close it when done: it leaves no handle open. */
export interface Simulator {
  /** Base URL of the API, e.g. `http://127.0.0.1:40123/api`; the Jobs API is under `${url}/v1`. */
  readonly url: string;
  /** The server's origin, e.g. `http://127.0.0.1:40123`. */
  readonly origin: string;
  readonly port: number;
  /** The demo pair (the first of `options.credentials`). */
  readonly credentials: { clientId: string; clientSecret: string };
  /** The demo API key (the first of `options.apiKeys`). */
  readonly apiKey: string;
  /** Mutable fault switches, read on every request. */
  readonly faults: Faults;
  /** Every request, oldest first. */
  readonly requests: RequestLogEntry[];
  counts(): SimulatorCounts;
  usage(): SimulatorUsage;
  /** Change the quota limits (undefined = unlimited); usage in the window is kept. */
  setQuota(q: { query?: number; mutation?: number }): void;
  /** Start a new quota window: usage drops to zero. */
  resetQuotaWindow(): void;
  /** Set the credits left; `null` means unlimited. */
  setCredits(n: number | null): void;
  /** Accept another client id/secret pair (default permissions: all). */
  addCredentials(c: { clientId: string; clientSecret: string; permissions?: Permission[] }): {
    clientId: string;
    clientSecret: string;
  };
  /** Accept another API key; without `key` one is generated. Returns the key. */
  addApiKey(k?: { key?: string; permissions?: Permission[] }): string;
  close(): Promise<void>;
}
