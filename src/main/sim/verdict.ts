/**
 * Verdicts of the simulator: pure, deterministic functions of the uploaded bytes. The sha256 of
 * the bytes picks the outcome; a marker in the first 64 KiB (`AUTHENTA-SIM:fake`, `:real`,
 * `:suspect`, `:noface`, `:fail`, `:faces=3,fakes=1`) lets tests and demos choose it.
 */

/** Only this many leading bytes are searched for a marker. */
export const MARKER_SCAN_BYTES = 64 * 1024;

/** An outcome chosen by a marker inside the bytes. */
export type Marker =
  { kind: 'fake' | 'real' | 'suspect' | 'noface' | 'fail' } | { kind: 'faces'; faces: number; fakes: number };

/** The most faces a `faces=N` marker may ask for. */
export const MAX_MARKER_FACES = 20;

const MARKER_RE = /AUTHENTA-SIM:(?:faces=(\d{1,4}),fakes=(\d{1,4})|(fake|real|suspect|noface|fail))/;

/** The first marker in `head` (only its first 64 KiB are read), or null. */
export function findMarker(head: Uint8Array): Marker | null {
  const text = Buffer.from(
    head.buffer,
    head.byteOffset,
    Math.min(head.byteLength, MARKER_SCAN_BYTES),
  ).toString('latin1');
  const m = MARKER_RE.exec(text);
  if (!m) return null;
  if (m[3]) return { kind: m[3] as 'fake' | 'real' | 'suspect' | 'noface' | 'fail' };
  const faces = Math.min(Number(m[1]), MAX_MARKER_FACES);
  const fakes = Math.min(Number(m[2]), faces);
  return { kind: 'faces', faces, fakes };
}

/** A number in [0, 1) read from four bytes of the digest at `offset` (wrapping). */
export function shareOf(digest: Uint8Array, offset: number): number {
  let v = 0;
  for (let i = 0; i < 4; i++) v = v * 256 + (digest[(offset + i) % digest.length] ?? 0);
  return v / 2 ** 32;
}

/** Whether an unmarked record ends FAILED: the digest decides, so the same bytes always agree. */
export function failsByShare(digest: Uint8Array, failShare: number): boolean {
  return failShare > 0 && shareOf(digest, 0) < failShare;
}

/** One face of a video verdict. */
export interface FaceOutcome {
  fake: boolean;
  /** Confidence in this face's verdict, 0..1. */
  confidence: number;
}

/** What processing decided, before it is shaped into a record or a job result. */
export type Outcome =
  | { failed: true; reason: string }
  | {
      failed: false;
      /** Whether the media as a whole is judged fake / AI-generated. */
      fake: boolean;
      /** Confidence in that verdict, 0..1 (three decimals). */
      confidence: number;
      /** Faces found, for face-based models (video); empty when none were found. */
      faces: FaceOutcome[];
    };

/** The reason given for a record failed by `failShare` or the `fail` marker. */
export const SIMULATED_FAILURE = 'Simulated processing failure (the media could not be analysed).';

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Confidence between lo and hi, picked by the digest at `offset`. */
function confidenceIn(digest: Uint8Array, offset: number, lo: number, hi: number): number {
  return round3(lo + (hi - lo) * shareOf(digest, offset));
}

/**
 * Decide the outcome of one piece of media. `faceBased` media (face-swap video) gets faces;
 * other media gets a single fake/real verdict. A marker wins over the digest; `failShare`
 * applies only to unmarked bytes.
 */
export function decideOutcome(
  digest: Uint8Array,
  marker: Marker | null,
  faceBased: boolean,
  failShare: number,
): Outcome {
  if (marker?.kind === 'fail') return { failed: true, reason: SIMULATED_FAILURE };
  if (!marker && failsByShare(digest, failShare)) return { failed: true, reason: SIMULATED_FAILURE };

  if (faceBased) {
    let faces: number;
    let fakes: number;
    switch (marker?.kind) {
      case 'fake':
        [faces, fakes] = [1, 1];
        break;
      case 'real':
        [faces, fakes] = [1, 0];
        break;
      case 'suspect':
        [faces, fakes] = [2, 1];
        break;
      case 'noface':
        [faces, fakes] = [0, 0];
        break;
      case 'faces':
        [faces, fakes] = [marker.faces, marker.fakes];
        break;
      default: {
        // Mostly one face, sometimes none or several; about a third of faces fake.
        faces = [0, 1, 1, 1, 1, 2, 2, 3][Math.floor(shareOf(digest, 4) * 8)] ?? 1;
        fakes = -1;
      }
    }
    const list: FaceOutcome[] = [];
    for (let i = 0; i < faces; i++) {
      const fake = fakes >= 0 ? i < fakes : shareOf(digest, 8 + i * 3) < 1 / 3;
      list.push({ fake, confidence: confidenceIn(digest, 9 + i * 3, 0.7, 0.99) });
    }
    const anyFake = list.some((f) => f.fake);
    const confidence =
      list.length === 0
        ? 0
        : round3(Math.min(...list.filter((f) => f.fake === anyFake).map((f) => f.confidence)));
    return { failed: false, fake: anyFake, confidence, faces: list };
  }

  switch (marker?.kind) {
    case 'fake':
    case 'faces':
      if (marker.kind === 'faces' && marker.fakes === 0)
        return { failed: false, fake: false, confidence: confidenceIn(digest, 12, 0.85, 0.99), faces: [] };
      return { failed: false, fake: true, confidence: confidenceIn(digest, 12, 0.85, 0.99), faces: [] };
    case 'real':
    case 'noface':
      return { failed: false, fake: false, confidence: confidenceIn(digest, 12, 0.85, 0.99), faces: [] };
    case 'suspect':
      return { failed: false, fake: true, confidence: confidenceIn(digest, 12, 0.51, 0.6), faces: [] };
    default:
      return {
        failed: false,
        fake: shareOf(digest, 4) < 1 / 3,
        confidence: confidenceIn(digest, 12, 0.55, 0.99),
        faces: [],
      };
  }
}

/** Confidence on the scale a media-API model reports: AC-1 uses 0..100 (one decimal), others 0..1. */
export function confidenceForModel(modelType: string, confidence01: number): number {
  return modelType === 'AC-1' ? Math.round(confidence01 * 1000) / 10 : round3(confidence01);
}
