/** Fault injection: 5xx bursts and rates, Retry-After, resets mid-upload, latency, expiry, processing time. */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/main/sim';
import { call, clientHeaders, createMedia, fileBytes, keyHeaders, put, waitForVerdict } from './helpers';

let sims: Simulator[] = [];
async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ processingMs: 30, ...options });
  sims.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

describe('server errors', () => {
  it('a burst answers the next N API requests with 500, spends no quota, then recovers', async () => {
    const sim = await start({ quota: { query: 10 } });
    sim.faults.serverErrorBurst = 2;
    const h = clientHeaders(sim);
    for (let i = 0; i < 2; i++) {
      const r = await call(sim, 'GET', '/media', h);
      expect(r.status).toBe(500);
      expect(r.body).toMatchObject({ code: 'SERVER_ERROR', type: 'SERVER_ERROR' });
      expect(r.headers.get('retry-after')).toBeNull();
    }
    expect(sim.faults.serverErrorBurst).toBe(0);
    expect((await call(sim, 'GET', '/media', h)).status).toBe(200);
    expect(sim.usage().query).toBe(1);
    expect(sim.requests.map((e) => [e.status, e.code])).toEqual([
      [500, 'SERVER_ERROR'],
      [500, 'SERVER_ERROR'],
      [200, null],
    ]);
  });

  it('with retryAfterSec answers 503 and Retry-After, in the family of the caller', async () => {
    const sim = await start();
    sim.faults.serverErrorBurst = 2;
    sim.faults.retryAfterSec = 7;
    const a = await call(sim, 'POST', '/media', clientHeaders(sim), { name: 'a' });
    expect([a.status, a.headers.get('retry-after'), a.body.code, a.body.type]).toEqual([
      503,
      '7',
      'SERVICE_UNAVAILABLE',
      'SERVER_ERROR',
    ]);
    const b = await call(sim, 'GET', '/media', keyHeaders(sim.apiKey));
    expect([b.status, b.headers.get('retry-after'), b.body.code, b.body.statusCode]).toEqual([
      503,
      '7',
      'SERVICE_UNAVAILABLE',
      503,
    ]);
  });

  it('a rate of 1 fails every API request, a rate between fails some (seeded), 0 none', async () => {
    const sim = await start({ seed: 42 });
    const h = clientHeaders(sim);
    sim.faults.serverErrorRate = 1;
    for (let i = 0; i < 3; i++) expect((await call(sim, 'GET', '/media', h)).status).toBe(500);
    sim.faults.serverErrorRate = 0.5;
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++) statuses.add((await call(sim, 'GET', '/media', h)).status);
    expect(statuses).toEqual(new Set([200, 500]));
    sim.faults.serverErrorRate = 0;
    for (let i = 0; i < 3; i++) expect((await call(sim, 'GET', '/media', h)).status).toBe(200);
  });

  it('does not touch uploads', async () => {
    const sim = await start();
    const created = await createMedia(sim, { size: 10 });
    sim.faults.serverErrorRate = 1;
    expect((await put(created.uploadUrl as string, Buffer.alloc(10), 'image/jpeg')).status).toBe(200);
  });
});

describe('resets mid-upload', () => {
  it('resetNextPuts destroys the socket of the next PUT; the record stays INITED and a retry works', async () => {
    const sim = await start();
    const bytes = fileBytes('fake', 256 * 1024);
    const created = await createMedia(sim, { size: bytes.length });
    sim.faults.resetNextPuts = 1;
    await expect(put(created.uploadUrl as string, bytes, 'image/jpeg')).rejects.toThrow();
    expect(sim.faults.resetNextPuts).toBe(0);
    const entry = sim.requests.find((e) => e.method === 'PUT')!;
    expect(entry).toMatchObject({ status: 0, code: 'RESET', mid: created.mid });
    expect(entry.bytes).toBeGreaterThan(0);
    expect(entry.bytes).toBeLessThan(bytes.length);
    expect((await call(sim, 'GET', `/media/${created.mid as string}`, clientHeaders(sim))).body.status).toBe(
      'INITED',
    );

    expect((await put(created.uploadUrl as string, bytes, 'image/jpeg')).status).toBe(200);
    expect(await waitForVerdict(sim, created.mid as string)).toMatchObject({ fake: true });
    expect(sim.counts().puts[created.mid as string]).toBe(2);
  });

  it('resetPutRate of 1 resets every PUT', async () => {
    const sim = await start();
    const created = await createMedia(sim, { size: 1000 });
    sim.faults.resetPutRate = 1;
    await expect(put(created.uploadUrl as string, Buffer.alloc(1000), 'image/jpeg')).rejects.toThrow();
    await expect(put(created.uploadUrl as string, Buffer.alloc(1000), 'image/jpeg')).rejects.toThrow();
    sim.faults.resetPutRate = 0;
    expect((await put(created.uploadUrl as string, Buffer.alloc(1000), 'image/jpeg')).status).toBe(200);
  });
});

describe('latency, expiry and processing time', () => {
  it('latencyMs delays every API request by at least that much', async () => {
    const sim = await start();
    sim.faults.latencyMs = 300;
    const t0 = Date.now();
    expect((await call(sim, 'GET', '/media', clientHeaders(sim))).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('urlExpirySec applies to records created from then on', async () => {
    const sim = await start();
    const before = await createMedia(sim, { size: 10 });
    sim.faults.urlExpirySec = 5;
    const after = await createMedia(sim, { size: 10 });
    expect([before.expiresIn, after.expiresIn]).toEqual([900, 5]);
  });

  it('processingMs holds a record in UPLOADED; close() clears the pending timer', async () => {
    const sim = await start();
    sim.faults.processingMs = 3_600_000;
    const created = await createMedia(sim, { size: 2048 });
    await put(created.uploadUrl as string, fileBytes('real'), 'image/jpeg');
    expect((await call(sim, 'GET', `/media/${created.mid as string}`, clientHeaders(sim))).body.status).toBe(
      'UPLOADED',
    );
  });

  it('processingMsByKind sets the time per kind', async () => {
    const sim = await start({ processingMs: 3_600_000, processingMsByKind: { image: 0 } });
    const img = await createMedia(sim, { size: 2048 });
    await put(img.uploadUrl as string, fileBytes('real'), 'image/jpeg');
    expect((await waitForVerdict(sim, img.mid as string)).status).toBe('PROCESSED');
    const vid = await createMedia(sim, { size: 2048, contentType: 'video/mp4', modelType: 'DF-1' });
    await put(vid.uploadUrl as string, fileBytes('real'), 'video/mp4');
    expect((await call(sim, 'GET', `/media/${vid.mid as string}`, clientHeaders(sim))).body.status).toBe(
      'UPLOADED',
    );
  });

  it('close() ends requests held by latency and frees the port', async () => {
    const sim = await start();
    sim.faults.latencyMs = 60_000;
    const pending = fetch(`${sim.url}/media`, { headers: clientHeaders(sim) });
    const settled = pending.then(
      () => 'answered',
      () => 'failed',
    );
    while (sim.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    await sim.close();
    expect(await settled).toBe('failed');
    await expect(fetch(`${sim.url}/media`)).rejects.toThrow();
  });
});
