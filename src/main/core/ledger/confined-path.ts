/**
 * The trust rule for paths that come from a ledger (issue 11). A team ledger is written by every
 * desk, and by anyone who has its password: a row's `rel_path` or stored path is a claim, not a
 * place this desk may touch. A desk reads (upload, hashing, provenance), moves (after-verdict
 * actions), writes beside (sidecars) and serves (media routes, thumbnails) only files that lie
 * inside the folders it watches, both as written (no absolute `rel_path`, no `..` segment) and
 * once symlinks are resolved; and the files its own user dropped on the window. A row that leads
 * elsewhere gets a failed state (or the action is left out, or the request is not found) with a
 * message saying why, and nothing else happens. The embedded (one-desk) ledger is written by this
 * desk alone, so there every path is its own.
 */
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, posix, relative, resolve, sep, win32 } from 'node:path';

/**
 * `rel` (a path inside a folder, `/` between segments) under `root`, or null when it could lead
 * anywhere else: empty, absolute (`/x`, `C:\x`, `\\server\x`), with an empty, `.` or `..`
 * segment (`\` counts as a separator for `.` and `..`, as Windows reads it), or holding a NUL.
 * Pure.
 */
export function confinedPath(root: string, rel: string): string | null {
  if (!rel || rel.includes('\0')) return null;
  if (posix.isAbsolute(rel) || win32.isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) return null;
  const segments = rel.split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') return null;
    if (s.split('\\').some((part) => part === '.' || part === '..')) return null;
  }
  const path = join(root, ...segments);
  const back = relative(root, path);
  if (!back || isAbsolute(back) || back === '..' || back.startsWith(`..${sep}`)) return null;
  return path;
}

/** The message of a file this desk does not touch (shown on the job and in notes). */
export function outsideMessage(name: string, path: string): string {
  return `${name} is outside the folders this desk watches (its path in the team ledger leads to ${path}), so this desk does not open, move or show it.`;
}

/** Whether this desk may touch the file a ledger row names; see the module comment. */
export interface FileGate {
  /** Null when this desk may read, move, write beside or serve `path`; else why not. */
  refusal(path: string, name: string): Promise<string | null>;
  /** A file this desk's own user handed over (dropped on the window), wherever it lies. */
  allow(path: string): void;
}

/** `path` inside one of `roots` as written (each absolute), by `confinedPath`. Pure. */
function insideAny(roots: readonly string[], path: string): boolean {
  return roots.some((root) => {
    const rel = relative(root, path);
    return confinedPath(root, sep === '/' ? rel : rel.split(sep).join('/')) !== null;
  });
}

/** Where `path` really is (symlinks resolved); for a file gone, where it would be. */
async function realPlace(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return null;
  }
  try {
    return join(await realpath(dirname(path)), basename(path));
  } catch {
    return null;
  }
}

/** The gate of a desk: its watched folders, and whether its ledger is shared. */
export class WatchedFolderGate implements FileGate {
  private readonly own = new Set<string>();

  constructor(
    private readonly options: {
      /** Other desks write this ledger (a team ledger): their paths are checked. */
      shared: boolean;
      /** The folders this desk watches, as its settings hold them. */
      roots: () => readonly string[];
    },
  ) {}

  allow(path: string): void {
    this.own.add(resolve(path));
  }

  async refusal(path: string, name: string): Promise<string | null> {
    if (!this.options.shared) return null;
    const absolute = isAbsolute(path) ? resolve(path) : null;
    if (absolute && this.own.has(absolute)) return null;
    const roots = this.options.roots().map((r) => resolve(r));
    if (!absolute || !insideAny(roots, absolute)) return outsideMessage(name, path);
    // A symlink on the way (the file, or a folder above it) may lead out.
    const real = await realPlace(absolute);
    // Nothing there, not even its folder (or it cannot be reached): nothing to open or move.
    if (real === null) return null;
    const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => r)));
    return insideAny(realRoots, real) ? null : outsideMessage(name, path);
  }
}
