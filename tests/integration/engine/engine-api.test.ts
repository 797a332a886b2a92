/**
 * The rest of the contract as a UI uses it: profiles and secrets, the Sandbox, connection tests
 * and API detection, job details, links, reports, events, folders and host capabilities. What
 * depends on the profile's API runs once per API generation.
 */
import { mkdtempSync, realpathSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeMp4, makePng } from '../../helpers/media-fixtures';
import {
  apiDialect,
  ENGINE_ADAPTERS,
  GENERATIONS,
  SIM_PROFILE_ID,
  startHarness,
  type Harness,
} from '../../helpers/engine-harness';
import { Engine } from '../../../src/main/core/engine';
import { createLogger, MemoryLogSink } from '../../../src/main/core/logger';
import { InMemorySecretStore } from '../../../src/main/core/secrets/in-memory-secret-store';
import { InMemorySettingsStore } from '../../../src/main/core/settings/in-memory-settings-store';
import { startSimulator } from '../../../src/main/sim';
import type { EngineStatus, JobChange, UploadProgress } from '../../../src/shared/domain';

/**
 * An Authenta server that speaks only the Jobs API: `/api/v1/...` goes to the simulator, every
 * other API route answers 404 like a server without the media API.
 */
async function jobsOnlyProxy(simPort: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/api/v1/')) {
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'NOT_FOUND', statusCode: 404, message: `No such route: ${req.url}` }));
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: simPort, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return server;
}

/** A link that still carries a signature or token (a capability anyone holding it could use). */
const SIGNED_LINK = /[?&][\w.-]*(signature|sig|token|credential)=(?!\[redacted\])[^&"\s]+/i;

let h: Harness | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await h?.close();
  h = null;
  for (const c of cleanups.splice(0)) await c();
});

describe('the Sandbox', () => {
  it('is active on a machine with no credentials; its verdicts are labelled simulated', async () => {
    h = await startHarness({ sandbox: true });
    const { profiles, activeId } = await h.engine.listProfiles();
    expect(activeId).toBe('sandbox');
    expect(profiles.find((p) => p.id === 'sandbox')).toMatchObject({ simulated: true, hasSecret: true });
    await h.watch('inbox');
    await h.write('inbox/a.png', makePng({ marker: 'AUTHENTA-SIM:fake' }));
    const job = await h.waitForJob('a.png');
    expect(job).toMatchObject({
      state: 'done',
      simulated: true,
      profileId: 'sandbox',
      verdict: { label: 'fake' },
    });
    expect((await h.engine.getStatus()).profile).toMatchObject({ id: 'sandbox', simulated: true });
    // It ran against the engine's own simulator, not the harness's.
    expect(h.sim.requests).toHaveLength(0);
    expect((await h.engine.testConnection('sandbox')).ok).toBe(true);
    await expect(h.engine.setSecret('sandbox', { apiKey: 'x' })).rejects.toThrow(/needs no secret/);
    await expect(h.engine.removeProfile('sandbox')).rejects.toThrow(/built in/);
  });

  it('a real verdict is never taken from a simulated one', async () => {
    h = await startHarness({ sandbox: true });
    await h.watch('inbox');
    const bytes = makePng({ marker: 'AUTHENTA-SIM:real' });
    await h.write('inbox/a.png', bytes);
    await h.waitForJob('a.png', ['done']);
    const real = await h.engine.saveProfile({
      name: 'Sim as real',
      baseUrl: h.sim.url,
      generation: 'media-client',
    });
    await h.engine.setSecret(real.id, { ...h.sim.credentials });
    await h.engine.selectProfile(real.id);
    await h.write('inbox/b.png', bytes);
    expect(await h.waitForJob('b.png')).toMatchObject({ state: 'done', simulated: false, duplicateOf: null });
    expect(h.sim.counts().posts).toBe(1);
  });
});

