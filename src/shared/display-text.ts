/**
 * Text from outside (file names, server messages) shown to people on a terminal or in a log
 * meant for reading. A name may hold escape sequences, carriage returns or bidirectional
 * overrides that would redraw the screen or forge a line (issue 9, item 14); here they become
 * visible escapes instead.
 */

/** C0 and C1 controls, DEL, and the Unicode controls that reorder or hide text. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * `text` with every control character written as a visible escape (`\r`, `\n`, `\t`, `\x1b`,
 * `\u202e`), so it prints as one inert line. Pure; printable text comes back unchanged.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Letters whose name starts with a vowel sound when an initialism is spelled out ("an MP4"). */
const VOWEL_SOUND_LETTERS = 'AEFHILMNORSX';

/**
 * `noun` with "a" or "an" before it: "a JPEG", "an MP4", "an application/x-sqlite3". Reads an
 * all-capitals word as spelled out letter by letter unless it is a known word-like one.
 */
export function withArticle(noun: string): string {
  const first = /^[A-Za-z0-9]+/.exec(noun)?.[0] ?? noun;
  const spoken = new Set(['JPEG', 'GIF', 'HEIC', 'HEIF', 'TIFF', 'AVIF', 'DNG']);
  let an: boolean;
  if (/^[A-Z][A-Z0-9]+$/.test(first) && !spoken.has(first)) an = VOWEL_SOUND_LETTERS.includes(first[0]!);
  else an = /^[aeiou]/i.test(first);
  return `${an ? 'an' : 'a'} ${noun}`;
}

/** "1 minute", "2 minutes", "0 files": a count with its unit in the right number. */
export function count(n: number, unit: string): string {
  return `${n} ${n === 1 ? unit : `${unit}s`}`;
}
