/**
 * The client against the simulator: every route with both credential kinds, a full
 * create -> upload -> poll cycle per model, verdicts normalised, list pages and deletes.
 */
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthentaClient, type ApiCall } from '../../../src/main/core/api/authenta-client';
import { createDetectionService } from '../../../src/main/core/api/media-service';
import { normaliseMediaVerdict } from '../../../src/main/core/api/verdict';
import type { Credentials } from '../../../src/main/core/ports';
import { startSimulator, type Simulator } from '../../../src/main/sim/index';
import { mediaFile, pollUntil, tempDir, untilFinished } from './helpers';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ processingMs: 30 });
  dir = tempDir('contract');
});

afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const kinds = ['client', 'apikey'] as const;
function credentials(kind: (typeof kinds)[number]): Credentials {
  return kind === 'client'
    ? { kind: 'client', clientId: sim.credentials.clientId, clientSecret: sim.credentials.clientSecret }
    : { kind: 'apikey', apiKey: sim.apiKey };
}

describe.each(kinds)('every route with %s credentials', (kind) => {
  it('create, upload, get until processed, list, delete', async () => {
    const calls: ApiCall[] = [];
    const client = new AuthentaClient({
      baseUrl: sim.url,
      credentials: credentials(kind),
      onCall: (c) => calls.push(c),
    });
    const file = mediaFile(dir, `${kind}-photo.jpg`, 'fake');
    const size = fs.statSync(file).size;

    const created = await client.createMedia({
      name: 'photo.jpg',
      contentType: 'image/jpeg',
      size,
      modelType: 'AC-1',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ status: 'INITED', type: 'Image', modelType: 'AC-1' });
    expect(created.data.expiresIn).toBeGreaterThan(0);
    expect((created.raw as Record<string, unknown>)['simulated']).toBe(true);
    const mid = created.data.mid;

    const progress: number[] = [];
    await client.upload(
      created.data.uploadUrl,
      { path: file, contentType: 'image/jpeg', size },
      { mid, onProgress: (n) => progress.push(n) },
    );
    expect(progress.at(-1)).toBe(size);

    const done = await untilFinished(client, mid);
    expect(done.status).toBe('PROCESSED');
    expect(normaliseMediaVerdict(done, 'image').label).toBe('fake');

    const page = await client.listMedia({ limit: 10, offset: 0 });
    expect(page.data.total).toBeGreaterThanOrEqual(1);
    expect(page.data.data.map((r) => r.mid)).toContain(mid);

    await client.deleteMedia(mid);
    await expect(client.getMedia(mid)).rejects.toMatchObject({ kind: 'not-found', status: 404, mid });

    const byKind = (k: ApiCall['kind']) => calls.filter((c) => c.kind === k).length;
    expect(byKind('mutation')).toBe(2);
    expect(byKind('upload')).toBe(1);
    expect(byKind('query')).toBeGreaterThanOrEqual(3);
    expect(calls.find((c) => c.kind === 'upload')).toMatchObject({
      method: 'PUT',
      route: 'upload',
      status: 200,
    });
    // What the client counted is what the server saw.
    const seen = sim.requests.filter(
      (r) => r.auth === kind && r.method === 'GET' && r.route.startsWith('/media'),
    );
    expect(seen.length).toBeGreaterThanOrEqual(byKind('query'));
  });
});

