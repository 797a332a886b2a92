/**
 * The account's history (issue 14): the records Authenta holds for the active profile's account,
 * read a page at a time only when someone asks (the UI's view, `authenta-watch history`), never
 * by polling, each page one Query call, each record matched against this desk's ledger by its
 * record id. Pure functions decide (the page window, the match, the entry); `readHistoryPage`
 * only moves data between the service and them.
 */
import { JOB_STATES, type ApiGeneration, type Job, type MediaKind } from '../../../shared/domain';
import {
  HistoryQuerySchema,
  type HistoryEntry,
  type HistoryLocal,
  type HistoryPage,
  type HistoryQuery,
} from '../../../shared/history';
import { AuthentaError, isAuthentaError } from '../api/errors';
import type { Ledger } from '../ledger/ledger';
import type { DetectionService, RemoteRecord } from '../ports';
import { userError } from '../services/user-error';

/** What the ledger knows of the records this desk sent, by record id. */
export type LocalRecords = ReadonlyMap<string, HistoryLocal>;

/**
 * The ledger's rows by the record id they were sent as. A file checked twice (a re-check) has two
 * rows with different record ids; a record id in two rows (a row re-sent by a re-check that got a
 * verdict from a twin) keeps its newest row. Rows never sent have no record id and are left out.
 */
export function indexLocalRecords(
  jobs: Iterable<Pick<Job, 'id' | 'name' | 'state' | 'remoteId'>>,
): LocalRecords {
  const byId = new Map<string, HistoryLocal>();
  for (const job of jobs) {
    if (!job.remoteId) continue;
    const seen = byId.get(job.remoteId);
    if (!seen || seen.jobId < job.id)
      byId.set(job.remoteId, { jobId: job.id, name: job.name, state: job.state });
  }
  return byId;
}

/**
 * The window of records a page covers. Aligned to the page size so the Jobs API's pages
 * (`?page&limit`) and the media API's offsets (`?offset&limit`) both read it in one call.
 */
export function historyWindow(page: number, pageSize: number): { offset: number; limit: number } {
  return { offset: (page - 1) * pageSize, limit: pageSize };
}

/** Pages in all for `total` records (at least one, so an empty account shows page 1 of 1). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

function field(raw: unknown, key: string): unknown {
  return raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
}

function firstInput(raw: unknown): unknown {
  const inputs = field(raw, 'inputs');
  return Array.isArray(inputs) ? inputs[0] : undefined;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/** A time the API gave as an ISO string or a number (seconds or ms since epoch); null when unreadable. */
