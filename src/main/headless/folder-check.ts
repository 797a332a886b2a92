/**
 * The folders named on the command line, looked at before a run starts: `--once` on a folder that
 * is not there (or on a file) would check nothing and exit 0, so it is a usage error naming the
 * path; while watching, a missing folder is only a warning (it is watched for its return).
 * Symbolic links to folders count as folders: the one the user chose is followed.
 */
import { stat } from 'node:fs/promises';

/** What the run may do with its folders: go on (with warnings to print) or stop with a usage error. */
export type FolderCheck = { ok: true; warnings: string[] } | { ok: false; message: string };

/** How one path looks (injected in tests); `stat` follows symbolic links. */
export type FolderProbe = (path: string) => Promise<'folder' | 'file' | 'missing' | { error: string }>;

/** The real probe: node's stat, which follows a symbolic link to what it names. */
export const probeFolder: FolderProbe = async (path) => {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    return { error: code ?? String(e) };
  }
};

/**
 * Decide from each folder's probe: a file is always an error; a missing or unreadable folder is
 * an error with `--once` and a warning otherwise.
 */
export async function checkFolders(
  folders: readonly string[],
  once: boolean,
  probe: FolderProbe = probeFolder,
): Promise<FolderCheck> {
  const warnings: string[] = [];
  for (const path of folders) {
    const found = await probe(path);
    if (found === 'folder') continue;
    if (found === 'file') {
      return {
        ok: false,
        message: `${path} is a file, not a folder. Name the folder that receives the files.`,
      };
    }
    const problem =
      found === 'missing'
        ? `${path} does not exist`
        : `${path} cannot be opened (${found.error}); check that this account may read it`;
    if (once) {
      return {
        ok: false,
        message: `${problem}. Check the path, or connect the drive or share first.`,
      };
    }
    warnings.push(`Warning: ${problem}. It is watched for its return: files put there are checked then.`);
  }
  return { ok: true, warnings };
}
