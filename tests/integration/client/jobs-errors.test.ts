/**
 * Every way a Jobs API call fails, against the real simulator: each documented error code mapped
 * onto its kind with advice, expired and mismatched uploads, injected 5xx, timeouts and resets,
 * and client credentials refused before anything is sent.
 */
import * as fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCall } from '../../../src/main/core/api/authenta-client';
import { AuthentaError } from '../../../src/main/core/api/errors';
import { JobsClient } from '../../../src/main/core/api/jobs-client';
import { JobsDetectionService } from '../../../src/main/core/api/jobs-service';
import { retryDecision, DEFAULT_RETRY_POLICY } from '../../../src/main/core/api/retry-policy';
import type { Credentials } from '../../../src/main/core/ports';
import { startSimulator, type Simulator } from '../../../src/main/sim/index';
import { mediaFile, tempDir } from './helpers';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ processingMs: 30 });
  dir = tempDir('jobs-errors');
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  Object.assign(sim.faults, {
    serverErrorBurst: 0,
    retryAfterSec: null,
    latencyMs: 0,
    urlExpirySec: null,
    resetNextPuts: 0,
  });
  sim.setCredits(null);
});

const client = (apiKey = sim.apiKey, extra: { fetchTimeoutMs?: number; calls?: ApiCall[] } = {}) =>
  new JobsClient({
    baseUrl: sim.url,
    credentials: { kind: 'apikey', apiKey },
    fetchTimeoutMs: extra.fetchTimeoutMs,
    onCall: extra.calls ? (c) => extra.calls!.push(c) : undefined,
  });
const png = { contentType: 'image/png', fileName: 'p.png', sizeBytes: 2048 };

async function failure(p: Promise<unknown>): Promise<AuthentaError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AuthentaError);
  return e as AuthentaError;
}

describe('documented error codes', () => {
  it('400 INVALID_TASK_TYPE for an undocumented or unsimulated task type is invalid', async () => {
    for (const id of [0, 7, 11, 99]) {
      const e = await failure(client().createJob(id, png));
      expect(e).toMatchObject({ code: 'INVALID_TASK_TYPE', kind: 'invalid', status: 400 });
      expect(e.action).toMatch(/task types offered/);
    }
  });

  it('400 UNSUPPORTED_MEDIA_TYPE is unsupported, with the formats the task type takes', async () => {
    const e = await failure(client().createJob(1, { ...png, contentType: 'video/mp4' }));
    expect(e).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', kind: 'unsupported', status: 400 });
    expect(e.message).toMatch(/image\/jpeg, image\/png; got video\/mp4/);
    expect(e.action).toBe(
      'AI-generated image (task 1) takes JPEG or PNG: convert the file or choose another task type for this folder.',
    );
  });

  it('401 INVALID_API_KEY is auth, on every route', async () => {
    const c = client('api_apikey_not_a_real_key_123');
    for (const p of [
      c.createJob(1, png),
      c.getJob('x'),
      c.listJobs({ page: 1, limit: 1 }),
      c.finalize('x'),
      c.cancel('x'),
      c.deleteJob('x'),
    ]) {
      expect(await failure(p)).toMatchObject({ code: 'INVALID_API_KEY', kind: 'auth', status: 401 });
    }
  });

  it('402 INSUFFICIENT_BALANCE is credits, at create when none is left', async () => {
    sim.setCredits(0);
    const e = await failure(client().createJob(1, png));
    expect(e).toMatchObject({ code: 'INSUFFICIENT_BALANCE', kind: 'credits', status: 402 });
    expect(e.message).toMatch(/not enough credits/);
  });

  it('403 FORBIDDEN is permission: a read-only key cannot create, a key without delete cannot delete', async () => {
    const readOnly = sim.addApiKey({ permissions: ['read'] });
    expect(await failure(client(readOnly).createJob(1, png))).toMatchObject({
      code: 'FORBIDDEN',
      kind: 'permission',
      status: 403,
    });
    const noDelete = sim.addApiKey({ permissions: ['read', 'write'] });
    const job = await client(noDelete).createJob(1, png);
    const e = await failure(client(noDelete).deleteJob(job.data.jobId));
    expect(e).toMatchObject({ code: 'FORBIDDEN', kind: 'permission', status: 403, mid: job.data.jobId });
    const writeOnly = sim.addApiKey({ permissions: ['write'] });
    expect(await failure(client(writeOnly).getJob(job.data.jobId))).toMatchObject({ kind: 'permission' });
  });

  it('404 JOB_NOT_FOUND is not-found on every route that names a job', async () => {
    const c = client();
    for (const p of [
      c.getJob('no-such-job'),
      c.finalize('no-such-job'),
      c.cancel('no-such-job'),
      c.deleteJob('no-such-job'),
    ]) {
      expect(await failure(p)).toMatchObject({
        code: 'JOB_NOT_FOUND',
        kind: 'not-found',
        status: 404,
        mid: 'no-such-job',
      });
    }
  });

  it('409 on cancel of a finished job and on finalize before upload are invalid, with advice', async () => {
    const c = client();
    const job = await c.createJob(1, png);
    await c.cancel(job.data.jobId);
    const again = await failure(c.cancel(job.data.jobId));
    expect(again).toMatchObject({ code: 'JOB_NOT_CANCELLABLE', kind: 'invalid', status: 409 });
    expect(again.action).toMatch(/Nothing to cancel/);
    const fresh = await c.createJob(1, png);
    expect(await failure(c.finalize(fresh.data.jobId))).toMatchObject({
      code: 'JOB_INPUTS_MISSING',
      kind: 'invalid',
      status: 409,
    });
  });

  it('a bad list query the server refuses is invalid', async () => {
    expect(
      await failure(client().listJobs({ page: 1, limit: 1, status: 'nope' as unknown as 'queued' })),
    ).toMatchObject({ kind: 'invalid', status: 400 });
  });
});

