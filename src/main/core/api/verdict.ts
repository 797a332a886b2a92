/**
 * Verdicts people can read (DESIGN.md): every processed record becomes
 * `{label: authentic | suspect | fake | inconclusive, confidence?, faces?, deepFakes?, participants?, reason?}`.
 *
 * The rules, in one place:
 * - Confidence. The API's `confidence` is read as the model's confidence in its own answer (in
 *   `fake` or `isAiGenerated`). Its scale is not documented: a value above 1 is taken as a percent
 *   (0..100), anything else as 0..1; the result is clamped to 0..1. Missing or non-numeric: absent.
 * - Image (`fake`, `confidence`): the model's answer stands when its confidence is at least
 *   SUSPECT_BELOW (0.6); below that the label is `suspect` whichever way the model leaned, because
 *   a coin-flip answer must be looked at by a person. No confidence: the answer stands as given.
 *   No `fake` at all: `inconclusive`.
 * - Video (`faces`, `deepFakes`, `participants`): no face (`faces == 0`) is `inconclusive`
 *   ("No face found"), never `authentic`. Any fake face (`deepFakes > 0`) makes the clip `fake`:
 *   one swapped face among several is still a manipulated clip, so no minority rule. When the
 *   counts contradict each other (a participant marked fake while `deepFakes` is 0, or more fakes
 *   than faces) the label is `suspect`. Faces found and none fake: `authentic`. No face counts at
 *   all: `inconclusive`.
 * - Jobs API result (`isAiGenerated`, `confidence`, `analysisDetails`): read like an image. A
 *   face-based task (face swap) whose `analysisDetails` carries `faces`, `deepFakes` or
 *   `participants` is read like a video first, so no face is `inconclusive`; when the counts and
 *   `isAiGenerated` disagree the label is `suspect`, and a low confidence makes it `suspect` as for images.
 */
import type { Leaning, Participant, Verdict } from '../../../shared/domain';

/** Below this confidence (0..1) a model's answer about an image is shown as `suspect`. */
export const SUSPECT_BELOW = 0.6;

/** The fields of a media record a verdict is made from (the rest of the record is ignored). */
export interface VerdictFields {
  fake?: boolean | null;
  confidence?: number | null;
  faces?: number | null;
  deepFakes?: number | null;
  participants?: ReadonlyArray<{ id: string | number; fake: boolean; heatmap?: string | null }> | null;
}

/** A confidence on any scale as 0..1 (a value above 1 is a percent), or undefined when unusable. */
export function normaliseConfidence(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  const unit = value > 1 ? value / 100 : value;
  return Math.min(1, unit);
}

/** What the engine wrote when a low-confidence answer was labelled suspect (before `leaning` was stored). */
const LEGACY_LEANS = /leans? towards (fake|authentic)/i;

/**
 * The verdict with its `leaning`, derived for verdicts stored before it existed: a suspect answer
 * from the reason the engine wrote then, a fake or authentic answer with a confidence (an image or
 * Jobs API answer) from its label. A video judged by its face counts, a contradictory result or no
 * answer has none. A stored leaning stands.
 */
export function withLeaning(verdict: Verdict | null): Verdict | null {
  if (!verdict || verdict.leaning !== undefined) return verdict;
  let leaning: Leaning | undefined;
  if (verdict.label === 'suspect') {
    const said = LEGACY_LEANS.exec(verdict.reason ?? '')?.[1]?.toLowerCase();
    if (said === 'fake' || said === 'authentic') leaning = said;
  } else if (
    (verdict.label === 'fake' || verdict.label === 'authentic') &&
    verdict.confidence !== undefined &&
    verdict.faces === undefined &&
    verdict.deepFakes === undefined &&
    verdict.participants === undefined
  ) {
    leaning = verdict.label;
  }
  return leaning === undefined ? verdict : { ...verdict, leaning };
}

/** Normalises a PROCESSED media record into a Verdict by the rules above. */
export function normaliseMediaVerdict(record: VerdictFields, kind: 'image' | 'video'): Verdict {
  return kind === 'image' ? imageVerdict(record.fake, record.confidence) : videoVerdict(record);
}

/**
 * Normalises a Jobs API result `{confidence, isAiGenerated, analysisDetails}` like an image
 * verdict, or like a video when `analysisDetails` carries face counts (rules above).
 */
