/**
 * "Test connection" against the real simulator: which API generation answers for each kind of
 * secret and address, with at most two Query calls and a message that says what to do; then the
 * same file through the service of each generation, driven the same way, gets the same verdict.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCall } from '../../../src/main/core/api/authenta-client';
import { createServiceForGeneration, detectGeneration } from '../../../src/main/core/api/detect-generation';
import type { Credentials, DetectionService, RemoteRecord } from '../../../src/main/core/ports';
import { startSimulator, type Simulator } from '../../../src/main/sim/index';
import { defaultModel, modelFor } from '../../../src/shared/models';
import { mediaFile, pollUntil, tempDir } from './helpers';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ processingMs: 30 });
  dir = tempDir('detect');
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const clientCreds = (): Credentials => ({ kind: 'client', ...sim.credentials });
const keyCreds = (apiKey = sim.apiKey): Credentials => ({ kind: 'apikey', apiKey });

/**
 * A server in front of the simulator that answers 404 (as an unknown route) for the paths
 * `hide` matches and forwards everything else: a deployment that speaks only one API.
 */
async function startHidingProxy(hide: RegExp): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(sim.origin);
  const server = http.createServer((req, res) => {
    if (hide.test(req.url ?? '')) {
      req.resume();
      req.on('end', () => {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'NOT_FOUND', statusCode: 404, message: 'No such route' }));
      });
      return;
    }
    const forward = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
        agent: false,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function detect(options: Parameters<typeof detectGeneration>[0]) {
  const calls: ApiCall[] = [];
  const result = await detectGeneration({ ...options, onCall: (c) => calls.push(c) });
  return { result, calls };
}

