/**
 * Ports: what the engine needs from the outside world, handed in by the composition roots
 * (Electron main, the CLI, tests). Adapters are named by technology, fakes by what they are.
 */
import type { ApiGeneration, MediaKind, Verdict } from '../../shared/domain';
import type { Settings } from '../../shared/settings';
import type { Ledger } from './ledger/ledger';

/** Disposable: everything that listens or holds a handle (STYLE.md, habit 7). */
export interface Disposable {
  dispose(): void | Promise<void>;
}

/** Time and timers, injected so tests can run a day of backoff in a millisecond. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): Disposable;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { dispose: () => clearTimeout(t) };
  },
};

/** Secrets of one profile: client credentials or an API key. */
export type Credentials =
  { kind: 'client'; clientId: string; clientSecret: string } | { kind: 'apikey'; apiKey: string };

/** The OS keychain (keytar) or, where none can be used, nothing at all: never a plain-text file. */
export interface SecretStore {
  get(profileId: string): Promise<Credentials | null>;
  set(profileId: string, credentials: Credentials): Promise<void>;
  delete(profileId: string): Promise<void>;
  /** Whether the store works here; if not, a message saying what to do instead. */
  availability(): Promise<{ available: boolean; message: string | null }>;
}

/** Structured log lines. Adapters redact secrets by construction (see logger.ts). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** What the engine asks of a detection API; the media API and the Jobs API are two adapters. */
export interface DetectionService {
  readonly generation: ApiGeneration;
  /** Create the remote record and get a pre-signed upload URL. A Mutation call. */
  create(input: CreateInput, signal?: AbortSignal): Promise<CreatedRecord>;
  /** Stream the file to the pre-signed URL; never buffers the file. Not an API call. */
  upload(target: UploadTarget, file: UploadFile, options?: UploadOptions): Promise<UploadReceipt>;
  /** Jobs API only: start processing after the upload. Absent for the media API. */
  finalize?(remoteId: string, signal?: AbortSignal): Promise<void>;
  /** One record, with its verdict once processed. A Query call. */
  get(remoteId: string, signal?: AbortSignal): Promise<RemoteRecord>;
  /** A page of records, newest first. A Query call that answers for many pending records. */
  list(page: { limit: number; offset: number }, signal?: AbortSignal): Promise<RemotePage>;
  /** Delete the remote record. A Mutation call. */
  remove(remoteId: string, signal?: AbortSignal): Promise<void>;
  /** Jobs API only: cancel processing. */
  cancel?(remoteId: string, signal?: AbortSignal): Promise<void>;
}

export interface CreateInput {
  name: string;
  contentType: string;
  size: number;
  /** A model code (DF-1, AC-1, FD-1) or, for the Jobs API, a task type id as a string. */
  model: string;
  kind: MediaKind;
}

export interface UploadTarget {
  remoteId: string;
  uploadUrl: string;
}

export interface CreatedRecord extends UploadTarget {
  /** When the upload URL stops working (ms since epoch). */
  expiresAt: number;
  raw: unknown;
}

export interface UploadFile {
  path: string;
  contentType: string;
  size: number;
}

/** What an upload actually sent, hashed while it streamed (the file may change under it). */
export interface UploadReceipt {
  /** sha256 (hex) of the bytes sent. */
  sha256: string;
  bytes: number;
}

export interface UploadOptions {
  signal?: AbortSignal;
  /** Bytes sent so far, called as they go. */
  onProgress?: (bytesSent: number) => void;
}

/** Where a remote record stands, whatever the API generation called it. */
export type RemotePhase = 'pending' | 'awaiting-upload' | 'processed' | 'failed';

export interface RemoteRecord {
  remoteId: string;
  phase: RemotePhase;
  /** The status as the API spelled it (INITED, PROCESSED, completed, ...). */
  status: string;
  /** Present once processed. */
  verdict: Verdict | null;
  /** True when this record came from a list and lacks fields only the full record has. */
  partial: boolean;
  /** Error text the API gave for a failed record. */
  failure: string | null;
  raw: unknown;
}

export interface RemotePage {
  records: RemoteRecord[];
  total: number;
}

/** Where settings are kept: electron-store on the desktop, conf headless, memory in tests. */
export interface SettingsStore {
  /** The stored settings, migrated to the current version (defaults on first start). */
  load(): Promise<Settings>;
  save(settings: Settings): Promise<void>;
}

/**
 * Opens the ledger of a data folder. The engine calls it in `start()`, after it holds the data
 * folder's lock, so two engines never open one ledger; SQLite on the desktop and headless, the
 * planned PostgreSQL adapter for a team. It may throw (a damaged or unreadable ledger): `start()`
 * lets that through to the host, which says what to do.
 */
export type OpenLedger = (place: {
  /** The data folder (the SQLite adapter keeps ledger.sqlite there). */
  dataDir: string;
  /** The engine's clock, for the times the ledger writes. */
  now: () => number;
}) => Ledger | Promise<Ledger>;

/** The Sandbox's simulated Authenta as the engine sees it: where it answers, with which demo pair. */
export interface SandboxSimulator {
  /** Base URL of its API, on loopback. */
  readonly url: string;
  readonly credentials: { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

/** Starts the Sandbox's simulator on first use (src/main/sim's `startSimulator` in the hosts). */
export type SimulatorFactory = (options: { processingMs: number }) => Promise<SandboxSimulator>;
