/**
 * The "Account history" view's state (issue 14): the account's records on Authenta, read a page at
 * a time only when the view opens or the user asks for more (each page is one Query call of the
 * account's quota), never polled. Pages read are kept until the user reads again or the profile
 * changes.
 */
import type { AuthentaWatchApi } from '../../../shared/contract';
import { appendPage, type HistoryEntry, type HistoryPage } from '../../../shared/history';

export { appendPage };
import { errorText } from '../lib/format';

type HistoryApi = Pick<AuthentaWatchApi, 'getAccountHistory'>;

/** Records per page the view asks for. */
export const VIEW_PAGE_SIZE = 50;

export class HistoryState {
  entries = $state.raw<HistoryEntry[]>([]);
  /** The last page read; null before the first. */
  last = $state.raw<HistoryPage | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Query calls this view made since it was opened first (this window). */
  calls = $state(0);

  readonly #api: HistoryApi;

  constructor(api: HistoryApi) {
    this.#api = api;
  }

  /** Whether another page can be read. */
  get hasMore(): boolean {
    return this.last !== null && this.last.page < this.last.pages;
  }

  /** Records on the account (as of the last page read). */
  get total(): number {
    return this.last?.total ?? 0;
  }

  /** How many of the records shown this desk checked. */
  get localCount(): number {
    return this.entries.filter((e) => e.local).length;
  }

  /** The view was opened: read the first page unless one was read already. */
  async open(): Promise<void> {
    if (this.last === null && !this.loading) await this.#read(1, false);
  }

  /** Read the next page (one Query call). */
  async loadMore(): Promise<void> {
    if (this.loading || !this.hasMore || !this.last) return;
    await this.#read(this.last.page + 1, true);
  }

  /** Read the first page again, dropping what was shown. */
  async reload(): Promise<void> {
    if (this.loading) return;
    await this.#read(1, false);
  }

  /** Forget what was read (the profile changed): the next open reads again. */
  reset(): void {
    this.entries = [];
    this.last = null;
    this.error = null;
  }

  async #read(page: number, append: boolean): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const answer = await this.#api.getAccountHistory({ page, pageSize: VIEW_PAGE_SIZE });
      this.calls += answer.queryCalls;
      this.entries = append ? appendPage(this.entries, answer.entries) : answer.entries;
      this.last = answer;
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.loading = false;
    }
  }
}
