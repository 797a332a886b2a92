/**
 * The queue as the user sees it: the loaded rows for the current filter and sort, upload
 * progress, the keyboard's active row and the selected job. Rows load page by page and are then
 * patched in place by the engine's change events, never reloaded for them.
 */
import type { AuthentaWatchApi, ReportFormat } from '../../../shared/contract';
import {
  MOVING_STATES,
  type Job,
  type JobChange,
  type JobState,
  type ReviewStatus,
  type UploadProgress,
  type VerdictLabel,
} from '../../../shared/domain';
import {
  DEFAULT_FILTER,
  appendPage,
  applyChanges,
  isFiltering,
  toQuery,
  type JobFilter,
  type JobSortKey,
} from './job-query';
import { errorText } from '../lib/format';
import { DAY, parseDay, reportFileName, startOfDay } from '../lib/dates';
import { SvelteMap } from 'svelte/reactivity';
import {
  EMPTY_SELECTION,
  keepShown,
  selectRows,
  selectedInOrder,
  type Selection,
  type SelectionGesture,
} from './selection';

/** The date choices of the filter; 'custom' uses `customFrom`/`customTo`. */
export const DATE_PRESETS = ['any', 'today', '24h', '7d', '30d', 'custom'] as const;
export type DatePreset = (typeof DATE_PRESETS)[number];

/** The state choices of the filter, each a set of ledger states. */
export const STATE_FILTERS = {
  all: null,
  active: MOVING_STATES,
  verdict: ['finalizing', 'processing'],
  done: ['done'],
  failed: ['failed'],
  blocked: ['blocked'],
  skipped: ['skipped'],
} as const satisfies Record<string, readonly JobState[] | null>;
export type StateFilter = keyof typeof STATE_FILTERS;

export type VerdictFilter = 'all' | VerdictLabel;
export type ReviewFilter = 'all' | ReviewStatus;

/** Progress of one upload as shown in its row. */
export interface RowProgress {
  /** Reading the file before sending it, or sending it. */
  phase: 'checking' | 'uploading';
  /** 0..1 */
  fraction: number;
  bytesSent: number;
  bytesPerSecond: number;
  /** null when the speed is not known yet. */
  msLeft: number | null;
}

/**
 * Rows of the first page: a screen even on a tall display. public/early-connect.js asks for the
 * first page before the app runs, with this size.
 */
export const FIRST_PAGE_SIZE = 100;

export interface JobsStateOptions {
  now?: () => number;
  /** Rows of the first page (shown at once); default FIRST_PAGE_SIZE. */
  firstPageSize?: number;
  /** Rows of each later page. */
  pageSize?: number;
  /**
   * Waited for between the first page and the later ones, so the first rows are painted before
   * the host and the page work on the rest; default: the next frame (afterNextFrame).
   */
  afterFirstPage?: () => Promise<void>;
}

/**
 * Resolves once the browser has painted the next frame, or after `maxMs` where frames do not come
 * (a hidden tab, a test's DOM): a frame callback, then a task after it.
 */
export function afterNextFrame(maxMs = 100): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const frame = (globalThis as { requestAnimationFrame?: (fn: () => void) => number })
      .requestAnimationFrame;
    if (frame) frame(() => setTimeout(done, 0));
  });
}

/** A report ready to save. */
export interface ReportFile {
  fileName: string;
  content: string;
  mimeType: string;
}

export class JobsState {
  /** The loaded rows, in list order. Replaced (never mutated) so the list re-renders. */
  rows = $state.raw<Job[]>([]);
  /** How many jobs match the filter (the engine's count, kept up to date by changes). */
  total = $state(0);
  loading = $state(false);
  /** All pages of the current filter are loaded. */
  complete = $state(false);
  error = $state<string | null>(null);
  filter = $state.raw<JobFilter>({ ...DEFAULT_FILTER });
  stateFilter = $state<StateFilter>('all');
  verdictFilter = $state<VerdictFilter>('all');
  reviewFilter = $state<ReviewFilter>('all');
  /** Why the last review could not be set, if it failed. */
  reviewError = $state<string | null>(null);
  datePreset = $state<DatePreset>('any');
  customFrom = $state('');
  customTo = $state('');
  /** Live upload progress by job id (a row re-renders only when its own entry changes). */
  readonly progress = new SvelteMap<number, UploadProgress>();
  /** The row the keyboard is on. */
  activeId = $state<number | null>(null);
  /** The job open in the details panel. */
  selectedId = $state<number | null>(null);
  /** The rows picked for a report or a review together (click, Shift/Ctrl+click, Ctrl+A); by job id. */
  selection = $state.raw<Selection>(EMPTY_SELECTION);
  /** A review being set on the selected rows. */
  bulkBusy = $state(false);

