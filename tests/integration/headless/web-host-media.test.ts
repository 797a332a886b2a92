/**
 * The web host's media routes over real HTTP on 127.0.0.1 (issue 12): `/media/<key>/original/<id>`
 * serves a job's own file, found through a real SQLite ledger, with Range for seeking, and
 * `/media/<key>/thumb/<id>` a small picture made by sharp. Everything else fails closed: unknown
 * ids, vanished or changed files (with a plain reason, never other bytes), `..`, encoded slashes,
 * absolute paths, non-numeric ids, a wrong key, other methods and foreign Host headers.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdtemp, mkdir, rm, unlink, utimes, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeMp4 } from '../../helpers/media-fixtures';
import { SqliteLedger } from '../../../src/main/core/ledger/sqlite-ledger';
import { MediaFiles } from '../../../src/main/core/media/media-files';
import { ThumbnailService } from '../../../src/main/core/media/thumbnails';
import type { Logger } from '../../../src/main/core/ports';
import { startWebHost, type WebHost } from '../../../src/main/headless/web-host';
import { RecordingApi } from './recording-api';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request sent exactly as written (no normalisation of the target), answering raw bytes. */
function get(
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: host.port,
      method: options.method ?? 'GET',
      path,
      headers: { host: `127.0.0.1:${host.port}`, ...options.headers },
      agent: false,
      setHost: false,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
let ledger: SqliteLedger;
let thumbs: ThumbnailService;
let host: WebHost;
let base: string;
let photo: { id: number; path: string; bytes: Buffer };
let clip: { id: number; path: string; bytes: Buffer };

async function addJob(name: string, bytes: Buffer, contentType: string, kind: 'image' | 'video') {
  const path = join(dir, 'watch', name);
  await writeFile(path, bytes);
  const info = await stat(path);
  const row = await ledger.insert({
    path,
    name,
    folderId: 'f1',
    size: info.size,
    mtimeMs: info.mtimeMs,
    profileId: 'sandbox',
    simulated: true,
    state: 'queued',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    contentType,
    kind,
  });
  return { id: row.id, path, bytes };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authenta-media-'));
  await mkdir(join(dir, 'renderer'));
  await mkdir(join(dir, 'watch'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  ledger = SqliteLedger.open({ file: join(dir, 'data', 'ledger.sqlite'), now: () => Date.now() });
  thumbs = new ThumbnailService({
    dir: join(dir, 'data', 'thumbs'),
    maxBytes: () => 16 * 1024 ** 2,
    logger: quiet,
  });
  const media = new MediaFiles({ job: (id) => ledger.get(id), thumbs, logger: quiet });
  const recording = new RecordingApi();
  host = await startWebHost({
    api: recording.api,
    media,
    mediaOrigins: () => ['http://127.0.0.1:4321'],
    rendererDir: join(dir, 'renderer'),
    inboxDir: join(dir, 'inbox'),
    logger: quiet,
  });
  base = host.mediaBase;
  const png = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#2a6' } })
    .png()
    .toBuffer();
  photo = await addJob('photo.png', png, 'image/png', 'image');
  clip = await addJob('clip.mp4', makeMp4({ mdatBytes: 50_000 }), 'video/mp4', 'video');
});

afterEach(async () => {
  await host.close();
  thumbs.dispose();
  await ledger.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the original file', () => {
  it('is served whole by job id with its sniffed type, without the UI token or a cookie', async () => {
    expect(base).toMatch(/^\/media\/[A-Za-z0-9_-]{20,}$/);
    const res = await get(`${base}/original/${photo.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-length']).toBe(String(photo.bytes.length));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body.equals(photo.bytes)).toBe(true);
  });

  it('answers byte ranges (video seeking), HEAD, and 416 for a range past the end', async () => {
    const size = clip.bytes.length;
    const part = await get(`${base}/original/${clip.id}`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${size}`);
    expect(part.headers['content-type']).toBe('video/mp4');
    expect(part.body.equals(clip.bytes.subarray(100, 200))).toBe(true);

    const tail = await get(`${base}/original/${clip.id}`, { headers: { range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(clip.bytes.subarray(size - 10))).toBe(true);

    const open = await get(`${base}/original/${clip.id}`, { headers: { range: `bytes=${size - 3}-` } });
    expect(open.headers['content-range']).toBe(`bytes ${size - 3}-${size - 1}/${size}`);

    const past = await get(`${base}/original/${clip.id}`, { headers: { range: `bytes=${size}-` } });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${size}`);
    expect(past.body.length).toBe(0);

    const head = await get(`${base}/original/${clip.id}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(size));
    expect(head.body.length).toBe(0);
  });

  it('says the file vanished (410) when it was moved or deleted, with no bytes of it', async () => {
    await unlink(photo.path);
    const res = await get(`${base}/original/${photo.id}`);
    expect(res.status).toBe(410);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body.toString()).toMatch(/photo\.png is no longer at .*moved or deleted/);
  });

  it('says the file changed (409) when other bytes are at its place, and never serves them', async () => {
    const other = Buffer.from('other bytes, not the judged photo');
    await writeFile(photo.path, other);
    const res = await get(`${base}/original/${photo.id}`);
    expect(res.status).toBe(409);
    expect(res.body.toString()).toMatch(/changed since it was checked/);
    expect(res.body.includes(other)).toBe(false);

    // Same size, new modification time: also a different file as far as the verdict goes.
    const later = new Date(Date.now() + 60_000);
    await utimes(clip.path, later, later);
    expect((await get(`${base}/original/${clip.id}`)).status).toBe(409);
    expect((await get(`${base}/original/${clip.id}`, { headers: { range: 'bytes=0-9' } })).status).toBe(409);
  });

  it.each([
    ['an unknown id', (id: number) => `/original/${id + 1000}`],
    ['a non-numeric id', () => '/original/abc'],
    ['a zero id', () => '/original/0'],
    ['a negative id', (id: number) => `/original/-${id}`],
    ['a leading zero', (id: number) => `/original/0${id}`],
    ['a fractional id', (id: number) => `/original/${id}.0`],
    ['a huge id', () => '/original/99999999999999999999'],
    ['a trailing slash', (id: number) => `/original/${id}/`],
    ['dot-dot segments', (id: number) => `/original/../original/${id}`],
    ['encoded dot-dot', (id: number) => `/original/%2e%2e/original/${id}`],
    ['an encoded slash', (id: number) => `/original/${id}%2F..%2F..%2Fetc%2Fpasswd`],
    ['an encoded id', (id: number) => `/original/%3${id}`],
    ['an absolute path', () => '/original//etc/passwd'],
    ['an absolute path as the id', () => '/original/%2Fetc%2Fpasswd'],
    ['a backslash path', () => '/original/..\\..\\etc\\passwd'],
    ['an unknown kind', (id: number) => `/poster/${id}`],
    ['no kind', (id: number) => `/${id}`],
  ])('fails closed for %s (404, nothing served)', async (_what, route) => {
    const res = await get(`${base}${route(photo.id)}`);
    expect(res.status).toBe(404);
    expect(res.body.includes(photo.bytes.subarray(0, 64))).toBe(false);
    expect(res.body.toString()).not.toContain('root:');
  });

  it('fails closed for a wrong, missing or borrowed key', async () => {
    const key = base.split('/')[2]!;
    const flipped = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    for (const path of [
      `/media/${flipped}/original/${photo.id}`,
      `/media/original/${photo.id}`,
      `/media//original/${photo.id}`,
      `/media/${host.token}/original/${photo.id}`,
      `/media/${key}%2Foriginal/${photo.id}`,
      `/media/${key}/../${key}/original/${photo.id}`,
    ]) {
      const res = await get(path);
      expect([401, 404]).toContain(res.status);
      expect(res.body.includes(photo.bytes.subarray(0, 64))).toBe(false);
    }
  });

  it('is read only and answers only its own Host name', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      expect((await get(`${base}/original/${photo.id}`, { method })).status).toBe(405);
    }
    expect((await get(`${base}/original/${photo.id}`, { headers: { host: 'evil.example' } })).status).toBe(
      421,
    );
  });
});

