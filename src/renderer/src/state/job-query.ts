/**
 * The queue's filter, and how a live change lands in a loaded, sorted list without asking the
 * engine again. Mirrors the engine's listJobs semantics: states, verdicts, folder, created-at
 * range (inclusive), case-insensitive name search; ties in the sort key broken by id in the same
 * direction.
 */
import type { JOB_SORT_KEYS, JobQuery } from '../../../shared/contract';
import type { Job, JobChange, JobState, ReviewStatus, VerdictLabel } from '../../../shared/domain';

export type JobSortKey = (typeof JOB_SORT_KEYS)[number];
export type SortOrder = 'asc' | 'desc';

export interface JobFilter {
  states: readonly JobState[] | null;
  verdicts: readonly VerdictLabel[] | null;
  /** Review statuses to show; null: all. */
  reviews: readonly ReviewStatus[] | null;
  folderId: string | null;
  /** Created at or after (ms). */
  since: number | null;
  /** Created at or before (ms). */
  until: number | null;
  search: string;
  sort: JobSortKey;
  order: SortOrder;
}

/** Newest first, nothing filtered. */
export const DEFAULT_FILTER: Readonly<JobFilter> = {
  states: null,
  verdicts: null,
  reviews: null,
  folderId: null,
  since: null,
  until: null,
  search: '',
  sort: 'createdAt',
  order: 'desc',
};

/** True when the filter hides some jobs (sorting does not count). */
export function isFiltering(filter: JobFilter): boolean {
  return (
    filter.states !== null ||
    filter.verdicts !== null ||
    filter.reviews !== null ||
    filter.folderId !== null ||
    filter.since !== null ||
    filter.until !== null ||
    filter.search.trim() !== ''
  );
}

/** The listJobs query for a filter and a page. */
export function toQuery(filter: JobFilter, offset: number, limit: number): JobQuery {
  const query: JobQuery = { sort: filter.sort, order: filter.order, offset, limit };
  if (filter.states) query.states = [...filter.states];
  if (filter.verdicts) query.verdicts = [...filter.verdicts];
  if (filter.reviews) query.reviews = [...filter.reviews];
  if (filter.folderId !== null) query.folderId = filter.folderId;
  if (filter.since !== null) query.since = filter.since;
  if (filter.until !== null) query.until = filter.until;
  const search = filter.search.trim();
  if (search) query.search = search;
  return query;
}

/** Whether the engine would list this job under the filter. */
export function matchesFilter(job: Job, filter: JobFilter): boolean {
  if (filter.states && !filter.states.includes(job.state)) return false;
  if (filter.verdicts && (!job.verdict || !filter.verdicts.includes(job.verdict.label))) return false;
  if (filter.reviews && !filter.reviews.includes(job.review?.status ?? 'new')) return false;
  if (filter.folderId !== null && job.folderId !== filter.folderId) return false;
  if (filter.since !== null && job.createdAt < filter.since) return false;
  if (filter.until !== null && job.createdAt > filter.until) return false;
  const search = filter.search.trim().toLowerCase();
  if (search && !job.name.toLowerCase().includes(search)) return false;
  return true;
}

/** How bad a verdict is, as the engine sorts it: fake first in a descending sort. */
const SEVERITY: Record<VerdictLabel, number> = { authentic: 1, inconclusive: 2, suspect: 3, fake: 4 };

/** The verdict sort's values of a job (severity, then confidence); null without a verdict. */
function verdictKey(job: Job, sort: 'verdict' | 'confidence'): [number, number | null] | null {
  const v = job.verdict;
  if (!v) return null;
  if (sort === 'confidence') return v.confidence === undefined ? null : [v.confidence, null];
  return [SEVERITY[v.label], v.confidence ?? null];
}

/**
 * Compare by verdict or confidence in the chosen order; jobs without one last in either order
 * (the engine's NULLS LAST).
 */