describe('profiles and secrets', () => {
  it('detects the Jobs API for an API key on a server without the media API, and files then go through it', async () => {
    h = await startHarness();
    // A server where only the Jobs API lives: the media routes answer 404.
    const proxy = await jobsOnlyProxy(h.sim.port);
    cleanups.push(() => new Promise((r) => proxy.close(() => r())));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api`;
    const p = await h.engine.saveProfile({ name: 'New API', baseUrl: url, generation: 'media-apikey' });
    await h.engine.setSecret(p.id, { apiKey: h.sim.apiKey });
    const plain = await h.engine.testConnection(p.id);
    expect(plain).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(plain.message).toMatch(/Detect which API/);
    const from = h.sim.requests.length;
    const detected = await h.engine.testConnection(p.id, { detect: true });
    expect(detected).toMatchObject({ ok: true, generation: 'jobs-v1', code: null });
    expect(detected.message).toMatch(/Jobs API v1/);
    // The media API (the profile's setting) was asked first and is not there; the Jobs API answered.
    expect(h.sim.requests.slice(from).map((r) => `${r.method} ${r.route}`)).toEqual(['GET /v1/jobs']);

    // The user takes the detected generation: files go through the Jobs API.
    await h.engine.saveProfile({ id: p.id, name: p.name, baseUrl: url, generation: 'jobs-v1' });
    await h.engine.selectProfile(p.id);
    await h.engine.addPaths([await h.write('drop/a.png', makePng({ marker: 'AUTHENTA-SIM:fake' }))]);
    expect(await h.waitForJob('a.png')).toMatchObject({
      state: 'done',
      generation: 'jobs-v1',
      model: '1',
      verdict: { label: 'fake' },
    });
  });

  it('saves, selects and removes profiles; refuses a bad address with advice', async () => {
    h = await startHarness();
    await expect(
      h.engine.saveProfile({ name: 'Bad', baseUrl: 'ftp://x', generation: 'media-client' }),
    ).rejects.toThrow(/https/);
    const p = await h.engine.saveProfile({
      name: 'Staging',
      baseUrl: 'staging.example.com',
      generation: 'media-client',
    });
    expect(p.baseUrl).toBe('https://staging.example.com/api');
    await h.engine.selectProfile(p.id);
    expect((await h.engine.listProfiles()).activeId).toBe(p.id);
    expect((await h.engine.getStatus()).blocks[0]).toMatchObject({ code: 'NO_CREDENTIALS' });
    await h.engine.removeProfile(p.id);
    expect((await h.engine.listProfiles()).profiles.map((x) => x.id)).not.toContain(p.id);
    expect((await h.settings.load()).activeProfileId).toBeNull();
  });

  /** A server that records the credential headers it is sent (someone else's server). */
  async function credentialCatcher(): Promise<{ url: string; seen: string[] }> {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${String(req.headers['x-client-secret'])} ${String(req.headers.authorization)}`);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ limit: 1, offset: 0, total: 0, data: [] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => server.close(() => r())));
    // "localhost": another origin than the simulator's 127.0.0.1, still this machine.
    return { url: `http://localhost:${(server.address() as AddressInfo).port}/api`, seen };
  }

  it('a stored secret never goes to a new host: changing the address asks for the secret again', async () => {
    h = await startHarness();
    const catcher = await credentialCatcher();
    const before = (await h.engine.listProfiles()).profiles.find((p) => p.id === SIM_PROFILE_ID)!;
    expect(before.hasSecret).toBe(true);
    // Only the path changes: same origin, the secret stays.
    await h.engine.saveProfile({ ...before, baseUrl: `${h.sim.url}/` });
    expect((await h.engine.listProfiles()).profiles.find((p) => p.id === SIM_PROFILE_ID)?.hasSecret).toBe(
      true,
    );

    const moved = await h.engine.saveProfile({ ...before, baseUrl: catcher.url });
    expect(moved.hasSecret).toBe(false);
    const test = await h.engine.testConnection(SIM_PROFILE_ID, { detect: true });
    expect(test).toMatchObject({ ok: false, code: 'NO_CREDENTIALS' });
    expect(catcher.seen.join('\n')).not.toContain(h.sim.credentials.clientSecret);
    await h.engine.whenIdle();
    expect(catcher.seen.join('\n')).not.toContain(h.sim.credentials.clientSecret);
  });

  it('credentials from the environment stay with the address they were given for', async () => {
    const sim = await startSimulator({ processingMs: 300 });
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'aw-env-')));
    const engine = new Engine({
      ...ENGINE_ADAPTERS,
      dataDir: join(root, 'data'),
      logger: createLogger({ sinks: [new MemoryLogSink()] }),
      settings: new InMemorySettingsStore(),
      secrets: new InMemorySecretStore(),
      envCredentials: { kind: 'client', ...sim.credentials },
      envBaseUrl: sim.url,
    });
    cleanups.push(async () => {
      await engine.dispose();
      await sim.close();
      await rm(root, { recursive: true, force: true });
    });
    await engine.start();
    const catcher = await credentialCatcher();
    const env = (await engine.listProfiles()).profiles.find((p) => p.id === 'default')!;
    const moved = await engine.saveProfile({ ...env, baseUrl: catcher.url });
    expect(moved.hasSecret).toBe(false);
    expect(await engine.testConnection('default')).toMatchObject({ ok: false, code: 'NO_CREDENTIALS' });
    expect(catcher.seen.join('\n')).not.toContain(sim.credentials.clientSecret);
    // Back at the address they were given for, they work again.
    await engine.saveProfile({ ...env, baseUrl: sim.url });
    expect((await engine.testConnection('default')).ok).toBe(true);
  });

  it('accepts plain http only for this machine: anything else must be https', async () => {
    h = await startHarness();
    for (const baseUrl of ['http://authenta.example.com/api', 'http://192.168.1.20:8080/api']) {
      await expect(
        h.engine.saveProfile({ name: 'Plain', baseUrl, generation: 'media-client' }),
      ).rejects.toThrow(/https:\/\/.*127\.0\.0\.1|https:\/\/.*this computer/s);
    }
    for (const baseUrl of [
      'https://authenta.example.com/api',
      'http://127.0.0.1:9/api',
      'http://localhost:9/api',
    ]) {
      await expect(
        h.engine.saveProfile({ name: 'Ok', baseUrl, generation: 'media-client' }),
      ).resolves.toBeTruthy();
    }
  });

  it('credentials from the environment override the keychain, and make a profile when there is none', async () => {
    const sim = await startSimulator({ processingMs: 300 });
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'aw-env-')));
    const settings = new InMemorySettingsStore();
    const secrets = new InMemorySecretStore();
    const engine = new Engine({
      ...ENGINE_ADAPTERS,
      dataDir: join(root, 'data'),
      logger: createLogger({ sinks: [new MemoryLogSink()] }),
      settings,
      secrets,
      envCredentials: { kind: 'client', ...sim.credentials },
      envBaseUrl: sim.url,
      pollTuning: { defaultImageMs: 300 },
    });
    cleanups.push(async () => {
      await engine.dispose();
      await sim.close();
      await rm(root, { recursive: true, force: true });
    });
    await engine.start();
    const { profiles, activeId } = await engine.listProfiles();
    expect(activeId).toBe('default');
    expect(profiles.find((p) => p.id === 'default')).toMatchObject({
      baseUrl: sim.url,
      hasSecret: true,
      simulated: false,
    });
    // A wrong secret in the keychain does not matter: the environment wins.
    await secrets.set('default', { kind: 'client', clientId: 'x', clientSecret: 'wrong-wrong-wrong' });
    expect((await engine.testConnection('default')).ok).toBe(true);
    await mkdir(join(root, 'drop'));
    await writeFile(join(root, 'drop/a.png'), makePng({ marker: 'AUTHENTA-SIM:real' }));
    await engine.addPaths([join(root, 'drop/a.png')]);
    await engine.whenIdle();
    const page = await engine.listJobs({});
    expect(page.jobs[0]).toMatchObject({ state: 'done', profileId: 'default' });
  });
});