export function parseApiTime(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v < 1e12 ? v * 1000 : v;
  if (typeof v === 'string' && v.trim() !== '') {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

function kindOf(raw: unknown, generation: ApiGeneration): MediaKind | null {
  const type = text(field(raw, 'type'))?.toLowerCase();
  if (type === 'video' || type === 'image') return type;
  const contentType =
    generation === 'jobs-v1' ? text(field(firstInput(raw), 'contentType')) : text(field(raw, 'contentType'));
  if (contentType?.startsWith('video/')) return 'video';
  if (contentType?.startsWith('image/')) return 'image';
  return null;
}

/**
 * One record as the history shows it: name, kind and time from the raw list item, the verdict
 * the list gave, and the ledger row that sent it (null: from elsewhere). A finished job the Jobs
 * API listed without its result has no verdict here (the full record holds it): never shown as
 * an answer it did not give.
 */
export function toHistoryEntry(
  record: RemoteRecord,
  generation: ApiGeneration,
  local: LocalRecords,
): HistoryEntry {
  const raw = record.raw;
  const name = generation === 'jobs-v1' ? text(field(firstInput(raw), 'fileName')) : text(field(raw, 'name'));
  const withoutResult = generation === 'jobs-v1' && record.partial;
  return {
    remoteId: record.remoteId,
    name,
    kind: kindOf(raw, generation),
    createdAt: parseApiTime(field(raw, 'createdAt')),
    status: record.status,
    phase: record.phase,
    verdict: withoutResult ? null : record.verdict,
    failure: record.failure,
    local: local.get(record.remoteId) ?? null,
  };
}

/**
 * An API error while reading the history, said for people: what went wrong and what to do, with
 * the API's code kept (the UI and the CLI's exit code decide by it). Other errors pass unchanged.
 */
export function historyError(e: unknown): unknown {
  if (!isAuthentaError(e)) return e;
  const action = oneTimeAction(e.action);
  const what =
    e.kind === 'quota'
      ? "Authenta's Query quota is used up, so the account's history cannot be read now"
      : e.kind === 'auth'
        ? 'Authenta refused the credentials of this profile'
        : e.kind === 'permission'
          ? "This key may not read the account's records"
          : `The account's history could not be read: ${e.message}`;
  return new AuthentaError({
    code: e.code,
    kind: e.kind,
    status: e.status,
    quota: e.quota,
    retryAfterMs: e.retryAfterMs,
    message: `${what}. ${action}`,
    action,
    cause: e,
  });
}

const AUTOMATIC = /(nothing to do[^:.]*: )?(it will be retried automatically|the next try is automatic)\.?/i;

/**
 * The engine's advice without its promise of an automatic retry: the pipeline retries on its
 * own, but a history page is read once, when asked, so the reader is told to ask again.
 */
function oneTimeAction(action: string): string {
  if (!AUTOMATIC.test(action)) return action;
  const rest = action
    .replace(AUTOMATIC, '')
    .trim()
    .replace(/[;,.]$/, '');
  return rest
    ? `${rest}. Read it again once that is fixed: the history is not read again on its own.`
    : 'Read it again in a moment: the history is not read again on its own.';
}

/** Where a page comes from. */
export interface HistorySource {
  /** The active profile's service; its `list` is one Query call, counted where the service counts. */
  service: DetectionService;
  /** The ledger's rows by record id (read when the page is asked for, so it is current). */
  localRecords(): Promise<LocalRecords>;
  profileName: string;
  simulated: boolean;
}

/** What `historySource` needs of the active profile. */
export interface HistoryProfile {
  service: DetectionService;
  profile: { name: string };
  simulated: boolean;
}

/**
 * The history of the active profile, matched against the ledger's rows; a user error saying what
 * to do when no profile can reach Authenta.
 */
export function historySource(
  active: HistoryProfile | null,
  ledger: Pick<Ledger, 'listByStates'>,
): HistorySource {
  if (!active)
    throw userError(
      'No profile can reach Authenta yet: add the client ID and secret (or an API key) under Account, then open the history again.',
      'NO_CREDENTIALS',
    );
  return {
    service: active.service,
    profileName: active.profile.name,
    simulated: active.simulated,
    localRecords: async () => indexLocalRecords(await ledger.listByStates(JOB_STATES)),
  };
}

/** Reads pages on demand and counts the Query calls it made. */
export class AccountHistory {
  #calls = 0;

  /** Query calls made through this history so far. */
  get queryCalls(): number {
    return this.#calls;
  }

  /**
   * One page of the account's records, newest first: one `GET /media` or `GET /v1/jobs` call.
   * Rejects with a readable AuthentaError (quota, credentials, ...) when the API refuses.
   */
  async read(source: HistorySource, query: HistoryQuery, signal?: AbortSignal): Promise<HistoryPage> {
    const { page, pageSize } = HistoryQuerySchema.parse(query);
    const [local, answer] = await Promise.all([
      source.localRecords(),
      (async () => {
        this.#calls += 1;
        try {
          return await source.service.list(historyWindow(page, pageSize), signal);
        } catch (e) {
          throw historyError(e);
        }
      })(),
    ]);
    const generation = source.service.generation;
    return {
      page,
      pageSize,
      total: answer.total,
      pages: pageCount(answer.total, pageSize),
      entries: answer.records.map((r) => toHistoryEntry(r, generation, local)),
      queryCalls: 1,
      sessionQueryCalls: this.#calls,
      generation,
      profileName: source.profileName,
      simulated: source.simulated,
    };
  }
}
