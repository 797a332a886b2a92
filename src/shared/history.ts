/**
 * The account's history as the UI and the CLI show it (issue 14, "The account's history"): the
 * records Authenta holds for the active profile's account, a page at a time, each marked as
 * checked by this desk (the ledger knows its record id) or made elsewhere (the vendor's web app,
 * another tool). Pure data: no Node, no DOM.
 */
import { z } from 'zod';
import type { ApiGeneration, JobState, MediaKind, Verdict } from './domain';

/** The most records one page may hold: both list routes serve at most 100 at a time. */
export const HISTORY_PAGE_SIZE_MAX = 100;
/** Records per page unless asked otherwise. */
export const HISTORY_PAGE_SIZE_DEFAULT = 50;

/**
 * Which page to read. Pages are aligned (page N is records `(N-1)*size .. N*size-1`), so each page
 * is exactly one Query call on both API generations.
 */
export const HistoryQuerySchema = z.object({
  page: z.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.number().int().min(1).max(HISTORY_PAGE_SIZE_MAX).default(HISTORY_PAGE_SIZE_DEFAULT),
});
export type HistoryQuery = z.input<typeof HistoryQuerySchema>;

/** Where a record stands on Authenta, in the history's words. */
export type HistoryPhase = 'pending' | 'awaiting-upload' | 'processed' | 'failed';

/** The row of this desk's ledger that sent a record. */
export interface HistoryLocal {
  jobId: number;
  /** The file's name as the ledger has it. */
  name: string;
  state: JobState;
}

/** One record of the account. */
export interface HistoryEntry {
  /** The record's id on Authenta (`mid` or `jobId`). */
  remoteId: string;
  /** The file name the record was created with, when the API says. */
  name: string | null;
  kind: MediaKind | null;
  /** When the record was created (ms since epoch), when the API says. */
  createdAt: number | null;
  /** The status as the API spelled it. */
  status: string;
  phase: HistoryPhase;
  /** The verdict the list gave; null while unfinished, or when only the full record holds it. */
  verdict: Verdict | null;
  /** Why a failed record failed. */
  failure: string | null;
  /** The ledger row that sent it; null: it came from elsewhere. */
  local: HistoryLocal | null;
}

/** One page of the account's records, newest first. */
export interface HistoryPage {
  page: number;
  pageSize: number;
  /** Records on the account in all. */
  total: number;
  /** Pages in all at this page size. */
  pages: number;
  entries: HistoryEntry[];
  /** Query calls this page took (one). */
  queryCalls: number;
  /** Query calls the history has made since this engine started. */
  sessionQueryCalls: number;
  generation: ApiGeneration;
  /** The active profile's name, and whether it is the simulated Sandbox. */
  profileName: string;
  simulated: boolean;
}

/** The phase in people's words. */
export const HISTORY_PHASE_WORDS: Readonly<Record<HistoryPhase, string>> = {
  pending: 'Processing',
  'awaiting-upload': 'Waiting for its upload',
  processed: 'Done',
  failed: 'Failed',
};

/** Where a record came from, in people's words. */
export function originWords(entry: Pick<HistoryEntry, 'local'>): string {
  return entry.local ? 'Checked here' : 'From elsewhere';
}

/**
 * The entries shown after one more page: the new ones appended, a record already shown (records
 * made since the first page shift the pages) kept once, where it was first shown. Pure.
 */
export function appendPage(shown: readonly HistoryEntry[], page: readonly HistoryEntry[]): HistoryEntry[] {
  const seen = new Set(shown.map((e) => e.remoteId));
  return [...shown, ...page.filter((e) => !seen.has(e.remoteId))];
}
