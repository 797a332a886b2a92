/**
 * A verdict people can read: which band it falls in (authentic / suspect / fake / inconclusive),
 * the thresholds behind that band, which way the model leaned, and the words for it. One place
 * for the queue's badge tooltips, the details' gauge and the case report, so all three say the
 * same thing. Pure data and functions: no Node, no DOM.
 *
 * The thresholds mirror how the engine labels an image (src/main/core/api/verdict.ts): a model
 * answer with a confidence below SUSPECT_BELOW is shown as `suspect` whichever way the model
 * leaned. The gauge is two-sided: its middle (0.5) is an answer without any confidence, its left
 * end a sure "authentic", its right end a sure "fake"; an answer with confidence c sits c/2 away
 * from the middle on its side. That makes three bands: authentic up to 0.5 - SUSPECT_BELOW / 2,
 * fake from 0.5 + SUSPECT_BELOW / 2, suspect between.
 * (verdict-words.test.ts checks the engine and this module agree.)
 */
import type { Leaning, Verdict, VerdictLabel } from './domain';

/** Below this confidence (0..1) a model's answer is shown as `suspect` (the engine's rule). */
export const SUSPECT_BELOW = 0.6;

/** Which way the model answered, when the verdict tells. */
export type { Leaning };

/** Where the fake band starts on the gauge; the authentic band ends at 1 - FAKE_FROM. */
export const FAKE_FROM = 0.5 + SUSPECT_BELOW / 2;

/** One band of the gauge, on the scale from 0 (surely authentic) to 1 (surely fake). */
export interface VerdictBandRange {
  band: Exclude<VerdictLabel, 'inconclusive'>;
  from: number;
  to: number;
  /** What the band means, in a few words. */
  meaning: string;
}

/** The gauge's bands, left to right. */
export const VERDICT_BANDS: readonly VerdictBandRange[] = [
  {
    band: 'authentic',
    from: 0,
    to: 1 - FAKE_FROM,
    meaning: `the model says authentic with at least ${pct(SUSPECT_BELOW)} confidence`,
  },
  {
    band: 'suspect',
    from: 1 - FAKE_FROM,
    to: FAKE_FROM,
    meaning: `the model answered with less than ${pct(SUSPECT_BELOW)} confidence: a person should look`,
  },
  {
    band: 'fake',
    from: FAKE_FROM,
    to: 1,
    meaning: `the model says fake with at least ${pct(SUSPECT_BELOW)} confidence`,
  },
];

/** The words for each label, as a badge shows them. */
export const VERDICT_WORDS: Readonly<Record<VerdictLabel, string>> = {
  authentic: 'Authentic',
  suspect: 'Suspect',
  fake: 'Fake',
  inconclusive: 'Inconclusive',
};

/** Everything a screen says about a verdict. */
export interface VerdictExplanation {
  band: VerdictLabel;
  /** Which way the model answered; null when the verdict does not tell (videos, no answer). */
  leaning: Leaning | null;
  /** The model's confidence in its own answer (0..1), when given. */
  confidence: number | null;
  /** Where the file falls on the gauge (0 surely authentic .. 1 surely fake); null: no gauge. */
  position: number | null;
  /** One sentence: "The model leaned authentic, with low confidence (57%)." */
  short: string;
  /** The short sentence and what the band means (with its threshold) or why there is no answer. */
  long: string;
}

