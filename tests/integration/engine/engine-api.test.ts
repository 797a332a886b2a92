/**
 * The rest of the contract as a UI uses it: profiles and secrets, the Sandbox, connection tests,
 * job details, links, reports, events, folders and host capabilities.
 */
import { mkdtempSync, realpathSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeMp4, makePng } from '../../helpers/media-fixtures';
import { SIM_PROFILE_ID, startHarness, type Harness } from '../../helpers/engine-harness';
import { createDetectionService } from '../../../src/main/core/api/media-service';
import { Engine } from '../../../src/main/core/engine';
import { createLogger, MemoryLogSink } from '../../../src/main/core/logger';
import { InMemorySecretStore } from '../../../src/main/core/secrets/in-memory-secret-store';
import { InMemorySettingsStore } from '../../../src/main/core/settings/in-memory-settings-store';
import { startSimulator } from '../../../src/main/sim';
import type { EngineStatus, JobChange, UploadProgress } from '../../../src/shared/domain';

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
  it('tests a connection with one call, and says what is wrong', async () => {
    h = await startHarness();
    const ok = await h.engine.testConnection(SIM_PROFILE_ID, { detect: true });
    expect(ok).toMatchObject({ ok: true, generation: 'media-client', code: null });
    expect(h.requests({ method: 'GET', route: '/media' })).toHaveLength(1);

    await h.engine.setSecret(SIM_PROFILE_ID, {
      clientId: h.sim.credentials.clientId,
      clientSecret: 'not-the-secret-1234',
    });
    const bad = await h.engine.testConnection(SIM_PROFILE_ID);
    expect(bad).toMatchObject({ ok: false, code: 'IAM001' });
    expect(bad.message).toMatch(/client ID and secret/);

    await h.engine.clearSecret(SIM_PROFILE_ID);
    expect(await h.engine.testConnection(SIM_PROFILE_ID)).toMatchObject({
      ok: false,
      code: 'NO_CREDENTIALS',
    });
    expect((await h.engine.listProfiles()).profiles.find((p) => p.id === SIM_PROFILE_ID)?.hasSecret).toBe(
      false,
    );
    expect((await h.engine.getStatus()).blocks).toMatchObject([{ kind: 'auth', code: 'NO_CREDENTIALS' }]);

    const key = await h.engine.saveProfile({ name: 'Key', baseUrl: h.sim.url, generation: 'media-apikey' });
    await h.engine.setSecret(key.id, { apiKey: h.sim.apiKey });
    expect(await h.engine.testConnection(key.id, { detect: true })).toMatchObject({
      ok: true,
      generation: 'media-apikey',
    });
    expect((await h.engine.listProfiles()).profiles.find((p) => p.id === key.id)).toMatchObject({
      hasSecret: true,
      baseUrl: h.sim.url,
    });
    const text = h.logs.text();
    expect(text).not.toContain(h.sim.apiKey);
    expect(JSON.stringify(h.settings.snapshot())).not.toContain(h.sim.apiKey);
  });

  it('detects a Jobs API server for an API key when the media API is not there', async () => {
    let jobsAsked = 0;
    h = await startHarness({
      engine: {
        serviceFactory: (profile, credentials) => {
          if (profile.generation !== 'jobs-v1')
            return createDetectionService({ baseUrl: profile.baseUrl, credentials });
          // The Jobs adapter does not exist yet: a stand-in that answers like one.
          return {
            generation: 'jobs-v1',
            list: async () => {
              jobsAsked += 1;
              return { records: [], total: 3 };
            },
            create: () => Promise.reject(new Error('unused')),
            upload: () => Promise.reject(new Error('unused')),
            get: () => Promise.reject(new Error('unused')),
            remove: () => Promise.reject(new Error('unused')),
          };
        },
      },
    });
    const p = await h.engine.saveProfile({
      name: 'New API',
      baseUrl: `${h.sim.origin}/elsewhere/api`,
      generation: 'media-apikey',
    });
    await h.engine.setSecret(p.id, { apiKey: h.sim.apiKey });
    expect(await h.engine.testConnection(p.id)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(jobsAsked).toBe(0);
    expect(await h.engine.testConnection(p.id, { detect: true })).toMatchObject({
      ok: true,
      generation: 'jobs-v1',
    });
    expect(jobsAsked).toBe(1);
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

  it('credentials from the environment override the keychain, and make a profile when there is none', async () => {
    const sim = await startSimulator({ processingMs: 300 });
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'aw-env-')));
    const settings = new InMemorySettingsStore();
    const secrets = new InMemorySecretStore();
    const engine = new Engine({
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

describe('jobs as the UI sees them', () => {
  it('details with a timeline, fresh links, reports, and no secrets or upload URLs', async () => {
    h = await startHarness();
    await h.watch('inbox');
    await h.write('inbox/clip.mp4', makeMp4({ marker: 'AUTHENTA-SIM:faces=2,fakes=1' }));
    await h.write('inbox/photo.png', makePng({ marker: 'AUTHENTA-SIM:real' }));
    const clip = await h.waitForJob('clip.mp4', ['done']);
    const photo = await h.waitForJob('photo.png', ['done']);

    const details = await h.engine.getJob(clip.id);
    expect(details.timeline.map((t) => t.state)).toEqual([
      'waiting',
      'queued',
      'creating',
      'uploading',
      'processing',
      'done',
    ]);
    expect(details.hint).toBeNull();
    expect(details.raw).toMatchObject({ mid: clip.remoteId, status: 'PROCESSED' });
    // Upload URLs are capabilities: they stay in the engine.
    expect(JSON.stringify(await h.engine.listJobs({}))).not.toMatch(/uploadUrl|\/s3\/uploads\//);
    expect(JSON.stringify(details)).not.toMatch(/\/s3\/uploads\//);

    for (const kind of ['heatmap', 'result', 'source'] as const) {
      const url = await h.engine.openLink({ id: clip.id, kind });
      const res = await fetch(url);
      expect(res.status, kind).toBe(200);
      await res.arrayBuffer();
    }
    const second = await h.engine.openLink({ id: clip.id, kind: 'heatmap', participantId: '1' });
    expect(second).toContain('heatmap-1');
    await expect(h.engine.openLink({ id: photo.id, kind: 'heatmap' })).rejects.toThrow(
      /no a heatmap|only videos/,
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
    h = await startHarness();
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
      () => changes.flat().some((c) => c.type === 'upsert' && c.job.id === job.id && c.job.state === 'done'),
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
