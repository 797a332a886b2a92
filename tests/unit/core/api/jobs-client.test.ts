import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiCall } from '../../../../src/main/core/api/authenta-client';
import { AuthentaError } from '../../../../src/main/core/api/errors';
import { JobsClient, refineJobsError, type JobsOperation } from '../../../../src/main/core/api/jobs-client';
import { json, startRawServer, type RawServer } from './raw-server';

let server: RawServer;
beforeAll(async () => {
  server = await startRawServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.seen.length = 0;
  server.fallback = json(200, {});
});

const KEY = 'api_apikey_unit_0123456789abcdef';
const job = (over: Record<string, unknown> = {}) => ({
  jobId: 'j-1',
  taskTypeId: 1,
  taskTypeSlug: 'ai-image',
  status: 'created',
  createdAt: '2025-01-01T00:00:00Z',
  updatedAt: '2025-01-01T00:00:00Z',
  inputs: [{ slotName: 'original', uploadUrl: 'http://127.0.0.1:1/put', expiresIn: 3600 }],
  ...over,
});

function client(calls: ApiCall[] = [], baseUrl = server.url): JobsClient {
  return new JobsClient({
    baseUrl,
    credentials: { kind: 'apikey', apiKey: KEY },
    onCall: (c) => calls.push(c),
  });
}

describe('requests', () => {
  it('creates a job with one input in slot original, signed with the Bearer key only', async () => {
    server.answer(json(201, job()));
    const calls: ApiCall[] = [];
    const answer = await client(calls).createJob(5, {
      contentType: 'image/png',
      fileName: 'scan.png',
      sizeBytes: 1234,
    });
    expect(answer.status).toBe(201);
    expect(answer.data.inputs[0]?.uploadUrl).toBe('http://127.0.0.1:1/put');
    const seen = server.seen[0]!;
    expect(seen).toMatchObject({ method: 'POST', url: '/api/v1/jobs?taskTypeId=5' });
    expect(seen.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(seen.headers['x-client-id']).toBeUndefined();
    expect(seen.headers['x-client-secret']).toBeUndefined();
    expect(calls).toEqual([
      expect.objectContaining({
        kind: 'mutation',
        method: 'POST',
        route: '/v1/jobs',
        status: 201,
        code: null,
      }),
    ]);
  });

  it('sends every route to its path and reports each call with its route template and job id', async () => {
    const calls: ApiCall[] = [];
    const c = client(calls);
    server.answer(
      json(200, job({ status: 'queued' })),
      json(200, job({ status: 'processing' })),
      json(200, { data: [job()], pagination: { page: 2, limit: 10, total: 11, pages: 2 } }),
      json(200, job({ status: 'cancelled' })),
      { status: 204 },
    );
    await c.finalize('j 1');
    await c.getJob('j 1');
    await c.listJobs({ page: 2, limit: 10, status: 'completed' });
    await c.cancel('j 1');
    await c.deleteJob('j 1');
    expect(server.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/v1/jobs/j%201/finalize',
      'GET /api/v1/jobs/j%201',
      'GET /api/v1/jobs?page=2&limit=10&status=completed',
      'POST /api/v1/jobs/j%201/cancel',
      'DELETE /api/v1/jobs/j%201',
    ]);
    expect(calls.map((c) => [c.kind, c.route, c.mid])).toEqual([
      ['mutation', '/v1/jobs/:id/finalize', 'j 1'],
      ['query', '/v1/jobs/:id', 'j 1'],
      ['query', '/v1/jobs', null],
      ['mutation', '/v1/jobs/:id/cancel', 'j 1'],
      ['mutation', '/v1/jobs/:id', 'j 1'],
    ]);
  });

  it('finalize and cancel read the job when the answer is one, and accept an empty answer', async () => {
    server.answer(json(200, job({ status: 'queued' })), { status: 204 }, json(200, { ok: true }));
    const c = client();
    expect((await c.finalize('j-1')).data?.status).toBe('queued');
    expect((await c.finalize('j-1')).data).toBeNull();
    const odd = await c.cancel('j-1');
    expect(odd.data).toBeNull();
    expect(odd.raw).toEqual({ ok: true });
  });

  it('keeps the /api form of the base URL when a jobs route was pasted', async () => {
    const c = client([], `${server.origin}/api/v1/jobs`);
    expect(c.baseUrl).toBe(`${server.origin}/api`);
    server.answer(json(200, { data: [], pagination: { total: 0 } }));
    await c.listJobs({ page: 1, limit: 1 });
    expect(server.seen[0]?.url).toBe('/api/v1/jobs?page=1&limit=1');
  });
});

describe('refused before anything is sent', () => {
  it('client credentials: every call fails with API_KEY_REQUIRED (auth)', async () => {
    const calls: ApiCall[] = [];
    const c = new JobsClient({
      baseUrl: server.url,
      credentials: { kind: 'client', clientId: 'id', clientSecret: 'client-secret-value' },
      onCall: (x) => calls.push(x),
    });
    const attempts: Promise<unknown>[] = [
      c.createJob(1, { contentType: 'image/png', fileName: 'a.png', sizeBytes: 1 }),
      c.finalize('j'),
      c.getJob('j'),
      c.listJobs({ page: 1, limit: 1 }),
      c.cancel('j'),
      c.deleteJob('j'),
    ];
    for (const attempt of attempts) {
      const e = await attempt.then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(AuthentaError);
      expect(e).toMatchObject({ code: 'API_KEY_REQUIRED', kind: 'auth' });
      expect((e as AuthentaError).action).toMatch(/API key/);
    }
    expect(server.seen).toHaveLength(0);
    expect(calls).toHaveLength(0);
  });

  it.each([
    [{ page: 0, limit: 10 }, /whole numbers from 1/],
    [{ page: 1, limit: 0 }, /whole numbers from 1/],
    [{ page: 1.5, limit: 10 }, /whole numbers from 1/],
    [{ page: 1, limit: 101 }, /maximum of 100/],
  ])('a list query %o fails as invalid', async (query, message) => {
    await expect(client().listJobs(query)).rejects.toMatchObject({
      code: 'BAD_QUERY',
      kind: 'invalid',
      message: expect.stringMatching(message) as string,
    });
    expect(server.seen).toHaveLength(0);
  });

  it('accepts the largest page, 100', async () => {
    server.answer(json(200, { data: [], pagination: { page: 1, limit: 100, total: 0, pages: 0 } }));
    await expect(client().listJobs({ page: 1, limit: 100 })).resolves.toMatchObject({ status: 200 });
  });
});