function pct(fraction: number): string {
  return `${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}

/**
 * Which way the model leaned: the verdict's own `leaning` (the engine sets it, and derives it for
 * verdicts stored before it existed), else a fake or authentic label is its own answer. Null when
 * nothing tells (a video judged by its face counts, a contradictory result, no answer).
 */
export function leaningOf(verdict: Verdict): Leaning | null {
  if (verdict.leaning) return verdict.leaning;
  if (verdict.label === 'fake' || verdict.label === 'authentic') return verdict.label;
  return null;
}

/**
 * Where a verdict falls on the gauge from 0 (surely authentic) to 1 (surely fake), or null when
 * it has no confidence or no known leaning (then a gauge would mislead).
 */
export function gaugePosition(verdict: Verdict): number | null {
  const confidence = verdict.confidence;
  const leaning = leaningOf(verdict);
  if (confidence === undefined || leaning === null || verdict.label === 'inconclusive') return null;
  const c = Math.min(1, Math.max(0, confidence));
  return leaning === 'fake' ? 0.5 + c / 2 : 0.5 - c / 2;
}

/** The band a point of the gauge belongs to (a threshold belongs to the surer band, as in the engine). */
export function bandAt(position: number): VerdictBandRange['band'] {
  // Compared in whole per mille, so 0.5 - 0.6 / 2 lands on its threshold despite floating point.
  const p = Math.round(position * 1000);
  if (p <= Math.round((1 - FAKE_FROM) * 1000)) return 'authentic';
  if (p >= Math.round(FAKE_FROM * 1000)) return 'fake';
  return 'suspect';
}

function faceWords(verdict: Verdict): string | null {
  const faces = verdict.faces ?? verdict.participants?.length;
  if (faces === undefined) return null;
  const fakes = verdict.deepFakes ?? verdict.participants?.filter((p) => p.fake).length ?? 0;
  if (faces === 0) return 'no face was found';
  const noun = faces === 1 ? 'face' : 'faces';
  if (fakes === 0)
    return faces === 1 ? 'the one face found looks real' : `none of the ${faces} faces looks swapped`;
  return `${fakes} of ${faces} ${noun} ${fakes === 1 ? 'looks' : 'look'} swapped`;
}

function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const s = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** The band, the leaning and the words for a verdict (see VerdictExplanation). */
export function explainVerdict(verdict: Verdict): VerdictExplanation {
  const leaning = leaningOf(verdict);
  const confidence = verdict.confidence ?? null;
  const position = gaugePosition(verdict);
  const faces = faceWords(verdict);
  const sure = confidence === null ? '' : ` (${pct(confidence)} confidence)`;
  let short: string;
  let meaning: string;
  switch (verdict.label) {
    case 'fake':
      short = faces
        ? `The model found a manipulated face: ${faces}`
        : `The model says this is fake${sure ? `, with high confidence${sure}` : ''}`;
      meaning = faces
        ? 'One swapped face is enough to call a clip manipulated.'
        : `Fake means the model answered fake with at least ${pct(SUSPECT_BELOW)} confidence.`;
      break;
    case 'authentic':
      short = faces
        ? `The model found no manipulation: ${faces}`
        : `The model says this is authentic${sure ? `, with high confidence${sure}` : ''}`;
      meaning = faces
        ? 'Authentic means faces were found and none was marked as swapped.'
        : `Authentic means the model answered authentic with at least ${pct(SUSPECT_BELOW)} confidence.`;
      break;
    case 'suspect':
      if (leaning && confidence !== null) {
        short = `The model leaned ${leaning}, with low confidence${sure}`;
        meaning = `Below ${pct(SUSPECT_BELOW)} confidence an answer is shown as Suspect either way: a person should look at it.`;
      } else {
        short = verdict.reason
          ? `The result is contradictory: ${lower(verdict.reason)}`
          : 'The result is unclear';
        meaning = 'Suspect means the result cannot be trusted either way: a person should look at it.';
      }
      break;
    case 'inconclusive':
      short = verdict.reason ? `No verdict: ${lower(verdict.reason)}` : 'The model gave no usable answer';
      meaning = 'Inconclusive says nothing about the file either way.';
      break;
  }
  short = sentence(short);
  return { band: verdict.label, leaning, confidence, position, short, long: `${short} ${meaning}` };
}

function lower(text: string): string {
  return text ? text[0]!.toLowerCase() + text.slice(1).replace(/\.$/, '') : text;
}

/**
 * The figures beside a badge, truthful about what the percent is: "leaned authentic · 57%" for a
 * suspect answer (the 57% is the model's confidence in "authentic", not a chance of fake), "97%"
 * for a sure one; null when there is no confidence.
 */
export function confidenceWords(verdict: Verdict): string | null {
  if (verdict.confidence === undefined) return null;
  const leaning = leaningOf(verdict);
  if (verdict.label === 'suspect' && leaning) return `leaned ${leaning} · ${pct(verdict.confidence)}`;
  return pct(verdict.confidence);
}
