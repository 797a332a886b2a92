/**
 * The DetectionService port over the media API (authenta-api.md, sections 1 and 2): statuses
 * mapped onto phases, verdicts normalised, list records flagged partial where the full record
 * holds more. The client-credentials and API-key generations differ only in headers and error
 * codes, so both are this one class.
 */
import type { ApiGeneration } from '../../../shared/domain';
import type {
  Clock,
  CreateInput,
  CreatedRecord,
  Credentials,
  DetectionService,
  Logger,
  RemotePage,
  RemotePhase,
  RemoteRecord,
  UploadFile,
  UploadOptions,
  UploadReceipt,
  UploadTarget,
} from '../ports';
import { systemClock } from '../ports';
import { AuthentaClient, type ApiCall, type ClientNetwork } from './authenta-client';
import type { MediaRecord } from './schemas';
import { normaliseMediaVerdict } from './verdict';

/** Validity assumed for an upload URL when the answer carries no `expiresIn` (S3's usual 15 min). */
export const DEFAULT_UPLOAD_URL_TTL_S = 900;

/** The phase a media status means: INITED awaits the upload, PROCESSED is done, FAILED/ERROR failed, anything else is still going. */
export function phaseOfMediaStatus(status: string): RemotePhase {
  switch (status.trim().toUpperCase()) {
    case 'INITED':
      return 'awaiting-upload';
    case 'PROCESSED':
      return 'processed';
    case 'FAILED':
    case 'ERROR':
      return 'failed';
    default:
      return 'pending';
  }
}

/** Models known to take videos; every other known model takes images. */
const VIDEO_MODELS = new Set(['DF-1']);

/** Whether a record is a video or an image: its `type` first, then its model, then its fields. */
export function mediaKindOfRecord(
  record: Pick<MediaRecord, 'type' | 'modelType' | 'faces' | 'deepFakes' | 'participants'>,
): 'image' | 'video' {
  const type = record.type?.trim().toLowerCase();
  if (type === 'video') return 'video';
  if (type === 'image') return 'image';
  if (record.modelType && VIDEO_MODELS.has(record.modelType.toUpperCase())) return 'video';
  if (record.faces != null || record.deepFakes != null || record.participants != null) return 'video';
  return 'image';
}

/**
 * A media record as the engine sees it. `fromList`: list records of videos lack participants and
 * resultURL, and an image without `fake` lacks its verdict, so those are `partial`.
 */
export function toRemoteRecord(record: MediaRecord, raw: unknown, fromList: boolean): RemoteRecord {
  const phase = phaseOfMediaStatus(record.status);
  const kind = mediaKindOfRecord(record);
  const partial =
    fromList &&
    (kind === 'video' || (phase === 'processed' && (record.fake === undefined || record.fake === null)));
  return {
    remoteId: record.mid,
    phase,
    status: record.status,
    verdict: phase === 'processed' ? normaliseMediaVerdict(record, kind) : null,
    partial,
    failure: phase === 'failed' ? failureText(record) : null,
    raw,
  };
}

function failureText(record: MediaRecord): string {
  const r = record as Record<string, unknown>;
  for (const key of ['errorMessage', 'error', 'failureReason', 'reason', 'message']) {
    const v = r[key];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (v && typeof v === 'object' && typeof (v as { message?: unknown }).message === 'string') {
      return (v as { message: string }).message;
    }
  }
  return `Authenta could not process this file (status ${record.status})`;
}

export interface MediaDetectionServiceOptions {
  clock?: Clock;
}

/** DetectionService for the media API, over an AuthentaClient. */
export class MediaDetectionService implements DetectionService {
  readonly generation: ApiGeneration;
  private readonly clock: Clock;

  constructor(
    readonly client: AuthentaClient,
    credentialsKind: Credentials['kind'],
    options: MediaDetectionServiceOptions = {},
  ) {
    this.generation = credentialsKind === 'client' ? 'media-client' : 'media-apikey';
    this.clock = options.clock ?? systemClock;
  }

  /** `POST /media`; `expiresAt` is now plus `expiresIn` (or DEFAULT_UPLOAD_URL_TTL_S). */
  async create(input: CreateInput, signal?: AbortSignal): Promise<CreatedRecord> {
    const sentAt = this.clock.now();
    const answer = await this.client.createMedia(
      { name: input.name, contentType: input.contentType, size: input.size, modelType: input.model },
      signal,
    );
    const ttl = answer.data.expiresIn ?? DEFAULT_UPLOAD_URL_TTL_S;
    return {
      remoteId: answer.data.mid,
      uploadUrl: answer.data.uploadUrl,
      // Counted from when the request left, so a slow answer never makes the URL look fresher than it is.
      expiresAt: sentAt + Math.max(0, ttl) * 1000,
      raw: answer.raw,
    };
  }

  /** Streams the file to the pre-signed URL. */
  upload(target: UploadTarget, file: UploadFile, options: UploadOptions = {}): Promise<UploadReceipt> {
    return this.client.upload(target.uploadUrl, file, { ...options, mid: target.remoteId });
  }

  /** `GET /media/{mid}`: a full record. */
  async get(remoteId: string, signal?: AbortSignal): Promise<RemoteRecord> {
    const answer = await this.client.getMedia(remoteId, signal);
    return toRemoteRecord(answer.data, answer.raw, false);
  }

  /** `GET /media`: a page of records, with `partial` set where the full record holds more. */
  async list(page: { limit: number; offset: number }, signal?: AbortSignal): Promise<RemotePage> {
    const answer = await this.client.listMedia(page, signal);
    const rawItems = rawListItems(answer.raw);
    return {
      records: answer.data.data.map((record, i) => toRemoteRecord(record, rawItems[i] ?? record, true)),
      total: answer.data.total,
    };
  }

  /** `DELETE /media/{mid}`. */
  async remove(remoteId: string, signal?: AbortSignal): Promise<void> {
    await this.client.deleteMedia(remoteId, signal);
  }
}

function rawListItems(raw: unknown): unknown[] {
  const data = raw && typeof raw === 'object' ? (raw as { data?: unknown }).data : undefined;
  return Array.isArray(data) ? data : [];
}

export interface CreateDetectionServiceOptions {
  baseUrl: string;
  credentials: Credentials;
  logger?: Logger;
  onCall?: (call: ApiCall) => void;
  fetchTimeoutMs?: number;
  uploadIdleTimeoutMs?: number;
  clock?: Clock;
  /** The proxy routes and the shared upload cap (see ClientNetwork). */
  network?: ClientNetwork;
}

/** Builds the DetectionService a media-API profile needs (its generation follows the credentials' kind). */
export function createDetectionService(options: CreateDetectionServiceOptions): MediaDetectionService {
  const client = new AuthentaClient(options);
  return new MediaDetectionService(client, options.credentials.kind, { clock: options.clock });
}