export function normaliseJobsVerdict(result: unknown): Verdict {
  if (!result || typeof result !== 'object') {
    return { label: 'inconclusive', reason: 'The job finished without a result' };
  }
  const r = result as { isAiGenerated?: unknown; confidence?: unknown; analysisDetails?: unknown };
  const fake = typeof r.isAiGenerated === 'boolean' ? r.isAiGenerated : null;
  const confidence = typeof r.confidence === 'number' ? r.confidence : null;
  const faces = faceFields(r.analysisDetails);
  return faces ? faceJobVerdict(faces, fake, confidence) : imageVerdict(fake, confidence);
}

/** The face counts of a Jobs result's `analysisDetails`, or null when it has none. */
function faceFields(details: unknown): VerdictFields | null {
  if (!details || typeof details !== 'object') return null;
  const d = details as { faces?: unknown; deepFakes?: unknown; participants?: unknown };
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const listed = Array.isArray(d.participants)
    ? d.participants.flatMap((p: unknown) => {
        const q = p as { id?: unknown; fake?: unknown } | null;
        if (!q || typeof q.fake !== 'boolean') return [];
        const id = typeof q.id === 'string' || typeof q.id === 'number' ? q.id : '';
        return [{ id, fake: q.fake }];
      })
    : [];
  // An empty list means no face; a list of nothing readable means nothing.
  const participants =
    Array.isArray(d.participants) && (d.participants.length === 0 || listed.length > 0) ? listed : undefined;
  const fields: VerdictFields = {
    ...(num(d.faces) === undefined ? {} : { faces: num(d.faces) }),
    ...(num(d.deepFakes) === undefined ? {} : { deepFakes: num(d.deepFakes) }),
    ...(participants === undefined ? {} : { participants }),
  };
  return Object.keys(fields).length === 0 ? null : fields;
}

function faceJobVerdict(fields: VerdictFields, fake: boolean | null, rawConfidence: number | null): Verdict {
  const byFaces = videoVerdict(fields);
  if (byFaces.label !== 'fake' && byFaces.label !== 'authentic') return byFaces;
  const saysFake = byFaces.label === 'fake';
  if (fake !== null && fake !== saysFake) {
    return { ...byFaces, label: 'suspect', reason: "The model's answer and its face counts disagree" };
  }
  const answer = imageVerdict(saysFake, rawConfidence);
  return { ...byFaces, ...answer };
}

function imageVerdict(fake: boolean | null | undefined, rawConfidence: number | null | undefined): Verdict {
  const confidence = normaliseConfidence(rawConfidence);
  const withConfidence = confidence === undefined ? {} : { confidence };
  if (typeof fake !== 'boolean') {
    return { label: 'inconclusive', ...withConfidence, reason: 'The model gave no answer for this image' };
  }
  const leaning: Leaning = fake ? 'fake' : 'authentic';
  if (confidence !== undefined && confidence < SUSPECT_BELOW) {
    return {
      label: 'suspect',
      leaning,
      confidence,
      reason: fake
        ? 'The model leans towards fake, with low confidence'
        : 'The model leans towards authentic, with low confidence',
    };
  }
  return { label: leaning, leaning, ...withConfidence };
}

function count(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

function videoVerdict(record: VerdictFields): Verdict {
  const faces = count(record.faces);
  const deepFakes = count(record.deepFakes);
  const participants: Participant[] | undefined = record.participants?.map((p) => ({
    id: String(p.id),
    fake: p.fake,
    ...(p.heatmap ? { heatmap: p.heatmap } : {}),
  }));
  const base: Verdict = {
    label: 'inconclusive',
    ...(faces === undefined ? {} : { faces }),
    ...(deepFakes === undefined ? {} : { deepFakes }),
    ...(participants === undefined ? {} : { participants }),
  };
  const fakeParticipants = participants?.filter((p) => p.fake).length ?? 0;
  // Faces found: the count, else the number of participants when only those came.
  const facesFound = faces ?? participants?.length;

  if (faces === undefined && deepFakes === undefined && participants === undefined) {
    return { ...base, reason: 'The result carried no face counts' };
  }
  if (deepFakes !== undefined && facesFound !== undefined && deepFakes > facesFound) {
    return { ...base, label: 'suspect', reason: 'The model counted more fake faces than faces' };
  }
  if (deepFakes !== undefined && deepFakes > 0) return { ...base, label: 'fake' };
  if (fakeParticipants > 0) {
    return deepFakes === undefined
      ? { ...base, label: 'fake' }
      : { ...base, label: 'suspect', reason: 'A face was marked fake but the fake count is 0' };
  }
  if (facesFound === undefined) {
    return { ...base, reason: 'The result did not say how many faces were found' };
  }
  if (facesFound === 0) return { ...base, reason: 'No face found' };
  return { ...base, label: 'authentic' };
}
