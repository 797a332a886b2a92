import { describe, expect, it } from 'vitest';
import {
  ApiErrorBodySchema,
  ApiKeyErrorBodySchema,
  ClientErrorBodySchema,
  CreateMediaAnswerSchema,
  MediaListAnswerSchema,
  MediaRecordSchema,
} from '../../../../src/main/core/api/schemas';

describe('answer schemas', () => {
  it('keep fields they do not know', () => {
    const parsed = MediaRecordSchema.parse({
      mid: 'm',
      status: 'PROCESSED',
      fake: true,
      confidence: 0.9,
      heatmapV2: { a: 1 },
    });
    expect(parsed).toMatchObject({ heatmapV2: { a: 1 } });
  });

  it('read numbers and booleans sent as strings', () => {
    expect(
      MediaRecordSchema.parse({
        mid: 'm',
        status: 'PROCESSED',
        fake: 'false',
        confidence: '87.5',
        faces: '2',
      }),
    ).toMatchObject({
      fake: false,
      confidence: 87.5,
      faces: 2,
    });
  });

  it('accept nulls where the vendor leaves fields empty', () => {
    expect(
      MediaRecordSchema.safeParse({
        mid: 'm',
        status: 'UPLOADED',
        faces: null,
        participants: null,
        resultURL: null,
      }).success,
    ).toBe(true);
  });

  it('turn numeric participant ids into strings', () => {
    const r = MediaRecordSchema.parse({
      mid: 'm',
      status: 'PROCESSED',
      participants: [{ id: 0, fake: true, heatmap: 'u' }],
    });
    expect(r.participants).toEqual([{ id: '0', fake: true, heatmap: 'u' }]);
  });

  it.each([
    ['a record without mid', MediaRecordSchema, { status: 'INITED' }],
    ['a record without status', MediaRecordSchema, { mid: 'm' }],
    ['a create answer without uploadUrl', CreateMediaAnswerSchema, { mid: 'm', status: 'INITED' }],
    ['a list without data', MediaListAnswerSchema, { limit: 1, offset: 0, total: 0 }],
    ['a list without total', MediaListAnswerSchema, { data: [] }],
  ])('refuse %s', (_name, schema, value) => {
    expect(schema.safeParse(value).success).toBe(false);
  });

  it('the vendor example list parses', () => {
    const list = {
      limit: 3,
      offset: 0,
      total: 1,
      data: [
        {
          mid: '692f406f9f68d4b70080bb80',
          name: 'video_sample',
          type: 'Video',
          status: 'INITED',
          modelType: 'DF-1',
          createdAt: '2025-12-02T19:39:27.525Z',
        },
      ],
    };
    expect(MediaListAnswerSchema.parse(list)).toEqual(list);
  });
});

describe('error body schemas', () => {
  const client = { code: 'IAM001', type: 'UNAUTHENTICATED', message: 'You are not authenticated' };
  const key = { code: 'INVALID_API_KEY', statusCode: 401, message: 'Invalid API key' };
  it.each([
    ['client family as client', ClientErrorBodySchema, client, true],
    ['client family as API-key family', ApiKeyErrorBodySchema, client, false],
    ['API-key family as API-key family', ApiKeyErrorBodySchema, key, true],
    ['API-key family as client family', ClientErrorBodySchema, key, false],
    ['client family as either', ApiErrorBodySchema, client, true],
    ['API-key family as either', ApiErrorBodySchema, key, true],
    ['no code', ApiErrorBodySchema, { message: 'x' }, false],
  ])('%s', (_name, schema, value, ok) => {
    expect(schema.safeParse(value).success).toBe(ok);
  });
});