describe.each(GENERATIONS)('$label', ({ generation }) => {
  const api = apiDialect(generation);

  describe('connection tests', () => {
    it('tests a connection with one call, names the generation when asked, and says what is wrong', async () => {
      h = await startHarness({ generation });
      const ok = await h.engine.testConnection(SIM_PROFILE_ID, { detect: true });
      expect(ok).toMatchObject({ ok: true, generation, code: null });
      expect(h.queries()).toBe(1);
      expect((await h.engine.getStatus()).callsToday.query).toBe(1);
      const plain = await h.engine.testConnection(SIM_PROFILE_ID);
      expect(plain).toMatchObject({ ok: true, generation: null });
      expect(h.requests({ method: 'GET', route: api.listRoute })).toHaveLength(2);

      const wrong = api.wrongCredentials(h.sim);
      await h.engine.setSecret(SIM_PROFILE_ID, api.secretInput(wrong));
      for (const detect of [false, true]) {
        const bad = await h.engine.testConnection(SIM_PROFILE_ID, { detect });
        expect(bad, `detect: ${detect}`).toMatchObject({ ok: false, code: api.codes.auth });
        expect(bad.message, `detect: ${detect}`).toMatch(/client ID and secret|API key/);
      }

      await h.engine.clearSecret(SIM_PROFILE_ID);
      expect(await h.engine.testConnection(SIM_PROFILE_ID, { detect: true })).toMatchObject({
        ok: false,
        code: 'NO_CREDENTIALS',
      });
      expect((await h.engine.listProfiles()).profiles.find((p) => p.id === SIM_PROFILE_ID)?.hasSecret).toBe(
        false,
      );
      expect((await h.engine.getStatus()).blocks).toMatchObject([{ kind: 'auth', code: 'NO_CREDENTIALS' }]);
      const right = api.credentials(h.sim);
      const text = h.logs.text();
      for (const secret of [right, wrong].map((c) => (c.kind === 'client' ? c.clientSecret : c.apiKey))) {
        expect(text).not.toContain(secret);
        expect(JSON.stringify(h.settings.snapshot())).not.toContain(secret);
      }
    });
  });

  describe('jobs as the UI sees them', () => {
    it(`details with a timeline, ${api.links ? 'fresh links' : 'no links (the API gives none)'}, reports, and no secrets or upload URLs`, async () => {
      h = await startHarness({ generation });
      await h.watch('inbox');
      await h.write('inbox/clip.mp4', makeMp4({ marker: 'AUTHENTA-SIM:faces=2,fakes=1' }));
      await h.write('inbox/photo.png', makePng({ marker: 'AUTHENTA-SIM:real' }));
      const clip = await h.waitForJob('clip.mp4', ['done']);
      const photo = await h.waitForJob('photo.png', ['done']);

      const details = await h.engine.getJob(clip.id);
      expect(details.timeline.map((t) => t.state)).toEqual(['waiting', 'queued', ...api.sendStates, 'done']);
      expect(details.hint).toBeNull();
      expect(details.raw).toMatchObject({ status: api.processedStatus });
      expect(JSON.stringify(details.raw)).toContain(clip.remoteId);
      expect(clip).toMatchObject({ generation, model: api.model('DF-1') });
      // Upload URLs are capabilities: they stay in the engine.
      expect(JSON.stringify(await h.engine.listJobs({}))).not.toMatch(/uploadUrl|\/s3\/(uploads|jobs)\//);
      expect(JSON.stringify(details)).not.toMatch(/\/s3\/(uploads|jobs)\//);
      // Download links (original, heatmaps, detailed result) are capabilities too: the details and
      // the case report show the record with every link's signature cut out, and the links open fresh.
      const seen = JSON.stringify([details, await h.engine.listJobs({})]);
      expect(seen).not.toMatch(SIGNED_LINK);
      if (api.links)
        expect(JSON.stringify(details.raw)).toMatch(/"srcURL":"http:\/\/127\.0\.0\.1:\d+\/s3\/objects\//);

      for (const kind of ['heatmap', 'result', 'source'] as const) {
        const opened = h.engine.openLink({ id: clip.id, kind });
        if (!api.links) {
          await expect(opened, kind).rejects.toMatchObject({ code: 'NO_LINK' });
          continue;
        }
        const res = await fetch(await opened);
        expect(res.status, kind).toBe(200);
        await res.arrayBuffer();
      }
      if (api.links) {
        const second = await h.engine.openLink({ id: clip.id, kind: 'heatmap', participantId: '1' });
        expect(second).toContain('heatmap-1');
      }
      await expect(h.engine.openLink({ id: photo.id, kind: 'heatmap' })).rejects.toThrow(
        /^Authenta gave no heatmap for this record \(only videos with faces have one\)\.$/,
      );

      const csv = await h.engine.exportReport({ sort: 'name', order: 'asc' }, 'csv');
      const lines = csv.trim().split('\r\n');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain('clip.mp4');
      expect(lines[1]).toContain(clip.remoteId!);
      expect(lines[1]).toContain(',fake,');
      const json = JSON.parse(await h.engine.exportReport({ verdicts: ['authentic'] }, 'json')) as {
        count: number;
        jobs: { name: string }[];
      };
      expect(json.count).toBe(1);
      expect(json.jobs[0]?.name).toBe('photo.png');
      const filtered = await h.engine.listJobs({ search: 'CLIP', states: ['done'] });
      expect(filtered).toMatchObject({ total: 1, offset: 0 });
    });

    it('tells the UI what changed, in batches, with upload progress and status', async () => {
      h = await startHarness({ generation });
      const changes: JobChange[][] = [];
      const statuses: EngineStatus[] = [];
      const progress: UploadProgress[][] = [];
      const offs = [
        h.engine.onJobsChanged((c) => changes.push(c)),
        h.engine.onStatus((s) => statuses.push(s)),
        h.engine.onProgress((p) => progress.push(p)),
      ];
      await h.watch('inbox');
      const big = makePng({ marker: 'AUTHENTA-SIM:real', padding: 3 * 1024 * 1024 });
      await h.write('inbox/big.png', big);
      const job = await h.waitForJob('big.png', ['done']);
      await h.waitFor(
        () =>
          changes.flat().some((c) => c.type === 'upsert' && c.job.id === job.id && c.job.state === 'done'),
        {
          message: 'the done event',
        },
      );
      const seenStates = changes
        .flat()
        .flatMap((c) => (c.type === 'upsert' && c.job.id === job.id ? [c.job.state] : []));
      expect(seenStates[0]).toBe('waiting');
      expect(seenStates.at(-1)).toBe('done');
      // Batched: a row appears once per batch with its latest state, never more often than it changed.
      const timeline = (await h.engine.getJob(job.id)).timeline;
      expect(seenStates.length).toBeLessThanOrEqual(timeline.length + 4);
      const last = progress
        .flat()
        .filter((p) => p.id === job.id)
        .at(-1);
      expect(last).toMatchObject({ bytesSent: big.length, size: big.length });
      await h.waitFor(() => statuses.some((s) => s.counts.done === 1), {
        message: 'a status with the verdict counted',
      });
      expect(statuses.at(-1)?.folders[0]?.health.state).toBe('watching');
      for (const off of offs) off();
      const before = changes.length;
      await h.write('inbox/after.png', makePng({ marker: 'AUTHENTA-SIM:real', padding: 9 }));
      await h.waitForJob('after.png', ['done']);
      expect(changes.length).toBe(before);
    });
  });
});

describe('folders and the host', () => {
  it('refuses folders it cannot watch, saying why; removing one stops its unsent files', async () => {
    h = await startHarness();
    await expect(h.engine.addFolder({ path: h.path('nope') })).rejects.toMatchObject({
      code: 'FOLDER_UNAVAILABLE',
    });
    const file = await h.write('file.png', makePng());
    await expect(h.engine.addFolder({ path: file })).rejects.toMatchObject({ code: 'NOT_A_FOLDER' });
    const f = await h.watch('inbox');
    await expect(h.engine.addFolder({ path: h.path('inbox') })).rejects.toMatchObject({
      code: 'ALREADY_WATCHED',
    });
    expect((await h.settings.load()).folders.map((x) => x.id)).toEqual([f.id]);

    await h.engine.pauseAll();
    await h.write('inbox/a.png', makePng({ padding: 1 }));
    await h.waitForJob('a.png', ['queued']);
    await h.engine.removeFolder(f.id);
    expect(await h.waitForJob('a.png')).toMatchObject({ state: 'skipped', errorCode: 'FOLDER_REMOVED' });
    expect((await h.settings.load()).folders).toEqual([]);
  });

  it('offers only what the web host can do by default', async () => {
    h = await startHarness();
    expect(await h.engine.getCapabilities()).toEqual({
      host: 'web',
      nativeFolderPicker: false,
      revealInFolder: false,
      dropUploads: true,
      nativeFilePicker: false,
      pdf: false,
    });
    expect(await h.engine.pickFolder()).toBeNull();
    await h.engine.addPaths([await h.write('x/a.png', makePng({ marker: 'AUTHENTA-SIM:real' }))]);
    const job = await h.waitForJob('a.png');
    await expect(h.engine.revealJob(job.id)).rejects.toThrow(/not available in this host/);
    const status = await h.engine.getStatus();
    expect(status.keychain).toEqual({ available: true, message: null });
    expect(status.profile?.id).toBe(SIM_PROFILE_ID);
  });
});
