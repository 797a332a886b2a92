import { describe, expect, it } from 'vitest';
import {
  normaliseConfidence,
  normaliseJobsVerdict,
  normaliseMediaVerdict,
  type VerdictFields,
  withLeaning,
} from '../../../../src/main/core/api/verdict';
import { VerdictSchema, type Verdict } from '../../../../src/shared/domain';

describe('normaliseConfidence', () => {
  it.each([
    [0.93, 0.93],
    [1, 1],
    [0, 0],
    [93, 0.93],
    [100, 1],
    [1.5, 0.015],
    [250, 1],
    [-0.2, undefined],
    [Number.NaN, undefined],
    ['0.9', undefined],
    [null, undefined],
  ])('%s -> %s', (input, expected) => {
    const got = normaliseConfidence(input);
    if (expected === undefined) expect(got).toBeUndefined();
    else expect(got).toBeCloseTo(expected, 10);
  });
});

describe('normaliseMediaVerdict: images', () => {
  it.each<[string, VerdictFields, Verdict]>([
    [
      'fake, sure (0..1)',
      { fake: true, confidence: 0.97 },
      { label: 'fake', leaning: 'fake', confidence: 0.97 },
    ],
    [
      'fake, sure (0..100)',
      { fake: true, confidence: 97 },
      { label: 'fake', leaning: 'fake', confidence: 0.97 },
    ],
    [
      'authentic, sure',
      { fake: false, confidence: 0.91 },
      { label: 'authentic', leaning: 'authentic', confidence: 0.91 },
    ],
    [
      'authentic, sure (percent)',
      { fake: false, confidence: 88 },
      { label: 'authentic', leaning: 'authentic', confidence: 0.88 },
    ],
    [
      'fake at exactly the threshold stands',
      { fake: true, confidence: 0.6 },
      { label: 'fake', leaning: 'fake', confidence: 0.6 },
    ],
    [
      'fake with low confidence is suspect',
      { fake: true, confidence: 0.55 },
      {
        label: 'suspect',
        leaning: 'fake',
        confidence: 0.55,
        reason: 'The model leans towards fake, with low confidence',
      },
    ],
    [
      'authentic with low confidence is suspect',
      { fake: false, confidence: 52 },
      {
        label: 'suspect',
        leaning: 'authentic',
        confidence: 0.52,
        reason: 'The model leans towards authentic, with low confidence',
      },
    ],
    ['fake without confidence', { fake: true }, { label: 'fake', leaning: 'fake' }],
    [
      'authentic, confidence null',
      { fake: false, confidence: null },
      { label: 'authentic', leaning: 'authentic' },
    ],
    [
      'no answer at all',
      { confidence: 0.8 },
      { label: 'inconclusive', confidence: 0.8, reason: 'The model gave no answer for this image' },
    ],
  ])('%s', (_name, record, expected) => {
    const verdict = normaliseMediaVerdict(record, 'image');
    expect(verdict).toEqual(expected);
    expect(VerdictSchema.safeParse(verdict).success).toBe(true);
  });
});

