/**
 * The thumbnail cache (issue 12) with real images made by sharp and real files: small WebP
 * pictures, upright by EXIF, the first frame of an animation, AVIF; an LRU bounded by the size
 * limit that survives a restart; broken files and untrusted poster frames refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ThumbnailService, THUMBNAIL_EDGE } from '../../../../src/main/core/media/thumbnails';
import type { Logger } from '../../../../src/main/core/ports';

// Encoding AVIF and large JPEGs with libvips takes seconds on two busy cores; no speed is asserted here.
vi.setConfig({ testTimeout: 30_000 });

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;
let service: ThumbnailService | null;
let now = 1_000_000;
const clock = { now: () => now, setTimeout: () => ({ dispose() {} }) } as never;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aw-thumbs-'));
  now = 1_000_000;
  service = null;
});
afterEach(() => {
  service?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function open(maxBytes = 64 * 1024 ** 2): ThumbnailService {
  service?.dispose();
  service = new ThumbnailService({
    dir: join(dir, 'thumbs'),
    maxBytes: () => maxBytes,
    logger: quiet,
    clock,
  });
  return service;
}

const hash = (n: number) => n.toString(16).padStart(64, '0');

/** A photo on disk: a solid colour with noise so it does not compress to nothing. */
async function photo(name: string, width: number, height: number, format: 'jpeg' | 'png' | 'avif' = 'jpeg') {
  const path = join(dir, name);
  const noise = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#888',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .png()
    .toBuffer();
  await writeFile(path, await sharp(noise).toFormat(format).toBuffer());
  return path;
}

async function meta(file: string) {
  return sharp(await readFile(file)).metadata();
}