function verdictCompare(a: Job, b: Job, sort: 'verdict' | 'confidence', order: SortOrder): number {
  const x = verdictKey(a, sort);
  const y = verdictKey(b, sort);
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  const dir = order === 'asc' ? 1 : -1;
  if (x[0] !== y[0]) return (x[0] - y[0]) * dir;
  if (x[1] === y[1]) return 0;
  if (x[1] === null || y[1] === null) return x[1] === null ? 1 : -1;
  return (x[1] - y[1]) * dir;
}

function keyCompare(a: Job, b: Job, sort: Exclude<JobSortKey, 'verdict' | 'confidence'>): number {
  switch (sort) {
    case 'name': {
      const x = a.name.toLowerCase();
      const y = b.name.toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'state':
      return a.state < b.state ? -1 : a.state > b.state ? 1 : 0;
    default:
      return a[sort] - b[sort];
  }
}

/** The list's order: the sort key, then the id, both in the chosen direction. */
export function compareJobs(a: Job, b: Job, sort: JobSortKey, order: SortOrder): number {
  if (sort === 'verdict' || sort === 'confidence') {
    return verdictCompare(a, b, sort, order) || (order === 'asc' ? a.id - b.id : b.id - a.id);
  }
  const c = keyCompare(a, b, sort) || a.id - b.id;
  return order === 'asc' ? c : -c;
}

/** Where a job belongs in rows already sorted by (sort, order): the first index it precedes. */
export function insertionIndex(rows: readonly Job[], job: Job, sort: JobSortKey, order: SortOrder): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareJobs(rows[mid] as Job, job, sort, order) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface PatchResult {
  rows: Job[];
  /** How the number of matching jobs changed, as far as the loaded rows tell. */
  totalDelta: number;
  /** Whether anything visible changed. */
  changed: boolean;
}

/**
 * Apply the engine's changes to loaded rows. A row that still matches is replaced (and moved if its
 * sort key moved); one that stops matching leaves; a new matching job is inserted at its place. While
 * later pages are still loading (`complete` false), a new job that sorts after the loaded rows is left
 * for its page to bring.
 */
export function applyChanges(
  rows: readonly Job[],
  changes: readonly JobChange[],
  filter: JobFilter,
  complete: boolean,
): PatchResult {
  let next: Job[] | null = null;
  let totalDelta = 0;
  const work = (): Job[] => (next ??= rows.slice());
  for (const change of changes) {
    const list = next ?? rows;
    const id = change.type === 'removed' ? change.id : change.job.id;
    const at = list.findIndex((j) => j.id === id);
    if (change.type === 'removed') {
      if (at >= 0) {
        work().splice(at, 1);
        totalDelta -= 1;
      }
      continue;
    }
    const job = change.job;
    const matches = matchesFilter(job, filter);
    if (at >= 0) {
      const arr = work();
      if (!matches) {
        arr.splice(at, 1);
        totalDelta -= 1;
        continue;
      }
      const before = at > 0 ? arr[at - 1] : undefined;
      const after = at < arr.length - 1 ? arr[at + 1] : undefined;
      const inPlace =
        (!before || compareJobs(before, job, filter.sort, filter.order) <= 0) &&
        (!after || compareJobs(job, after, filter.sort, filter.order) <= 0);
      if (inPlace) {
        arr[at] = job;
      } else {
        arr.splice(at, 1);
        arr.splice(insertionIndex(arr, job, filter.sort, filter.order), 0, job);
      }
      continue;
    }
    if (!matches) continue;
    const index = insertionIndex(list, job, filter.sort, filter.order);
    if (!complete && index >= list.length) continue;
    work().splice(index, 0, job);
    totalDelta += 1;
  }
  return { rows: next ?? (rows as Job[]), totalDelta, changed: next !== null };
}

/** Rows of a later page appended, skipping any already present (pages shift while jobs arrive). */
export function appendPage(rows: readonly Job[], page: readonly Job[]): Job[] {
  const seen = new Set(rows.map((j) => j.id));
  const out = rows.slice();
  for (const job of page) if (!seen.has(job.id)) out.push(job);
  return out;
}
