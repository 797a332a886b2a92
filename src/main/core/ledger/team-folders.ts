/**
 * Team folders in the ledger: a file of a watched folder that has a team identity (its marker,
 * watch/team-marker.ts) is keyed by (team folder id, path relative to the folder), so one share
 * mounted at `/mnt/drop` on one desk and `/Volumes/drop` on another is one row per file. The row
 * keeps the relative key; each desk resolves it against its own mount (`TeamMounts.local`), so
 * the path and folder every desk reads are its own. Pure bookkeeping, no I/O.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { confinedPath } from './confined-path';

/** One watched folder of this desk that has a team identity. */
export interface TeamMount {
  /** The team folder's id (the marker's). */
  teamFolderId: string;
  /** This desk's settings id of the folder. */
  folderId: string;
  /** Where this desk sees the folder (absolute, as the watcher reports paths under it). */
  root: string;
}

/** The ledger key of a file in a team folder. */
export interface TeamKey {
  teamFolderId: string;
  /** Relative to the team folder, with `/` between segments on every platform. */
  relPath: string;
}

/** Relative path with `/` separators, or null when `path` is not inside `root`. Pure. */
export function relativeInside(root: string, path: string): string | null {
  const rel = relative(root, path);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return null;
  return sep === '/' ? rel : rel.split(sep).join('/');
}

/** This desk's team folders, as the ledger adapters key and resolve rows with them. */
export class TeamMounts {
  private byFolder = new Map<string, TeamMount>();
  private byTeam = new Map<string, TeamMount>();

  /** Replace the set (the folder registry calls this when folders or their markers change). */
  set(mounts: readonly TeamMount[]): void {
    this.byFolder = new Map(mounts.map((m) => [m.folderId, m]));
    this.byTeam = new Map(mounts.map((m) => [m.teamFolderId, m]));
  }

  /** The team folder ids this desk can open files of. */
  teamFolderIds(): string[] {
    return [...this.byTeam.keys()];
  }

  get size(): number {
    return this.byTeam.size;
  }

  /**
   * The key of a file this desk sees at `path`, reported for the folder `folderId` (undefined:
   * any team folder it lies in): null when it is not in a team folder, or has no folder (a file
   * dropped on the window is this desk's own).
   */
  keyOf(path: string, folderId?: string | null): TeamKey | null {
    if (folderId === null) return null;
    const candidates =
      folderId && this.byFolder.has(folderId) ? [this.byFolder.get(folderId)!] : [...this.byTeam.values()];
    for (const m of candidates) {
      const relPath = relativeInside(m.root, path);
      if (relPath !== null) return { teamFolderId: m.teamFolderId, relPath };
    }
    return null;
  }

  /**
   * Where this desk finds a row's file, and the folder it belongs to here: its own mount of the
   * row's team folder; the stored path and folder when the row has no team key or this desk
   * does not watch that team folder. A `rel_path` that would lead out of the mount (absolute, or
   * with `..`: written by anyone with the ledger's password) is not followed: the row gets its
   * stored path and no folder of this desk, which the file gate (confined-path.ts) refuses unless
   * it lies in a watched folder.
   */
  local(row: {
    team_folder?: string | null;
    rel_path?: string | null;
    path: string;
    folder_id: string | null;
  }): { path: string; folderId: string | null } {
    const mount = row.team_folder ? this.byTeam.get(row.team_folder) : undefined;
    if (!mount || row.rel_path == null) return { path: row.path, folderId: row.folder_id };
    const path = confinedPath(mount.root, row.rel_path);
    return path === null ? { path: row.path, folderId: null } : { path, folderId: mount.folderId };
  }
}