describe('normaliseMediaVerdict: videos', () => {
  const p = (id: string, fake: boolean, heatmap?: string) => ({ id, fake, ...(heatmap ? { heatmap } : {}) });
  it.each<[string, VerdictFields, Verdict]>([
    [
      'no face is inconclusive, not authentic',
      { faces: 0, deepFakes: 0 },
      { label: 'inconclusive', faces: 0, deepFakes: 0, reason: 'No face found' },
    ],
    [
      'no face, empty participants',
      { faces: 0, deepFakes: 0, participants: [] },
      { label: 'inconclusive', faces: 0, deepFakes: 0, participants: [], reason: 'No face found' },
    ],
    ['faces, none fake', { faces: 2, deepFakes: 0 }, { label: 'authentic', faces: 2, deepFakes: 0 }],
    [
      'one fake among three faces is fake',
      { faces: 3, deepFakes: 1, participants: [p('1', false), p('2', true, 'https://h/2'), p('3', false)] },
      {
        label: 'fake',
        faces: 3,
        deepFakes: 1,
        participants: [p('1', false), p('2', true, 'https://h/2'), p('3', false)],
      },
    ],
    ['all faces fake', { faces: 1, deepFakes: 1 }, { label: 'fake', faces: 1, deepFakes: 1 }],
    [
      'more fakes than faces contradicts itself',
      { faces: 1, deepFakes: 2 },
      { label: 'suspect', faces: 1, deepFakes: 2, reason: 'The model counted more fake faces than faces' },
    ],
    [
      'a participant fake but the fake count 0',
      { faces: 2, deepFakes: 0, participants: [p('a', true), p('b', false)] },
      {
        label: 'suspect',
        faces: 2,
        deepFakes: 0,
        participants: [p('a', true), p('b', false)],
        reason: 'A face was marked fake but the fake count is 0',
      },
    ],
    [
      'only participants, one fake',
      { participants: [p('a', true)] },
      { label: 'fake', participants: [p('a', true)] },
    ],
    [
      'only participants, none fake',
      { participants: [p('a', false)] },
      { label: 'authentic', participants: [p('a', false)] },
    ],
    [
      'deepFakes 0 without a face count',
      { deepFakes: 0 },
      { label: 'inconclusive', deepFakes: 0, reason: 'The result did not say how many faces were found' },
    ],
    ['no counts at all', {}, { label: 'inconclusive', reason: 'The result carried no face counts' }],
    [
      'participant ids become strings',
      { faces: 1, deepFakes: 0, participants: [{ id: 7, fake: false }] },
      {
        label: 'authentic',
        faces: 1,
        deepFakes: 0,
        participants: [{ id: '7', fake: false }],
      },
    ],
  ])('%s', (_name, record, expected) => {
    const verdict = normaliseMediaVerdict(record, 'video');
    expect(verdict).toEqual(expected);
    expect(VerdictSchema.safeParse(verdict).success).toBe(true);
  });
});

describe('normaliseJobsVerdict', () => {
  it.each<[string, unknown, Verdict]>([
    [
      'AI generated, sure',
      { confidence: 0.98, isAiGenerated: true, analysisDetails: {} },
      { label: 'fake', leaning: 'fake', confidence: 0.98 },
    ],
    [
      'not AI generated, sure',
      { confidence: 0.9, isAiGenerated: false },
      { label: 'authentic', leaning: 'authentic', confidence: 0.9 },
    ],
    [
      'percent scale',
      { confidence: 75, isAiGenerated: true },
      { label: 'fake', leaning: 'fake', confidence: 0.75 },
    ],
    [
      'low confidence',
      { confidence: 0.51, isAiGenerated: true },
      {
        label: 'suspect',
        leaning: 'fake',
        confidence: 0.51,
        reason: 'The model leans towards fake, with low confidence',
      },
    ],
    ['no result', null, { label: 'inconclusive', reason: 'The job finished without a result' }],
    [
      'no answer',
      { analysisDetails: { x: 1 } },
      { label: 'inconclusive', reason: 'The model gave no answer for this image' },
    ],
  ])('%s', (_name, result, expected) => {
    expect(normaliseJobsVerdict(result)).toEqual(expected);
  });
});

describe('withLeaning: verdicts kept before the leaning was stored', () => {
  it.each<[string, Verdict | null, Verdict['leaning'] | null]>([
    [
      'an old suspect row that leaned authentic',
      {
        label: 'suspect',
        confidence: 0.57,
        reason: 'The model leans towards authentic, with low confidence',
      },
      'authentic',
    ],
    [
      'an old suspect row that leaned fake',
      { label: 'suspect', confidence: 0.55, reason: 'The model leans towards fake, with low confidence' },
      'fake',
    ],
    ['an old fake image', { label: 'fake', confidence: 0.97 }, 'fake'],
    ['an old authentic image', { label: 'authentic', confidence: 0.9 }, 'authentic'],
    [
      'a contradictory video (no answer to lean)',
      { label: 'suspect', faces: 1, deepFakes: 2, reason: 'The model counted more fake faces than faces' },
      null,
    ],
    ['a video with its counts only', { label: 'fake', faces: 1, deepFakes: 1 }, null],
    ['an inconclusive one', { label: 'inconclusive', reason: 'No face found' }, null],
    ['a stored leaning stands', { label: 'suspect', confidence: 0.5, leaning: 'fake' }, 'fake'],
  ])('%s', (_what, verdict, leaning) => {
    const got = withLeaning(verdict);
    expect(got?.leaning ?? null).toBe(leaning);
    expect(got && { ...got, leaning: undefined }).toEqual(verdict && { ...verdict, leaning: undefined });
  });

  it('leaves no verdict as none', () => {
    expect(withLeaning(null)).toBeNull();
  });
});
