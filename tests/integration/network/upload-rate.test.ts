/**
 * The bandwidth cap on real uploads over loopback: two uploads at once share one cap (they take at
 * least as long as the cap allows: only a lower bound, so a loaded machine cannot fail it), and a
 * cap lifted to 0 while they run lets them finish at once. The accuracy (within 10 % over 10 s)
 * is measured by bench/upload-rate.ts.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthentaClient } from '../../../src/main/core/api/authenta-client';
import { UploadRateLimiter } from '../../../src/main/core/api/upload-rate';
import { systemClock } from '../../../src/main/core/ports';
import { startRawServer, type RawServer } from '../../unit/core/api/raw-server';

let storage: RawServer;
let dir: string;

beforeAll(async () => {
  storage = await startRawServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upload-rate-'));
});

afterAll(async () => {
  await storage.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function file(bytes: number): { path: string; contentType: string; size: number } {
  const p = path.join(dir, `f-${crypto.randomUUID()}.mp4`);
  fs.writeFileSync(p, crypto.randomBytes(bytes));
  return { path: p, contentType: 'video/mp4', size: bytes };
}

function client(limiter: UploadRateLimiter): AuthentaClient {
  return new AuthentaClient({
    baseUrl: storage.url,
    credentials: { kind: 'client', clientId: 'cid', clientSecret: 'cs' },
    network: { uploadRate: limiter },
  });
}

describe('the upload bandwidth cap', () => {
  it('two uploads at once take at least as long as the shared cap allows', async () => {
    const rate = 1_000_000;
    const limiter = new UploadRateLimiter(systemClock, rate);
    const c = client(limiter);
    const size = 1_200_000;
    const started = Date.now();
    const receipts = await Promise.all([
      c.upload(`${storage.origin}/b/one`, file(size)),
      c.upload(`${storage.origin}/b/two`, file(size)),
    ]);
    const elapsed = Date.now() - started;
    expect(receipts.map((r) => r.bytes)).toEqual([size, size]);
    // 2.4 MB at 1 MB/s: the first 256 KiB chunk goes at once, the rest takes ~2.1 s.
    const floor = ((2 * size - 262_144) / rate) * 1000;
    expect(elapsed).toBeGreaterThanOrEqual(floor * 0.95);
    limiter.dispose();
  });

  it('a cap changed to 0 while uploads wait lifts it at once: they finish', async () => {
    // At 1 kB/s these two would take 40 minutes.
    const limiter = new UploadRateLimiter(systemClock, 1000);
    const c = client(limiter);
    let progressed = 0;
    let finished = 0;
    const both = Promise.all(
      ['a', 'b'].map((n) =>
        c
          .upload(`${storage.origin}/b/${n}`, file(1_200_000), { onProgress: () => void progressed++ })
          .finally(() => finished++),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(finished).toBe(0); // held by the cap
    limiter.setRate(0);
    const receipts = await both;
    expect(receipts.map((r) => r.bytes)).toEqual([1_200_000, 1_200_000]);
    expect(progressed).toBeGreaterThan(0);
  }, 30_000);
});
