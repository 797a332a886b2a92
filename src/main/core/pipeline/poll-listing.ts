/**
 * How one poll reads the account's list (poller.ts): which pages, and when to stop. Each read
 * page is handed to `onPage` (the poller counts the call as a success of `list`).
 */
import type { DetectionService, RemotePage, RemoteRecord } from '../ports';
import type { StatusListing } from './counting-service';

/** What a poll looks for in the pages. */
export interface ListingRead {
  /** Records per page. */
  limit: number;
  /** At most this many pages (listPageBudget). */
  pages: number;
  /** How many asked-for records the pages read so far (`found`) still lack. */
  missing: (found: ReadonlyMap<string, RemoteRecord>) => number;
  signal: AbortSignal;
  onPage: () => void;
}

/**
 * The media API's list, newest first: pages until its end or the budget, stopping early when
 * another page could not save a call (at most one asked-for record is still missing).
 */
export async function readRecentPages(
  list: DetectionService['list'],
  read: ListingRead,
): Promise<Map<string, RemoteRecord>> {
  const found = new Map<string, RemoteRecord>();
  for (let page = 0, offset = 0; page < read.pages; page++, offset += read.limit) {
    const answer: RemotePage = await list({ limit: read.limit, offset }, read.signal);
    read.onPage();
    for (const r of answer.records) found.set(r.remoteId, r);
    if (answer.records.length < read.limit || offset + read.limit >= answer.total) break;
    // Another page costs as much as one GET: stop when it could not save a call.
    if (read.missing(found) <= 1) break;
  }
  return found;
}

/**
 * The Jobs API's finished jobs: pages of `completed`, then of `failed`, newest first, until every
 * asked job is found or the filtered list ends. `complete` is false when the budget ran out first
 * (a job missing from the pages read may still be finished).
 */
export async function readFinishedPages(
  listByStatus: StatusListing['listByStatus'],
  read: ListingRead,
): Promise<{ found: Map<string, RemoteRecord>; complete: boolean }> {
  const found = new Map<string, RemoteRecord>();
  let complete = true;
  for (const status of ['completed', 'failed'] as const) {
    for (let page = 1; read.missing(found) > 0; page++) {
      const answer = await listByStatus(status, { page, limit: read.limit }, read.signal);
      read.onPage();
      for (const r of answer.records) found.set(r.remoteId, r);
      if (answer.records.length < read.limit || page >= answer.pages) break;
      if (page >= read.pages) {
        complete = false;
        break;
      }
    }
  }
  return { found, complete };
}