describe('verdicts through the detection service', () => {
  it.each([
    ['image, AC-1 (percent scale), fake', 'photo.jpg', 'image/jpeg', 'AC-1', 'image', 'fake', 'fake'],
    ['image, FD-1, real', 'scan.png', 'image/png', 'FD-1', 'image', 'real', 'authentic'],
    ['image, low confidence', 'meme.jpg', 'image/jpeg', 'AC-1', 'image', 'suspect', 'suspect'],
    ['video, one fake face of three', 'clip.mp4', 'video/mp4', 'DF-1', 'video', 'faces=3,fakes=1', 'fake'],
    ['video, real face', 'talk.mp4', 'video/mp4', 'DF-1', 'video', 'real', 'authentic'],
    ['video, no face', 'landscape.mp4', 'video/mp4', 'DF-1', 'video', 'noface', 'inconclusive'],
  ] as const)('%s', async (_name, fileName, contentType, model, kind, marker, label) => {
    const service = createDetectionService({ baseUrl: sim.url, credentials: credentials('client') });
    expect(service.generation).toBe('media-client');
    const file = mediaFile(dir, `svc-${marker}-${fileName}`, marker);
    const size = fs.statSync(file).size;
    const before = Date.now();
    const created = await service.create({ name: fileName, contentType, size, model, kind });
    expect(created.expiresAt).toBeGreaterThanOrEqual(before + 800_000);
    expect(await service.get(created.remoteId)).toMatchObject({ phase: 'awaiting-upload', verdict: null });

    await service.upload(created, { path: file, contentType, size });
    const record = await pollUntil(async () => {
      const r = await service.get(created.remoteId);
      return r.phase === 'processed' || r.phase === 'failed' ? r : undefined;
    });
    expect(record).toMatchObject({ phase: 'processed', partial: false, failure: null });
    expect(record.verdict?.label).toBe(label);
    if (record.verdict?.confidence !== undefined) {
      expect(record.verdict.confidence).toBeGreaterThanOrEqual(0);
      expect(record.verdict.confidence).toBeLessThanOrEqual(1);
    }
    if (kind === 'video') {
      expect(record.verdict?.participants).toBeDefined();
      if (marker === 'noface') expect(record.verdict?.reason).toBe('No face found');
      if (marker === 'faces=3,fakes=1') expect(record.verdict).toMatchObject({ faces: 3, deepFakes: 1 });
    } else {
      expect(record.verdict?.confidence).toBeGreaterThan(0.5);
    }

    // The list answers for many records at once; videos there lack participants.
    const page = await service.list({ limit: 100, offset: 0 });
    const listed = page.records.find((r) => r.remoteId === created.remoteId);
    expect(listed).toMatchObject({ phase: 'processed', partial: kind === 'video' });
    expect(listed?.verdict?.label).toBe(label);
  });

  it('a record the service failed is reported with its reason', async () => {
    const service = createDetectionService({ baseUrl: sim.url, credentials: credentials('apikey') });
    expect(service.generation).toBe('media-apikey');
    const file = mediaFile(dir, 'broken.jpg', 'fail');
    const size = fs.statSync(file).size;
    const created = await service.create({
      name: 'broken.jpg',
      contentType: 'image/jpeg',
      size,
      model: 'AC-1',
      kind: 'image',
    });
    await service.upload(created, { path: file, contentType: 'image/jpeg', size });
    const record = await pollUntil(async () => {
      const r = await service.get(created.remoteId);
      return r.phase === 'failed' ? r : undefined;
    });
    expect(record.failure).toMatch(/could not be analysed/);
    expect(record.verdict).toBeNull();
  });

  it('pages through the list with limit and offset, newest first', async () => {
    const service = createDetectionService({ baseUrl: sim.url, credentials: credentials('client') });
    const mids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await service.create({
        name: `p${i}.jpg`,
        contentType: 'image/jpeg',
        size: 10,
        model: 'AC-1',
        kind: 'image',
      });
      mids.push(created.remoteId);
    }
    const first = await service.list({ limit: 2, offset: 0 });
    const second = await service.list({ limit: 2, offset: 2 });
    expect(first.records.map((r) => r.remoteId)).toEqual([mids[2], mids[1]]);
    expect(second.records[0]?.remoteId).toBe(mids[0]);
    expect(first.total).toBe(second.total);
    expect(first.records.every((r) => r.phase === 'awaiting-upload')).toBe(true);
    for (const mid of mids) await service.remove(mid);
    const after = await service.list({ limit: 100, offset: 0 });
    expect(after.records.map((r) => r.remoteId)).not.toContain(mids[0]);
  });
});
