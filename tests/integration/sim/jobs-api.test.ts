/** The simulator's Jobs API v1 over real HTTP: create, PUT, finalize, poll, list, cancel, delete. */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/main/sim';
import { call, clientHeaders, fileBytes, keyHeaders, put, s3Code, waitFor, type Json } from './helpers';

let sims: Simulator[] = [];
async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ processingMs: 40, ...options });
  sims.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

const input = (contentType: string, sizeBytes: number, fileName = 'file.bin') => ({
  inputs: [{ contentType, fileName, sizeBytes, slotName: 'original' }],
});

async function createJob(
  sim: Simulator,
  taskTypeId: number,
  contentType: string,
  size: number,
  key = sim.apiKey,
) {
  const r = await call(
    sim,
    'POST',
    `/v1/jobs?taskTypeId=${taskTypeId}`,
    keyHeaders(key),
    input(contentType, size),
  );
  if (r.status !== 201) throw new Error(`POST /v1/jobs answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const uploadUrlOf = (job: Json): string => (job.inputs as { uploadUrl: string }[])[0]!.uploadUrl;

async function waitForJob(sim: Simulator, jobId: string, statuses: string[]): Promise<Json> {
  return waitFor(
    async () => {
      const r = await call(sim, 'GET', `/v1/jobs/${jobId}`, keyHeaders(sim.apiKey));
      return statuses.includes(r.body.status as string) ? r.body : undefined;
    },
    `job ${jobId} to be ${statuses.join(' or ')}`,
  );
}

/** Create, upload, finalize and wait for the end of one job. */
async function runJob(sim: Simulator, taskTypeId: number, contentType: string, bytes: Buffer): Promise<Json> {
  const job = await createJob(sim, taskTypeId, contentType, bytes.length);
  expect((await put(uploadUrlOf(job), bytes, contentType)).status).toBe(200);
  const fin = await call(sim, 'POST', `/v1/jobs/${job.jobId as string}/finalize`, keyHeaders(sim.apiKey));
  expect(fin.status).toBe(200);
  return waitForJob(sim, job.jobId as string, ['completed', 'failed']);
}

describe('POST /v1/jobs', () => {
  it('creates a job in status created with a pre-signed upload URL valid about an hour', async () => {
    const sim = await start();
    const job = await createJob(sim, 1, 'image/png', 500);
    expect(job).toMatchObject({
      taskTypeId: 1,
      taskTypeSlug: 'ai-image',
      status: 'created',
      simulated: true,
    });
    expect(job.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(job.createdAt).toBe(job.updatedAt);
    const inputs = job.inputs as Json[];
    expect(inputs).toEqual([
      {
        slotName: 'original',
        fileName: 'file.bin',
        contentType: 'image/png',
        sizeBytes: 500,
        uploaded: false,
        uploadUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/s3\/jobs\//) as string,
        expiresIn: 3600,
      },
    ]);
    expect(sim.counts().posts).toBe(1);
    expect(sim.requests[0]).toMatchObject({
      route: '/v1/jobs',
      status: 201,
      mid: job.jobId,
      auth: 'apikey',
      quota: null,
    });
  });

  it.each([
    [1, 'image/jpeg', 'ai-image'],
    [2, 'audio/mpeg', 'ai-audio'],
    [2, 'audio/wav', 'ai-audio'],
    [2, 'audio/x-m4a', 'ai-audio'],
    [3, 'video/quicktime', 'ai-video'],
    [4, 'video/webm', 'faceswap'],
    [5, 'image/png', 'image-forgery'],
    [6, 'application/pdf', 'document'],
  ])('task type %d accepts %s (%s)', async (taskTypeId, contentType, slug) => {
    const sim = await start();
    expect((await createJob(sim, taskTypeId, contentType, 10)).taskTypeSlug).toBe(slug);
  });

  it.each([
    ['no taskTypeId', '', input('image/png', 10), 'INVALID_TASK_TYPE'],
    ['task type 0', '?taskTypeId=0', input('image/png', 10), 'INVALID_TASK_TYPE'],
    ['task type 12', '?taskTypeId=12', input('image/png', 10), 'INVALID_TASK_TYPE'],
    ['liveness (7)', '?taskTypeId=7', input('video/mp4', 10), 'INVALID_TASK_TYPE'],
    ['a PNG for ai-video', '?taskTypeId=3', input('image/png', 10), 'UNSUPPORTED_MEDIA_TYPE'],
    ['webm for ai-video', '?taskTypeId=3', input('video/webm', 10), 'UNSUPPORTED_MEDIA_TYPE'],
    ['PDF for ai-image', '?taskTypeId=1', input('application/pdf', 10), 'UNSUPPORTED_MEDIA_TYPE'],
    ['no inputs', '?taskTypeId=1', { inputs: [] }, 'VALIDATION_ERROR'],
    ['a zero size', '?taskTypeId=1', input('image/png', 0), 'VALIDATION_ERROR'],
    [
      'another slot',
      '?taskTypeId=1',
      { inputs: [{ ...input('image/png', 5).inputs[0], slotName: 'x' }] },
      'VALIDATION_ERROR',
    ],
  ])('refuses %s with 400', async (_what, query, body, code) => {
    const sim = await start();
    const r = await call(sim, 'POST', `/v1/jobs${query}`, keyHeaders(sim.apiKey), body);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code, statusCode: 400 });
    expect(r.body.message).toEqual(expect.any(String));
  });
});

describe('auth', () => {
  it('speaks API keys only: client credentials get 401 INVALID_API_KEY', async () => {
    const sim = await start();
    const r = await call(sim, 'GET', '/v1/jobs', clientHeaders(sim));
    expect([r.status, r.body.code, r.body.statusCode]).toEqual([401, 'INVALID_API_KEY', 401]);
    const bad = await call(sim, 'GET', '/v1/jobs', keyHeaders('api_apikey_wrong'));
    expect(bad.status).toBe(401);
  });

  it('checks permissions: 403 FORBIDDEN', async () => {
    const sim = await start();
    const readOnly = sim.addApiKey({ permissions: ['read'] });
    const noDelete = sim.addApiKey({ permissions: ['read', 'write'] });
    const created = await call(
      sim,
      'POST',
      '/v1/jobs?taskTypeId=1',
      keyHeaders(readOnly),
      input('image/png', 5),
    );
    expect([created.status, created.body.code]).toEqual([403, 'FORBIDDEN']);
    const job = await createJob(sim, 1, 'image/png', 5, noDelete);
    const del = await call(sim, 'DELETE', `/v1/jobs/${job.jobId as string}`, keyHeaders(noDelete));
    expect([del.status, del.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await call(sim, 'GET', `/v1/jobs/${job.jobId as string}`, keyHeaders(readOnly))).status).toBe(
      200,
    );
  });

  it('answers 404 JOB_NOT_FOUND for unknown jobs on every job route', async () => {
    const sim = await start();
    const k = keyHeaders(sim.apiKey);
    for (const [method, path] of [
      ['GET', '/v1/jobs/nope'],
      ['POST', '/v1/jobs/nope/finalize'],
      ['POST', '/v1/jobs/nope/cancel'],
      ['DELETE', '/v1/jobs/nope'],
    ] as const) {
      const r = await call(sim, method, path, k);
      expect([r.status, r.body.code, r.body.statusCode]).toEqual([404, 'JOB_NOT_FOUND', 404]);
    }
  });
});

describe('upload, finalize and processing', () => {
  it('jobsWaitingAtCreate: a new job is waiting_for_finalize before any byte; finalize without them is 400 UPLOAD_INCOMPLETE', async () => {
    const sim = await start({ jobsWaitingAtCreate: true });
    const bytes = fileBytes('real');
    const job = await createJob(sim, 1, 'image/jpeg', bytes.length);
    const id = job.jobId as string;
    const k = keyHeaders(sim.apiKey);
    const before = await call(sim, 'GET', `/v1/jobs/${id}`, k);
    expect(before.body.status).toBe('waiting_for_finalize');
    expect((before.body.inputs as Json[])[0]).toMatchObject({ uploaded: false });

    const early = await call(sim, 'POST', `/v1/jobs/${id}/finalize`, k);
    expect([early.status, early.body.code]).toEqual([400, 'UPLOAD_INCOMPLETE']);
    expect(early.body.message).toMatch(/original/);
    expect(sim.usage().creditsSpent).toBe(0);

    // A PUT cut off mid-body changes nothing.
    sim.faults.resetNextPuts = 1;
    await put(uploadUrlOf(job), bytes, 'image/jpeg').catch(() => undefined);
    expect((await call(sim, 'POST', `/v1/jobs/${id}/finalize`, k)).body.code).toBe('UPLOAD_INCOMPLETE');

    expect((await put(uploadUrlOf(job), bytes, 'image/jpeg')).status).toBe(200);
    const fin = await call(sim, 'POST', `/v1/jobs/${id}/finalize`, k);
    expect([fin.status, fin.body.status]).toEqual([200, 'queued']);
    expect((await waitForJob(sim, id, ['completed', 'failed'])).status).toBe('completed');
    expect(sim.usage().creditsSpent).toBe(1);
  });

  it('runs created -> waiting_for_finalize -> queued -> processing -> completed with a result', async () => {
    const sim = await start({ processingMs: 3000 });
    const bytes = fileBytes('fake');
    const job = await createJob(sim, 1, 'image/jpeg', bytes.length);
    const id = job.jobId as string;
    const k = keyHeaders(sim.apiKey);

    const early = await call(sim, 'POST', `/v1/jobs/${id}/finalize`, k);
    expect([early.status, early.body.code]).toEqual([409, 'JOB_INPUTS_MISSING']);
    expect(early.body.message).toMatch(/original/);

    expect((await put(uploadUrlOf(job), bytes, 'image/jpeg')).status).toBe(200);
    const waiting = await call(sim, 'GET', `/v1/jobs/${id}`, k);
    expect(waiting.body.status).toBe('waiting_for_finalize');
    expect((waiting.body.inputs as Json[])[0]).toMatchObject({ uploaded: true });
    expect((waiting.body.inputs as Json[])[0]).not.toHaveProperty('uploadUrl');

    const fin = await call(sim, 'POST', `/v1/jobs/${id}/finalize`, k);
    expect([fin.status, fin.body.status]).toEqual([200, 'queued']);
    const again = await call(sim, 'POST', `/v1/jobs/${id}/finalize`, k);
    expect([again.status, again.body.code]).toEqual([409, 'JOB_INVALID_STATE']);

    await waitForJob(sim, id, ['processing']);
    const done = await waitForJob(sim, id, ['completed']);
    expect(done.result).toEqual({
      confidence: expect.any(Number) as number,
      isAiGenerated: true,
      analysisDetails: { model: 'ai-image', verdict: 'manipulated', simulated: true },
    });
    const confidence = (done.result as { confidence: number }).confidence;
    expect(confidence).toBeGreaterThan(0.8);
    expect(confidence).toBeLessThanOrEqual(1);
    expect(done.completedAt).toBe(done.updatedAt);
    expect(done).not.toHaveProperty('errorMessage');
  });

  it('gives faceswap results faces and participants', async () => {
    const sim = await start();
    const done = await runJob(sim, 4, 'video/webm', fileBytes('faces=3,fakes=2'));
    expect(done.status).toBe('completed');
    const result = done.result as { isAiGenerated: boolean; analysisDetails: Json };
    expect(result.isAiGenerated).toBe(true);
    expect(result.analysisDetails).toMatchObject({ model: 'faceswap', faces: 3, deepFakes: 2 });
    const participants = result.analysisDetails.participants as {
      id: number;
      fake: boolean;
      confidence: number;
    }[];
    expect(participants.map((p) => p.fake)).toEqual([true, true, false]);
  });

  it('fails a job by marker with an errorMessage', async () => {
    const sim = await start();
    const done = await runJob(sim, 2, 'audio/mpeg', fileBytes('fail'));
    expect(done.status).toBe('failed');
    expect(done.errorMessage).toMatch(/Simulated processing failure/);
    expect(done).not.toHaveProperty('result');
    expect(done.completedAt).toEqual(expect.any(String));
  });

  it('judges the same bytes the same way as the media API', async () => {
    const sim = await start();
    for (const marker of ['real', 'fake']) {
      const done = await runJob(sim, 5, 'image/png', fileBytes(marker));
      expect((done.result as { isAiGenerated: boolean }).isAiGenerated).toBe(marker === 'fake');
    }
  });

  it('checks the PUT like S3 does: signature, content type, size', async () => {
    const sim = await start();
    const job = await createJob(sim, 3, 'video/mp4', 100);
    let r = await put(uploadUrlOf(job), Buffer.alloc(100), 'video/quicktime');
    expect([r.status, s3Code(r.text)]).toEqual([403, 'SignatureDoesNotMatch']);
    r = await put(uploadUrlOf(job), Buffer.alloc(99), 'video/mp4');
    expect([r.status, s3Code(r.text)]).toEqual([403, 'SignatureDoesNotMatch']);
    const tampered = new URL(uploadUrlOf(job));
    tampered.searchParams.set('X-Signature', '1'.repeat(64));
    r = await put(tampered.toString(), Buffer.alloc(100), 'video/mp4');
    expect([r.status, s3Code(r.text)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(sim.requests.at(-1)).toMatchObject({
      route: '/s3/jobs/:id',
      mid: job.jobId,
      code: 'SignatureDoesNotMatch',
    });
    r = await put(uploadUrlOf(job), Buffer.alloc(100), 'video/mp4');
    expect(r.status).toBe(200);
    expect(sim.counts().puts[job.jobId as string]).toBe(4);
  });
});

describe('credits', () => {
  it('are spent at finalize; without balance finalize is refused with 402 and can be retried', async () => {
    const sim = await start({ credits: 1 });
    const k = keyHeaders(sim.apiKey);
    const a = await createJob(sim, 1, 'image/png', 2048);
    const b = await createJob(sim, 1, 'image/png', 2048);
    await put(uploadUrlOf(a), fileBytes('real'), 'image/png');
    await put(uploadUrlOf(b), fileBytes('real'), 'image/png');
    expect(sim.usage()).toMatchObject({ credits: 1, creditsSpent: 0 });

    expect((await call(sim, 'POST', `/v1/jobs/${a.jobId as string}/finalize`, k)).status).toBe(200);
    expect(sim.usage()).toMatchObject({ credits: 0, creditsSpent: 1 });
    const refused = await call(sim, 'POST', `/v1/jobs/${b.jobId as string}/finalize`, k);
    expect([refused.status, refused.body.code, refused.body.statusCode]).toEqual([
      402,
      'INSUFFICIENT_BALANCE',
      402,
    ]);
    expect((await call(sim, 'GET', `/v1/jobs/${b.jobId as string}`, k)).body.status).toBe(
      'waiting_for_finalize',
    );
    const create = await call(sim, 'POST', '/v1/jobs?taskTypeId=1', k, input('image/png', 5));
    expect([create.status, create.body.code]).toEqual([402, 'INSUFFICIENT_BALANCE']);

    sim.setCredits(1);
    expect((await call(sim, 'POST', `/v1/jobs/${b.jobId as string}/finalize`, k)).status).toBe(200);
    expect((await waitForJob(sim, b.jobId as string, ['completed'])).status).toBe('completed');
  });
});

describe('cancel and delete', () => {
  it('cancels a job before it ends, and refuses with 409 JOB_NOT_CANCELLABLE after', async () => {
    const sim = await start({ processingMs: 3_600_000 });
    const k = keyHeaders(sim.apiKey);
    const job = await createJob(sim, 1, 'image/png', 2048);
    const id = job.jobId as string;
    await put(uploadUrlOf(job), fileBytes('real'), 'image/png');
    await call(sim, 'POST', `/v1/jobs/${id}/finalize`, k);
    const c = await call(sim, 'POST', `/v1/jobs/${id}/cancel`, k);
    expect([c.status, c.body.status]).toEqual([200, 'cancelled']);
    const again = await call(sim, 'POST', `/v1/jobs/${id}/cancel`, k);
    expect([again.status, again.body.code, again.body.statusCode]).toEqual([409, 'JOB_NOT_CANCELLABLE', 409]);
    const fin = await call(sim, 'POST', `/v1/jobs/${id}/finalize`, k);
    expect(fin.status).toBe(409);

    sim.faults.processingMs = 0;
    const done = await runJob(sim, 1, 'image/png', fileBytes('real'));
    const late = await call(sim, 'POST', `/v1/jobs/${done.jobId as string}/cancel`, k);
    expect([late.status, late.body.code]).toEqual([409, 'JOB_NOT_CANCELLABLE']);
  });

  it('cancels a job that was never uploaded; a later PUT changes nothing', async () => {
    const sim = await start();
    const job = await createJob(sim, 1, 'image/png', 2048);
    await call(sim, 'POST', `/v1/jobs/${job.jobId as string}/cancel`, keyHeaders(sim.apiKey));
    expect((await put(uploadUrlOf(job), fileBytes('real'), 'image/png')).status).toBe(200);
    const after = await call(sim, 'GET', `/v1/jobs/${job.jobId as string}`, keyHeaders(sim.apiKey));
    expect(after.body.status).toBe('cancelled');
  });

  it('deletes a job with 204; it is gone afterwards', async () => {
    const sim = await start();
    const k = keyHeaders(sim.apiKey);
    const job = await createJob(sim, 6, 'application/pdf', 20);
    const res = await fetch(`${sim.url}/v1/jobs/${job.jobId as string}`, { method: 'DELETE', headers: k });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await call(sim, 'GET', `/v1/jobs/${job.jobId as string}`, k)).status).toBe(404);
    const up = await put(uploadUrlOf(job), Buffer.alloc(20), 'application/pdf');
    expect([up.status, s3Code(up.text)]).toEqual([404, 'NoSuchUpload']);
  });
});

describe('GET /v1/jobs', () => {
  it('pages newest first, filters by status and caps limit at 100', async () => {
    const sim = await start();
    const k = keyHeaders(sim.apiKey);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createJob(sim, 1, 'image/png', 10)).jobId as string);
    await call(sim, 'POST', `/v1/jobs/${ids[1]!}/cancel`, k);

    const page = await call(sim, 'GET', '/v1/jobs?page=2&limit=2', k);
    expect(page.status).toBe(200);
    expect(page.body.pagination).toEqual({ page: 2, limit: 2, total: 5, pages: 3 });
    expect((page.body.data as Json[]).map((j) => j.jobId)).toEqual([ids[2], ids[1]]);
    const item = (page.body.data as Json[])[0]!;
    expect(item).toMatchObject({ taskTypeId: 1, taskTypeSlug: 'ai-image', status: 'created' });
    expect((item.inputs as Json[])[0]).not.toHaveProperty('uploadUrl');

    const cancelled = await call(sim, 'GET', '/v1/jobs?status=cancelled', k);
    expect((cancelled.body.data as Json[]).map((j) => j.jobId)).toEqual([ids[1]]);
    expect(cancelled.body.pagination).toEqual({ page: 1, limit: 20, total: 1, pages: 1 });

    for (const q of ['limit=101', 'limit=0', 'page=0', 'status=done']) {
      const r = await call(sim, 'GET', `/v1/jobs?${q}`, k);
      expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_ERROR']);
    }
    expect((await call(sim, 'GET', '/v1/jobs?limit=100', k)).status).toBe(200);
  });
});

describe('faults on the Jobs API', () => {
  it('injects 5xx with Retry-After, resets uploads and logs job routes', async () => {
    const sim = await start();
    const k = keyHeaders(sim.apiKey);
    sim.faults.serverErrorBurst = 1;
    sim.faults.retryAfterSec = 3;
    const r = await call(sim, 'POST', '/v1/jobs?taskTypeId=1', k, input('image/png', 2048));
    expect([r.status, r.headers.get('retry-after'), r.body.code, r.body.statusCode]).toEqual([
      503,
      '3',
      'SERVICE_UNAVAILABLE',
      503,
    ]);
    const job = await createJob(sim, 1, 'image/png', 2048);
    sim.faults.resetNextPuts = 1;
    await expect(put(uploadUrlOf(job), fileBytes('real'), 'image/png')).rejects.toThrow();
    expect((await call(sim, 'GET', `/v1/jobs/${job.jobId as string}`, k)).body.status).toBe('created');
    expect((await put(uploadUrlOf(job), fileBytes('real'), 'image/png')).status).toBe(200);
    await call(sim, 'POST', `/v1/jobs/${job.jobId as string}/finalize`, k);
    expect(sim.requests.map((e) => `${e.method} ${e.route} ${e.status}`)).toEqual([
      'POST /v1/jobs 503',
      'POST /v1/jobs 201',
      'PUT /s3/jobs/:id 0',
      'GET /v1/jobs/:id 200',
      'PUT /s3/jobs/:id 200',
      'POST /v1/jobs/:id/finalize 200',
    ]);
    expect(sim.counts()).toMatchObject({ query: 1, mutation: 3, put: 2, posts: 2 });
  });
});
