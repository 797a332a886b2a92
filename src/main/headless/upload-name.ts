/**
 * File names that browsers send with dropped files are untrusted: they become safe, plain names
 * inside the inbox folder, never paths.
 */

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
const MAX_NAME_BYTES = 200;

/**
 * A safe file name for `name`: no directories, no control or reserved characters, no leading
 * dots, no Windows device names, at most 200 bytes (extension kept). Never empty: "upload" is
 * the fallback.
 */
export function sanitiseUploadName(name: string): string {
  // Keep only the last path segment, whatever separator the sender's OS used.
  const base = name.split(/[/\\]/).pop() ?? '';
  let clean = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const dot = clean.lastIndexOf('.');
  const stem = dot > 0 ? clean.slice(0, dot) : clean;
  const ext = dot > 0 ? clean.slice(dot) : '';
  if (WINDOWS_RESERVED.test(stem)) clean = `_${clean}`;
  if (clean === '' || clean === '_') clean = 'upload';
  return truncateKeepingExtension(clean, MAX_NAME_BYTES, ext.length <= 16 ? ext : '');
}

function truncateKeepingExtension(name: string, maxBytes: number, ext: string): string {
  const bytes = (s: string): number => new TextEncoder().encode(s).length;
  if (bytes(name) <= maxBytes) return name;
  let stem = name.slice(0, name.length - ext.length);
  while (stem.length > 0 && bytes(stem) + bytes(ext) > maxBytes) stem = [...stem].slice(0, -1).join('');
  return stem === '' ? 'upload' + ext : stem + ext;
}

/**
 * The n-th alternative name when `name` is taken: "clip.mp4" -> "clip (2).mp4". n >= 2.
 */
export function alternativeName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return `${name} (${n})`;
  return `${name.slice(0, dot)} (${n})${name.slice(dot)}`;
}
