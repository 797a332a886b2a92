/**
 * The trust rule for ledger paths (confined-path.ts): `confinedPath` keeps a row's relative path
 * inside its folder, the gate refuses files outside the watched folders (as written and once
 * symlinks are resolved) on a shared ledger, except the files the desk's own user dropped, and
 * `TeamMounts.local` does not follow a `rel_path` that leads out.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { confinedPath, WatchedFolderGate } from '../../../../src/main/core/ledger/confined-path';
import { TeamMounts } from '../../../../src/main/core/ledger/team-folders';

const ROOT = '/mnt/drop';

describe('confinedPath', () => {
  it.each([
    ['a.png', '/mnt/drop/a.png'],
    ['sub/dir/a.png', '/mnt/drop/sub/dir/a.png'],
    ['..a.png', '/mnt/drop/..a.png'],
    ['a..b/c.png', '/mnt/drop/a..b/c.png'],
    ['.hidden.png', '/mnt/drop/.hidden.png'],
    ['', null],
    ['..', null],
    ['../etc/passwd', null],
    ['../../etc/passwd', null],
    ['sub/../../x.png', null],
    ['sub/../a.png', null],
    ['./a.png', null],
    ['sub//a.png', null],
    ['sub/', null],
    ['/etc/passwd', null],
    ['//server/share/a.png', null],
    ['C:\\Windows\\a.png', null],
    ['c:a.png', null],
    ['\\\\server\\share\\a.png', null],
    ['sub\\..\\..\\x.png', null],
    ['a\u0000.png', null],
  ])('%j -> %j', (rel, expected) => {
    expect(confinedPath(ROOT, rel)).toBe(expected);
  });
});

describe('TeamMounts.local', () => {
  const mounts = new TeamMounts();
  mounts.set([{ teamFolderId: 'T', folderId: 'f1', root: ROOT }]);
  const row = { team_folder: 'T', path: '/elsewhere/a.png', folder_id: 'other' };

  it('resolves a row inside the team folder against this desk’s mount', () => {
    expect(mounts.local({ ...row, rel_path: 'sub/a.png' })).toEqual({
      path: '/mnt/drop/sub/a.png',
      folderId: 'f1',
    });
  });

  it.each(['../../etc/passwd', '/etc/passwd', 'sub/../../x'])(
    'does not follow %j: the stored path, no folder of this desk',
    (rel) => {
      expect(mounts.local({ ...row, rel_path: rel })).toEqual({ path: '/elsewhere/a.png', folderId: null });
    },
  );
});

describe('WatchedFolderGate', () => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'aw-confined-')));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  const watched = join(base, 'drop');
  const outside = join(base, 'outside');
  mkdirSync(join(watched, 'sub'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(watched, 'a.png'), 'a');
  writeFileSync(join(outside, 'secret.png'), 's');
  symlinkSync(join(outside, 'secret.png'), join(watched, 'link.png'));
  symlinkSync(outside, join(watched, 'out-dir'));
  // The watched folder given as a symlink (a mount point): its files are still inside.
  symlinkSync(watched, join(base, 'mount'));

  const gate = new WatchedFolderGate({ shared: true, roots: () => [join(base, 'mount'), watched] });

  it.each([
    ['a file of the folder', join(watched, 'a.png'), true],
    ['a file of the folder through the mount symlink', join(base, 'mount', 'a.png'), true],
    ['a file gone from the folder', join(watched, 'gone.png'), true],
    ['a file gone from a folder gone', join(watched, 'no', 'gone.png'), true],
    ['the folder itself', watched, false],
    ['a file outside', join(outside, 'secret.png'), false],
    ['a path with .. out', `${watched}/../outside/secret.png`, false],
    ['a relative path', 'drop/a.png', false],
    ['a symlink in the folder pointing out', join(watched, 'link.png'), false],
    ['a file under a symlinked folder pointing out', join(watched, 'out-dir', 'secret.png'), false],
    ['a file gone under a symlinked folder pointing out', join(watched, 'out-dir', 'gone.png'), false],
    ['/etc/passwd', '/etc/passwd', false],
  ])('%s: allowed %j', async (_what, path, allowed) => {
    const refused = await gate.refusal(path, 'x.png');
    if (allowed) expect(refused).toBeNull();
    else expect(refused).toMatch(/^x\.png is outside the folders this desk watches/);
  });

  it('lets a file the desk’s own user dropped through, wherever it is', async () => {
    const own = new WatchedFolderGate({ shared: true, roots: () => [watched] });
    const dropped = join(outside, 'secret.png');
    expect(await own.refusal(dropped, 'secret.png')).not.toBeNull();
    own.allow(dropped);
    expect(await own.refusal(dropped, 'secret.png')).toBeNull();
  });

  it('checks nothing on a ledger no other desk writes (the embedded one)', async () => {
    const alone = new WatchedFolderGate({ shared: false, roots: () => [watched] });
    expect(await alone.refusal(join(outside, 'secret.png'), 'secret.png')).toBeNull();
  });
});
