/**
 * The desktop's `authenta-media://local/...` scheme (issue 12) with the fake electron module and
 * the real media routes on a real SQLite ledger and real files: declared privileged before ready
 * (Electron refuses it after), handled after ready, the same job-id routes as the web host with
 * Range for seeking, and fail-closed for everything else.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteLedger } from '../../../src/main/core/ledger/sqlite-ledger';
import { MediaFiles } from '../../../src/main/core/media/media-files';
import { ThumbnailService } from '../../../src/main/core/media/thumbnails';
import type { Logger } from '../../../src/main/core/ports';
import {
  MEDIA_BASE,
  MEDIA_SCHEME,
  handleMediaProtocol,
  registerMediaScheme,
} from '../../../src/main/desktop/media-protocol';
import { fake, resetFakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let dir: string;
let ledger: SqliteLedger;
let thumbs: ThumbnailService;
let media: MediaFiles;

beforeEach(() => {
  resetFakeElectron();
  dir = mkdtempSync(join(tmpdir(), 'aw-media-protocol-'));
  ledger = SqliteLedger.open({ file: join(dir, 'ledger.sqlite'), now: () => Date.now() });
  thumbs = new ThumbnailService({ dir: join(dir, 'thumbs'), maxBytes: () => 16 * 1024 ** 2, logger: quiet });
  media = new MediaFiles({ job: (id) => ledger.get(id), thumbs, logger: quiet });
});
afterEach(async () => {
  thumbs.dispose();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

async function addClip(bytes: Buffer): Promise<{ id: number; path: string }> {
  const path = join(dir, 'clip.mp4');
  await writeFile(path, bytes);
  const info = await stat(path);
  const row = await ledger.insert({
    path,
    name: 'clip.mp4',
    folderId: null,
    size: info.size,
    mtimeMs: info.mtimeMs,
    profileId: 'sandbox',
    simulated: true,
    state: 'queued',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    contentType: 'video/mp4',
    kind: 'video',
  });
  return { id: row.id, path };
}

describe('the media scheme', () => {
  it('is declared privileged before ready (standard, secure, stream, fetch), and Electron refuses it after', async () => {
    registerMediaScheme(fake.protocol);
    expect(fake.protocol.privileged).toEqual([
      {
        scheme: MEDIA_SCHEME,
        privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
      },
    ]);
    resetFakeElectron();
    await fake.app.whenReady();
    expect(() => registerMediaScheme(fake.protocol)).toThrow(/before app is ready/);
  });

  it('cannot be handled before ready; after ready it serves the job’s file with Range, and dispose removes it', async () => {
    const bytes = Buffer.from(Array.from({ length: 5_000 }, (_, i) => i % 251));
    const clip = await addClip(bytes);
    expect(() => handleMediaProtocol(fake.protocol, media)).toThrow(/ready/);
    await fake.app.whenReady();
    const handle = handleMediaProtocol(fake.protocol, media);
    expect(MEDIA_BASE).toBe('authenta-media://local');

    const whole = await fake.protocol.request(`${MEDIA_BASE}/original/${clip.id}`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await fake.protocol.request(`${MEDIA_BASE}/original/${clip.id}`, {
      headers: { range: 'bytes=1000-1099' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1099/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 1100))).toBe(true);

    handle.dispose();
    expect(fake.protocol.isProtocolHandled(MEDIA_SCHEME)).toBe(false);
  });

  it('fails closed: other hosts, unknown ids, traversal, encoded slashes, a vanished or changed file', async () => {
    const clip = await addClip(Buffer.alloc(2_000, 7));
    await fake.app.whenReady();
    handleMediaProtocol(fake.protocol, media);
    const status = async (url: string) => (await fake.protocol.request(url)).status;
    expect(await status(`authenta-media://elsewhere/original/${clip.id}`)).toBe(404);
    expect(await status(`${MEDIA_BASE}/original/${clip.id + 1}`)).toBe(404);
    expect(await status(`${MEDIA_BASE}/original/abc`)).toBe(404);
    expect(await status(`${MEDIA_BASE}/original/${clip.id}%2F..%2F..%2Fetc%2Fpasswd`)).toBe(404);
    expect(await status(`${MEDIA_BASE}/original/%2Fetc%2Fpasswd`)).toBe(404);
    expect(await status(`${MEDIA_BASE}//etc/passwd`)).toBe(404);
    expect(await status(`${MEDIA_BASE}/original/${clip.id}/..`)).toBe(404);
    expect(
      (await fake.protocol.request(`${MEDIA_BASE}/original/${clip.id}`, { method: 'POST', body: 'x' }))
        .status,
    ).toBe(405);

    await writeFile(clip.path, Buffer.alloc(2_000, 8));
    const later = new Date(Date.now() + 60_000);
    const { utimes } = await import('node:fs/promises');
    await utimes(clip.path, later, later);
    const changed = await fake.protocol.request(`${MEDIA_BASE}/original/${clip.id}`);
    expect(changed.status).toBe(409);
    expect(await changed.text()).toMatch(/changed since it was checked/);
    await unlink(clip.path);
    const gone = await fake.protocol.request(`${MEDIA_BASE}/original/${clip.id}`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toMatch(/moved or deleted/);
  });

  it('answers 404 for everything when the engine has no media', async () => {
    await fake.app.whenReady();
    handleMediaProtocol(fake.protocol, null);
    expect((await fake.protocol.request(`${MEDIA_BASE}/original/1`)).status).toBe(404);
  });
});
