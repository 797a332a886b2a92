/**
 * Thumbnails made ahead of the UI's request: once a photo's verdict is in, the engine makes its
 * pictures (large and row) in the background, so a queue opened later shows them at once.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { makeMp4, makePng } from '../../helpers/media-fixtures';
import { startHarness, type Harness } from '../../helpers/engine-harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** A decodable JPEG carrying the simulator's marker in a comment segment. */
async function photoJpeg(marker: string, background: string): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background } })
    .jpeg()
    .toBuffer();
  const text = Buffer.from(marker, 'latin1');
  const com = Buffer.concat([
    Buffer.from([0xff, 0xfe, (text.length + 2) >> 8, (text.length + 2) & 0xff]),
    text,
  ]);
  return Buffer.concat([jpeg.subarray(0, 2), com, jpeg.subarray(2)]);
}

const cacheFiles = async (dataDir: string): Promise<string[]> =>
  (await readdir(join(dataDir, 'thumbs')).catch(() => [] as string[])).sort();

/**
 * Wait for the photo's two pictures (large and row) and check them. Two finished files, none still
 * being written: a thumbnail is written as a `.part` file and renamed, so counting two names could
 * catch the second one half-written (seen on a loaded machine).
 */
async function expectPictures(harness: Harness, sha256: string | null, when: string): Promise<void> {
  const dataDir = harness.dataDir;
  await harness.waitFor(
    async () => {
      const files = await cacheFiles(dataDir);
      return files.length === 2 && !files.some((f) => f.endsWith('.part'));
    },
    {
      message: async () => `the photo’s thumbnails ${when} (now: ${(await cacheFiles(dataDir)).join(', ')})`,
    },
  );
  expect(await cacheFiles(dataDir)).toEqual([`${sha256}-256.webp`, `${sha256}-80x56.webp`]);
}

describe('thumbnail prefetch', () => {
  it("makes a judged photo's pictures without being asked; a video (no poster yet) gets none", async () => {
    h = await startHarness();
    await h.watch('inbox');
    await h.write('inbox/photo.jpg', await photoJpeg('AUTHENTA-SIM:real', '#2a6'));
    await h.write('inbox/clip.mp4', makeMp4({ marker: 'AUTHENTA-SIM:faces=1,fakes=0' }));
    const photo = await h.waitForJob('photo.jpg', ['done']);
    await h.waitForJob('clip.mp4', ['done']);
    await expectPictures(h, photo.sha256, 'in the cache');
  });

  it('draws nothing of a photo that changed after it was judged', async () => {
    h = await startHarness({ sim: { processingMs: 1_500 } });
    await h.watch('inbox');
    const path = await h.write('inbox/photo.jpg', await photoJpeg('AUTHENTA-SIM:real', '#2a6'));
    const first = await h.waitForJob('photo.jpg', ['processing']);
    await writeFile(path, await photoJpeg('AUTHENTA-SIM:fake', '#a22'));
    await h.waitForJob((j) => j.id === first.id, ['done']);
    await h.waitFor(
      async () => (await h!.jobs()).every((j) => ['done', 'skipped', 'failed'].includes(j.state)),
      {
        message: 'every job ended',
      },
    );
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await cacheFiles(h.dataDir)).filter((f) => f.startsWith(first.sha256!))).toEqual([]);
  });

  it('waits while another file is being sent, and draws once the upload is through', async () => {
    h = await startHarness({ sim: { processingMs: 1_500 } });
    await h.watch('inbox');
    await h.write('inbox/photo.jpg', await photoJpeg('AUTHENTA-SIM:real', '#2a6'));
    await h.waitForJob('photo.jpg', ['processing']);
    // A large file's upload stalls mid-body while the photo gets its verdict.
    h.sim.faults.holdPuts = true;
    await h.write('inbox/big.png', makePng({ marker: 'AUTHENTA-SIM:real', padding: 400_000 }));
    await h.waitFor(() => h!.puts().some((p) => p.status === 0 && p.bytes > 0), {
      message: 'the large upload on the wire',
    });
    const photo = await h.waitForJob('photo.jpg', ['done']);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await cacheFiles(h.dataDir), 'pictures drawn while a file was being sent').toEqual([]);
    h.sim.faults.holdPuts = false;
    await h.waitForJob('big.png', ['processing', 'done']);
    await expectPictures(h, photo.sha256, 'after the upload');
  });
});
