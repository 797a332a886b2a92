import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDetectionService,
  mediaKindOfRecord,
  phaseOfMediaStatus,
  toRemoteRecord,
} from '../../../../src/main/core/api/media-service';
import { MediaRecordSchema } from '../../../../src/main/core/api/schemas';
import type { Clock } from '../../../../src/main/core/ports';
import { json, startRawServer, type RawServer } from './raw-server';

describe('phaseOfMediaStatus', () => {
  it.each([
    ['INITED', 'awaiting-upload'],
    ['UPLOADED', 'pending'],
    ['PROCESSING', 'pending'],
    ['QUEUED_SOMEWHERE_NEW', 'pending'],
    ['PROCESSED', 'processed'],
    ['processed', 'processed'],
    ['FAILED', 'failed'],
    ['ERROR', 'failed'],
  ])('%s -> %s', (status, phase) => {
    expect(phaseOfMediaStatus(status)).toBe(phase);
  });
});

describe('mediaKindOfRecord', () => {
  it.each([
    [{ type: 'Video' }, 'video'],
    [{ type: 'Image' }, 'image'],
    [{ type: null, modelType: 'DF-1' }, 'video'],
    [{ modelType: 'AC-1' }, 'image'],
    [{ modelType: 'FD-1' }, 'image'],
    [{ faces: 2 }, 'video'],
    [{}, 'image'],
  ])('%o -> %s', (record, kind) => {
    expect(mediaKindOfRecord(record)).toBe(kind);
  });
});

describe('toRemoteRecord', () => {
  const rec = (r: unknown) => MediaRecordSchema.parse(r);
  it.each([
    [
      'processed image from GET',
      { mid: 'a', type: 'Image', status: 'PROCESSED', fake: true, confidence: 91 },
      false,
      {
        remoteId: 'a',
        phase: 'processed',
        partial: false,
        verdict: { label: 'fake', confidence: 0.91 },
        failure: null,
      },
    ],
    [
      'processed image from the list, with its verdict',
      { mid: 'a', type: 'Image', status: 'PROCESSED', fake: false, confidence: 0.9 },
      true,
      { phase: 'processed', partial: false, verdict: { label: 'authentic', confidence: 0.9 } },
    ],
    [
      'processed image from the list, without its verdict',
      { mid: 'a', type: 'Image', status: 'PROCESSED' },
      true,
      { phase: 'processed', partial: true },
    ],
    [
      'processed video from the list is partial',
      { mid: 'v', type: 'Video', status: 'PROCESSED', faces: 2, deepFakes: 1 },
      true,
      { phase: 'processed', partial: true, verdict: { label: 'fake', faces: 2, deepFakes: 1 } },
    ],
    [
      'processed video from GET is complete',
      { mid: 'v', type: 'Video', status: 'PROCESSED', faces: 0, deepFakes: 0, participants: [] },
      false,
      {
        partial: false,
        verdict: { label: 'inconclusive', faces: 0, deepFakes: 0, participants: [], reason: 'No face found' },
      },
    ],
    [
      'INITED',
      { mid: 'i', type: 'Image', status: 'INITED' },
      false,
      { phase: 'awaiting-upload', verdict: null },
    ],
    ['UPLOADED', { mid: 'u', type: 'Video', status: 'UPLOADED' }, false, { phase: 'pending', verdict: null }],
    [
      'FAILED with a reason',
      { mid: 'f', type: 'Image', status: 'FAILED', errorMessage: 'corrupt file' },
      false,
      { phase: 'failed', failure: 'corrupt file', verdict: null },
    ],
    [
      'ERROR without a reason',
      { mid: 'e', type: 'Image', status: 'ERROR' },
      false,
      { phase: 'failed', failure: 'Authenta could not process this file (status ERROR)' },
    ],
  ])('%s', (_name, record, fromList, expected) => {
    expect(toRemoteRecord(rec(record), record, fromList)).toMatchObject({ ...expected, raw: record });
  });
});

describe('MediaDetectionService over HTTP', () => {
  let server: RawServer;
  beforeAll(async () => {
    server = await startRawServer();
  });
  afterAll(() => server.close());

  const clock: Clock = { now: () => 1_000_000, setTimeout: () => ({ dispose: () => undefined }) };

  it('names its generation after the credentials', () => {
    expect(
      createDetectionService({
        baseUrl: server.url,
        credentials: { kind: 'client', clientId: 'a', clientSecret: 'b' },
      }).generation,
    ).toBe('media-client');
    expect(
      createDetectionService({ baseUrl: server.url, credentials: { kind: 'apikey', apiKey: 'k' } })
        .generation,
    ).toBe('media-apikey');
  });

  it('create sends the model as modelType and turns expiresIn into expiresAt', async () => {
    const service = createDetectionService({
      baseUrl: server.url,
      credentials: { kind: 'apikey', apiKey: 'k' },
      clock,
    });
    const answer = {
      mid: 'm1',
      status: 'INITED',
      uploadUrl: 'http://127.0.0.1:1/u',
      expiresIn: 600,
      extra: 1,
    };
    server.answer(json(201, answer));
    const created = await service.create({
      name: 'a.jpg',
      contentType: 'image/jpeg',
      size: 10,
      model: 'AC-1',
      kind: 'image',
    });
    expect(created).toEqual({
      remoteId: 'm1',
      uploadUrl: 'http://127.0.0.1:1/u',
      expiresAt: 1_000_000 + 600_000,
      raw: answer,
    });
    expect(server.seen.at(-1)?.method).toBe('POST');
  });

  it('create without expiresIn assumes 15 minutes', async () => {
    const service = createDetectionService({
      baseUrl: server.url,
      credentials: { kind: 'apikey', apiKey: 'k' },
      clock,
    });
    server.answer(json(201, { mid: 'm1', uploadUrl: 'http://127.0.0.1:1/u' }));
    const created = await service.create({
      name: 'a.jpg',
      contentType: 'image/jpeg',
      size: 10,
      model: 'AC-1',
      kind: 'image',
    });
    expect(created.expiresAt).toBe(1_000_000 + 900_000);
  });

  it('list keeps the raw item beside each record and the total', async () => {
    const service = createDetectionService({
      baseUrl: server.url,
      credentials: { kind: 'apikey', apiKey: 'k' },
    });
    const items = [
      { mid: 'v', type: 'Video', status: 'PROCESSED', faces: 1, deepFakes: 0, newThing: 'x' },
      { mid: 'i', type: 'Image', status: 'UPLOADED' },
    ];
    server.answer(json(200, { limit: 2, offset: 0, total: 7, data: items }));
    const page = await service.list({ limit: 2, offset: 0 });
    expect(page.total).toBe(7);
    expect(page.records.map((r) => [r.remoteId, r.phase, r.partial, r.verdict?.label ?? null])).toEqual([
      ['v', 'processed', true, 'authentic'],
      ['i', 'pending', false, null],
    ]);
    expect(page.records[0]!.raw).toEqual(items[0]);
  });
});