  readonly #api: Pick<AuthentaWatchApi, 'listJobs' | 'exportReport'> &
    Partial<Pick<AuthentaWatchApi, 'setReview'>>;
  readonly #now: () => number;
  readonly #firstPageSize: number;
  readonly #pageSize: number;
  readonly #afterFirstPage: () => Promise<void>;
  #generation = 0;
  /**
   * The latest change of each job heard while the list loads. A page the engine read before a
   * change can arrive after it: each page gets them again, so it never shows a file as it was.
   */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
  #heardWhileLoading = new Map<number, JobChange>();

  constructor(
    api: Pick<AuthentaWatchApi, 'listJobs' | 'exportReport'> & Partial<Pick<AuthentaWatchApi, 'setReview'>>,
    options: JobsStateOptions = {},
  ) {
    this.#api = api;
    this.#now = options.now ?? Date.now;
    this.#firstPageSize = options.firstPageSize ?? FIRST_PAGE_SIZE;
    this.#pageSize = options.pageSize ?? 2000;
    this.#afterFirstPage = options.afterFirstPage ?? (() => afterNextFrame());
  }

  /** Whether the filter hides some jobs. */
  get isFiltered(): boolean {
    return isFiltering(this.filter);
  }

  /** The index of the keyboard's row, or -1. */
  readonly activeIndex = $derived.by(() => {
    const id = this.activeId;
    return id === null ? -1 : this.rows.findIndex((j) => j.id === id);
  });

  /** The selected jobs the list shows, in its order. */
  readonly selectedIds = $derived.by(() => {
    const selection = this.selection;
    return selection.ids.size === 0 ? [] : selectedInOrder(selection, this.#ids());
  });

  #ids(): number[] {
    return this.rows.map((job) => job.id);
  }

  /** Change the selection as a gesture on the list does (see selection.ts). */
  selectWith(gesture: SelectionGesture): void {
    this.selection = selectRows(
      this.selection,
      gesture,
      gesture.kind === 'only' || gesture.kind === 'clear' ? [] : this.#ids(),
    );
  }

  /** Whether the row of this job is selected. */
  isSelected(id: number): boolean {
    return this.selection.ids.has(id);
  }

