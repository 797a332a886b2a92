/**
 * `authenta-watch history` as text: a table people read in a terminal, or JSON for scripts. Pure:
 * the CLI hands the pages in and writes what comes out.
 */
import { escapeControl } from '../../shared/display-text';
import { HISTORY_PHASE_WORDS, originWords, type HistoryEntry, type HistoryPage } from '../../shared/history';
import { confidenceWords, VERDICT_WORDS } from '../../shared/verdict-words';

/** The verdict column: the badge's words and the figures beside it, or the phase while there is none. */
export function verdictText(entry: HistoryEntry): string {
  if (entry.verdict) {
    const figures = confidenceWords(entry.verdict);
    return figures
      ? `${VERDICT_WORDS[entry.verdict.label]} (${figures})`
      : VERDICT_WORDS[entry.verdict.label];
  }
  if (entry.phase === 'failed') return `Failed: ${entry.failure ?? 'no reason given'}`;
  if (entry.phase === 'processed') return 'Done (verdict in the full record)';
  return HISTORY_PHASE_WORDS[entry.phase];
}

/** Where the record came from: "Checked here (job 12)" or "From elsewhere". */
export function originText(entry: HistoryEntry): string {
  return entry.local ? `${originWords(entry)} (job ${entry.local.jobId})` : originWords(entry);
}

function when(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function fit(text: string, width: number): string {
  const clean = escapeControl(text);
  return clean.length > width ? `${clean.slice(0, width - 1)}…` : clean.padEnd(width);
}

const COLUMNS: { title: string; width: number; cell(e: HistoryEntry): string }[] = [
  { title: 'Created (UTC)', width: 16, cell: (e) => when(e.createdAt) },
  { title: 'Name', width: 28, cell: (e) => e.name ?? '(no name)' },
  { title: 'Type', width: 5, cell: (e) => e.kind ?? '' },
  { title: 'Verdict', width: 34, cell: verdictText },
  { title: 'Where from', width: 22, cell: originText },
  { title: 'Record', width: 36, cell: (e) => e.remoteId },
];

/** The table of the pages read, with a line saying what was read and what it cost. */
export function formatHistoryTable(pages: readonly HistoryPage[]): string {
  const lines = [
    COLUMNS.map((c) => fit(c.title, c.width))
      .join('  ')
      .trimEnd(),
  ];
  for (const page of pages)
    for (const e of page.entries)
      lines.push(
        COLUMNS.map((c) => fit(c.cell(e), c.width))
          .join('  ')
          .trimEnd(),
      );
  return `${lines.join('\n')}\n`;
}

/** One line for stderr: which pages, how many records, how many of them local, the Query calls spent. */
export function historySummary(pages: readonly HistoryPage[]): string {
  const last = pages[pages.length - 1];
  if (!last) return 'No page read.';
  const entries = pages.flatMap((p) => p.entries);
  const local = entries.filter((e) => e.local).length;
  const calls = pages.reduce((n, p) => n + p.queryCalls, 0);
  const who = `${escapeControl(last.profileName)}${last.simulated ? ' (simulated)' : ''}`;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (entries.length === 0 && last.page > Math.max(1, last.pages)) {
    const first = last.pages > 0 ? ` (--page ${last.pages} is the last)` : '';
    return (
      `${who}: there is no page ${last.page}: the account has ${plural(last.total, 'record')} on ` +
      `${plural(last.pages, 'page')}${first}; ${plural(calls, 'Query call')}.`
    );
  }
  const range = pages.length === 1 ? `page ${last.page}` : `pages ${pages[0]!.page}-${last.page}`;
  const more = last.page < last.pages ? ` (--page ${last.page + 1} reads on)` : '';
  return (
    `${escapeControl(last.profileName)}${last.simulated ? ' (simulated)' : ''}: ${range} of ${last.pages}${more}, ` +
    `${entries.length} of ${last.total} record${last.total === 1 ? '' : 's'}, ${local} checked here, ` +
    `${entries.length - local} from elsewhere; ${calls} Query call${calls === 1 ? '' : 's'}.`
  );
}

/** The pages as JSON for scripts. */
export function formatHistoryJson(pages: readonly HistoryPage[]): string {
  const last = pages[pages.length - 1];
  return `${JSON.stringify(
    {
      profile: last?.profileName ?? null,
      generation: last?.generation ?? null,
      total: last?.total ?? 0,
      pages: last?.pages ?? 0,
      pagesRead: pages.map((p) => p.page),
      queryCalls: pages.reduce((n, p) => n + p.queryCalls, 0),
      records: pages.flatMap((p) => p.entries),
    },
    null,
    2,
  )}\n`;
}
