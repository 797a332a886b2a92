import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServiceForGeneration } from '../../../../src/main/core/api/detect-generation';
import { JobsClient } from '../../../../src/main/core/api/jobs-client';
import { JobSchema } from '../../../../src/main/core/api/jobs-schemas';
import {
  JobsDetectionService,
  needsFinalize,
  pagesFor,
  phaseOfJobStatus,
  toJobRecord,
} from '../../../../src/main/core/api/jobs-service';
import { normaliseJobsVerdict } from '../../../../src/main/core/api/verdict';
import type { Clock, CreateInput, RemotePhase } from '../../../../src/main/core/ports';
import type { Verdict } from '../../../../src/shared/domain';
import { json, startRawServer, type RawServer } from './raw-server';

describe('phaseOfJobStatus', () => {
  it.each<[string, RemotePhase]>([
    ['created', 'awaiting-upload'],
    ['waiting_for_finalize', 'awaiting-upload'],
    ['queued', 'pending'],
    ['processing', 'pending'],
    ['something_new', 'pending'],
    ['completed', 'processed'],
    ['COMPLETED', 'processed'],
    ['failed', 'failed'],
    ['cancelled', 'failed'],
    ['canceled', 'failed'],
  ])('%s -> %s', (status, phase) => {
    expect(phaseOfJobStatus(status)).toBe(phase);
  });
});

describe('needsFinalize', () => {
  it.each<[string, boolean]>([
    ['waiting_for_finalize', true],
    ['WAITING_FOR_FINALIZE', true],
    ['created', false],
    ['queued', false],
    ['completed', false],
    ['INITED', false],
  ])('%s -> %s', (status, expected) => {
    expect(needsFinalize({ status, phase: phaseOfJobStatus(status) })).toBe(expected);
  });
});

describe('toJobRecord', () => {
  const parse = (over: Record<string, unknown>) =>
    JobSchema.parse({ jobId: 'j-1', status: 'queued', ...over });

  it.each<[string, Record<string, unknown>, boolean, Partial<ReturnType<typeof toJobRecord>>]>([
    [
      'completed with a result',
      { status: 'completed', result: { confidence: 0.98, isAiGenerated: true, analysisDetails: {} } },
      false,
      {
        phase: 'processed',
        verdict: { label: 'fake', leaning: 'fake', confidence: 0.98 },
        partial: false,
        failure: null,
      },
    ],
    [
      'completed, numbers as strings',
      { status: 'completed', result: { confidence: '0.9', isAiGenerated: 'false' } },
      true,
      {
        phase: 'processed',
        verdict: { label: 'authentic', leaning: 'authentic', confidence: 0.9 },
        partial: false,
      },
    ],
    [
      'completed in a list without its result',
      { status: 'completed' },
      true,
      {
        phase: 'processed',
        partial: true,
        verdict: { label: 'inconclusive', reason: 'The job finished without a result' },
      },
    ],
    [
      'completed with an unreadable result',
      { status: 'completed', result: 'ok' },
      false,
      { phase: 'processed', verdict: { label: 'inconclusive', reason: 'The job finished without a result' } },
    ],
    [
      'queued',
      { status: 'queued' },
      true,
      { phase: 'pending', verdict: null, partial: false, failure: null },
    ],
    [
      'failed with a message',
      { status: 'failed', errorMessage: ' The file is corrupt. ' },
      false,
      { phase: 'failed', failure: 'The file is corrupt.', verdict: null },
    ],
    [
      'failed without a message',
      { status: 'failed' },
      false,
      { phase: 'failed', failure: 'Authenta could not process this file (status failed)' },
    ],
    [
      'cancelled',
      { status: 'cancelled' },
      false,
      { phase: 'failed', failure: 'The job was cancelled before it finished' },
    ],
  ])('%s', (_name, over, fromList, expected) => {
    const raw = { jobId: 'j-1', ...over };
    const record = toJobRecord(parse(over), raw, fromList);
    expect(record).toMatchObject({ remoteId: 'j-1', raw, ...expected });
    if (expected.verdict) expect(record.verdict).toEqual(expected.verdict);
  });
});

