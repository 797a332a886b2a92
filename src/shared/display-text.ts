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
