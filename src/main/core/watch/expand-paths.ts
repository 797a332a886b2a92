/**
 * Dropped paths (files or folders, from the window, a second launch or the CLI) become candidate
 * files for the same pipeline as watched folders. Folders are walked recursively without being
 * watched; junk is filtered; nothing is filtered by extension, so a mislabelled file is still found.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { problemFromError } from './classify';
import type { FileCandidate } from './folder-watcher';
import { isJunkName } from './junk';
import { walkFolder } from './walk';

/** A dropped path that yields no candidate, and why. */
export interface RejectedPath {
  path: string;
  /** A stable code: VANISHED, UNREADABLE, NOT_A_FILE, JUNK. */
  code: string;
  reason: string;
}

/**
 * Expands files and folders into candidate files (absolute paths, each once, `folderId` null),
 * with the paths that gave none and why. Never throws for a bad path.
 */
export async function expandPaths(
  paths: string[],
  opts: { signal?: AbortSignal } = {},
): Promise<{ files: FileCandidate[]; rejected: RejectedPath[] }> {
  const files: FileCandidate[] = [];
  const rejected: RejectedPath[] = [];
  const seen = new Set<string>();
  const add = (path: string, size: number, mtimeMs: number): void => {
    if (seen.has(path)) return;
    seen.add(path);
    files.push({ folderId: null, path, size, mtimeMs });
  };
  const reject = (path: string, e: unknown): void => {
    const p = problemFromError(e, path);
    if (p === null) throw e;
    rejected.push({ path, code: p.code, reason: p.message });
  };

  for (const input of paths) {
    opts.signal?.throwIfAborted();
    const path = resolve(input);
    let st;
    try {
      st = await stat(path);
    } catch (e) {
      reject(path, e);
      continue;
    }
    if (st.isFile()) {
      if (isJunkName(basename(path))) {
        rejected.push({
          path,
          code: 'JUNK',
          reason: `${basename(path)} is a temporary, hidden or system file (or an Authenta sidecar), so it is not checked.`,
        });
      } else {
        add(path, st.size, st.mtimeMs);
      }
    } else if (st.isDirectory()) {
      try {
        for await (const f of walkFolder(path, { recursive: true, signal: opts.signal, onError: reject })) {
          add(f.path, f.size, f.mtimeMs);
        }
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        reject(path, e);
      }
    } else {
      rejected.push({
        path,
        code: 'NOT_A_FILE',
        reason: `${basename(path)} is neither a file nor a folder.`,
      });
    }
  }
  return { files, rejected };
}
