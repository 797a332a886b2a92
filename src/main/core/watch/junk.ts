/**
 * Which paths are never taken: temporary files of browsers, editors and copy tools, system
 * litter, our own sidecars and the verdict folders the after-verdict action moves files into.
 * Pure functions, no I/O.
 */
import picomatch from 'picomatch';

/** The folders `applyAfterAction('move')` creates; the watcher never looks inside them. */
export const VERDICT_FOLDERS: readonly string[] = ['_authentic', '_suspect', '_fake', '_inconclusive'];

/** The suffix of the sidecar files written beside checked files. */
export const SIDECAR_SUFFIX = '.authenta.json';

/** Endings of files still being downloaded or written (lower case). */
const TEMP_SUFFIXES: readonly string[] = [
  '.part', // Firefox, wget, many others
  '.crdownload', // Chrome, Edge
  '.download', // Safari (a folder bundle)
  '.partial', // old Internet Explorer / Edge
  '.tmp',
  '.temp',
  '.swp', // vim
  '.swx',
  '.filepart', // WinSCP
  '.opdownload', // Opera
  '.!ut', // uTorrent
  '.!qb', // qBittorrent
  '.aria2', // aria2 control file
  SIDECAR_SUFFIX,
];

/** Whole names (lower case) of system files and folders that never hold media to check. */
const JUNK_NAMES: ReadonlySet<string> = new Set([
  'thumbs.db',
  'ehthumbs.db',
  'ehthumbs_vista.db',
  'desktop.ini',
  '$recycle.bin',
  'system volume information',
  '__macosx',
  '@eadir', // Synology thumbnails
  '#recycle', // Synology recycle bin
  '#snapshot',
  'icon\r', // macOS custom folder icon
  ...VERDICT_FOLDERS,
]);

/** True when one name (a single path segment) is junk. */
export function isJunkName(name: string): boolean {
  if (name === '' || name === '.' || name === '..') return false;
  const lower = name.toLowerCase();
  // Hidden files and folders (.DS_Store, ._AppleDouble, .git, .Trash, rsync's .name.XXXXXX, emacs .#lock).
  if (lower.startsWith('.')) return true;
  // Office lock files (~$report.docx) and other tilde temporaries (~WRL0001.tmp).
  if (lower.startsWith('~$') || lower.startsWith('~wrl')) return true;
  // Editor backups (photo.jpg~).
  if (lower.endsWith('~')) return true;
  if (JUNK_NAMES.has(lower)) return true;
  return TEMP_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

/** Splits a path on both separators, dropping empty segments. */
export function pathSegments(p: string): string[] {
  return p.split(/[\\/]+/).filter((s) => s !== '');
}

/**
 * True when a path is a temporary, hidden or system file, a sidecar, or lies inside a junk or
 * verdict folder. Give it the path relative to the watched folder (or a bare name): every
 * segment is checked, so an absolute path whose parents are hidden counts as junk too.
 */
export function isJunkPath(relativeOrAbsolutePath: string): boolean {
  return pathSegments(relativeOrAbsolutePath).some(isJunkName);
}

/**
 * Compiles a folder's extra ignore globs into a predicate over paths relative to the folder.
 * A glob without a slash (`*.txt`, `raw`) matches any single name at any depth; a glob with a
 * slash (`raw/**`, `2024/*.mov`) matches the relative path from the folder. A folder that
 * matches hides everything inside it. Case-insensitive on Windows and macOS.
 */
export function createIgnoreMatcher(
  patterns: readonly string[],
  platform: NodeJS.Platform = process.platform,
): (relativePath: string) => boolean {
  const nameGlobs: string[] = [];
  const pathGlobs: string[] = [];
  for (const raw of patterns) {
    let p = raw.trim().replace(/\\/g, '/');
    if (p === '' || p.startsWith('#')) continue;
    p = p.replace(/^\/+/, '').replace(/\/+$/, '');
    if (p === '') continue;
    (p.includes('/') ? pathGlobs : nameGlobs).push(p);
  }
  if (nameGlobs.length === 0 && pathGlobs.length === 0) return () => false;
  const options = { dot: true, nocase: platform === 'win32' || platform === 'darwin' };
  const matchName = nameGlobs.length > 0 ? picomatch(nameGlobs, options) : () => false;
  const matchPath = pathGlobs.length > 0 ? picomatch(pathGlobs, options) : () => false;
  return (relativePath: string) => {
    const segments = pathSegments(relativePath);
    let prefix = '';
    for (const segment of segments) {
      prefix = prefix === '' ? segment : `${prefix}/${segment}`;
      if (matchName(segment) || matchPath(prefix)) return true;
    }
    return false;
  };
}