describe('ThumbnailService', () => {
  it('makes a small WebP of a photo, inside 256 px, and caches it by content hash', async () => {
    const t = open();
    const path = await photo('big.jpg', 1600, 900);
    const thumb = await t.get({ sha256: hash(1), kind: 'image', path });
    expect(thumb).not.toBeNull();
    expect(await meta(thumb!.file)).toMatchObject({ format: 'webp', width: THUMBNAIL_EDGE, height: 144 });
    // The same bytes under another path: no second picture is made.
    rmSync(path);
    expect(await t.get({ sha256: hash(1), kind: 'image', path: '/nowhere.jpg' })).toMatchObject({
      file: thumb!.file,
    });
    expect(await readdir(join(dir, 'thumbs'))).toHaveLength(1);
  });

  it('never enlarges a small picture, turns it upright by EXIF, and reads AVIF', async () => {
    const t = open();
    const small = await photo('small.png', 40, 30, 'png');
    expect(await meta((await t.get({ sha256: hash(2), kind: 'image', path: small }))!.file)).toMatchObject({
      width: 40,
      height: 30,
    });
    // Stored 400x200 with orientation 6 (rotate 90°): shown as 200x400, so the thumbnail is 128x256.
    const rotated = join(dir, 'rotated.jpg');
    await writeFile(
      rotated,
      await sharp(await readFile(await photo('r.png', 400, 200, 'png')))
        .jpeg()
        .withMetadata({ orientation: 6 })
        .toBuffer(),
    );
    expect(await meta((await t.get({ sha256: hash(3), kind: 'image', path: rotated }))!.file)).toMatchObject({
      width: 128,
      height: 256,
    });
    const avif = await photo('p.avif', 600, 300, 'avif');
    expect(await meta((await t.get({ sha256: hash(4), kind: 'image', path: avif }))!.file)).toMatchObject({
      format: 'webp',
      width: 256,
      height: 128,
    });
  });

  it('draws the first frame of an animation, not the whole strip', async () => {
    const t = open();
    const red = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    const blue = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#00f' } })
      .png()
      .toBuffer();
    const path = join(dir, 'anim.webp');
    await writeFile(
      path,
      await sharp([red, blue], { join: { animated: true } })
        .webp()
        .toBuffer(),
    );
    expect((await sharp(path).metadata()).pages).toBe(2);
    const thumb = await t.get({ sha256: hash(5), kind: 'image', path });
    const m = await meta(thumb!.file);
    expect(m).toMatchObject({ width: 200, height: 100 });
    expect(m.pages ?? 1).toBe(1);
    const { dominant } = await sharp(await readFile(thumb!.file)).stats();
    expect(dominant.r).toBeGreaterThan(200);
    expect(dominant.b).toBeLessThan(60);
  });

  it('has no picture for a broken file, a video without a poster, or audio; a broken file is not decoded again', async () => {
    const t = open();
    const broken = join(dir, 'broken.jpg');
    await writeFile(broken, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 1)]));
    expect(await t.get({ sha256: hash(6), kind: 'image', path: broken })).toBeNull();
    // Even once the bytes at that path are fine, the hash stays "no picture" (it names the broken bytes).
    await writeFile(broken, await readFile(await photo('ok.jpg', 100, 100)));
    expect(await t.get({ sha256: hash(6), kind: 'image', path: broken })).toBeNull();
    expect(await t.get({ sha256: hash(7), kind: 'video', path: broken })).toBeNull();
    expect(await t.get({ sha256: hash(8), kind: 'audio', path: broken })).toBeNull();
    expect(await t.get({ sha256: 'not-a-hash', kind: 'image', path: broken })).toBeNull();
  });

  it('keeps the cache under its limit, dropping the least recently used first, also after a restart', async () => {
    const paths = await Promise.all([1, 2, 3, 4].map((i) => photo(`p${i}.jpg`, 800, 600)));
    let t = open();
    const sizes: number[] = [];
    for (const [i, path] of paths.slice(0, 3).entries()) {
      now += 1_000;
      sizes.push((await t.get({ sha256: hash(10 + i), kind: 'image', path }))!.size);
    }
    // Room for about three: the limit is what the three take.
    const limit = sizes.reduce((a, b) => a + b, 0) + 10;
    t = open(limit);
    // The first one is looked at again: now the second is the least recently used.
    now += 1_000;
    expect(await t.cached(hash(10))).not.toBeNull();
    now += 1_000;
    const newest = (await t.get({ sha256: hash(13), kind: 'image', path: paths[3]! }))!.size;
    expect(await t.cached(hash(11))).toBeNull();
    expect(await t.cached(hash(10))).not.toBeNull();
    expect(await t.cached(hash(13))).not.toBeNull();
    expect(await t.sizeOnDisk()).toBeLessThanOrEqual(limit);
    const files = await readdir(join(dir, 'thumbs'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files.length).toBeLessThanOrEqual(3);

    // A smaller limit set in Settings trims at once, keeping the most recently used (the pictures
    // differ in size, so the limit is the one that is kept plus a little).
    t = open(newest + 10);
    await t.trim();
    expect(await t.sizeOnDisk()).toBeLessThanOrEqual(newest + 10);
    expect(await readdir(join(dir, 'thumbs'))).toHaveLength(1);
    expect(await t.cached(hash(13))).not.toBeNull();
  });

  it('re-encodes a poster frame and refuses one that is not a JPEG or too large', async () => {
    const t = open();
    const jpeg = await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#123' } })
      .jpeg()
      .toBuffer();
    await t.savePoster(hash(20), `data:image/jpeg;base64,${jpeg.toString('base64')}`);
    const cached = await t.cached(hash(20));
    expect(await meta(cached!.file)).toMatchObject({ format: 'webp', width: 256, height: 144 });
    const bytes = await readFile(cached!.file);
    expect(bytes.includes(jpeg.subarray(0, 200))).toBe(false);

    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    await expect(
      t.savePoster(hash(21), `data:image/jpeg;base64,${png.toString('base64')}`),
    ).rejects.toMatchObject({
      code: 'INVALID_POSTER',
    });
    const huge = Buffer.concat([jpeg, Buffer.alloc(600 * 1024)]);
    await expect(t.savePoster(hash(22), `data:image/jpeg;base64,${huge.toString('base64')}`)).rejects.toThrow(
      /at most 512 KB/,
    );
    await expect(t.savePoster(hash(23), 'data:text/html;base64,PHNjcmlwdD4=')).rejects.toMatchObject({
      code: 'INVALID_POSTER',
    });
    expect(await t.cached(hash(21))).toBeNull();
  });

  it('makes one picture at a time, and what the UI waits for goes before background work', async () => {
    const t = open();
    const paths = await Promise.all([1, 2, 3].map((i) => photo(`q${i}.jpg`, 1200, 800)));
    const order: number[] = [];
    t.prefetch({ sha256: hash(30), kind: 'image', path: paths[0]! });
    t.prefetch({ sha256: hash(31), kind: 'image', path: paths[1]! });
    const wanted = t.get({ sha256: hash(32), kind: 'image', path: paths[2]! }).then(() => order.push(32));
    await wanted;
    await new Promise((r) => setTimeout(r, 0));
    // The request overtook at least the second background job.
    expect(await t.cached(hash(32))).not.toBeNull();
    expect(order).toEqual([32]);
    for (let i = 0; i < 50 && !(await t.cached(hash(31))); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await t.cached(hash(30))).not.toBeNull();
    expect(await t.cached(hash(31))).not.toBeNull();
  });

  it('starts no picture while the pipeline reads files, not even one the UI waits for; then makes it', async () => {
    let busy = true;
    const asked = { count: 0 };
    service?.dispose();
    service = new ThumbnailService({
      dir: join(dir, 'thumbs'),
      maxBytes: () => 64 * 1024 ** 2,
      logger: quiet,
      // The real clock: the queue looks again on its own while it waits.
      pipelineBusy: () => (asked.count++, busy),
    });
    const path = await photo('held.jpg', 1200, 800);
    let made = false;
    const wanted = service.get({ sha256: hash(40), kind: 'image', path }).then((thumb) => {
      made = true;
      return thumb;
    });
    service.prefetch({ sha256: hash(41), kind: 'image', path });
    // Held for as long as files are read: the service keeps asking, and draws nothing.
    for (let i = 0; i < 10 && asked.count < 4; i++) await new Promise((r) => setTimeout(r, 100));
    expect(asked.count).toBeGreaterThanOrEqual(4);
    expect(made).toBe(false);
    expect(await readdir(join(dir, 'thumbs')).catch(() => [])).toEqual([]);
    busy = false;
    const thumb = await wanted;
    expect(await meta(thumb!.file)).toMatchObject({ format: 'webp', width: THUMBNAIL_EDGE });
    for (let i = 0; i < 50 && !(await service.cached(hash(41))); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await service.cached(hash(41))).not.toBeNull();
  });

  it('a picture the UI waits for gives way to the pipeline only so long; background work waits for it', async () => {
    service?.dispose();
    service = new ThumbnailService({
      dir: join(dir, 'thumbs'),
      maxBytes: () => 64 * 1024 ** 2,
      logger: quiet,
      pipelineBusy: () => true, // a long upload that never ends
      yieldAtMostMs: 300,
    });
    const path = await photo('long.jpg', 800, 600);
    service.prefetch({ sha256: hash(50), kind: 'image', path });
    const asked = Date.now();
    const thumb = await service.get({ sha256: hash(51), kind: 'image', path });
    expect(thumb).not.toBeNull();
    expect(Date.now() - asked).toBeGreaterThanOrEqual(300);
    await new Promise((r) => setTimeout(r, 600));
    expect(await service.cached(hash(50))).toBeNull();
  });
});