describe('normaliseJobsVerdict with face counts (face swap)', () => {
  it.each<[string, unknown, Verdict]>([
    [
      'no face found is inconclusive, never authentic',
      { confidence: 0, isAiGenerated: false, analysisDetails: { faces: 0, deepFakes: 0, participants: [] } },
      { label: 'inconclusive', faces: 0, deepFakes: 0, participants: [], reason: 'No face found' },
    ],
    [
      'one fake face of two',
      {
        confidence: 0.91,
        isAiGenerated: true,
        analysisDetails: {
          faces: 2,
          deepFakes: 1,
          participants: [
            { id: 0, fake: true, confidence: 0.91 },
            { id: 1, fake: false },
          ],
        },
      },
      {
        label: 'fake',
        leaning: 'fake',
        confidence: 0.91,
        faces: 2,
        deepFakes: 1,
        participants: [
          { id: '0', fake: true },
          { id: '1', fake: false },
        ],
      },
    ],
    [
      'a real face',
      { confidence: 0.8, isAiGenerated: false, analysisDetails: { faces: 1, deepFakes: 0 } },
      { label: 'authentic', leaning: 'authentic', confidence: 0.8, faces: 1, deepFakes: 0 },
    ],
    [
      'answer and counts disagree',
      { confidence: 0.95, isAiGenerated: false, analysisDetails: { faces: 1, deepFakes: 1 } },
      { label: 'suspect', faces: 1, deepFakes: 1, reason: "The model's answer and its face counts disagree" },
    ],
    [
      'low confidence',
      { confidence: 0.55, isAiGenerated: true, analysisDetails: { faces: 1, deepFakes: 1 } },
      {
        label: 'suspect',
        leaning: 'fake',
        confidence: 0.55,
        faces: 1,
        deepFakes: 1,
        reason: 'The model leans towards fake, with low confidence',
      },
    ],
    [
      'details without face counts read like an image',
      {
        confidence: 0.97,
        isAiGenerated: true,
        analysisDetails: { model: 'ai-image', verdict: 'manipulated' },
      },
      { label: 'fake', leaning: 'fake', confidence: 0.97 },
    ],
    [
      'unreadable participants are no face counts: read like an image',
      { confidence: 0.97, isAiGenerated: true, analysisDetails: { participants: [{ id: 1 }, null] } },
      { label: 'fake', leaning: 'fake', confidence: 0.97 },
    ],
    [
      'an empty participant list is no face',
      { confidence: 0.9, isAiGenerated: false, analysisDetails: { participants: [] } },
      { label: 'inconclusive', participants: [], reason: 'No face found' },
    ],
  ])('%s', (_name, result, expected) => {
    expect(normaliseJobsVerdict(result)).toEqual(expected);
  });
});

describe('pagesFor', () => {
  it.each([
    [{ limit: 10, offset: 0 }, [{ page: 1, limit: 10, skip: 0, take: 10 }]],
    [{ limit: 100, offset: 200 }, [{ page: 3, limit: 100, skip: 0, take: 100 }]],
    [{ limit: 10, offset: 5 }, [{ page: 1, limit: 15, skip: 5, take: 10 }]],
    [{ limit: 250, offset: 0 }, [{ page: 1, limit: 100, skip: 0, take: 100 }]],
    [
      { limit: 100, offset: 150 },
      [
        { page: 2, limit: 100, skip: 50, take: 50 },
        { page: 3, limit: 100, skip: 0, take: 50 },
      ],
    ],
    [{ limit: 0, offset: 0 }, []],
    [{ limit: -3, offset: 0 }, []],
  ])('%o', (window, expected) => {
    expect(pagesFor(window)).toEqual(expected);
  });

  it('always covers exactly the asked window, in order, with pages of at most 100', () => {
    for (let limit = 1; limit <= 120; limit += 7) {
      for (let offset = 0; offset <= 400; offset += 13) {
        const reads = pagesFor({ limit, offset });
        expect(reads.length).toBeGreaterThanOrEqual(1);
        expect(reads.length).toBeLessThanOrEqual(2);
        const items = reads.flatMap((r) => {
          expect(r.limit).toBeLessThanOrEqual(100);
          expect(r.skip + r.take).toBeLessThanOrEqual(r.limit);
          const first = (r.page - 1) * r.limit + r.skip;
          return Array.from({ length: r.take }, (_, i) => first + i);
        });
        const want = Math.min(limit, 100);
        expect(items).toEqual(Array.from({ length: want }, (_, i) => offset + i));
      }
    }
  });
});

