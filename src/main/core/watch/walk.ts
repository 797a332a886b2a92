/**
 * Walking a folder for candidate files without watching it: used for dropped folders and for a
 * watched folder's rescan after resume from suspend. Junk and ignored paths are skipped (and
 * their folders not entered); symbolic links to folders are not followed, so loops cannot occur.
 */
import type { Dirent } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isJunkPath } from './junk';

/** How many stats run at once. */
const STAT_BATCH = 64;

/** A file found by a walk. */
export interface WalkedFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Options of `walkFolder`. */
export interface WalkOptions {
  /** Enter subfolders (default true). */
  recursive?: boolean;
  /** Extra ignore predicate over the path relative to the root (see createIgnoreMatcher). */
  ignore?: (relativePath: string) => boolean;
  /** Called for a subfolder or file that cannot be read; the walk goes on. */
  onError?: (path: string, error: unknown) => void;
  signal?: AbortSignal;
}

/**
 * Yields every candidate file under `root` (absolute paths), with size and mtime, in batches of
 * directory entries: memory stays proportional to one folder, not the tree.
 */
export async function* walkFolder(root: string, opts: WalkOptions = {}): AsyncGenerator<WalkedFile> {
  const recursive = opts.recursive ?? true;
  const ignore = opts.ignore ?? (() => false);
  const stack: string[] = [root];
  while (stack.length > 0) {
    opts.signal?.throwIfAborted();
    const dir = stack.pop() as string;
    let entries: Dirent[];
    try {
      entries = [];
      for await (const entry of await opendir(dir)) entries.push(entry);
    } catch (e) {
      if (dir === root) throw e;
      opts.onError?.(dir, e);
      continue;
    }
    const files: string[] = [];
    for (const entry of entries) {
      const full = join(dir, entry.name);
      const rel = relative(root, full);
      if (isJunkPath(rel) || ignore(rel)) continue;
      if (entry.isDirectory()) {
        if (recursive) stack.push(full);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        files.push(full);
      }
    }
    for (let i = 0; i < files.length; i += STAT_BATCH) {
      const stats = await Promise.all(
        files.slice(i, i + STAT_BATCH).map(async (path) => {
          try {
            const st = await stat(path);
            return st.isFile() ? { path, size: st.size, mtimeMs: st.mtimeMs } : null;
          } catch (e) {
            opts.onError?.(path, e);
            return null;
          }
        }),
      );
      for (const s of stats) if (s !== null) yield s;
    }
  }
}
