/**
 * What the desktop app decides about updates (issue 14, "Updates"), as pure functions: whether
 * updates are on at all, when to check next, whether a found update may be downloaded without
 * asking, and the release notes as plain text for the question before the restart.
 *
 * Metered connections: Electron has no API that says whether the connection is metered on every
 * OS. Chromium's `navigator.connection` (the renderer's) gives `saveData` and, on some platforms,
 * `type === 'cellular'`, which prove a metered link when present, but nothing proves a link is NOT
 * metered on a desktop. So the choice here: the app asks before every download, and says that the
 * connection looks metered when those hints say so. Nothing is ever downloaded without a yes.
 */

/** Checks at start, then once a day. */
export const UPDATE_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** The feed URL as the deployment set it (app-update.yml's `url`); null or blank: updates are off. */
export function updateFeed(
  url: string | null | undefined,
): { on: true; url: string } | { on: false; reason: string } {
  const text = url?.trim() ?? '';
  if (text === '')
    return { on: false, reason: 'Updates are off: this installation has no update feed configured.' };
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return { on: false, reason: `Updates are off: the update feed "${text}" is not a web address.` };
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback))
    return { on: false, reason: 'Updates are off: the update feed must be an https:// address.' };
  return { on: true, url: parsed.toString() };
}

/** How long until the next check: now at start (never checked), else a day after the last one. */
export function nextCheckIn(lastCheckAt: number | null, now: number): number {
  if (lastCheckAt === null) return 0;
  return Math.max(0, lastCheckAt + UPDATE_CHECK_INTERVAL_MS - now);
}

/** What the renderer's `navigator.connection` says, when it says anything. */
export interface ConnectionHints {
  saveData?: boolean;
  type?: string;
}

/** Whether the connection is metered: true when the hints prove it, null when nobody can tell. */
export function meteredFrom(hints: ConnectionHints | null): true | null {
  if (!hints) return null;
  if (hints.saveData === true || hints.type === 'cellular') return true;
  return null;
}

/** The question before a download, in words: always asked (see the module comment). */
export function downloadQuestion(version: string, sizeBytes: number | null, metered: true | null): string {
  const size = sizeBytes && sizeBytes > 0 ? ` (${Math.max(1, Math.round(sizeBytes / 1_000_000))} MB)` : '';
  const link =
    metered === true
      ? 'This connection looks metered (mobile data or data saver is on): downloading may cost you.'
      : 'Authenta Watch cannot tell whether this connection is metered, so it asks before every download.';
  return `Authenta Watch ${version} is available${size}. ${link} Download it now?`;
}

/** Release notes as electron-updater gives them (text, HTML, or notes per version), as plain text. */
export function releaseNotesText(
  notes: string | readonly { version: string; note: string | null }[] | null | undefined,
): string {
  if (!notes) return 'No release notes came with this update.';
  const plain = (html: string): string =>
    html
      .replace(/<\s*(br|\/p|\/li|\/h\d)\s*\/?>/gi, '\n')
      .replace(/<li[^>]*>/gi, '• ')
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
  if (typeof notes === 'string') return plain(notes) || 'No release notes came with this update.';
  const parts = notes.map((n) => `${n.version}\n${plain(n.note ?? '') || '(no notes)'}`);
  return parts.join('\n\n') || 'No release notes came with this update.';
}
