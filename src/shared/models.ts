/**
 * What each Authenta API can analyse (authenta-api.md, sections 1 and 3): the media API's model
 * codes (DF-1, AC-1, FD-1) and the Jobs API's task types (1..11), the media each accepts, the
 * names people see, and the mapping between the two families. Pure data and functions: no Node,
 * no DOM. The engine refuses a file locally when no offered model fits it, before any quota is spent.
 *
 * A "model" here is the string a folder setting or `CreateInput.model` holds: a media model code
 * (`AC-1`) or, for the Jobs API, a task type id as a string (`1`). Task type slugs (`ai-image`)
 * are accepted wherever a task type is, so a CLI flag may use either.
 */
import { MEDIA_KINDS, type ApiGeneration, type MediaKind } from './domain';

/** The media API's model codes this app offers (FI-1 needs extra metadata: not in scope). */
export const MEDIA_MODEL_CODES = ['AC-1', 'FD-1', 'DF-1'] as const;
export type MediaModelCode = (typeof MEDIA_MODEL_CODES)[number];

/** One model of the media API. */
export interface MediaModel {
  code: MediaModelCode;
  kind: 'image' | 'video';
  /** What it detects, for people ("AI-generated image"). */
  purpose: string;
  /** Content types it accepts (the vendor's SDKs accept .jpg .jpeg .png .mp4 only). */
  contentTypes: readonly string[];
  /** The Jobs API task type that does the same job. */
  taskTypeId: number;
}

/** Models of the media API, in the order the UI offers them. */
export const MEDIA_MODELS: readonly MediaModel[] = [
  {
    code: 'AC-1',
    kind: 'image',
    purpose: 'AI-generated image',
    contentTypes: ['image/jpeg', 'image/png'],
    taskTypeId: 1,
  },
  {
    code: 'FD-1',
    kind: 'image',
    purpose: 'Image forgery',
    contentTypes: ['image/jpeg', 'image/png'],
    taskTypeId: 5,
  },
  { code: 'DF-1', kind: 'video', purpose: 'Face swap', contentTypes: ['video/mp4'], taskTypeId: 4 },
];

/** One task type of the Jobs API. */
export interface TaskType {
  id: number;
  /** The API's name for it (`taskTypeSlug`). */
  slug: string;
  /** What it detects, for people. */
  purpose: string;
  /** Content types it accepts, aliases included; empty for task types this app does not offer. */
  contentTypes: readonly string[];
  /** Formats as people know them ("MP3, WAV or M4A"). */
  formats: string;
  /** Offered in the UI: it takes one file of a kind this app watches and needs no extra input. */
  offered: boolean;
}

const WAV = ['audio/wav', 'audio/x-wav', 'audio/vnd.wave', 'audio/wave'];
const M4A = ['audio/mp4', 'audio/x-m4a'];

/** Task types of the Jobs API (authenta-api.md, section 3); 7..11 are listed but not offered. */
export const TASK_TYPES: readonly TaskType[] = [
  {
    id: 1,
    slug: 'ai-image',
    purpose: 'AI-generated image',
    contentTypes: ['image/jpeg', 'image/png'],
    formats: 'JPEG or PNG',
    offered: true,
  },
  {
    id: 2,
    slug: 'ai-audio',
    purpose: 'AI-generated audio',
    contentTypes: ['audio/mpeg', ...WAV, ...M4A],
    formats: 'MP3, WAV or M4A',
    offered: true,
  },
  {
    id: 3,
    slug: 'ai-video',
    purpose: 'AI-generated video',
    contentTypes: ['video/mp4', 'video/quicktime'],
    formats: 'MP4 or MOV',
    offered: true,
  },
  {
    id: 4,
    slug: 'faceswap',
    purpose: 'Face swap',
    contentTypes: ['video/mp4', 'video/quicktime', 'video/webm'],
    formats: 'MP4, MOV or WebM',
    offered: true,
  },
  {
    id: 5,
    slug: 'image-forgery',
    purpose: 'Image forgery',
    contentTypes: ['image/jpeg', 'image/png'],
    formats: 'JPEG or PNG',
    offered: true,
  },
  {
    id: 6,
    slug: 'document',
    purpose: 'Document forgery',
    contentTypes: ['image/jpeg', 'image/png', 'application/pdf'],
    formats: 'JPEG, PNG or PDF',
    offered: true,
  },
  ...(
    [
      [7, 'liveness', 'Liveness'],
      [8, 'face-intelligence', 'Face intelligence'],
      [9, 'face-embedding', 'Face embedding'],
      [10, 'audio-splitter', 'Audio splitter'],
      [11, 'ekyc-deepfake', 'eKYC deepfake'],
    ] as const
  ).map(([id, slug, purpose]) => ({ id, slug, purpose, contentTypes: [], formats: '', offered: false })),
];

/** The media kind of every content type either API accepts. */
const KIND_OF_CONTENT_TYPE: ReadonlyMap<string, MediaKind> = new Map<string, MediaKind>([
  ['image/jpeg', 'image'],
  ['image/png', 'image'],
  ['video/mp4', 'video'],
  ['video/quicktime', 'video'],
  ['video/webm', 'video'],
  ['audio/mpeg', 'audio'],
  ...WAV.map((t): [string, MediaKind] => [t, 'audio']),
  ...M4A.map((t): [string, MediaKind] => [t, 'audio']),
  ['application/pdf', 'document'],
]);

/** A choice the UI offers for a media kind: `value` is what a folder setting stores. */
export interface ModelOption {
  value: string;
  /** "AI-generated image (AC-1)", "Face swap (task 4)". */
  label: string;
  /** Formats it accepts, as people know them ("JPEG or PNG"). */
  formats: string;
}

