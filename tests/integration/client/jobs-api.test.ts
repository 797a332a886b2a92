/**
 * The Jobs API v1 client and its DetectionService against the real simulator over HTTP: every
 * route, a full create -> PUT -> finalize -> poll cycle per offered task type with the verdict
 * normalised, list pages and status filters, cancel and delete, and no secret in any log line.
 */
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCall } from '../../../src/main/core/api/authenta-client';
import { JobsClient } from '../../../src/main/core/api/jobs-client';
import { JobsDetectionService, needsFinalize } from '../../../src/main/core/api/jobs-service';
import { MemoryLogSink, createLogger } from '../../../src/main/core/logger';
import type { Credentials, RemoteRecord } from '../../../src/main/core/ports';
import { startSimulator, type Simulator } from '../../../src/main/sim/index';
import type { MediaKind, VerdictLabel } from '../../../src/shared/domain';
import { mediaFile, pollUntil, tempDir } from './helpers';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ processingMs: 40 });
  dir = tempDir('jobs');
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const key = (): Credentials => ({ kind: 'apikey', apiKey: sim.apiKey });

function service(
  calls?: ApiCall[],
  s: Simulator = sim,
  credentials: Credentials = key(),
): JobsDetectionService {
  return new JobsDetectionService(
    new JobsClient({ baseUrl: s.url, credentials, onCall: calls ? (c) => calls.push(c) : undefined }),
  );
}

interface FileSpec {
  name: string;
  contentType: string;
  kind: MediaKind;
  model: string;
  marker: string | null;
}

/** What the engine does for one file: create, upload, finalize, then read until it has ended. */
async function runJob(svc: JobsDetectionService, spec: FileSpec, size = 48 * 1024): Promise<RemoteRecord> {
  const file = mediaFile(dir, spec.name, spec.marker, size);
  const created = await svc.create({
    name: spec.name,
    contentType: spec.contentType,
    size,
    model: spec.model,
    kind: spec.kind,
  });
  await svc.upload(created, { path: file, contentType: spec.contentType, size });
  await svc.finalize(created.remoteId);
  return untilEnded(svc, created.remoteId);
}

function untilEnded(svc: JobsDetectionService, id: string): Promise<RemoteRecord> {
  return pollUntil(async () => {
    const r = await svc.get(id);
    return r.phase === 'processed' || r.phase === 'failed' ? r : undefined;
  });
}