  /**
   * Set one review on every selected row the list shows (one call per file, in list order). The
   * rows show each as it is saved; when some fail, reviewError says how many and why.
   * Resolves with how many were saved.
   */
  async setReviewForSelected(status: ReviewStatus): Promise<number> {
    const ids = this.selectedIds;
    if (!this.#api.setReview || ids.length === 0) return 0;
    this.bulkBusy = true;
    let saved = 0;
    let failed = 0;
    let reason = '';
    try {
      for (const id of ids) {
        try {
          const job = await this.#api.setReview(id, { status });
          this.applyChanges([{ type: 'upsert', job }]);
          saved += 1;
        } catch (error) {
          failed += 1;
          reason ||= errorText(error);
        }
      }
    } finally {
      this.bulkBusy = false;
    }
    this.reviewError =
      failed === 0 ? null : `${failed} of ${ids.length} reviews could not be saved: ${reason}`;
    return saved;
  }

  /** Load the current filter from the first page on; later pages follow in the background. */
  async reload(): Promise<void> {
    const generation = ++this.#generation;
    this.#heardWhileLoading.clear();
    this.loading = true;
    this.complete = false;
    this.error = null;
    try {
      let offset = 0;
      let first = true;
      for (;;) {
        const limit = first ? this.#firstPageSize : this.#pageSize;
        const page = await this.#api.listJobs(toQuery(this.filter, offset, limit));
        if (generation !== this.#generation) return;
        this.rows = first ? page.jobs.slice() : appendPage(this.rows, page.jobs);
        this.total = Math.max(page.total, this.rows.length);
        offset += page.jobs.length;
        const last = page.jobs.length < limit || offset >= page.total;
        // A file heard of that sorts after the last loaded row belongs in the list once it is whole.
        if (last) this.complete = true;
        this.#replayHeard();
        if (last) break;
        if (first) {
          // The first rows are painted before the host and this page work on the rest (issue 12).
          await this.#afterFirstPage();
          if (generation !== this.#generation) return;
        }
        first = false;
      }
      this.complete = true;
      this.total = this.rows.length;
      // Rows the new list no longer shows leave the selection (a report never holds hidden files).
      this.selection = keepShown(this.selection, this.#ids());
    } catch (error) {
      if (generation === this.#generation) this.error = `The queue could not be loaded: ${errorText(error)}`;
    } finally {
      if (generation === this.#generation) {
        this.loading = false;
        this.#heardWhileLoading.clear();
      }
    }
  }

  /** Patch the loaded rows and the count. */
  #patch(changes: readonly JobChange[]): void {
    const result = applyChanges(this.rows, changes, this.filter, this.complete);
    if (result.changed) this.rows = result.rows;
    if (result.totalDelta !== 0) this.total = Math.max(this.rows.length, this.total + result.totalDelta);
  }

  /** Apply again what was heard while loading, where the rows just loaded are older than it. */
  #replayHeard(): void {
    if (this.#heardWhileLoading.size === 0) return;
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never shown
    const byId = new Map(this.rows.map((job) => [job.id, job]));
    const newer = [...this.#heardWhileLoading.values()].filter((change) => {
      if (change.type === 'removed') return true;
      const loaded = byId.get(change.job.id);
      return !loaded || change.job.updatedAt >= loaded.updatedAt;
    });
    this.#patch(newer);
  }

  /** Change part of the filter and load the list for it. */
  setFilter(patch: Partial<JobFilter>): Promise<void> {
    this.filter = { ...this.filter, ...patch };
    return this.reload();
  }

  setStateFilter(value: StateFilter): Promise<void> {
    this.stateFilter = value;
    const states = STATE_FILTERS[value];
    return this.setFilter({ states: states ? [...states] : null });
  }

  setVerdictFilter(value: VerdictFilter): Promise<void> {
    this.verdictFilter = value;
    return this.setFilter({ verdicts: value === 'all' ? null : [value] });
  }

  setReviewFilter(value: ReviewFilter): Promise<void> {
    this.reviewFilter = value;
    return this.setFilter({ reviews: value === 'all' ? null : [value] });
  }

  /**
   * Set a file's review (from the keyboard or the details); the row shows it at once, and the
   * engine's change event confirms it. False when it failed (the reason in reviewError).
   */
  async setReview(id: number, status: ReviewStatus, note?: string | null): Promise<boolean> {
    if (!this.#api.setReview) return false;
    try {
      const job = await this.#api.setReview(id, note === undefined ? { status } : { status, note });
      this.applyChanges([{ type: 'upsert', job }]);
      this.reviewError = null;
      return true;
    } catch (error) {
      this.reviewError = `The review could not be saved: ${errorText(error)}`;
      return false;
    }
  }

  setFolderFilter(folderId: string | null): Promise<void> {
    return this.setFilter({ folderId });
  }

  setSearch(search: string): Promise<void> {
    if (search.trim() === this.filter.search.trim()) return Promise.resolve();
    return this.setFilter({ search });
  }

  /** Choose a date range; for 'custom', `from`/`to` are "YYYY-MM-DD" (either may be empty). */
  setDate(preset: DatePreset, from = this.customFrom, to = this.customTo): Promise<void> {
    this.datePreset = preset;
    this.customFrom = from;
    this.customTo = to;
    const now = this.#now();
    let since: number | null = null;
    let until: number | null = null;
    switch (preset) {
      case 'today':
        since = startOfDay(now);
        break;
      case '24h':
        since = now - DAY;
        break;
      case '7d':
        since = now - 7 * DAY;
        break;
      case '30d':
        since = now - 30 * DAY;
        break;
      case 'custom':
        since = parseDay(from, false);
        until = parseDay(to, true);
        break;
      case 'any':
        break;
    }
    return this.setFilter({ since, until });
  }

  /** Sort by a key; choosing the current key again flips the order. Names start A-Z, the rest newest/largest first. */
  setSort(sort: JobSortKey): Promise<void> {
    const order =
      this.filter.sort === sort
        ? this.filter.order === 'asc'
          ? 'desc'
          : 'asc'
        : sort === 'name' || sort === 'state'
          ? 'asc'
          : 'desc';
    return this.setFilter({ sort, order });
  }

  /** Clear every filter (the sort stays). */
  clearFilters(): Promise<void> {
    this.stateFilter = 'all';
    this.verdictFilter = 'all';
    this.reviewFilter = 'all';
    this.datePreset = 'any';
    this.customFrom = '';
    this.customTo = '';
    return this.setFilter({
      states: null,
      verdicts: null,
      reviews: null,
      folderId: null,
      since: null,
      until: null,
      search: '',
    });
  }

  /** Patch the loaded rows with the engine's changes (no reload). */
  applyChanges(changes: readonly JobChange[]): void {
    if (this.loading)
      for (const change of changes)
        this.#heardWhileLoading.set(change.type === 'removed' ? change.id : change.job.id, change);
    this.#patch(changes);
    // An upload that ended leaves no progress behind.
    // A file being checked (read and hashed) keeps its progress until it moves past waiting or queued.
    for (const change of changes) {
      const id = change.type === 'removed' ? change.id : change.job.id;
      const checking =
        change.type === 'upsert' &&
        (change.job.state === 'waiting' || change.job.state === 'queued') &&
        this.progress.get(id)?.phase === 'checking';
      if (change.type === 'removed' || (change.job.state !== 'uploading' && !checking))
        this.progress.delete(id);
    }
  }

  /** Merge upload progress reports. */
  applyProgress(reports: readonly UploadProgress[]): void {
    for (const report of reports) this.progress.set(report.id, report);
  }

  /**
   * The progress to draw for a job that is uploading, or being checked (read and hashed before
   * anything is sent: "Checking 45%"); null for any other state.
   */
  progressOf(job: Job): RowProgress | null {
    const live = this.progress.get(job.id);
    const checking = live?.phase === 'checking' && (job.state === 'waiting' || job.state === 'queued');
    if (job.state !== 'uploading' && !checking) return null;
    const size = live?.size ?? job.size;
    const sent = Math.min(live?.bytesSent ?? job.bytesSent, size);
    const speed = live?.bytesPerSecond ?? 0;
    return {
      phase: checking ? 'checking' : 'uploading',
      fraction: size > 0 ? sent / size : 0,
      bytesSent: sent,
      bytesPerSecond: speed,
      msLeft: speed > 0 ? ((size - sent) / speed) * 1000 : null,
    };
  }

  /** Put the keyboard on a row by index (clamped). Returns the job there, if any. */
  setActiveIndex(index: number): Job | null {
    if (this.rows.length === 0) {
      this.activeId = null;
      return null;
    }
    const clamped = Math.min(this.rows.length - 1, Math.max(0, index));
    const job = this.rows[clamped] ?? null;
    this.activeId = job?.id ?? null;
    return job;
  }

  /** Move the keyboard's row by `delta` rows. */
  moveActive(delta: number): Job | null {
    const current = this.activeIndex;
    return this.setActiveIndex(current < 0 ? 0 : current + delta);
  }

  /** Open a job's details (null closes them); the keyboard follows. */
  select(id: number | null): void {
    this.selectedId = id;
    if (id !== null) this.activeId = id;
    // A row opened from outside the selection becomes the selection; one inside keeps it.
    if (id !== null && !this.selection.ids.has(id)) this.selectWith({ kind: 'only', id });
  }

  /** The ids of the first `limit` jobs matching the current filter, in the list's order (for a case report). */
  async filteredIds(limit: number): Promise<number[]> {
    const page = await this.#api.listJobs(toQuery(this.filter, 0, limit));
    return page.jobs.map((job) => job.id);
  }

  /** The report of every job matching the current filter, named and typed for saving. */
  async exportReport(format: ReportFormat): Promise<ReportFile> {
    const query = toQuery(this.filter, 0, 20_000);
    const content = await this.#api.exportReport(query, format);
    return {
      fileName: reportFileName(this.#now(), format),
      content,
      mimeType: format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json',
    };
  }
}