describe('JobsDetectionService over HTTP', () => {
  let server: RawServer;
  let service: JobsDetectionService;
  const clock: Clock = { now: () => 1_000_000, setTimeout: () => ({ dispose: () => undefined }) };
  beforeAll(async () => {
    server = await startRawServer();
    service = new JobsDetectionService(
      new JobsClient({
        baseUrl: server.url,
        credentials: { kind: 'apikey', apiKey: 'api_apikey_unit_xyz1234' },
      }),
      { clock },
    );
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.seen.length = 0;
  });

  const input = (over: Partial<CreateInput> = {}): CreateInput => ({
    name: 'clip.mov',
    contentType: 'video/quicktime',
    size: 2048,
    model: 'DF-1',
    kind: 'video',
    ...over,
  });

  it('creates a job from a media model code and counts the URL expiry from when the request left', async () => {
    server.answer(
      json(201, {
        jobId: 'j-7',
        status: 'created',
        inputs: [{ slotName: 'original', uploadUrl: 'http://127.0.0.1:1/s3/put', expiresIn: 120 }],
      }),
    );
    const created = await service.create(input());
    expect(created).toMatchObject({
      remoteId: 'j-7',
      uploadUrl: 'http://127.0.0.1:1/s3/put',
      expiresAt: 1_120_000,
    });
    expect(server.seen[0]?.url).toBe('/api/v1/jobs?taskTypeId=4');
  });

  it('assumes an hour when the answer gives no expiry', async () => {
    server.answer(
      json(201, { jobId: 'j-8', status: 'created', inputs: [{ uploadUrl: 'http://127.0.0.1:1/x' }] }),
    );
    expect((await service.create(input({ model: '3' }))).expiresAt).toBe(1_000_000 + 3_600_000);
  });

  it.each<[string, Partial<CreateInput>, string, string]>([
    ['an unknown model', { model: 'FI-1' }, 'INVALID_TASK_TYPE', 'invalid'],
    ['a task type this app does not offer', { model: '7' }, 'INVALID_TASK_TYPE', 'invalid'],
    ['a file the task type does not take', { model: 'AC-1' }, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported'],
    [
      'WebM for AI-generated video',
      { model: '3', contentType: 'video/webm' },
      'UNSUPPORTED_MEDIA_TYPE',
      'unsupported',
    ],
  ])('refuses %s before any call', async (_name, over, code, kind) => {
    const e = await service.create(input(over)).catch((err: unknown) => err);
    expect(e).toMatchObject({ code, kind, status: null });
    expect((e as Error).message).not.toBe('');
    expect(server.seen).toHaveLength(0);
  });

  it('finalize answered 409 for a job already past finalize is success (one extra read)', async () => {
    server.answer(
      json(409, { code: 'JOB_INVALID_STATE', statusCode: 409, message: 'The job is processing' }),
      json(200, { jobId: 'j-1', status: 'processing' }),
    );
    await expect(service.finalize('j-1')).resolves.toBeUndefined();
    expect(server.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/v1/jobs/j-1/finalize',
      'GET /api/v1/jobs/j-1',
    ]);
  });

  it('finalize answered 409 for a cancelled job fails', async () => {
    server.answer(
      json(409, { code: 'JOB_INVALID_STATE', statusCode: 409, message: 'The job is cancelled' }),
      json(200, { jobId: 'j-1', status: 'cancelled' }),
    );
    await expect(service.finalize('j-1')).rejects.toMatchObject({ code: 'JOB_INVALID_STATE', status: 409 });
  });

  it('finalize before the upload fails at once, without a read', async () => {
    server.answer(json(409, { code: 'JOB_INPUTS_MISSING', statusCode: 409, message: 'Upload first' }));
    await expect(service.finalize('j-1')).rejects.toMatchObject({
      code: 'JOB_INPUTS_MISSING',
      kind: 'invalid',
    });
    expect(server.seen).toHaveLength(1);
  });

  it('list reads one page when a page size fits the window, and keeps the raw items', async () => {
    const items = Array.from({ length: 15 }, (_, i) => ({ jobId: `j-${i}`, status: 'queued', extra: i }));
    server.answer(json(200, { data: items, pagination: { page: 1, limit: 15, total: 40, pages: 3 } }));
    const page = await service.list({ limit: 10, offset: 5 });
    expect(server.seen.map((s) => s.url)).toEqual(['/api/v1/jobs?page=1&limit=15']);
    expect(page.total).toBe(40);
    expect(page.records.map((r) => r.remoteId)).toEqual(items.slice(5).map((j) => j.jobId));
    expect(page.records[0]?.raw).toEqual(items[5]);
  });

  it('list reads two pages when no single page fits, and stops at the end of the list', async () => {
    const mk = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ jobId: `j-${from + i}`, status: 'completed' }));
    server.answer(
      json(200, { data: mk(100, 100), pagination: { page: 2, limit: 100, total: 220, pages: 3 } }),
      json(200, { data: mk(200, 20), pagination: { page: 3, limit: 100, total: 220, pages: 3 } }),
    );
    const page = await service.list({ limit: 100, offset: 150 });
    expect(server.seen.map((s) => s.url)).toEqual([
      '/api/v1/jobs?page=2&limit=100',
      '/api/v1/jobs?page=3&limit=100',
    ]);
    expect(page.records.map((r) => r.remoteId)).toEqual(Array.from({ length: 70 }, (_, i) => `j-${150 + i}`));
    // Listed without `result`: partial, the full job holds the verdict.
    expect(page.records.every((r) => r.partial)).toBe(true);
  });

  it('listByStatus passes the status and reports where the page stands', async () => {
    server.answer(json(200, { data: [{ jobId: 'a', status: 'failed' }], pagination: { total: 7 } }));
    const page = await service.listByStatus('failed', { page: 2, limit: 3 });
    expect(server.seen[0]?.url).toBe('/api/v1/jobs?page=2&limit=3&status=failed');
    expect(page).toMatchObject({ total: 7, page: 2, pages: 3 });
    expect(page.records[0]).toMatchObject({ remoteId: 'a', phase: 'failed' });
  });
});

describe('createServiceForGeneration', () => {
  const options = (kind: 'client' | 'apikey') => ({
    baseUrl: 'https://platform.authenta.ai/api',
    credentials:
      kind === 'client'
        ? { kind: 'client' as const, clientId: 'a', clientSecret: 'b' }
        : { kind: 'apikey' as const, apiKey: 'k' },
  });

  it.each([
    ['jobs-v1', 'apikey', 'jobs-v1', true],
    ['media-apikey', 'apikey', 'media-apikey', false],
    ['media-client', 'client', 'media-client', false],
  ] as const)('%s with %s credentials -> %s', (generation, kind, expected, jobsOnly) => {
    const service = createServiceForGeneration(generation, options(kind));
    expect(service.generation).toBe(expected);
    expect(typeof service.finalize === 'function').toBe(jobsOnly);
    expect(typeof service.cancel === 'function').toBe(jobsOnly);
  });

  it('a jobs-v1 profile with client credentials fails every call with API_KEY_REQUIRED', async () => {
    const service = createServiceForGeneration('jobs-v1', options('client'));
    await expect(service.get('x')).rejects.toMatchObject({ code: 'API_KEY_REQUIRED', kind: 'auth' });
  });
});
