/**
 * The upload and retry paths under the simulator's faults: an expired URL, a content type or size
 * that differs from the signed one, a reset mid-upload, and bursts of 5xx that withRetry rides out.
 */
import * as fs from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { AuthentaClient, type ApiCall } from '../../../src/main/core/api/authenta-client';
import { AuthentaError } from '../../../src/main/core/api/errors';
import { withRetry, type RetryPolicy } from '../../../src/main/core/api/retry-policy';
import { startSimulator, type Simulator } from '../../../src/main/sim/index';
import { mediaFile, tempDir, untilFinished } from './helpers';

let sim: Simulator;
let dir: string;
let calls: ApiCall[];
let client: AuthentaClient;

const fast: RetryPolicy = { maxAttempts: 5, baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5_000 };

beforeAll(() => {
  dir = tempDir('faults');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  sim = await startSimulator({ processingMs: 30 });
  calls = [];
  client = new AuthentaClient({
    baseUrl: sim.url,
    credentials: { kind: 'client', ...sim.credentials },
    onCall: (c) => calls.push(c),
  });
});
afterEach(() => sim.close());

async function failure(p: Promise<unknown>): Promise<AuthentaError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AuthentaError);
    return e as AuthentaError;
  }
  throw new Error('expected the call to fail');
}

async function created(name: string, marker: string, size = 256 * 1024) {
  const file = mediaFile(dir, name, marker, size);
  const { data } = await client.createMedia({ name, contentType: 'video/mp4', size, modelType: 'DF-1' });
  return { file, size, mid: data.mid, uploadUrl: data.uploadUrl };
}

const puts = () => sim.requests.filter((r) => r.method === 'PUT');

it('an expired upload URL is expired-url; a new record and URL then succeed', async () => {
  sim.faults.urlExpirySec = 0;
  const a = await created('late.mp4', 'real');
  const e = await failure(
    client.upload(a.uploadUrl, { path: a.file, contentType: 'video/mp4', size: a.size }, { mid: a.mid }),
  );
  expect(e).toMatchObject({ code: 'AccessDenied', kind: 'expired-url', status: 403, mid: a.mid });
  expect(e.message).toMatch(/expired/);

  sim.faults.urlExpirySec = null;
  const b = await created('late.mp4', 'real');
  await client.upload(b.uploadUrl, { path: b.file, contentType: 'video/mp4', size: b.size }, { mid: b.mid });
  expect((await untilFinished(client, b.mid)).status).toBe('PROCESSED');
});

it('a content type that differs from the declared one is invalid (SignatureDoesNotMatch)', async () => {
  const a = await created('typed.mp4', 'real');
  const e = await failure(
    client.upload(a.uploadUrl, { path: a.file, contentType: 'video/quicktime', size: a.size }),
  );
  expect(e).toMatchObject({ code: 'SignatureDoesNotMatch', kind: 'invalid', status: 403 });
  expect(e.message).toMatch(/content type/i);
  expect(puts().at(-1)).toMatchObject({ code: 'SignatureDoesNotMatch' });
});

it('a file that changed size after the record was created is refused locally, before any byte is sent', async () => {
  const a = await created('growing.mp4', 'real');
  fs.appendFileSync(a.file, Buffer.alloc(1000));
  const e = await failure(
    client.upload(a.uploadUrl, { path: a.file, contentType: 'video/mp4', size: a.size }, { mid: a.mid }),
  );
  expect(e).toMatchObject({ code: 'SIZE_CHANGED', kind: 'local', mid: a.mid });
  expect(puts()).toHaveLength(0);
});

it('a size that differs from the declared one is refused by storage', async () => {
  const a = await created('other.mp4', 'real');
  const bigger = mediaFile(dir, 'bigger.mp4', 'real', a.size + 10);
  const e = await failure(
    client.upload(a.uploadUrl, { path: bigger, contentType: 'video/mp4', size: a.size + 10 }),
  );
  expect(e).toMatchObject({ code: 'SignatureDoesNotMatch', kind: 'invalid' });
  expect(e.message).toMatch(/Content-Length/);
});

it('a reset mid-upload is transient, and the same URL works on the next try', async () => {
  const a = await created('reset.mp4', 'faces=2,fakes=1', 4 * 1024 * 1024);
  sim.faults.resetNextPuts = 1;
  const seen: unknown[] = [];
  await withRetry(
    () =>
      client.upload(a.uploadUrl, { path: a.file, contentType: 'video/mp4', size: a.size }, { mid: a.mid }),
    {
      policy: fast,
      onRetry: (i) => seen.push(i.error),
    },
  );
  expect(seen).toEqual([expect.objectContaining({ kind: 'transient', status: null, mid: a.mid })]);
  expect(puts().map((r) => r.status)).toEqual([0, 200]);
  expect(calls.filter((c) => c.kind === 'upload').map((c) => c.code)).toEqual([
    (seen[0] as AuthentaError).code,
    null,
  ]);
  const done = await untilFinished(client, a.mid);
  expect(done).toMatchObject({ status: 'PROCESSED', faces: 2, deepFakes: 1 });
});

it('a burst of 500s is ridden out by withRetry', async () => {
  sim.faults.serverErrorBurst = 3;
  const page = await withRetry(() => client.listMedia({ limit: 5, offset: 0 }), { policy: fast });
  expect(page.status).toBe(200);
  expect(calls.map((c) => c.status)).toEqual([500, 500, 500, 200]);
  expect(calls.every((c) => c.kind === 'query')).toBe(true);
});

it('a burst longer than the attempts gives up with the transient error', async () => {
  sim.faults.serverErrorBurst = 10;
  const e = await failure(withRetry(() => client.getMedia('m'), { policy: { ...fast, maxAttempts: 3 } }));
  expect(e).toMatchObject({ kind: 'transient', status: 500 });
  expect(calls).toHaveLength(3);
});

it('a 503 with Retry-After is waited out, never sooner', async () => {
  sim.faults.serverErrorBurst = 1;
  sim.faults.retryAfterSec = 1;
  const delays: number[] = [];
  const answer = await withRetry(
    () => client.createMedia({ name: 'r.jpg', contentType: 'image/jpeg', size: 10, modelType: 'AC-1' }),
    { policy: fast, random: () => 0, onRetry: (i) => delays.push(i.delayMs) },
  );
  expect(answer.status).toBe(201);
  expect(delays).toEqual([1000]);
  const posts = sim.requests.filter((r) => r.method === 'POST');
  expect(posts.map((r) => r.status)).toEqual([503, 201]);
  expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(990);
});
