/**
 * Which models a folder's settings offer for each kind of file under the active profile's API
 * generation (shared/models.ts): the media API's codes (AC-1, FD-1, DF-1) or the Jobs API's task
 * types, audio and PDF included where a task takes them. Pure, for FolderCard and its tests.
 */
import type { ApiGeneration, FolderOptions, MediaKind } from '../../../shared/domain';
import { defaultModel, modelFor, modelLabel, modelsFor, type ModelOption } from '../../../shared/models';
import { toForm, type FolderForm } from '../state/folders-state.svelte';

/** How each kind is named in the folder settings: the switch, and the model's label. */
export const KIND_TEXT: Readonly<Record<MediaKind, { check: string; model: string }>> = {
  image: { check: 'Photos', model: 'Photo model' },
  video: { check: 'Videos', model: 'Video model' },
  audio: { check: 'Audio', model: 'Audio task' },
  document: { check: 'Documents (PDF)', model: 'Document task' },
};

/** The kinds a generation has at least one model for, in the order the form shows them. */
export function kindsOffered(generation: ApiGeneration): MediaKind[] {
  return (['image', 'video', 'audio', 'document'] as const).filter(
    (kind) => modelsFor(generation, kind).length > 0,
  );
}

/**
 * The models offered for a kind, with the folder's current choice kept (and said to be
 * unavailable) when the API has no such model, so opening the settings never changes it silently.
 */
export function modelOptions(generation: ApiGeneration, kind: MediaKind, current: string): ModelOption[] {
  const offered = modelsFor(generation, kind);
  if (current === '' || offered.some((o) => o.value === current)) return offered;
  return [
    ...offered,
    { value: current, label: `${modelLabel(current)}: not offered by this API`, formats: '' },
  ];
}

/** One option as the select shows it: "AI-generated image (task 1) · JPEG or PNG". */
export function optionText(option: ModelOption): string {
  return option.formats ? `${option.label} · ${option.formats}` : option.label;
}

/**
 * A folder's settings as the form shows them under a generation: its models spelled for that API
 * (AC-1 is task 1 of the Jobs API), and the audio and PDF fields only where the API takes them
 * (switched on unless the folder switched them off).
 */
export function formFor(folder: FolderOptions, generation: ApiGeneration): FolderForm {
  const form = toForm(folder);
  const spell = (model: string): string => modelFor(generation, model) ?? model;
  const kinds = kindsOffered(generation);
  const audio = kinds.includes('audio');
  const documents = kinds.includes('document');
  return {
    ...form,
    imageModel: spell(form.imageModel),
    videoModel: spell(form.videoModel),
    audio: audio ? (folder.audio ?? true) : undefined,
    documents: documents ? (folder.documents ?? true) : undefined,
    audioModel: audio ? spell(folder.audioModel ?? defaultModel(generation, 'audio') ?? '') : undefined,
    documentModel: documents
      ? spell(folder.documentModel ?? defaultModel(generation, 'document') ?? '')
      : undefined,
  };
}
