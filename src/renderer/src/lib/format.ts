/**
 * How numbers, times, states and verdicts read on screen. Pure functions; the locale defaults to
 * the system's and tests pass one.
 */
import type {
  FolderHealthState,
  JobState,
  ReviewStatus,
  Verdict,
  VerdictLabel,
} from '../../../shared/domain';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** "0 B", "512 B", "1.5 KB", "120 MB": one decimal below 10 units, none above. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const text = value < 10 ? value.toFixed(1) : Math.round(value).toString();
  return `${text} ${UNITS[unit]}`;
}

/** "3.4 MB/s". */
export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** A short duration: "under 1 s", "42 s", "3 min 5 s", "1 h 20 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return 'under 1 s';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    const rest = seconds % 60;
    return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  }
  const hours = Math.floor(minutes / 60);
  const restMin = minutes % 60;
  return restMin === 0 ? `${hours} h` : `${hours} h ${restMin} min`;
}

/** A confidence (always 0..1 in the domain) as a whole percent: 0.973 -> "97%". */
export function formatPercent(fraction: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  return `${Math.round(clamped * 100)}%`;
}

/** Whether two instants fall on the same local calendar day. */
export function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** Formatters by options (the constants below) and locale: building one costs far more than using one. */
const FORMATTERS = new WeakMap<Intl.DateTimeFormatOptions, Map<string, Intl.DateTimeFormat>>();

/**
 * `toLocaleString(locale, options)` with a cached formatter: the same text (every option set here
 * names its fields), without building a formatter per call. The queue formats two times per row on
 * every scroll frame; building them was its largest cost in a profile of a 10,000-row scroll.
 */
function dateFormat(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let byLocale = FORMATTERS.get(options);
  if (!byLocale) FORMATTERS.set(options, (byLocale = new Map()));
  const key = locale ?? '';
  let formatter = byLocale.get(key);
  if (!formatter) byLocale.set(key, (formatter = new Intl.DateTimeFormat(locale, options)));
  return formatter;
}

const TIME_OF_DAY: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const DAY_AND_TIME: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
};
const DATE_ONLY: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };
const FULL: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
};
const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', second: '2-digit' };

/** A list's time: the clock time today, the day and time this year, the date before. */
export function formatTime(at: number, now: number, locale?: string): string {
  const date = new Date(at);
  const today = new Date(now);
  if (sameDay(date, today)) return dateFormat(locale, TIME_OF_DAY).format(date);
  if (date.getFullYear() === today.getFullYear()) return dateFormat(locale, DAY_AND_TIME).format(date);
  return dateFormat(locale, DATE_ONLY).format(date);
}

/** A full timestamp for the details panel, to the second. */
export function formatDateTime(at: number, locale?: string): string {
  return dateFormat(locale, FULL).format(new Date(at));
}

/** The clock time to the second: "14:05:09". */
export function formatClock(at: number, locale?: string): string {
  return dateFormat(locale, CLOCK).format(new Date(at));
}

/** Stamps for a list of moments: the full date where the day changes, the clock time otherwise. */
export function timelineStamps(moments: readonly number[], locale?: string): string[] {
  return moments.map((at, i) => {
    const prev = i > 0 ? moments[i - 1] : undefined;
    return prev !== undefined && sameDay(new Date(prev), new Date(at))
      ? formatClock(at, locale)
      : formatDateTime(at, locale);
  });
}

/** The words for each state, as a person says them. */
export const STATE_LABELS: Readonly<Record<JobState, string>> = {
  waiting: 'Waiting',
  queued: 'Queued',
  creating: 'Creating',
  uploading: 'Uploading',
  finalizing: 'Finalizing',
  processing: 'Analysing',
  done: 'Done',
  failed: 'Failed',
  blocked: 'Blocked',
  skipped: 'Skipped',
};

/** What each state means, for a tooltip. */
export const STATE_DESCRIPTIONS: Readonly<Record<JobState, string>> = {
  waiting: 'Seen; waiting until the file is completely written.',
  queued: 'Ready to send.',
  creating: 'Creating the record on Authenta.',
  uploading: 'Sending the file.',
  finalizing: 'Asking Authenta to start the analysis.',
  processing: 'Uploaded; waiting for the verdict.',
  done: 'The verdict is in.',
  failed: 'Stopped with an error.',
  blocked: 'Held back until the cause is cleared (credentials, quota or credits).',
  skipped: 'Not sent: a duplicate, unsupported, too large or ignored.',
};

/** A desk's review of a file, in words. */
export const REVIEW_TEXT: Readonly<Record<ReviewStatus, string>> = {
  new: 'New',
  cleared: 'Cleared',
  escalated: 'Escalated',
};

/** The keys that set a review from the queue (documented under the list and in the details). */
export const REVIEW_KEYS: Readonly<Record<string, ReviewStatus>> = { c: 'cleared', e: 'escalated', n: 'new' };

export const VERDICT_TEXT: Readonly<Record<VerdictLabel, string>> = {
  authentic: 'Authentic',
  suspect: 'Suspect',
  fake: 'Fake',
  inconclusive: 'Inconclusive',
};

/** A symbol beside the verdict's word, so colour is never the only cue. */
export const VERDICT_SYMBOL: Readonly<Record<VerdictLabel, string>> = {
  authentic: '✓',
  suspect: '!',
  fake: '✕',
  inconclusive: '?',
};

/** "1 query", "2 queries", "1,234 files": a count with its noun in the right number. */
export function countOf(n: number, singular: string, plural = `${singular}s`, locale?: string): string {
  return `${n.toLocaleString(locale)} ${n === 1 ? singular : plural}`;
}

/** "1/3 faces fake" (or "0/1 face fake") for a video verdict that counted faces; null otherwise. */
export function formatFaces(verdict: Verdict): string | null {
  if (verdict.faces === undefined) return null;
  if (verdict.faces === 0) return 'no face';
  return `${verdict.deepFakes ?? 0}/${verdict.faces} ${verdict.faces === 1 ? 'face' : 'faces'} fake`;
}

/** The verdict in one line for screen readers and tooltips: "Fake, 97% confidence, 1/3 faces fake". */
export function describeVerdict(verdict: Verdict): string {
  const parts: string[] = [VERDICT_TEXT[verdict.label]];
  if (verdict.confidence !== undefined) parts.push(`${formatPercent(verdict.confidence)} confidence`);
  const faces = formatFaces(verdict);
  if (faces) parts.push(faces);
  return parts.join(', ');
}

export const HEALTH_LABELS: Readonly<Record<FolderHealthState, string>> = {
  starting: 'Starting',
  watching: 'Watching',
  polling: 'Polling',
  unavailable: 'Unavailable',
  paused: 'Paused',
};

/** The last part of a path, for either separator. */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  if (trimmed === '') return path;
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return trimmed.slice(cut + 1);
}

/** The message of anything thrown, for a person to read. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const message = (error as { message: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return String(error);
}
