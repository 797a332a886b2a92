/**
 * How a FolderWatcher sets up chokidar: the options it passes (ignored paths, finished versions
 * left unwatched), the folder identity that tells a replaced folder, the mapping between the
 * folder the user chose and the one chokidar watches (symbolic links resolved), and errno codes.
 */
import type { ChokidarOptions, FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import { realpath, statfs } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { FolderSettings } from '../../../shared/domain';
import type { Logger } from '../ports';
import { isJunkPath } from './junk';
import { networkFsName, networkShareMessage } from './watch-health';

/**
 * Tells a folder from another mounted or created in its place. Birth time is left out: where
 * the kernel lacks it, Node reports the change time, which moves with every file added.
 */
export function folderIdentity(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

/** The errno code of a filesystem error, if it has one. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

/**
 * A path under `from` as the same path under `to` (the user's root and chokidar's watch root);
 * unchanged when both are the same folder.
 */
export function mapRoot(from: string, to: string, path: string): string {
  if (from === to) return path;
  const rel = relative(from, path);
  return rel === '' ? to : resolve(to, rel);
}

/** Is this absolute path (under `watchRoot`) junk or matched by the folder's ignore patterns? */
export function isIgnoredUnder(
  watchRoot: string,
  isIgnoredRel: (relativePath: string) => boolean,
  path: string,
): boolean {
  const rel = relative(watchRoot, path);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..') return false;
  return isJunkPath(rel) || isIgnoredRel(rel);
}

/**
 * The chokidar options for one folder: native or polling, every file statted, ignored paths and
 * (when not polling) finished versions left unwatched.
 */
export function chokidarOptions(
  settings: FolderSettings,
  polling: boolean,
  isIgnoredAbsolute: (path: string) => boolean,
  isFinishedVersion: (path: string, stats: Stats | undefined) => boolean,
): ChokidarOptions {
  return {
    persistent: true,
    ignoreInitial: false,
    followSymlinks: false,
    alwaysStat: true,
    usePolling: polling,
    interval: settings.pollIntervalMs,
    binaryInterval: settings.pollIntervalMs,
    // true: chokidar would otherwise drop, unreported, every file whose owner lacks the read bit
    // (it looks at the mode, not at who reads). Such files must reach the pipeline, which says
    // "cannot be read"; unreadable subfolders still show in the log through the rescan's walk.
    ignorePermissionErrors: true,
    awaitWriteFinish: false,
    // A finished version (the ledger's done path, size and mtime) is not watched at all: its
    // folder's watch still fires when it is rewritten or replaced, chokidar then re-reads the
    // folder and asks again with the new size and mtime, and the new version is reported like a
    // new file. Not when polling: a folder's polled mtime does not move when a file in it is
    // rewritten in place, so there every file keeps its own poll.
    ignored: (path: string, stats?: Stats) =>
      isIgnoredAbsolute(path) || (!polling && isFinishedVersion(path, stats)),
    ...(settings.recursive ? {} : { depth: 0 }),
  };
}

/**
 * The folder to watch for `root`: the folder it names when it is a symbolic link (chokidar sees
 * nothing under a root that is itself a link), else `root`. A new target is logged.
 */
export async function linkTarget(root: string, previous: string, logger: Logger): Promise<string> {
  const real = await realpath(root).catch(() => root);
  if (real !== previous && real !== root) {
    logger.info('folder is a symbolic link: watching its target', {
      folder: root,
      target: real,
    });
  }
  return real;
}

/**
 * Why a folder on a network share is polled (native events miss remote changes), or null when it
 * is not on one or the filesystem cannot be told (statfs unsupported: keep the folder's setting).
 */
export async function networkSharePolling(
  root: string,
  platform: NodeJS.Platform,
  pollIntervalMs: number,
  logger: Logger,
): Promise<string | null> {
  try {
    const fs = await statfs(root);
    const name = networkFsName(fs.type, platform);
    if (name !== null) {
      logger.info('folder on a network share: polling', { folder: root, fs: name });
      return networkShareMessage(name, pollIntervalMs);
    }
  } catch {
    // statfs unsupported here: keep the folder's own setting.
  }
  return null;
}

/** Closes a chokidar instance; a failure is logged, and a late error from work in flight is ignored. */
export async function closeQuietly(fsw: FSWatcher, root: string, logger: Logger): Promise<void> {
  try {
    const closing = fsw.close();
    // close() drops every listener; a late error from work in flight must not crash the process.
    fsw.on('error', () => undefined);
    await closing;
  } catch (e) {
    logger.debug('closing watcher failed', { folder: root, code: errnoCode(e) });
  }
}
