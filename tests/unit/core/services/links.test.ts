import { describe, expect, it } from 'vitest';
import { linkFromRecord, type LinkRequest } from '../../../../src/main/core/services/links';

const RECORD = {
  srcURL: 'https://s3.example/src.mp4?sig=1',
  resultURL: 'https://s3.example/result.json?sig=2',
  participants: [
    { id: 0, heatmap: null },
    { id: 1, heatmap: 'https://s3.example/face1.mp4?sig=3' },
    { id: 2, heatmap: 'https://s3.example/face2.mp4?sig=4' },
  ],
};

describe('linkFromRecord', () => {
  it.each<[string, unknown, LinkRequest, string]>([
    ['the source', RECORD, { kind: 'source' }, 'https://s3.example/src.mp4?sig=1'],
    ['the detailed result', RECORD, { kind: 'result' }, 'https://s3.example/result.json?sig=2'],
    ['the first heatmap there is', RECORD, { kind: 'heatmap' }, 'https://s3.example/face1.mp4?sig=3'],
    [
      'the heatmap of the face asked for',
      RECORD,
      { kind: 'heatmap', participantId: '2' },
      'https://s3.example/face2.mp4?sig=4',
    ],
  ])('%s', (_what, raw, link, url) => {
    expect(linkFromRecord(raw, link)).toBe(url);
  });

  it.each<[string, unknown, LinkRequest, RegExp]>([
    ['no source link', {}, { kind: 'source' }, /no source link for this record/],
    ['an empty result link', { resultURL: '' }, { kind: 'result' }, /no detailed result/],
    [
      'no face with a heatmap',
      { participants: [{ id: 0 }] },
      { kind: 'heatmap' },
      /only videos with faces have one/,
    ],
    ['a face that is not there', RECORD, { kind: 'heatmap', participantId: '9' }, /no heatmap/],
    ['no record at all', null, { kind: 'heatmap' }, /no heatmap/],
  ])('%s says there is none (NO_LINK)', (_what, raw, link, message) => {
    let error: unknown;
    try {
      linkFromRecord(raw, link);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'NO_LINK', kind: 'local' });
    expect(String((error as Error).message)).toMatch(message);
  });
});
