/**
 * A team folder's identity: a small marker file at the root of a shared folder, holding a random
 * id and a name. The same share is mounted under different paths on different desks
 * (`/mnt/drop`, `/Volumes/drop`, `\\newsroom\drop`, a symlink); the marker travels with the
 * share, so every desk on a team ledger keys the share's files by (marker id, path relative to
 * the share) and a file dropped once is one row for the team.
 *
 * The first desk that watches the folder on a team ledger writes it; every other desk reads it.
 * Writing never overwrites: the content goes to a temporary file first, which is then hard-linked
 * to the marker's name (a link fails when the name exists), so two desks starting at once agree
 * on the one id that landed. A share that does not take links (some SMB servers) gets an
 * exclusive create instead, which is just as atomic. The marker's name starts with a dot, so the
 * watcher never queues it (junk.ts skips hidden files).
 */
import { randomBytes } from 'node:crypto';
import { link, readFile, realpath, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** The marker's name at the root of a team folder. */
export const TEAM_MARKER_FILE = '.authenta-team.json';

/** What the marker holds. */
export interface TeamMarker {
  /** Random, the key of the folder's files in the team ledger. */
  id: string;
  /** For people: the folder's name when the marker was written. */
  name: string;
}

/** The identity a desk uses for a folder, and where it came from. */
export type TeamIdentity =
  | { ok: true; marker: TeamMarker; source: 'read' | 'written' }
  | {
      ok: false;
      /** The fallback key: the folder's real path (desks on other machines cannot share it). */
      marker: TeamMarker;
      /** Why the marker could not be read or written, and what to do. */
      message: string;
      /** The folder itself is not there (not mounted yet): try again when it is. */
      missing: boolean;
    };

/** A marker's content, or null when it is not one (damaged, empty, someone else's file). Pure. */
export function parseTeamMarker(text: string): TeamMarker | null {
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object') return null;
    const { id, name } = v as { id?: unknown; name?: unknown };
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) return null;
    return { id, name: typeof name === 'string' ? name.slice(0, 200) : '' };
  } catch {
    return null;
  }
}

function codeOf(e: unknown): string {
  return (e as { code?: string }).code ?? '';
}

async function readMarker(file: string): Promise<TeamMarker | 'absent' | 'damaged'> {
  try {
    return parseTeamMarker(await readFile(file, 'utf8')) ?? 'damaged';
  } catch (e) {
    if (codeOf(e) === 'ENOENT') return 'absent';
    throw e;
  }
}

/** Write `content` as `file` only if no file of that name exists; false when one does. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, content, { flag: 'wx' });
  try {
    await link(temp, file);
    return true;
  } catch (e) {
    if (codeOf(e) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(codeOf(e))) throw e;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  // No hard links on this share: an exclusive create (a reader may see it half-written for an
  // instant; it reads again below until the content parses).
  try {
    await writeFile(file, content, { flag: 'wx' });
    return true;
  } catch (e) {
    if (codeOf(e) === 'EEXIST') return false;
    throw e;
  }
}

const fallback = async (root: string): Promise<TeamMarker> => {
  const real = await realpath(root).catch(() => root);
  return { id: `path:${real}`, name: basename(real) };
};

/**
 * The team identity of the folder at `root`: its marker, written first when there is none.
 * Never throws: a share that is read-only or refuses the write, or a damaged marker, gives the
 * folder's real path as its key, with a message saying what that means and what to do.
 */
export async function ensureTeamMarker(root: string, random = randomBytes): Promise<TeamIdentity> {
  const file = join(root, TEAM_MARKER_FILE);
  const problem = async (message: string, missing = false): Promise<TeamIdentity> => ({
    ok: false,
    marker: await fallback(root),
    message,
    missing,
  });
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      const found = await readMarker(file);
      if (typeof found === 'object') return { ok: true, marker: found, source: 'read' };
      if (found === 'damaged') {
        // Maybe another desk's exclusive create is halfway: look again shortly.
        if (attempt < 19) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        return problem(
          `${file} is not a team folder marker Authenta Watch can read. Delete it (the first desk writes a new one), or restore it from another desk; until then this desk keys the folder's files by its own path, so other desks may check them again.`,
        );
      }
      const marker: TeamMarker = { id: random(12).toString('base64url'), name: basename(root) };
      if (await createExclusive(file, `${JSON.stringify(marker, null, 2)}\n`))
        return { ok: true, marker, source: 'written' };
      // Another desk wrote it first: read theirs.
    }
    return problem(`${file} could not be read back. Check the share, then rescan.`);
  } catch (e) {
    const code = codeOf(e);
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return problem(`${root} is not there (not mounted?): its team identity is read when it is.`, true);
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
      return problem(
        `Authenta Watch could not write its team folder marker ${TEAM_MARKER_FILE} in ${root} (${code === 'EROFS' ? 'the share is read-only' : 'no permission'}). This desk keys the folder's files by its own path, so desks that mount the share elsewhere may check them again. Let one desk with write access watch the folder first (it writes the marker), or create it once by hand; this desk reads it at its next start or rescan.`,
      );
    return problem(
      `The team folder marker in ${root} could not be read or written: ${(e as Error).message}.`,
    );
  }
}
