import { mkdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/core/ports';
import { expandPaths } from '../../../src/main/core/watch/expand-paths';
import { stabilise } from '../../../src/main/core/watch/stabilise';
import { makeJpeg, makeMp4, makePng, writeFixture } from '../../helpers/media-fixtures';
import { makeTempDir, removeTempDir, sleep } from './helpers';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
  await writeFixture(join(dir, 'single.jpg'), makeJpeg());
  await writeFixture(join(dir, 'drop', 'a.png'), makePng());
  await writeFixture(join(dir, 'drop', 'deep', 'deeper', 'b.mp4'), makeMp4());
  await writeFixture(join(dir, 'drop', 'png-named.jpg'), makePng());
  await writeFixture(join(dir, 'drop', 'notes.txt'), Buffer.from('not media, but only the bytes can say so'));
  await writeFixture(join(dir, 'drop', 'c.jpg.part'), makeJpeg());
  await writeFixture(join(dir, 'drop', '.hidden.jpg'), makeJpeg());
  await writeFixture(join(dir, 'drop', 'Thumbs.db'), Buffer.from('x'));
  await writeFixture(join(dir, 'drop', 'a.png.authenta.json'), Buffer.from('{}'));
  await writeFixture(join(dir, 'drop', '_fake', 'moved.jpg'), makeJpeg());
  await writeFixture(join(dir, 'drop', '.git', 'x.jpg'), makeJpeg());
  await mkdir(join(dir, 'drop', 'empty-folder'));
  await symlink(join(dir, 'drop'), join(dir, 'drop', 'deep', 'loop'));
  await writeFixture(join(dir, 'junk.crdownload'), Buffer.from('x'));
});
afterAll(async () => {
  await removeTempDir(dir);
});

describe('expandPaths', () => {
  it('expands files and folders (recursively) into candidates, skipping junk but not by extension', async () => {
    const { files, rejected } = await expandPaths([
      join(dir, 'single.jpg'),
      join(dir, 'drop'),
      join(dir, 'junk.crdownload'),
      join(dir, 'missing.jpg'),
    ]);
    expect(files.map((f) => relative(dir, f.path)).sort()).toEqual(
      ['single.jpg', 'drop/a.png', 'drop/deep/deeper/b.mp4', 'drop/png-named.jpg', 'drop/notes.txt'].sort(),
    );
    for (const f of files) {
      expect(f.folderId).toBeNull();
      expect(f.size).toBeGreaterThan(0);
      expect(f.mtimeMs).toBeGreaterThan(0);
    }
    expect(rejected).toEqual([
      { path: join(dir, 'junk.crdownload'), code: 'JUNK', reason: expect.stringContaining('temporary') },
      { path: join(dir, 'missing.jpg'), code: 'VANISHED', reason: expect.stringContaining('missing.jpg') },
    ]);
  });

  it('lists a file once when it is dropped twice or also inside a dropped folder', async () => {
    const { files } = await expandPaths([
      join(dir, 'drop', 'a.png'),
      join(dir, 'drop'),
      join(dir, 'drop', 'a.png'),
    ]);
    expect(files.filter((f) => f.path === join(dir, 'drop', 'a.png'))).toHaveLength(1);
  });

  it('takes a file dropped from inside a junk-named folder (the user chose it), but not a junk file', async () => {
    const { files, rejected } = await expandPaths([
      join(dir, 'drop', '_fake', 'moved.jpg'),
      join(dir, 'drop', '.hidden.jpg'),
    ]);
    expect(files.map((f) => f.path)).toEqual([join(dir, 'drop', '_fake', 'moved.jpg')]);
    expect(rejected.map((r) => r.code)).toEqual(['JUNK']);
  });

  it('resolves relative paths', async () => {
    const { files } = await expandPaths([relative(process.cwd(), join(dir, 'single.jpg'))]);
    expect(files.map((f) => f.path)).toEqual([join(dir, 'single.jpg')]);
  });
});

describe('stabilise', () => {
  it('resolves once a file stops growing', async () => {
    const path = join(dir, 'growing.bin');
    await writeFile(path, 'a');
    let done = false;
    const writer = (async () => {
      for (let i = 0; i < 8; i++) {
        await sleep(50);
        await writeFile(path, 'a'.repeat(i + 2));
      }
      done = true;
    })();
    // A window far above the writer's 50 ms pauses, which a loaded machine can stretch.
    const result = await stabilise(path, 3_000, systemClock);
    expect(done).toBe(true);
    expect(result.size).toBe(9);
    await writer;
  });

  it('rejects with VANISHED when the file goes, and with the reason when aborted', async () => {
    const path = await writeFixture(join(dir, 'going.bin'), Buffer.from('x'));
    const pending = stabilise(path, 200, systemClock);
    await unlink(path);
    await expect(pending).rejects.toMatchObject({ code: 'VANISHED' });
    const kept = await writeFixture(join(dir, 'kept.bin'), Buffer.from('x'));
    const controller = new AbortController();
    const aborted = stabilise(kept, 60_000, systemClock, { signal: controller.signal });
    controller.abort(new Error('dropped list cleared'));
    await expect(aborted).rejects.toThrow('dropped list cleared');
  });
});