describe('errors', () => {
  it.each<[string, number, string, string, string]>([
    ['INVALID_TASK_TYPE', 400, 'invalid', 'create', 'task types offered'],
    ['UNSUPPORTED_MEDIA_TYPE', 400, 'unsupported', 'create', 'takes JPEG or PNG'],
    ['INVALID_API_KEY', 401, 'auth', 'get', 'API key'],
    ['INSUFFICIENT_BALANCE', 402, 'credits', 'finalize', 'credits'],
    ['FORBIDDEN', 403, 'permission', 'delete', 'permission'],
    ['JOB_NOT_FOUND', 404, 'not-found', 'get', 'no longer exists'],
    ['JOB_NOT_CANCELLABLE', 409, 'invalid', 'cancel', 'Nothing to cancel'],
    ['SOMETHING_NEW', 422, 'invalid', 'cancel', 'Nothing to cancel'],
    ['JOB_INPUTS_MISSING', 409, 'invalid', 'finalize', 'uploaded again'],
    ['INTERNAL_ERROR', 500, 'transient', 'list', 'retried automatically'],
    ['SERVICE_UNAVAILABLE', 503, 'transient', 'get', 'retried automatically'],
  ])('%s (%i) is %s', async (code, status, kind, op, advice) => {
    server.answer(json(status, { code, statusCode: status, message: `the server said ${code}` }));
    const c = client();
    const run: Record<string, () => Promise<unknown>> = {
      create: () => c.createJob(1, { contentType: 'image/png', fileName: 'a.png', sizeBytes: 1 }),
      finalize: () => c.finalize('j-9'),
      get: () => c.getJob('j-9'),
      list: () => c.listJobs({ page: 1, limit: 5 }),
      cancel: () => c.cancel('j-9'),
      delete: () => c.deleteJob('j-9'),
    };
    const e = (await run[op]!().catch((err: unknown) => err)) as AuthentaError;
    expect(e).toBeInstanceOf(AuthentaError);
    expect(e).toMatchObject({ code, kind, status });
    expect(e.action).toContain(advice);
    if (op !== 'create' && op !== 'list') expect(e.mid).toBe('j-9');
  });

  it('an answer without an upload URL is a bad response, not a crash', async () => {
    server.answer(json(201, job({ inputs: [{ slotName: 'original' }] })));
    await expect(
      client().createJob(1, { contentType: 'image/png', fileName: 'a.png', sizeBytes: 1 }),
    ).rejects.toMatchObject({ code: 'BAD_RESPONSE', kind: 'invalid' });
  });
});

describe('refineJobsError', () => {
  const err = (code: string, status: number | null, kind: AuthentaError['kind'] = 'invalid') =>
    new AuthentaError({ code, kind, status, message: `${code} happened`, mid: 'j-1', retryAfterMs: 5 });

  it.each<[string, number | null, JobsOperation, string | null]>([
    ['JOB_NOT_CANCELLABLE', 409, 'cancel', 'Nothing to cancel: read the job to see how it ended.'],
    ['X', 422, 'cancel', 'Nothing to cancel: read the job to see how it ended.'],
    [
      'JOB_INPUTS_MISSING',
      409,
      'finalize',
      'Retry the file: it will be uploaded again before processing starts.',
    ],
    ['JOB_INVALID_STATE', 409, 'finalize', 'Read the job: it was most likely finalized already.'],
    [
      'INVALID_TASK_TYPE',
      400,
      'create',
      'Choose one of the task types offered for this kind of file in the folder settings.',
    ],
    ['JOB_NOT_FOUND', 404, 'cancel', null],
    ['X', 409, 'get', null],
    ['INSUFFICIENT_BALANCE', 402, 'finalize', null],
  ])('%s %s on %s', (code, status, op, action) => {
    const original = err(code, status);
    const refined = refineJobsError(original, op);
    if (action === null) {
      expect(refined).toBe(original);
      return;
    }
    expect(refined).toMatchObject({ code, status, kind: 'invalid', mid: 'j-1', retryAfterMs: 5, action });
    expect(refined.cause).toBe(original);
  });

  it('names the formats of the task type a file did not fit', () => {
    const e = refineJobsError(err('UNSUPPORTED_MEDIA_TYPE', 400, 'unsupported'), 'create', { taskTypeId: 4 });
    expect(e.action).toBe(
      'Face swap (task 4) takes MP4, MOV or WebM: convert the file or choose another task type for this folder.',
    );
    expect(refineJobsError(err('UNSUPPORTED_MEDIA_TYPE', 400, 'unsupported'), 'create').action).toBe(
      'Convert the file or choose another task type for this folder.',
    );
  });
});