describe('a full cycle per task type', () => {
  it.each<[string, FileSpec, VerdictLabel, number]>([
    [
      'AI-generated image, PNG, by media code AC-1',
      { name: 'a.png', contentType: 'image/png', kind: 'image', model: 'AC-1', marker: 'fake' },
      'fake',
      1,
    ],
    [
      'AI-generated audio, MP3',
      { name: 'b.mp3', contentType: 'audio/mpeg', kind: 'audio', model: '2', marker: 'real' },
      'authentic',
      2,
    ],
    [
      'AI-generated audio, M4A',
      { name: 'b.m4a', contentType: 'audio/x-m4a', kind: 'audio', model: 'ai-audio', marker: 'fake' },
      'fake',
      2,
    ],
    [
      'AI-generated video, MOV, low confidence',
      { name: 'c.mov', contentType: 'video/quicktime', kind: 'video', model: '3', marker: 'suspect' },
      'suspect',
      3,
    ],
    [
      'face swap, WebM, by media code DF-1, one fake face of three',
      { name: 'd.webm', contentType: 'video/webm', kind: 'video', model: 'DF-1', marker: 'faces=3,fakes=1' },
      'fake',
      4,
    ],
    [
      'face swap, MP4, no face',
      { name: 'e.mp4', contentType: 'video/mp4', kind: 'video', model: '4', marker: 'noface' },
      'inconclusive',
      4,
    ],
    [
      'image forgery, JPEG, by media code FD-1',
      { name: 'f.jpg', contentType: 'image/jpeg', kind: 'image', model: 'FD-1', marker: 'real' },
      'authentic',
      5,
    ],
    [
      'document, PDF',
      { name: 'g.pdf', contentType: 'application/pdf', kind: 'document', model: '6', marker: 'fake' },
      'fake',
      6,
    ],
  ])('%s', async (_name, spec, label, taskTypeId) => {
    const calls: ApiCall[] = [];
    const svc = service(calls);
    const done = await runJob(svc, spec);
    expect(done).toMatchObject({ phase: 'processed', status: 'completed', partial: false, failure: null });
    expect(done.verdict?.label).toBe(label);
    expect(done.raw).toMatchObject({ taskTypeId, simulated: true });
    if (spec.marker === 'faces=3,fakes=1') {
      expect(done.verdict).toMatchObject({ faces: 3, deepFakes: 1 });
      expect(done.verdict?.participants).toHaveLength(3);
    }
    if (spec.marker === 'noface') expect(done.verdict?.reason).toBe('No face found');
    if (label !== 'inconclusive') expect(done.verdict?.confidence).toBeGreaterThan(0.5);
    // One create, one PUT, one finalize, then reads; every call reported as the server saw it.
    expect(calls.filter((c) => c.kind === 'mutation').map((c) => c.route)).toEqual([
      '/v1/jobs',
      '/v1/jobs/:id/finalize',
    ]);
    expect(calls.filter((c) => c.kind === 'upload')).toHaveLength(1);
    expect(sim.counts().puts[done.remoteId]).toBe(1);
    const seen = sim.requests.filter((r) => r.mid === done.remoteId && r.route.startsWith('/v1/'));
    expect(seen.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual(
      calls.filter((c) => c.kind !== 'upload').map((c) => `${c.method} ${c.route} ${c.status}`),
    );
  });

  it('a job that fails processing is failed with the API message', async () => {
    const done = await runJob(service(), {
      name: 'h.png',
      contentType: 'image/png',
      kind: 'image',
      model: '1',
      marker: 'fail',
    });
    expect(done).toMatchObject({ phase: 'failed', status: 'failed', verdict: null });
    expect(done.failure).toMatch(/could not be analysed/);
  });

  it('the upload reports progress up to the size and the job then waits for finalize', async () => {
    const svc = service();
    const size = 700 * 1024;
    const file = mediaFile(dir, 'big.jpg', 'real', size);
    const created = await svc.create({
      name: 'big.jpg',
      contentType: 'image/jpeg',
      size,
      model: '5',
      kind: 'image',
    });
    expect(created.expiresAt).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(await svc.get(created.remoteId)).toMatchObject({ phase: 'awaiting-upload', status: 'created' });
    expect(needsFinalize(await svc.get(created.remoteId))).toBe(false);
    const progress: number[] = [];
    await svc.upload(
      created,
      { path: file, contentType: 'image/jpeg', size },
      { onProgress: (n) => progress.push(n) },
    );
    expect(progress.at(-1)).toBe(size);
    const waiting = await svc.get(created.remoteId);
    expect(waiting).toMatchObject({ phase: 'awaiting-upload', status: 'waiting_for_finalize' });
    expect(needsFinalize(waiting)).toBe(true);
    await svc.finalize(created.remoteId);
    expect((await untilEnded(svc, created.remoteId)).verdict?.label).toBe('authentic');
  });
});

describe('finalize', () => {
  it('before the upload fails with JOB_INPUTS_MISSING and the job still waits for its bytes', async () => {
    const svc = service();
    const created = await svc.create({
      name: 'x.png',
      contentType: 'image/png',
      size: 1000,
      model: '1',
      kind: 'image',
    });
    await expect(svc.finalize(created.remoteId)).rejects.toMatchObject({
      code: 'JOB_INPUTS_MISSING',
      kind: 'invalid',
      status: 409,
      mid: created.remoteId,
      action: 'Retry the file: it will be uploaded again before processing starts.',
    });
    expect(await svc.get(created.remoteId)).toMatchObject({ phase: 'awaiting-upload', status: 'created' });
  });

  it('twice is harmless: the second call finds the job finalized (crash recovery)', async () => {
    const slow = await startSimulator({ processingMs: 600_000 });
    try {
      const svc = service(undefined, slow, { kind: 'apikey', apiKey: slow.apiKey });
      const size = 4096;
      const file = mediaFile(dir, 'twice.png', 'fake', size);
      const created = await svc.create({
        name: 'twice.png',
        contentType: 'image/png',
        size,
        model: '1',
        kind: 'image',
      });
      await svc.upload(created, { path: file, contentType: 'image/png', size });
      await svc.finalize(created.remoteId);
      await expect(svc.finalize(created.remoteId)).resolves.toBeUndefined();
      const finalizes = slow.requests.filter((r) => r.route === '/v1/jobs/:id/finalize');
      expect(finalizes.map((r) => [r.status, r.code])).toEqual([
        [200, null],
        [409, 'JOB_INVALID_STATE'],
      ]);
      expect(slow.usage().creditsSpent).toBe(1);
      expect((await svc.get(created.remoteId)).phase).toBe('pending');
    } finally {
      await slow.close();
    }
  });

  it('without balance answers 402; the job keeps waiting and finalizes once credits are back', async () => {
    const svc = service();
    const size = 4096;
    const file = mediaFile(dir, 'broke.png', 'real', size);
    const created = await svc.create({
      name: 'broke.png',
      contentType: 'image/png',
      size,
      model: '1',
      kind: 'image',
    });
    await svc.upload(created, { path: file, contentType: 'image/png', size });
    sim.setCredits(0);
    try {
      await expect(svc.finalize(created.remoteId)).rejects.toMatchObject({
        code: 'INSUFFICIENT_BALANCE',
        kind: 'credits',
        status: 402,
      });
      expect(needsFinalize(await svc.get(created.remoteId))).toBe(true);
    } finally {
      sim.setCredits(null);
    }
    await svc.finalize(created.remoteId);
    expect((await untilEnded(svc, created.remoteId)).verdict?.label).toBe('authentic');
  });
});

describe('cancel and delete', () => {
  let slow: Simulator;
  beforeAll(async () => {
    slow = await startSimulator({ processingMs: 600_000 });
  });
  afterAll(async () => {
    await slow.close();
  });
  const slowService = () => service(undefined, slow, { kind: 'apikey', apiKey: slow.apiKey });

  it('cancels a job that waits for its bytes and one that is queued; both end failed as cancelled', async () => {
    const svc = slowService();
    const size = 2048;
    const file = mediaFile(dir, 'cancel.mp4', 'real', size);
    const waiting = await svc.create({
      name: 'w.mp4',
      contentType: 'video/mp4',
      size,
      model: '3',
      kind: 'video',
    });
    const queued = await svc.create({
      name: 'q.mp4',
      contentType: 'video/mp4',
      size,
      model: '3',
      kind: 'video',
    });
    await svc.upload(queued, { path: file, contentType: 'video/mp4', size });
    await svc.finalize(queued.remoteId);
    expect((await svc.get(queued.remoteId)).phase).toBe('pending');

    for (const id of [waiting.remoteId, queued.remoteId]) {
      await svc.cancel(id);
      expect(await svc.get(id)).toMatchObject({
        phase: 'failed',
        status: 'cancelled',
        failure: 'The job was cancelled before it finished',
      });
    }
    // A cancelled job cannot be finalized: finalize says so instead of pretending.
    await expect(svc.finalize(waiting.remoteId)).rejects.toMatchObject({
      code: 'JOB_INVALID_STATE',
      status: 409,
    });
    // Cancelling again is refused as the job has ended.
    await expect(svc.cancel(queued.remoteId)).rejects.toMatchObject({
      code: 'JOB_NOT_CANCELLABLE',
      status: 409,
    });
  });

  it('a completed job cannot be cancelled (409); its verdict stays readable', async () => {
    const svc = service();
    const done = await runJob(svc, {
      name: 'done.png',
      contentType: 'image/png',
      kind: 'image',
      model: '1',
      marker: 'fake',
    });
    const e = await svc.cancel(done.remoteId).catch((err: unknown) => err);
    expect(e).toMatchObject({
      code: 'JOB_NOT_CANCELLABLE',
      kind: 'invalid',
      status: 409,
      mid: done.remoteId,
    });
    expect((e as Error).message).toMatch(/cannot be cancelled/);
    expect(await svc.get(done.remoteId)).toMatchObject({ phase: 'processed', verdict: { label: 'fake' } });
  });

  it('delete answers 204; the job is then not found, and deleting again is not-found too', async () => {
    const svc = slowService();
    const created = await svc.create({
      name: 'del.png',
      contentType: 'image/png',
      size: 100,
      model: '1',
      kind: 'image',
    });
    await svc.remove(created.remoteId);
    expect(slow.requests.filter((r) => r.method === 'DELETE').at(-1)?.status).toBe(204);
    await expect(svc.get(created.remoteId)).rejects.toMatchObject({
      code: 'JOB_NOT_FOUND',
      kind: 'not-found',
      status: 404,
      mid: created.remoteId,
    });
    await expect(svc.remove(created.remoteId)).rejects.toMatchObject({
      code: 'JOB_NOT_FOUND',
      kind: 'not-found',
    });
  });
});

describe('lists', () => {
  let s: Simulator;
  let svc: JobsDetectionService;
  let client: JobsClient;
  const ids: Record<string, string[]> = { completed: [], created: [], waiting: [], cancelled: [] };

  beforeAll(async () => {
    s = await startSimulator({ processingMs: 20 });
    client = new JobsClient({ baseUrl: s.url, credentials: { kind: 'apikey', apiKey: s.apiKey } });
    svc = new JobsDetectionService(client);
    const size = 2048;
    const file = mediaFile(dir, 'list.png', 'fake', size);
    for (let i = 0; i < 3; i++) {
      const c = await svc.create({
        name: `done-${i}.png`,
        contentType: 'image/png',
        size,
        model: '1',
        kind: 'image',
      });
      await svc.upload(c, { path: file, contentType: 'image/png', size });
      await svc.finalize(c.remoteId);
      await untilEnded(svc, c.remoteId);
      ids.completed!.push(c.remoteId);
    }
    for (let i = 0; i < 2; i++) {
      const c = await svc.create({
        name: `new-${i}.png`,
        contentType: 'image/png',
        size,
        model: '1',
        kind: 'image',
      });
      ids.created!.push(c.remoteId);
    }
    const w = await svc.create({
      name: 'wait.png',
      contentType: 'image/png',
      size,
      model: '1',
      kind: 'image',
    });
    await svc.upload(w, { path: file, contentType: 'image/png', size });
    ids.waiting!.push(w.remoteId);
    const x = await svc.create({
      name: 'gone.png',
      contentType: 'image/png',
      size,
      model: '1',
      kind: 'image',
    });
    await svc.cancel(x.remoteId);
    ids.cancelled!.push(x.remoteId);
  });
  afterAll(async () => {
    await s.close();
  });

  const newestFirst = () =>
    [...ids.completed!, ...ids.created!, ...ids.waiting!, ...ids.cancelled!].reverse();

  it('pages newest first with {data, pagination}', async () => {
    const first = await client.listJobs({ page: 1, limit: 3 });
    expect(first.data.pagination).toMatchObject({ page: 1, limit: 3, total: 7, pages: 3 });
    expect(first.data.data.map((j) => j.jobId)).toEqual(newestFirst().slice(0, 3));
    const last = await client.listJobs({ page: 3, limit: 3 });
    expect(last.data.data.map((j) => j.jobId)).toEqual(newestFirst().slice(6));
    const past = await client.listJobs({ page: 4, limit: 3 });
    expect(past.data.data).toEqual([]);
  });

  it.each([
    ['completed', 'completed'],
    ['created', 'created'],
    ['waiting_for_finalize', 'waiting'],
    ['cancelled', 'cancelled'],
  ] as const)('filters by status %s', async (status, group) => {
    const page = await client.listJobs({ page: 1, limit: 100, status });
    expect(page.data.data.map((j) => j.jobId).sort()).toEqual([...ids[group]!].sort());
    expect(page.data.data.every((j) => j.status === status)).toBe(true);
    expect(page.data.pagination.total).toBe(ids[group]!.length);
  });

  it('the port list({limit, offset}) maps onto pages, with one call when it can', async () => {
    const before = s.counts().query;
    const window = await svc.list({ limit: 3, offset: 2 });
    expect(s.counts().query - before).toBe(1);
    expect(window.total).toBe(7);
    expect(window.records.map((r) => r.remoteId)).toEqual(newestFirst().slice(2, 5));
    const tail = await svc.list({ limit: 4, offset: 5 });
    expect(tail.records.map((r) => r.remoteId)).toEqual(newestFirst().slice(5));
  });

  it('listByStatus gives completed jobs with their verdicts, page by page', async () => {
    const p1 = await svc.listByStatus('completed', { page: 1, limit: 2 });
    const p2 = await svc.listByStatus('completed', { page: 2, limit: 2 });
    expect(p1).toMatchObject({ total: 3, page: 1, pages: 2 });
    expect([...p1.records, ...p2.records].map((r) => r.remoteId)).toEqual([...ids.completed!].reverse());
    for (const r of [...p1.records, ...p2.records]) {
      expect(r).toMatchObject({ phase: 'processed', partial: false, verdict: { label: 'fake' } });
      // The list entry agrees with the full job.
      expect((await svc.get(r.remoteId)).verdict).toEqual(r.verdict);
    }
    const waiting = await svc.listByStatus('waiting_for_finalize', { page: 1, limit: 10 });
    expect(waiting.records.map((r) => needsFinalize(r))).toEqual([true]);
  });

  it('a status the API does not know is refused as invalid', async () => {
    await expect(
      client.listJobs({ page: 1, limit: 1, status: 'paused' as unknown as 'queued' }),
    ).rejects.toMatchObject({ kind: 'invalid', status: 400 });
  });
});

it('no log line, error or call report holds the API key or an upload signature', async () => {
  const API_KEY = 'api_apikey_live_9c1d7e2f40ab66de';
  const s = await startSimulator({ processingMs: 20, apiKeys: [{ key: API_KEY }] });
  try {
    const memory = new MemoryLogSink();
    const logger = createLogger({ sinks: [memory], level: 'debug' });
    const calls: ApiCall[] = [];
    const errors: unknown[] = [];
    const svc = new JobsDetectionService(
      new JobsClient({
        baseUrl: s.url,
        credentials: { kind: 'apikey', apiKey: API_KEY },
        logger,
        onCall: (c) => calls.push(c),
      }),
    );
    const size = 4096;
    const file = mediaFile(dir, 'secret.png', 'fake', size);
    const signatures: string[] = [];
    const created = await svc.create({
      name: 'secret.png',
      contentType: 'image/png',
      size,
      model: '1',
      kind: 'image',
    });
    signatures.push(new URL(created.uploadUrl).searchParams.get('X-Signature')!);
    await svc.finalize(created.remoteId).catch((e) => errors.push(e));
    await svc.upload(created, { path: file, contentType: 'image/webp', size }).catch((e) => errors.push(e));
    await svc.upload(created, { path: file, contentType: 'image/png', size });
    await svc.finalize(created.remoteId);
    await untilEnded(svc, created.remoteId);
    await svc.cancel(created.remoteId).catch((e) => errors.push(e));
    s.faults.urlExpirySec = 0;
    const late = await svc.create({
      name: 'late.png',
      contentType: 'image/png',
      size,
      model: '1',
      kind: 'image',
    });
    s.faults.urlExpirySec = null;
    signatures.push(new URL(late.uploadUrl).searchParams.get('X-Signature')!);
    await svc.upload(late, { path: file, contentType: 'image/png', size }).catch((e) => errors.push(e));
    const wrong = new JobsClient({
      baseUrl: s.url,
      credentials: { kind: 'apikey', apiKey: `${API_KEY}x` },
      logger,
    });
    await wrong.getJob(created.remoteId).catch((e) => errors.push(e));

    const everything = [
      memory.text(),
      JSON.stringify(calls),
      JSON.stringify(errors),
      errors.map((e) => (e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e))).join('\n'),
    ].join('\n');
    expect(errors.map((e) => (e as { code: string }).code)).toEqual([
      'JOB_INPUTS_MISSING',
      'SignatureDoesNotMatch',
      'JOB_NOT_CANCELLABLE',
      'AccessDenied',
      'INVALID_API_KEY',
    ]);
    expect(memory.records.length).toBeGreaterThan(8);
    expect(everything).not.toContain(API_KEY);
    for (const sig of signatures) {
      expect(sig.length).toBeGreaterThan(10);
      expect(everything).not.toContain(sig);
    }
  } finally {
    await s.close();
  }
});