/** Whether a generation speaks the Jobs API. */
export function isJobsGeneration(generation: ApiGeneration): boolean {
  return generation === 'jobs-v1';
}

/** `image/jpeg` from `Image/JPEG; charset=binary`: lower case, parameters dropped. */
export function normaliseContentType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function mediaModel(code: string): MediaModel | undefined {
  const c = code.trim().toUpperCase();
  return MEDIA_MODELS.find((m) => m.code === c);
}

function taskType(id: number | null): TaskType | undefined {
  return id === null ? undefined : TASK_TYPES.find((t) => t.id === id);
}

/**
 * The Jobs API task type id for a model: a media code (AC-1 -> 1, DF-1 -> 4, FD-1 -> 5), a task
 * type id (number or numeric string, 1..11) or a slug (`faceswap`). Null when it names none.
 */
export function modelForJobs(model: string | number): number | null {
  if (typeof model === 'number') return taskType(Number.isInteger(model) ? model : null)?.id ?? null;
  const m = model.trim();
  if (/^\d{1,3}$/.test(m)) return taskType(Number(m))?.id ?? null;
  const media = mediaModel(m);
  if (media) return media.taskTypeId;
  return TASK_TYPES.find((t) => t.slug === m.toLowerCase())?.id ?? null;
}

/**
 * The media API model code for a model: a code as is (any case), or the task type that does the
 * same job (1 -> AC-1, 4 -> DF-1, 5 -> FD-1). Null when the media API has no such model.
 */
export function modelForMedia(model: string | number): MediaModelCode | null {
  if (typeof model === 'string') {
    const media = mediaModel(model);
    if (media) return media.code;
  }
  const id = modelForJobs(model);
  return MEDIA_MODELS.find((m) => m.taskTypeId === id)?.code ?? null;
}

/**
 * The model as the given generation's API spells it: a media code for the media API, a task type
 * id string for the Jobs API. Null when that API has no equivalent (the file cannot be sent).
 */
export function modelFor(generation: ApiGeneration, model: string | number): string | null {
  if (isJobsGeneration(generation)) {
    const id = modelForJobs(model);
    return id === null ? null : String(id);
  }
  return modelForMedia(model);
}

/** Content types a model accepts under a generation (empty when it names no model of it). */
function contentTypesOf(model: string | number, generation: ApiGeneration | undefined): readonly string[] {
  const jobs =
    generation === undefined ? typeof model === 'number' || !mediaModel(model) : isJobsGeneration(generation);
  if (jobs) return taskType(modelForJobs(model))?.contentTypes ?? [];
  const code = generation === undefined ? model : modelForMedia(model);
  return code === null ? [] : (mediaModel(String(code))?.contentTypes ?? []);
}

/**
 * Whether a model accepts a content type. With a generation, the model is first mapped to that
 * API (DF-1 under jobs-v1 is task 4, which also takes MOV and WebM); without one, a media code is
 * judged as a media model and anything else as a task type.
 */
export function fits(model: string | number, contentType: string, generation?: ApiGeneration): boolean {
  return contentTypesOf(model, generation).includes(normaliseContentType(contentType));
}

/** The models the UI offers for files of a kind under a generation, the default first. */
export function modelsFor(generation: ApiGeneration, kind: MediaKind): ModelOption[] {
  if (isJobsGeneration(generation)) {
    return TASK_TYPES.filter(
      (t) => t.offered && t.contentTypes.some((c) => KIND_OF_CONTENT_TYPE.get(c) === kind),
    ).map((t) => ({ value: String(t.id), label: `${t.purpose} (task ${t.id})`, formats: t.formats }));
  }
  return MEDIA_MODELS.filter((m) => m.kind === kind).map((m) => ({
    value: m.code,
    label: `${m.purpose} (${m.code})`,
    formats: m.kind === 'image' ? 'JPEG or PNG' : 'MP4',
  }));
}

/** The model a new folder uses for a kind under a generation, or null when none is offered. */
export function defaultModel(generation: ApiGeneration, kind: MediaKind): string | null {
  return modelsFor(generation, kind)[0]?.value ?? null;
}

/** "Face swap (DF-1)" or "Face swap (task 4)"; an unknown model is shown as typed. */
export function modelLabel(model: string | number, generation?: ApiGeneration): string {
  const jobs =
    generation === undefined ? typeof model === 'number' || !mediaModel(model) : isJobsGeneration(generation);
  if (jobs) {
    const t = taskType(modelForJobs(model));
    return t ? `${t.purpose} (task ${t.id})` : String(model);
  }
  const code = modelForMedia(model);
  const m = code === null ? undefined : mediaModel(code);
  return m ? `${m.purpose} (${m.code})` : String(model);
}

/**
 * Content types a generation can analyse with the models it offers, and the media kind of each:
 * what the engine passes to sniffing so other files are refused before any quota is spent.
 */
export function supportedContentTypes(generation: ApiGeneration): Map<string, MediaKind> {
  const types = isJobsGeneration(generation)
    ? TASK_TYPES.filter((t) => t.offered).flatMap((t) => t.contentTypes)
    : MEDIA_MODELS.flatMap((m) => m.contentTypes);
  const entries = [...new Set(types)].flatMap((t): [string, MediaKind][] => {
    const kind = KIND_OF_CONTENT_TYPE.get(t);
    return kind ? [[t, kind]] : [];
  });
  // Images first, then videos, audio and documents, so messages list them in that order.
  entries.sort(([, a], [, b]) => MEDIA_KINDS.indexOf(a) - MEDIA_KINDS.indexOf(b));
  return new Map(entries);
}
