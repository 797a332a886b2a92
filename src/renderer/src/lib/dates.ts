/**
 * Calendar arithmetic in the user's time zone, for the date filter and report names. Pure.
 */

export const DAY = 86_400_000;

/** Local midnight of the day containing `at`. */
export function startOfDay(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** A local date "YYYY-MM-DD" (an <input type=date>'s value) as its first or last millisecond; null if malformed. */
export function parseDay(value: string, end: boolean): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  const start = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
  if (!end) return start;
  const next = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1).getTime();
  return next - 1;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "authenta-report-2025-03-12-1405.csv": sortable, no characters any OS refuses. */
export function reportFileName(at: number, format: string): string {
  const d = new Date(at);
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}`;
  return `authenta-report-${stamp}.${format}`;
}
