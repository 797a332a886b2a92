import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../../src/shared/domain';
import {
  SUSPECT_BELOW,
  VERDICT_BANDS,
  bandAt,
  confidenceWords,
  explainVerdict,
  gaugePosition,
  leaningOf,
} from '../../../src/shared/verdict-words';
import {
  SUSPECT_BELOW as ENGINE_SUSPECT_BELOW,
  normaliseJobsVerdict,
  normaliseMediaVerdict,
} from '../../../src/main/core/api/verdict';

describe('the thresholds', () => {
  it('are the engine’s', () => {
    expect(SUSPECT_BELOW).toBe(ENGINE_SUSPECT_BELOW);
  });

  it('make three bands that cover the gauge without a gap', () => {
    expect(VERDICT_BANDS.map((b) => b.band)).toEqual(['authentic', 'suspect', 'fake']);
    expect(VERDICT_BANDS[0]!.from).toBe(0);
    expect(VERDICT_BANDS[2]!.to).toBe(1);
    for (let i = 1; i < VERDICT_BANDS.length; i++)
      expect(VERDICT_BANDS[i]!.from).toBe(VERDICT_BANDS[i - 1]!.to);
  });

  // The band of the gauge where an image falls is the label the engine gives it, for every answer.
  it.each([true, false])('agree with the engine’s label for every confidence (fake=%s)', (fake) => {
    for (let c = 0; c <= 100; c++) {
      const verdict = normaliseMediaVerdict({ fake, confidence: c / 100 }, 'image');
      const position = gaugePosition(verdict);
      expect(position, `confidence ${c}%`).not.toBeNull();
      expect(bandAt(position!), `confidence ${c}%`).toBe(verdict.label);
      expect(explainVerdict(verdict).band).toBe(verdict.label);
    }
  });
});

describe('leaningOf', () => {
  it.each<[string, Verdict, 'fake' | 'authentic' | null]>([
    ['a fake label', { label: 'fake', confidence: 0.9 }, 'fake'],
    ['an authentic label', { label: 'authentic', confidence: 0.9 }, 'authentic'],
    [
      'a suspect image that leaned authentic',
      normaliseMediaVerdict({ fake: false, confidence: 0.57 }, 'image'),
      'authentic',
    ],
    [
      'a suspect image that leaned fake',
      normaliseMediaVerdict({ fake: true, confidence: 0.57 }, 'image'),
      'fake',
    ],
    [
      'a Jobs API result that leaned fake',
      normaliseJobsVerdict({ isAiGenerated: true, confidence: 0.51 }),
      'fake',
    ],
    [
      'a suspect video (contradictory counts)',
      normaliseMediaVerdict({ faces: 1, deepFakes: 3 }, 'video'),
      null,
    ],
    ['an explicit leaning', { label: 'suspect', confidence: 0.5, leaning: 'authentic' }, 'authentic'],
    [
      'words alone (the engine derives the leaning of old rows; screens do not read its prose)',
      {
        label: 'suspect',
        confidence: 0.57,
        reason: 'The model leans towards authentic, with low confidence',
      },
      null,
    ],
    ['an inconclusive one', { label: 'inconclusive' }, null],
  ])('%s', (_what, verdict, leaning) => {
    expect(leaningOf(verdict)).toBe(leaning);
  });
});

describe('explainVerdict', () => {
  it.each<[string, Verdict, Partial<ReturnType<typeof explainVerdict>>]>([
    [
      'suspect 57% that leaned authentic reads truthfully',
      normaliseMediaVerdict({ fake: false, confidence: 0.57 }, 'image'),
      {
        band: 'suspect',
        leaning: 'authentic',
        short: 'The model leaned authentic, with low confidence (57% confidence).',
      },
    ],
    [
      'suspect that leaned fake',
      normaliseMediaVerdict({ fake: true, confidence: 0.55 }, 'image'),
      {
        band: 'suspect',
        leaning: 'fake',
        short: 'The model leaned fake, with low confidence (55% confidence).',
      },
    ],
    [
      'a sure fake image',
      normaliseMediaVerdict({ fake: true, confidence: 0.97 }, 'image'),
      {
        band: 'fake',
        position: 0.985,
        short: 'The model says this is fake, with high confidence (97% confidence).',
      },
    ],
    [
      'a sure authentic image',
      normaliseMediaVerdict({ fake: false, confidence: 0.9 }, 'image'),
      {
        band: 'authentic',
        short: 'The model says this is authentic, with high confidence (90% confidence).',
      },
    ],
    [
      'an image without confidence',
      normaliseMediaVerdict({ fake: true }, 'image'),
      { band: 'fake', position: null, short: 'The model says this is fake.' },
    ],
    [
      'a video with one swapped face of three',
      normaliseMediaVerdict({ faces: 3, deepFakes: 1 }, 'video'),
      {
        band: 'fake',
        position: null,
        short: 'The model found a manipulated face: 1 of 3 faces looks swapped.',
      },
    ],
    [
      'a video with real faces',
      normaliseMediaVerdict({ faces: 2, deepFakes: 0 }, 'video'),
      { band: 'authentic', short: 'The model found no manipulation: none of the 2 faces looks swapped.' },
    ],
    [
      'a video without a face',
      normaliseMediaVerdict({ faces: 0, deepFakes: 0 }, 'video'),
      { band: 'inconclusive', short: 'No verdict: no face found.' },
    ],
    [
      'contradictory counts',
      normaliseMediaVerdict({ faces: 1, deepFakes: 3 }, 'video'),
      {
        band: 'suspect',
        leaning: null,
        short: 'The result is contradictory: the model counted more fake faces than faces.',
      },
    ],
  ])('%s', (_what, verdict, expected) => {
    expect(explainVerdict(verdict)).toMatchObject(expected);
  });

  it('says what the band means in the long text, with its threshold', () => {
    const long = explainVerdict(normaliseMediaVerdict({ fake: false, confidence: 0.57 }, 'image')).long;
    expect(long).toMatch(/Below 60% confidence an answer is shown as Suspect either way/);
  });
});

describe('confidenceWords', () => {
  it.each<[Verdict, string | null]>([
    [normaliseMediaVerdict({ fake: false, confidence: 0.57 }, 'image'), 'leaned authentic · 57%'],
    [normaliseMediaVerdict({ fake: true, confidence: 0.59 }, 'image'), 'leaned fake · 59%'],
    [normaliseMediaVerdict({ fake: true, confidence: 0.97 }, 'image'), '97%'],
    [normaliseMediaVerdict({ faces: 3, deepFakes: 1 }, 'video'), null],
  ])('%j -> %s', (verdict, words) => {
    expect(confidenceWords(verdict)).toBe(words);
  });
});
