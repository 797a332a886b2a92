/**
 * What every SQL adapter of the Ledger port shares: the row of the `jobs` table, how it becomes a
 * JobRecord, which column each patchable field lives in, the list sorts and the search pattern.
 * One mapping for SQLite and PostgreSQL, so both adapters hand the engine the same records.
 */
import type { NormalisedJobQuery } from '../../../shared/contract';
import {
  REVIEW_STATUSES,
  VERDICT_LABELS,
  type JobReview,
  type JobState,
  type ReviewStatus,
  type Verdict,
  type VerdictLabel,
} from '../../../shared/domain';
import type { JobPatch, JobRecord } from './ledger';
import type { TeamMounts } from './team-folders';

/** Outcomes that say nothing about the file's content: when it shows up again, it is checked. */
export const UNKNOWN_AGAIN_CODES: readonly string[] = [
  'VANISHED',
  'FOLDER_REMOVED',
  'CHANGED',
  'UNREADABLE',
  'OUTSIDE_FOLDERS',
];

interface Column {
  col: string;
  to: (v: unknown) => unknown;
}
const plain: Column['to'] = (v) => (v === undefined ? null : v);
const json: Column['to'] = (v) => (v === undefined || v === null ? null : JSON.stringify(v));
const int: Column['to'] = (v) => (typeof v === 'number' ? Math.floor(v) : null);

/**
 * Where each patchable field lives. Booleans are written by the adapter (SQLite stores 0/1,
 * PostgreSQL a boolean): `boolColumn` says which ones.
 */
const COLUMNS: Record<keyof JobPatch, Column> = {
  path: { col: 'path', to: plain },
  name: { col: 'name', to: plain },
  folderId: { col: 'folder_id', to: plain },
  size: { col: 'size', to: int },
  mtimeMs: { col: 'mtime_ms', to: int },
  sha256: { col: 'sha256', to: plain },
  contentType: { col: 'content_type', to: plain },
  kind: { col: 'kind', to: plain },
  model: { col: 'model', to: plain },
  generation: { col: 'generation', to: plain },
  remoteId: { col: 'remote_id', to: plain },
  uploadUrl: { col: 'upload_url', to: plain },
  uploadExpiresAt: { col: 'upload_expires_at', to: int },
  attempts: { col: 'attempts', to: int },
  nextAttemptAt: { col: 'next_attempt_at', to: int },
  bytesSent: { col: 'bytes_sent', to: int },
  verdict: { col: 'verdict_json', to: json },
  raw: { col: 'raw_json', to: json },
  errorCode: { col: 'error_code', to: plain },
  errorKind: { col: 'error_kind', to: plain },
  errorMessage: { col: 'error_message', to: plain },
  duplicateOf: { col: 'duplicate_of', to: plain },
  profileId: { col: 'profile_id', to: plain },
  simulated: { col: 'simulated', to: (v) => Boolean(v) },
  resumeState: { col: 'resume_state', to: plain },
  doneAt: { col: 'done_at', to: int },
  uploadedAt: { col: 'uploaded_at', to: int },
  pollingSince: { col: 'polling_since', to: int },
  pendingSeenMs: { col: 'pending_seen_ms', to: int },
  forceRecheck: { col: 'force_recheck', to: (v) => Boolean(v) },
  recordsCreated: { col: 'records_created', to: int },
};

/** One column assignment of a patch; `value` is a boolean for the boolean columns. */
export interface PatchColumn {
  col: string;
  value: unknown;
}

/**
 * The column assignments a patch makes, in a stable order; a verdict also writes its label and
 * confidence (the filters and sorts read those). Throws on a field the ledger does not know.
 */
export function patchColumns(patch: JobPatch): PatchColumn[] {
  const out: PatchColumn[] = [];
  for (const [key, value] of Object.entries(patch) as [keyof JobPatch, unknown][]) {
    if (value === undefined) continue;
    const column = COLUMNS[key];
    if (!column) throw new Error(`Unknown job field ${String(key)}.`);
    out.push({ col: column.col, value: column.to(value) });
    if (key === 'verdict') {
      const verdict = value as Verdict | null;
      out.push({ col: 'verdict_label', value: verdict?.label ?? null });
      out.push({ col: 'verdict_confidence', value: verdict?.confidence ?? null });
    }
  }
  return out;
}

/**
 * The key columns a patch that moves a file (`path`) also writes: the new path relative to its
 * team folder, or no key when it left every team folder. Nothing when the patch keeps the path.
 */
export function keyColumns(patch: JobPatch, mounts: TeamMounts): PatchColumn[] {
  if (patch.path === undefined) return [];
  const key = mounts.keyOf(patch.path, patch.folderId);
  return [
    { col: 'team_folder', value: key?.teamFolderId ?? null },
    { col: 'rel_path', value: key?.relPath ?? null },
  ];
}

/**
 * Whether an insert of a team folder's file takes the file's latest row instead of making one:
 * the row is still `waiting` (being looked at), or it is this version and has not ended
 * `skipped` or `failed` (which a new sighting checks again). Pure.
 */