describe('the page', () => {
  it('may show pictures and play videos from its media routes, https: heatmaps and the Sandbox simulator only', async () => {
    const page = await get('/');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("img-src 'self' data: blob: https: http://127.0.0.1:4321;");
    expect(csp).toContain("media-src 'self' blob: https: http://127.0.0.1:4321;");
  });
});

describe('thumbnails', () => {
  it('are made of an image on request, small, as WebP, and cached for the next time', async () => {
    const res = await get(`${base}/thumb/${photo.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/webp');
    const meta = await sharp(res.body).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 171 });
    expect(await thumbs.sizeOnDisk()).toBe(res.body.length);
    // Cached: the picture stays even after the file is gone (it is of the judged bytes).
    await unlink(photo.path);
    expect((await get(`${base}/thumb/${photo.id}`)).status).toBe(200);
  });

  it("for a queue row: cut to the row's box (80x56), cached beside the large one", async () => {
    const res = await get(`${base}/thumb-row/${photo.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(await sharp(res.body).metadata()).toMatchObject({ format: 'webp', width: 80, height: 56 });
    const large = await get(`${base}/thumb/${photo.id}`);
    expect(await sharp(large.body).metadata()).toMatchObject({ width: 256, height: 171 });
    expect(await thumbs.sizeOnDisk()).toBe(res.body.length + large.body.length);
    await unlink(photo.path);
    expect((await get(`${base}/thumb-row/${photo.id}`)).body).toEqual(res.body);
    // A video's row picture comes from its poster frame, and a new poster replaces it.
    expect((await get(`${base}/thumb-row/${clip.id}`)).status).toBe(404);
    const job = await ledger.get(clip.id);
    const poster = async (background: string) =>
      `data:image/jpeg;base64,${(
        await sharp({ create: { width: 640, height: 360, channels: 3, background } })
          .jpeg()
          .toBuffer()
      ).toString('base64')}`;
    await thumbs.savePoster(job!.sha256!, await poster('#0000ff'));
    const blue = await get(`${base}/thumb-row/${clip.id}`);
    expect(await sharp(blue.body).metadata()).toMatchObject({ width: 80, height: 56 });
    await thumbs.savePoster(job!.sha256!, await poster('#ff0000'));
    const red = await get(`${base}/thumb-row/${clip.id}`);
    const { data } = await sharp(red.body).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);
    expect(data[2]).toBeLessThan(60);
  });

  it('of a video: 404 until the UI hands over a poster frame, then that frame, re-encoded', async () => {
    expect((await get(`${base}/thumb/${clip.id}`)).status).toBe(404);
    const jpeg = await sharp({ create: { width: 1280, height: 720, channels: 3, background: '#33c' } })
      .jpeg()
      .toBuffer();
    const job = await ledger.get(clip.id);
    await thumbs.savePoster(job!.sha256!, `data:image/jpeg;base64,${jpeg.toString('base64')}`);
    const res = await get(`${base}/thumb/${clip.id}`);
    expect(res.status).toBe(200);
    expect(await sharp(res.body).metadata()).toMatchObject({ format: 'webp', width: 256, height: 144 });
  });

  it('fail closed like the originals: unknown id, changed file, traversal', async () => {
    expect((await get(`${base}/thumb/${photo.id + 1000}`)).status).toBe(404);
    expect((await get(`${base}/thumb/../original/${photo.id}`)).status).toBe(404);
    expect((await get(`${base}/thumb-row/${photo.id + 1000}`)).status).toBe(404);
    expect((await get(`${base}/thumb-row/../thumb/${photo.id}`)).status).toBe(404);
    await writeFile(photo.path, Buffer.from('not the photo any more'));
    const changed = await get(`${base}/thumb-row/${photo.id}`);
    expect(changed.status).toBe(409);
    expect((await get(`${base}/thumb/${photo.id}`)).status).toBe(409);
    expect(await thumbs.sizeOnDisk()).toBe(0);
  });
});