describe('detectGeneration', () => {
  it('client credentials that work: the media API with client credentials, one call', async () => {
    const { result, calls } = await detect({ baseUrl: sim.url, credentials: clientCreds() });
    expect(result).toMatchObject({ ok: true, generation: 'media-client', code: null });
    expect(result.message).toMatch(/^Connected: the media API \(client ID and secret\)/);
    expect(calls.map((c) => `${c.method} ${c.route} ${c.status}`)).toEqual(['GET /media 200']);
  });

  it('an API key: the Jobs API v1 first, one call', async () => {
    const before = sim.counts();
    const { result, calls } = await detect({ baseUrl: sim.url, credentials: keyCreds() });
    expect(result).toMatchObject({ ok: true, generation: 'jobs-v1', code: null });
    expect(calls.map((c) => `${c.kind} ${c.route} ${c.status}`)).toEqual(['query /v1/jobs 200']);
    // Only a Query call, nothing created.
    expect(sim.counts().query - before.query).toBe(1);
    expect(sim.counts().mutation).toBe(before.mutation);
  });

  it('an API key on a profile set to the media API: confirmed with one call to /media', async () => {
    const { result, calls } = await detect({
      baseUrl: sim.url,
      credentials: keyCreds(),
      preferred: 'media-apikey',
    });
    expect(result).toMatchObject({ ok: true, generation: 'media-apikey' });
    expect(calls.map((c) => c.route)).toEqual(['/media']);
  });

  it('an API key where only the media API exists: media-apikey after two calls', async () => {
    const proxy = await startHidingProxy(/^\/api\/v1\//);
    try {
      const { result, calls } = await detect({ baseUrl: proxy.url, credentials: keyCreds() });
      expect(result).toMatchObject({ ok: true, generation: 'media-apikey' });
      expect(result.probes.map((p) => [p.generation, p.status])).toEqual([
        ['jobs-v1', 404],
        ['media-apikey', 200],
      ]);
      expect(calls).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });

  it('a media-apikey profile whose server now speaks only the Jobs API: jobs-v1 after two calls', async () => {
    const proxy = await startHidingProxy(/^\/api\/media/);
    try {
      const { result, calls } = await detect({
        baseUrl: proxy.url,
        credentials: keyCreds(),
        preferred: 'media-apikey',
      });
      expect(result).toMatchObject({ ok: true, generation: 'jobs-v1' });
      expect(calls.map((c) => `${c.route} ${c.status}`)).toEqual(['/media 404', '/v1/jobs 200']);
    } finally {
      await proxy.close();
    }
  });

  it('a wrong API key: refused by both, no generation, and says to check the key', async () => {
    const { result, calls } = await detect({
      baseUrl: sim.url,
      credentials: keyCreds('api_apikey_wrong_0000000000'),
    });
    expect(result).toMatchObject({ ok: false, generation: null, code: 'INVALID_API_KEY' });
    expect(result.message).toMatch(/did not accept the API key/);
    expect(result.message).toMatch(/Check the client ID and secret \(or the API key\)/);
    expect(calls).toHaveLength(2);
  });

  it('a key without the read permission: refused by both as a permission problem', async () => {
    const writeOnly = sim.addApiKey({ permissions: ['write'] });
    const { result } = await detect({ baseUrl: sim.url, credentials: keyCreds(writeOnly) });
    expect(result).toMatchObject({ ok: false, generation: null, code: 'FORBIDDEN' });
    expect(result.message).toMatch(/permission/);
  });

  it('a wrong client secret: the media API with client credentials, not ok, IAM001', async () => {
    const { result, calls } = await detect({
      baseUrl: sim.url,
      credentials: { kind: 'client', clientId: sim.credentials.clientId, clientSecret: 'not-the-secret' },
    });
    expect(result).toMatchObject({ ok: false, generation: 'media-client', code: 'IAM001' });
    expect(calls).toHaveLength(1);
  });

  it('an address where neither API lives: says so and how the address should look', async () => {
    const { result, calls } = await detect({ baseUrl: `${sim.origin}/elsewhere`, credentials: keyCreds() });
    expect(result).toMatchObject({ ok: false, generation: null });
    expect(result.message).toBe(
      `Neither the Jobs API v1 (/v1/jobs) nor the media API (API key) (/media) answered at ${sim.origin}/elsewhere/api. Check the API address of this profile: it usually ends in /api, like https://platform.authenta.ai/api.`,
    );
    expect(calls).toHaveLength(2);
  });

  it('a server that cannot be reached: one call only, and what to check', async () => {
    const closed = await startSimulator();
    const url = closed.url;
    await closed.close();
    const { result, calls } = await detect({ baseUrl: url, credentials: keyCreds() });
    expect(result).toMatchObject({ ok: false, generation: null, code: 'NETWORK' });
    expect(result.message).toMatch(/^Could not reach Authenta at http:\/\/127\.0\.0\.1:\d+\/api: /);
    expect(calls).toHaveLength(1);
  });

  it('an address that is not one: no call at all', async () => {
    const { result, calls } = await detect({
      baseUrl: 'ftp://platform.authenta.ai',
      credentials: keyCreds(),
    });
    expect(result).toMatchObject({ ok: false, generation: null, code: 'BAD_BASE_URL', probes: [] });
    expect(result.message).toMatch(/must start with https:\/\//);
    expect(calls).toHaveLength(0);
  });

  it('a pasted jobs route is read as the /api address', async () => {
    const { result } = await detect({ baseUrl: `${sim.url}/v1/jobs`, credentials: keyCreds() });
    expect(result).toMatchObject({ ok: true, generation: 'jobs-v1' });
    expect(result.message).toContain(`answered at ${sim.url}.`);
  });
});

describe('the same app on every generation', () => {
  /** What the engine does, with no branch on the generation. */
  async function drive(
    service: DetectionService,
    name: string,
    contentType: string,
    kind: 'image' | 'video',
    model: string,
  ): Promise<RemoteRecord> {
    const size = 64 * 1024;
    const file = mediaFile(dir, name, kind === 'image' ? 'fake' : 'faces=2,fakes=0', size);
    const created = await service.create({ name, contentType, size, model, kind });
    await service.upload(created, { path: file, contentType, size });
    if (service.finalize) await service.finalize(created.remoteId);
    return pollUntil(async () => {
      const r = await service.get(created.remoteId);
      return r.phase === 'processed' || r.phase === 'failed' ? r : undefined;
    });
  }

  it.each([
    ['client', undefined],
    ['apikey', 'media-apikey'],
    ['apikey', undefined],
  ] as const)(
    '%s credentials (preferring %s): detect, build the service, same verdicts',
    async (kind, preferred) => {
      const credentials = kind === 'client' ? clientCreds() : keyCreds();
      const { result } = await detect({ baseUrl: sim.url, credentials, preferred });
      expect(result.ok).toBe(true);
      const generation = result.generation!;
      const service = createServiceForGeneration(generation, { baseUrl: sim.url, credentials });
      expect(service.generation).toBe(generation);

      // The folder's saved models (media codes) are spelled for whichever API the profile speaks.
      const imageModel = modelFor(generation, 'AC-1')!;
      const videoModel = modelFor(generation, 'DF-1')!;
      expect(defaultModel(generation, 'image')).toBe(imageModel);
      const photo = await drive(service, `p-${generation}.jpg`, 'image/jpeg', 'image', imageModel);
      const clip = await drive(service, `c-${generation}.mp4`, 'video/mp4', 'video', videoModel);
      expect(photo).toMatchObject({ phase: 'processed', verdict: { label: 'fake' } });
      expect(photo.verdict?.confidence).toBeGreaterThanOrEqual(0.85);
      expect(clip).toMatchObject({
        phase: 'processed',
        verdict: { label: 'authentic', faces: 2, deepFakes: 0 },
      });
      const page = await service.list({ limit: 10, offset: 0 });
      expect(page.records.map((r) => r.remoteId)).toEqual(
        expect.arrayContaining([photo.remoteId, clip.remoteId]),
      );
      await service.remove(photo.remoteId);
      await expect(service.get(photo.remoteId)).rejects.toMatchObject({ kind: 'not-found' });
    },
  );
});
