import { describe, expect, it } from 'vitest';
import {
  redactLinkText,
  redactRecord,
  redactVerdictLinks,
} from '../../../../src/main/core/api/record-redaction';

describe('redactLinkText', () => {
  it.each([
    [
      'an S3 pre-signed link',
      'https://b.s3.amazonaws.com/k/orig.mp4?X-Amz-Algorithm=AWS4&X-Amz-Signature=deadbeef',
      'https://b.s3.amazonaws.com/k/orig.mp4?[redacted]',
    ],
    [
      'a CloudFront link (Policy, Key-Pair-Id)',
      'https://d1.cloudfront.net/h.mp4?Policy=eyJ&Key-Pair-Id=K2&Signature=x',
      'https://d1.cloudfront.net/h.mp4?[redacted]',
    ],
    [
      'an Azure SAS link',
      'https://a.blob.core.windows.net/c/f?sv=2020&sig=abc%3D',
      'https://a.blob.core.windows.net/c/f?[redacted]',
    ],
    ['a token in the fragment', 'http://127.0.0.1:9/x#token=abc', 'http://127.0.0.1:9/x?[redacted]'],
    [
      'a link inside a sentence',
      'Upload to https://h/u?sig=1 failed, try again',
      'Upload to https://h/u?[redacted] failed, try again',
    ],
    [
      'a link with no query (nothing to cut)',
      'https://platform.authenta.ai/api/media/1',
      'https://platform.authenta.ai/api/media/1',
    ],
    ['plain words', 'PROCESSED', 'PROCESSED'],
  ])('%s', (_what, input, expected) => {
    expect(redactLinkText(input)).toBe(expected);
  });
});

describe('redactRecord', () => {
  it('disarms every link at any depth and blanks secret-named fields, keeping the rest as it was', () => {
    const record = {
      mid: 'm1',
      status: 'PROCESSED',
      faces: 2,
      fake: null,
      srcURL: 'https://s3/o?X-Signature=1',
      uploadUrl: 'https://s3/u?X-Signature=2',
      participants: [{ id: 0, fake: true, heatmap: 'https://s3/h0?X-Signature=3' }],
      inputs: [{ slotName: 'original', uploadUrl: 'https://s3/i?sig=4', accessToken: 'tok-123456' }],
    };
    const before = structuredClone(record);
    expect(redactRecord(record)).toEqual({
      mid: 'm1',
      status: 'PROCESSED',
      faces: 2,
      fake: null,
      srcURL: 'https://s3/o?[redacted]',
      uploadUrl: 'https://s3/u?[redacted]',
      participants: [{ id: 0, fake: true, heatmap: 'https://s3/h0?[redacted]' }],
      inputs: [{ slotName: 'original', uploadUrl: 'https://s3/i?[redacted]', accessToken: '[redacted]' }],
    });
    expect(record).toEqual(before);
  });

  it.each([null, undefined, 3, 'text'])('passes %s through', (value) => {
    expect(redactRecord(value)).toBe(value);
  });
});

describe('redactVerdictLinks', () => {
  it("keeps a face's heatmap present (the UI offers it) but not usable", () => {
    expect(
      redactVerdictLinks({
        label: 'fake',
        participants: [
          { id: '0', fake: true, heatmap: 'https://s3/h0?X-Signature=3' },
          { id: '1', fake: false },
        ],
      }),
    ).toEqual({
      label: 'fake',
      participants: [
        { id: '0', fake: true, heatmap: 'https://s3/h0?[redacted]' },
        { id: '1', fake: false },
      ],
    });
  });

  it('returns a verdict without heatmaps as it is', () => {
    const verdict = { label: 'authentic' as const, confidence: 0.9 };
    expect(redactVerdictLinks(verdict)).toBe(verdict);
    expect(redactVerdictLinks(null)).toBeNull();
  });
});
