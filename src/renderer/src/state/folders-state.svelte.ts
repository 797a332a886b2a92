/**
 * The watched folders: adding (native picker or a typed path), removing, pausing and their
 * settings. The list itself comes from the engine's status, so every window shows the same.
 */
import type { AuthentaWatchApi } from '../../../shared/contract';
import type { ApiGeneration, FolderOptions, FolderStatus } from '../../../shared/domain';
import type { StatusState } from './status-state.svelte';
import { errorText } from '../lib/format';
import { SvelteMap, SvelteSet } from 'svelte/reactivity';

type FoldersApi = Pick<
  AuthentaWatchApi,
  'addFolder' | 'removeFolder' | 'pauseFolder' | 'resumeFolder' | 'updateFolder' | 'pickFolder'
>;

/** The settings a folder form edits (FolderOptions, with the ignore list as text). */
export interface FolderForm {
  recursive: boolean;
  images: boolean;
  videos: boolean;
  imageModel: string;
  videoModel: string;
  /** Seconds a file must stay unchanged. */
  stabilitySeconds: number;
  usePolling: boolean;
  /** Seconds between polls. */
  pollIntervalSeconds: number;
  /** One glob per line. */
  ignoreText: string;
  after: FolderOptions['after'];
  forceRecheck: boolean;
  /** Jobs API only (absent where the API has no task for them): audio and PDF switches and task types. */
  audio?: boolean;
  documents?: boolean;
  audioModel?: string;
  documentModel?: string;
}

/** A folder's settings as the form shows them. */
export function toForm(folder: FolderOptions): FolderForm {
  return {
    recursive: folder.recursive,
    images: folder.images,
    videos: folder.videos,
    imageModel: folder.imageModel,
    videoModel: folder.videoModel,
    stabilitySeconds: folder.stabilityMs / 1000,
    usePolling: folder.usePolling,
    pollIntervalSeconds: folder.pollIntervalMs / 1000,
    ignoreText: folder.ignore.join('\n'),
    after: folder.after,
    forceRecheck: folder.forceRecheck,
    ...(folder.audio === undefined ? {} : { audio: folder.audio }),
    ...(folder.documents === undefined ? {} : { documents: folder.documents }),
    ...(folder.audioModel === undefined ? {} : { audioModel: folder.audioModel }),
    ...(folder.documentModel === undefined ? {} : { documentModel: folder.documentModel }),
  };
}

/** The form back into FolderOptions; throws with a sentence when a number is out of range. */
export function fromForm(form: FolderForm): FolderOptions {
  const stabilityMs = Math.round(Number(form.stabilitySeconds) * 1000);
  if (!Number.isFinite(stabilityMs) || stabilityMs < 0 || stabilityMs > 600_000) {
    throw new Error('The settle time must be between 0 and 600 seconds.');
  }
  const pollIntervalMs = Math.round(Number(form.pollIntervalSeconds) * 1000);
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 100 || pollIntervalMs > 600_000) {
    throw new Error('The polling interval must be between 0.1 and 600 seconds.');
  }
  if (!form.images && !form.videos && !form.audio && !form.documents) {
    throw new Error(
      form.audio === undefined && form.documents === undefined
        ? 'Choose images, videos or both.'
        : 'Choose at least one kind of file to check.',
    );
  }
  const ignore = form.ignoreText
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (ignore.length > 100) throw new Error('At most 100 ignore patterns.');
  return {
    recursive: form.recursive,
    images: form.images,
    videos: form.videos,
    imageModel: form.imageModel.trim(),
    videoModel: form.videoModel.trim(),
    stabilityMs,
    usePolling: form.usePolling,
    pollIntervalMs,
    ignore,
    after: form.after,
    forceRecheck: form.forceRecheck,
    ...(form.audio === undefined ? {} : { audio: form.audio }),
    ...(form.documents === undefined ? {} : { documents: form.documents }),
    ...(form.audioModel === undefined ? {} : { audioModel: form.audioModel.trim() }),
    ...(form.documentModel === undefined ? {} : { documentModel: form.documentModel.trim() }),
  };
}

export class FoldersState {
  /** Adding is on its way. */
  adding = $state(false);
  /** Why the last add failed. */
  addError = $state<string | null>(null);
  /** Folders with an action running. */
  readonly busy = new SvelteSet<string>();
  /** Per folder: the last error, or a confirmation. */
  readonly messages = new SvelteMap<string, { tone: 'ok' | 'error'; text: string }>();

  readonly #api: FoldersApi;
  readonly #status: StatusState;

  constructor(api: FoldersApi, status: StatusState) {
    this.#api = api;
    this.#status = status;
  }

  get folders(): FolderStatus[] {
    return this.#status.status?.folders ?? [];
  }

  /** The API generation of the active profile: it decides which models the folder settings offer. */
  get generation(): ApiGeneration {
    return this.#status.status?.profile?.generation ?? 'media-client';
  }

  /** Only Electron has a native picker. */
  get hasPicker(): boolean {
    return !!this.#status.capabilities?.nativeFolderPicker;
  }

  /** Start watching a folder by its path. Resolves true when added. */
  async add(path: string): Promise<boolean> {
    const trimmed = path.trim();
    if (!trimmed) {
      this.addError = 'Type the full path of a folder to watch.';
      return false;
    }
    this.adding = true;
    this.addError = null;
    try {
      await this.#api.addFolder({ path: trimmed });
      await this.#status.refresh();
      return true;
    } catch (error) {
      this.addError = `The folder could not be added: ${errorText(error)}`;
      return false;
    } finally {
      this.adding = false;
    }
  }

  /** Ask the native picker for a folder and add it; false when cancelled or failed. */
  async pickAndAdd(): Promise<boolean> {
    this.addError = null;
    let path: string | null;
    try {
      path = await this.#api.pickFolder();
    } catch (error) {
      this.addError = `The folder picker failed: ${errorText(error)}`;
      return false;
    }
    return path ? this.add(path) : false;
  }

  async #run(id: string, command: () => Promise<unknown>, done: string | null): Promise<boolean> {
    this.busy.add(id);
    try {
      await command();
      this.#message(id, done ? { tone: 'ok', text: done } : null);
      await this.#status.refresh();
      return true;
    } catch (error) {
      this.#message(id, { tone: 'error', text: errorText(error) });
      return false;
    } finally {
      this.busy.delete(id);
    }
  }

  #message(id: string, message: { tone: 'ok' | 'error'; text: string } | null): void {
    if (message) this.messages.set(id, message);
    else this.messages.delete(id);
  }

  remove(id: string): Promise<boolean> {
    return this.#run(id, () => this.#api.removeFolder(id), null);
  }

  pause(id: string): Promise<boolean> {
    return this.#run(id, () => this.#api.pauseFolder(id), null);
  }

  resume(id: string): Promise<boolean> {
    return this.#run(id, () => this.#api.resumeFolder(id), null);
  }

  /** Save a folder's settings from its form. */
  async save(id: string, form: FolderForm): Promise<boolean> {
    let options: FolderOptions;
    try {
      options = fromForm(form);
    } catch (error) {
      this.#message(id, { tone: 'error', text: errorText(error) });
      return false;
    }
    return this.#run(id, () => this.#api.updateFolder(id, options), 'Settings saved.');
  }
}
