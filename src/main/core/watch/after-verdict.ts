/**
 * What happens to a file once its verdict is in, per folder: nothing, a JSON sidecar beside it,
 * or a move into a `_<label>` subfolder (which the watcher ignores). Nothing is ever overwritten:
 * a name already taken gets a numbered suffix.
 */
import { constants } from 'node:fs';
import { copyFile, link, mkdir, open, rename, unlink, utimes, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { AfterAction, Verdict } from '../../../shared/domain';
import { redactRecord, redactVerdictLinks } from '../api/record-redaction';
import { SIDECAR_SUFFIX } from './junk';

/** How many numbered names are tried before giving up. */
const MAX_SUFFIX = 10_000;

/** The name with a number before its extension: `clip.mp4`, `clip (2).mp4`, `clip (3).mp4`. */
export function numberedName(name: string, n: number): string {
  if (n <= 1) return name;
  const ext = extname(name);
  const stem = ext === '' || ext === name ? name : name.slice(0, -ext.length);
  return `${stem} (${n})${ext}`;
}

/** The sidecar name for a file: `photo.jpg.authenta.json`, then `photo.jpg (2).authenta.json`. */
export function sidecarName(fileName: string, n: number): string {
  return n <= 1 ? `${fileName}${SIDECAR_SUFFIX}` : `${fileName} (${n})${SIDECAR_SUFFIX}`;
}

function errno(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

/** Creates a file only if the name is free (O_EXCL), trying numbered names. */
async function writeExclusive(dir: string, nameFor: (n: number) => string, content: string): Promise<string> {
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const target = join(dir, nameFor(n));
    let handle;
    try {
      handle = await open(target, 'wx');
    } catch (e) {
      if (errno(e) === 'EEXIST') continue;
      throw e;
    }
    try {
      await handle.writeFile(content, 'utf8');
    } finally {
      await handle.close();
    }
    return target;
  }
  throw new Error(`No free name for ${nameFor(1)} in ${dir}: remove old files there.`);
}

/**
 * Moves a file to a free name in `dir` without ever replacing an existing file: a hard link
 * (fails if the name is taken) then unlink; on filesystems without hard links, rename after a
 * check; across devices, copy exclusively then delete.
 */
async function moveExclusive(source: string, dir: string): Promise<string> {
  const name = basename(source);
  for (let n = 1; n <= MAX_SUFFIX; n++) {
    const target = join(dir, numberedName(name, n));
    try {
      await link(source, target);
      await unlink(source);
      return target;
    } catch (e) {
      const code = errno(e);
      if (code === 'EEXIST') continue;
      if (code === 'ENOENT') throw e; // the source is gone
      if (code === 'EXDEV') {
        try {
          await copyFile(source, target, constants.COPYFILE_EXCL);
        } catch (copyError) {
          if (errno(copyError) === 'EEXIST') continue;
          throw copyError;
        }
        const st = await stat(source);
        await utimes(target, st.atime, st.mtime);
        await unlink(source);
        return target;
      }
      // Hard links unsupported here (FAT, exFAT, some shares): check, then rename.
      if (
        code === 'EPERM' ||
        code === 'ENOTSUP' ||
        code === 'EOPNOTSUPP' ||
        code === 'EMLINK' ||
        code === 'ENOSYS'
      ) {
        const taken = await stat(target).then(
          () => true,
          () => false,
        );
        if (taken) continue;
        await rename(source, target);
        return target;
      }
      throw e;
    }
  }
  throw new Error(`No free name for ${name} in ${dir}: remove old files there.`);
}

/**
 * Applies a folder's after-verdict action. `sidecar` writes `<name>.authenta.json` beside the
 * file (the verdict and the raw record, its links disarmed); `move` moves the file into `<folderPath>/_<label>/`,
 * creating it. `folderPath` is the watched folder (for dropped files: the file's own folder).
 * Returns the file's new path when it moved, and the sidecar's path when one was written.
 */
export async function applyAfterAction(
  action: AfterAction,
  file: { path: string; folderPath: string },
  verdict: Verdict,
  record: object,
  opts: { now?: number } = {},
): Promise<{ newPath: string | null; sidecarPath: string | null }> {
  if (action === 'none') return { newPath: null, sidecarPath: null };
  if (action === 'sidecar') {
    const name = basename(file.path);
    const content = {
      file: name,
      checkedAt: new Date(opts.now ?? Date.now()).toISOString(),
      checkedBy: 'Authenta Watch',
      // A shared folder is no place for working links to the bytes (see record-redaction).
      verdict: redactVerdictLinks(verdict),
      record: redactRecord(record),
    };
    const sidecarPath = await writeExclusive(
      dirname(file.path),
      (n) => sidecarName(name, n),
      `${JSON.stringify(content, null, 2)}\n`,
    );
    return { newPath: null, sidecarPath };
  }
  const dir = join(file.folderPath, `_${verdict.label}`);
  await mkdir(dir, { recursive: true });
  const newPath = await moveExclusive(file.path, dir);
  return { newPath, sidecarPath: null };
}