describe('uploads', () => {
  it('an expired upload URL is expired-url; a new job and URL then succeed', async () => {
    const svc = new JobsDetectionService(client());
    const size = 4096;
    const file = mediaFile(dir, 'late.png', 'real', size);
    sim.faults.urlExpirySec = 0;
    const late = await svc.create({
      name: 'late.png',
      contentType: 'image/png',
      size,
      model: '1',
      kind: 'image',
    });
    sim.faults.urlExpirySec = null;
    const e = await failure(svc.upload(late, { path: file, contentType: 'image/png', size }));
    expect(e).toMatchObject({ code: 'AccessDenied', kind: 'expired-url', status: 403, mid: late.remoteId });
    expect(e.message).toMatch(/expired/);
    const fresh = await svc.create({
      name: 'late.png',
      contentType: 'image/png',
      size,
      model: '1',
      kind: 'image',
    });
    await svc.upload(fresh, { path: file, contentType: 'image/png', size });
    await svc.finalize(fresh.remoteId);
  });

  it('an upload with another content type than declared is refused as invalid (signature)', async () => {
    const svc = new JobsDetectionService(client());
    const size = 2048;
    const file = mediaFile(dir, 'typed.png', 'real', size);
    const created = await svc.create({
      name: 'typed.png',
      contentType: 'image/png',
      size,
      model: '1',
      kind: 'image',
    });
    const e = await failure(svc.upload(created, { path: file, contentType: 'image/jpeg', size }));
    expect(e).toMatchObject({ code: 'SignatureDoesNotMatch', kind: 'invalid', status: 403 });
    expect((await svc.get(created.remoteId)).status).toBe('created');
  });

  it('a connection cut mid-upload is transient, and the same URL works on the next try', async () => {
    const svc = new JobsDetectionService(client());
    const size = 512 * 1024;
    const file = mediaFile(dir, 'cut.mp4', 'real', size);
    const created = await svc.create({
      name: 'cut.mp4',
      contentType: 'video/mp4',
      size,
      model: '4',
      kind: 'video',
    });
    sim.faults.resetNextPuts = 1;
    const e = await failure(svc.upload(created, { path: file, contentType: 'video/mp4', size }));
    expect(e.kind).toBe('transient');
    await svc.upload(created, { path: file, contentType: 'video/mp4', size });
    expect((await svc.get(created.remoteId)).status).toBe('waiting_for_finalize');
  });
});

describe('transient failures', () => {
  it('an injected 500 is transient and retryable; a 503 carries its Retry-After', async () => {
    sim.faults.serverErrorBurst = 1;
    const e500 = await failure(client().listJobs({ page: 1, limit: 1 }));
    expect(e500).toMatchObject({ code: 'INTERNAL_ERROR', kind: 'transient', status: 500 });
    expect(retryDecision(e500, 1, DEFAULT_RETRY_POLICY, () => 0.5).retry).toBe(true);
    sim.faults.serverErrorBurst = 1;
    sim.faults.retryAfterSec = 3;
    const e503 = await failure(client().getJob('x'));
    expect(e503).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      kind: 'transient',
      status: 503,
      retryAfterMs: 3000,
    });
    // The burst is used up: the next call goes through.
    await expect(client().listJobs({ page: 1, limit: 1 })).resolves.toMatchObject({ status: 200 });
  });

  it('a server slower than the timeout gives TIMEOUT (transient)', async () => {
    sim.faults.latencyMs = 2_000;
    const calls: ApiCall[] = [];
    const e = await failure(
      client(sim.apiKey, { fetchTimeoutMs: 200, calls }).listJobs({ page: 1, limit: 1 }),
    );
    expect(e).toMatchObject({ code: 'TIMEOUT', kind: 'transient', status: null });
    expect(calls).toEqual([expect.objectContaining({ route: '/v1/jobs', status: null, code: 'TIMEOUT' })]);
  });
});

it('client credentials are refused before any request reaches the server', async () => {
  const before = sim.requests.length;
  const credentials: Credentials = { kind: 'client', ...sim.credentials };
  const c = new JobsClient({ baseUrl: sim.url, credentials });
  const e = await failure(c.createJob(1, png));
  expect(e).toMatchObject({ code: 'API_KEY_REQUIRED', kind: 'auth' });
  expect(e.action).toMatch(/Enter an API key/);
  expect(sim.requests.length).toBe(before);
});
