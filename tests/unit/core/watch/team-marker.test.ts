/**
 * The team folder marker (src/main/core/watch/team-marker.ts) on real folders: written once by the
 * first desk, read by every other, one id however many desks start at once, and a folder that
 * cannot take the marker keyed by its real path with a message saying what to do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ensureTeamMarker,
  parseTeamMarker,
  TEAM_MARKER_FILE,
} from '../../../../src/main/core/watch/team-marker';
import { isJunkName } from '../../../../src/main/core/watch/junk';

let root: string;
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'aw-marker-')));
});
afterEach(async () => {
  try {
    execFileSync('chattr', ['-i', join(root, 'share')], { stdio: 'ignore' });
  } catch {
    // not made immutable
  }
  await chmod(join(root, 'share'), 0o755).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

describe('team folder marker', () => {
  it('the first desk writes it; every other desk, through any path, reads the same id', async () => {
    const share = join(root, 'drop');
    await mkdir(share);
    await symlink(share, join(root, 'mnt-b'));
    const first = await ensureTeamMarker(share);
    expect(first).toMatchObject({ ok: true, source: 'written', marker: { name: 'drop' } });
    const second = await ensureTeamMarker(join(root, 'mnt-b'));
    expect(second).toMatchObject({ ok: true, source: 'read' });
    expect(second.marker.id).toBe(first.marker.id);
    const onDisk = parseTeamMarker(await readFile(join(share, TEAM_MARKER_FILE), 'utf8'));
    expect(onDisk?.id).toBe(first.marker.id);
  });

  it('desks starting at once agree on one id, and leave no temporary files behind', async () => {
    const share = join(root, 'drop');
    await mkdir(share);
    const all = await Promise.all(Array.from({ length: 16 }, () => ensureTeamMarker(share)));
    expect(new Set(all.map((x) => x.marker.id)).size).toBe(1);
    expect(all.filter((x) => x.ok && x.source === 'written')).toHaveLength(1);
    expect(await readdir(share)).toEqual([TEAM_MARKER_FILE]);
  });

  it('is never taken as media: the watcher skips it like every hidden file', () => {
    expect(isJunkName(TEAM_MARKER_FILE)).toBe(true);
    expect(isJunkName(`${TEAM_MARKER_FILE}.0a1b2c3d4e5f.tmp`)).toBe(true);
  });

  it('a damaged marker: the folder is keyed by its real path, and the message says what to do', async () => {
    const share = join(root, 'drop');
    await mkdir(share);
    await writeFile(join(share, TEAM_MARKER_FILE), 'not json');
    const found = await ensureTeamMarker(share);
    expect(found.ok).toBe(false);
    expect(found.marker.id).toBe(`path:${share}`);
    expect(!found.ok && found.message).toMatch(/Delete it/);
  });

  it('a folder that is not there (not mounted yet) says so, to be read when it is', async () => {
    const found = await ensureTeamMarker(join(root, 'nowhere'));
    expect(found).toMatchObject({ ok: false, missing: true });
  });

  it('a share this desk cannot write: keyed by its real path, with a message naming the marker', async (ctx) => {
    const share = join(root, 'share');
    await mkdir(share);
    // Not writable: by mode for a normal user; root writes anyway, so make it immutable then.
    await chmod(share, 0o555);
    let writable = await writeFile(join(share, 'probe'), 'x').then(
      () => true,
      () => false,
    );
    if (writable) {
      await rm(join(share, 'probe'));
      try {
        execFileSync('chattr', ['+i', share], { stdio: 'ignore' });
      } catch {
        // no chattr here
      }
      writable = await writeFile(join(share, 'probe'), 'x').then(
        () => true,
        () => false,
      );
    }
    if (writable) ctx.skip('cannot make a folder unwritable here (root without chattr)');
    const found = await ensureTeamMarker(share);
    expect(found).toMatchObject({ ok: false, missing: false, marker: { id: `path:${share}` } });
    expect(!found.ok && found.message).toContain(TEAM_MARKER_FILE);
    expect(!found.ok && found.message).toMatch(/write access/);
  });
});