export function takesInsert(
  latest: Pick<JobRow, 'state' | 'size' | 'mtime_ms'>,
  job: { size: number; mtimeMs: number },
): boolean {
  if (latest.state === 'waiting') return true;
  if (latest.state === 'skipped' || latest.state === 'failed') return false;
  return latest.size === Math.floor(job.size) && latest.mtime_ms === Math.floor(job.mtimeMs);
}

/** A row of `jobs` as either database returns it (SQLite: 0/1 for booleans; PostgreSQL: booleans). */
export interface JobRow {
  id: number;
  path: string;
  folder_id: string | null;
  name: string;
  size: number;
  mtime_ms: number;
  sha256: string | null;
  content_type: string | null;
  kind: string | null;
  model: string | null;
  generation: string | null;
  remote_id: string | null;
  upload_url: string | null;
  upload_expires_at: number | null;
  state: string;
  resume_state: string | null;
  attempts: number;
  next_attempt_at: number | null;
  bytes_sent: number;
  verdict_json: string | null;
  raw_json: string | null;
  error_code: string | null;
  error_kind: string | null;
  error_message: string | null;
  duplicate_of: number | null;
  profile_id: string;
  simulated: number | boolean;
  force_recheck: number | boolean;
  uploaded_at: number | null;
  polling_since: number | null;
  pending_seen_ms: number | null;
  records_created: number;
  desk?: string | null;
  lease_until?: number | null;
  /** The team folder's id and the path relative to it (team folders); null for other rows. */
  team_folder?: string | null;
  rel_path?: string | null;
  created_at: number;
  updated_at: number;
  done_at: number | null;
  review_status: string;
  review_note: string | null;
  review_at: number | null;
}

function toReview(r: JobRow): JobReview {
  const status = (REVIEW_STATUSES as readonly string[]).includes(r.review_status)
    ? (r.review_status as ReviewStatus)
    : 'new';
  return { status, note: r.review_note, at: r.review_at };
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * The JobRecord of a row. With `mounts`, a row of a team folder this desk watches gets this
 * desk's own path and folder (the row keeps the path relative to the team folder).
 */
export function toRecord(r: JobRow, mounts?: TeamMounts): JobRecord {
  const here = mounts ? mounts.local(r) : { path: r.path, folderId: r.folder_id };
  return {
    id: r.id,
    path: here.path,
    name: r.name,
    folderId: here.folderId,
    size: r.size,
    mtimeMs: r.mtime_ms,
    sha256: r.sha256,
    contentType: r.content_type,
    kind: r.kind as JobRecord['kind'],
    model: r.model,
    generation: r.generation as JobRecord['generation'],
    remoteId: r.remote_id,
    state: r.state as JobState,
    attempts: r.attempts,
    bytesSent: r.bytes_sent,
    verdict: parseJson(r.verdict_json) as Verdict | null,
    errorCode: r.error_code,
    errorKind: r.error_kind as JobRecord['errorKind'],
    errorMessage: r.error_message,
    duplicateOf: r.duplicate_of,
    profileId: r.profile_id,
    simulated: r.simulated === 1 || r.simulated === true,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    doneAt: r.done_at,
    nextAttemptAt: r.next_attempt_at,
    uploadUrl: r.upload_url,
    uploadExpiresAt: r.upload_expires_at,
    resumeState: r.resume_state as JobState | null,
    raw: parseJson(r.raw_json),
    uploadedAt: r.uploaded_at,
    pollingSince: r.polling_since,
    pendingSeenMs: r.pending_seen_ms,
    forceRecheck: r.force_recheck === 1 || r.force_recheck === true,
    recordsCreated: r.records_created ?? 0,
    desk: r.desk ?? null,
    leaseUntil: r.lease_until ?? null,
    review: toReview(r),
  };
}

/** Verdicts by severity: a descending sort shows fakes first. */
const SEVERITY: Record<VerdictLabel, number> = { fake: 4, suspect: 3, inconclusive: 2, authentic: 1 };
const SEVERITY_SQL = `CASE verdict_label ${VERDICT_LABELS.map((l) => `WHEN '${l}' THEN ${SEVERITY[l]}`).join(' ')} END`;

/**
 * ORDER BY of each sort key; jobs without a verdict (or confidence) come last in both orders.
 * `nameCollation` makes PostgreSQL compare names byte-wise like SQLite does.
 */
export function orderBy(sort: NormalisedJobQuery['sort'], dir: 'ASC' | 'DESC', nameCollation = ''): string {
  switch (sort) {
    case 'createdAt':
      return `created_at ${dir}, id ${dir}`;
    case 'updatedAt':
      return `updated_at ${dir}, id ${dir}`;
    case 'name':
      return `LOWER(name)${nameCollation} ${dir}, id ${dir}`;
    case 'size':
      return `size ${dir}, id ${dir}`;
    case 'state':
      return `state${nameCollation} ${dir}, id ${dir}`;
    case 'verdict':
      return `${SEVERITY_SQL} ${dir} NULLS LAST, verdict_confidence ${dir} NULLS LAST, id ${dir}`;
    case 'confidence':
      return `verdict_confidence ${dir} NULLS LAST, id ${dir}`;
  }
}

/** Escape LIKE wildcards so a search for "50%" finds "50%" (use with ESCAPE '\'). */
export function likePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
