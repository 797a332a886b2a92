/**
 * The way in: files the watcher reports (seen, stable, gone) and files dropped on the window
 * become rows, then are sniffed (true type from the bytes) and hashed, with their own
 * concurrency, and end `queued` or `skipped` (unsupported, unwanted kind, too large, empty,
 * truncated, vanished, or a duplicate of bytes already checked with the same model).
 */
import { basename } from 'node:path';
import { withArticle } from '../../../shared/display-text';
import PQueue from 'p-queue';
import {
  FolderOptionsSchema,
  type ApiGeneration,
  type ErrorKind,
  type FolderOptions,
  type MediaKind,
} from '../../../shared/domain';
import {
  defaultModel,
  fits,
  modelFor,
  modelLabel,
  modelsFor,
  supportedContentTypes,
} from '../../../shared/models';
import type { FileGate } from '../ledger/confined-path';
import type { JobPatch, JobRecord, Ledger } from '../ledger/ledger';
import { changedMessage, duplicateMessage, folderRemovedMessage, vanishedMessage } from '../messages';
import type { Clock, Disposable, Logger } from '../ports';
import { describeContentType, statFile } from '../watch/classify';
import { readOnce, type OnePassResult } from '../watch/one-pass';
import type { FileCandidate } from '../watch/folder-watcher';
import { LOCAL_CODES } from './hints';
import type { ProfileView, ProgressSink, SettingsView } from './views';

const DEFAULT_OPTIONS = FolderOptionsSchema.parse({});

/** Files at least this large report how far checking (reading to hash) has come. */
export const CHECKING_PROGRESS_MIN_BYTES = 8 * 1024 ** 2;
/** ... every this many bytes read (the engine batches progress events anyway). */
const CHECKING_PROGRESS_STEP_BYTES = 4 * 1024 ** 2;

type FolderChoices = Pick<
  FolderOptions,
  'images' | 'videos' | 'audio' | 'documents' | 'imageModel' | 'videoModel' | 'audioModel' | 'documentModel'
>;

/**
 * The model a folder chose for a kind, as the folder stores it (a media code or a task type),
 * or the generation's default for kinds the folder has no choice for yet. Pure.
 */
export function folderModelFor(
  kind: MediaKind,
  folder: Partial<FolderChoices> | null,
  generation: ApiGeneration,
): string | null {
  const f = { ...DEFAULT_OPTIONS, ...(folder ?? {}) };
  switch (kind) {
    case 'image':
      return f.imageModel;
    case 'video':
      return f.videoModel;
    case 'audio':
      return f.audioModel ?? defaultModel(generation, 'audio');
    case 'document':
      return f.documentModel ?? defaultModel(generation, 'document');
  }
}

/** Whether a folder wants files of a kind (its switches; audio and documents unless switched off). */
export function kindWanted(folder: Partial<FolderChoices>, kind: MediaKind): boolean {
  switch (kind) {
    case 'image':
      return folder.images ?? true;
    case 'video':
      return folder.videos ?? true;
    case 'audio':
      return folder.audio ?? true;
    case 'document':
      return folder.documents ?? true;
  }
}

const KIND_NAMES: Readonly<Record<MediaKind, string>> = {
  image: 'an image',
  video: 'a video',
  audio: 'an audio file',
  document: 'a document',
};

/** What decides the model of a file, or why it cannot be sent. */
export type ModelChoice =
  { ok: true; model: string } | { ok: false; code: string; kind: ErrorKind; message: string };

/**
 * The model a file is sent with under a generation: the folder's choice spelled for that API
 * (AC-1 is task 1 of the Jobs API), provided that model takes the file's content type. Pure:
 * a refusal says why and what to choose instead, before any call is made.
 */
export function chooseModel(
  file: { name: string; kind: MediaKind; contentType: string },
  folder: Partial<FolderChoices> | null,
  generation: ApiGeneration,
): ModelChoice {
  const chosen = folderModelFor(file.kind, folder, generation);
  const offered = modelsFor(generation, file.kind)
    .filter((m) => fits(m.value, file.contentType, generation))
    .map((m) => m.label);
  const instead = offered.length
    ? `Choose ${offered.join(' or ')} for ${file.kind}s in the folder settings, then retry.`
    : 'Convert the file to a type this API takes, or use a profile whose API takes it.';
  const model = chosen === null ? null : modelFor(generation, chosen);
  if (model === null) {
    return {
      ok: false,
      code: LOCAL_CODES.modelUnavailable,
      kind: 'unsupported',
      message: `${file.name} is ${KIND_NAMES[file.kind]}, and ${chosen === null ? 'no model is set for it' : `the folder's model ${modelLabel(chosen)} has no equivalent`} in the API this profile speaks. ${instead}`,
    };
  }
  if (!fits(model, file.contentType, generation)) {
    return {
      ok: false,
      code: 'UNSUPPORTED_TYPE',
      kind: 'unsupported',
      message: `${file.name} is ${withArticle(describeContentType(file.contentType))} file, which ${modelLabel(model, generation)} does not take. ${instead}`,
    };
  }
  return { ok: true, model };
}

/**
 * The content types a generation can send, named for messages: aliases that people would not
 * recognise (audio/x-wav beside audio/wav) are left out of the list sniffing checks against.
 */
export function sniffableTypes(generation: ApiGeneration): ReadonlyMap<string, MediaKind> {
  const cached = SNIFFABLE.get(generation);
  if (cached) return cached;
  const map = new Map(
    [...supportedContentTypes(generation)].filter(([type]) => describeContentType(type) !== type),
  );
  SNIFFABLE.set(generation, map);
  return map;
}
const SNIFFABLE = new Map<ApiGeneration, ReadonlyMap<string, MediaKind>>();

function kindOfProblem(code: string): ErrorKind {
  return code === 'UNSUPPORTED_TYPE' ? 'unsupported' : 'local';
}

/** What a duplicate takes from the earlier job that checked the same bytes. */
export function duplicatePatch(prior: JobRecord, model: string, now: number): JobPatch {
  return {
    duplicateOf: prior.id,
    verdict: prior.verdict,
    raw: prior.raw,
    doneAt: now,
    errorCode: LOCAL_CODES.duplicate,
    errorKind: null,
    errorMessage: duplicateMessage(prior, model),
  };
}

/** Same version of a file: same size and whole-millisecond mtime. */
export function sameVersion(
  a: { size: number; mtimeMs: number },
  b: { size: number; mtimeMs: number },
): boolean {
  return a.size === b.size && Math.floor(a.mtimeMs) === Math.floor(b.mtimeMs);
}

/**
 * What the intake reads and writes: rows in the ledger, the active profile (who files are
 * prepared for), the folders and preferences (what is wanted), and where checking progress goes.
 */
export interface IntakeDeps {
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly profile: ProfileView;
  readonly settings: Pick<SettingsView, 'folder' | 'preferences'>;
  readonly progress: ProgressSink;
  /** Whether this desk may read a row's file (a team ledger's rows are checked; see confined-path.ts). */
  readonly files?: FileGate;
}

/** How the intake is tuned. */
export interface IntakeOptions {
  /** Files sniffed and hashed at once (default 2). */
  hashConcurrency?: number;
}

/**
 * Turns reported and dropped files into `queued` or `skipped` rows; see the module comment. It
 * only writes rows: who hears of a queued row (the uploader) or of a file version taken (the
 * known-file set) hears it from the job store's stream.
 */
export class Intake implements Disposable {
  private readonly queue: PQueue;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly classifying = new Map<number, AbortController>();
  private readonly timers = new Set<Disposable>();
  private busy = 0;
  private disposed = false;

  constructor(
    private readonly deps: IntakeDeps,
    options: IntakeOptions = {},
  ) {
    this.queue = new PQueue({ concurrency: Math.max(1, options.hashConcurrency ?? 2) });
  }

  /** Nothing being looked at or waiting to be. */
  get idle(): boolean {
    return this.busy === 0 && this.queue.size === 0 && this.queue.pending === 0 && this.timers.size === 0;
  }

  /** A file is being sniffed and hashed, or waits to be. */
  get reading(): boolean {
    return this.queue.size > 0 || this.queue.pending > 0;
  }

  /** The watcher saw a file that is not yet stable: a `waiting` row (one per file version). */
  seen(c: FileCandidate): void {
    this.serial(c.path, () => this.onSeen(c));
  }

  /** The watcher found a file complete: sniff and hash it. */
  stable(c: FileCandidate): void {
    this.serial(c.path, () => this.onStable(c));
  }

  /** The watcher saw a file go. */
  gone(path: string): void {
    this.serial(path, () => this.onGone(path));
  }

  /** A dropped file: a new row, looked at at once. */
  async addDropped(c: FileCandidate): Promise<JobRecord> {
    const row = await this.insertWaiting(c, 'dropped on the window');
    this.classify(row.id);
    return row;
  }

  /** Look at a `waiting` row: sniff, hash, dedupe. */
  classify(id: number, delayMs = 0): void {
    if (this.disposed) return;
    if (delayMs > 0) {
      const t = this.deps.clock.setTimeout(() => {
        this.timers.delete(t);
        this.classify(id);
      }, delayMs);
      this.timers.add(t);
      return;
    }
    if (this.classifying.has(id)) return;
    const controller = new AbortController();
    this.classifying.set(id, controller);
    void this.queue
      .add(() => this.doClassify(id, controller.signal))
      .catch((e: unknown) => this.deps.logger.error('classify failed', { id, message: String(e) }))
      .finally(() => {
        if (this.classifying.get(id) === controller) this.classifying.delete(id);
      });
  }

  /** Stop looking at a row (it was cancelled). */
  abort(id: number): void {
    this.classifying.get(id)?.abort(new Error('cancelled'));
  }

  /** Make sure the current version of a changed file has a row, and look at it; its id, or null. */
  requeueChanged(job: JobRecord): Promise<number | null> {
    if (this.disposed) return Promise.resolve(null);
    // In the path's queue, so that a report from the watcher about the same change makes no second row.
    return new Promise((resolve) => {
      this.serial(job.path, async () => {
        let id: number | null = null;
        try {
          id = await this.ensureCurrentVersion(job);
        } finally {
          resolve(id);
        }
      });
    });
  }

  private async ensureCurrentVersion(job: JobRecord): Promise<number | null> {
    const latest = await this.deps.ledger.findLatestByPath(job.path);
    if (latest && latest.id !== job.id) return latest.id;
    let st: { size: number; mtimeMs: number };
    try {
      st = await statFile(job.path);
    } catch {
      return null;
    }
    const row = await this.insertWaiting(
      { folderId: job.folderId, path: job.path, size: st.size, mtimeMs: st.mtimeMs },
      `new version of the file of job #${job.id}`,
    );
    this.classify(row.id);
    return row.id;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const t of this.timers) t.dispose();
    this.timers.clear();
    this.queue.clear();
    for (const c of this.classifying.values()) c.abort(new Error('shutting down'));
    await this.queue.onIdle();
    await Promise.allSettled([...this.chains.values()]);
  }

  // ---------------------------------------------------------------------------------------

  /** Events about one path run one after the other. */
  private serial(path: string, fn: () => Promise<void>): void {
    if (this.disposed) return;
    this.busy += 1;
    const prev = this.chains.get(path) ?? Promise.resolve();
    const next = prev
      .then(fn)
      .catch((e: unknown) =>
        this.deps.logger.error('intake failed', {
          path,
          message: e instanceof Error ? e.message : String(e),
        }),
      )
      .finally(() => {
        this.busy -= 1;
        if (this.chains.get(path) === next) this.chains.delete(path);
      });
    this.chains.set(path, next);
  }

  private async insertWaiting(c: FileCandidate, note: string): Promise<JobRecord> {
    const row = await this.deps.ledger.insert({
      path: c.path,
      name: basename(c.path),
      folderId: c.folderId,
      size: c.size,
      mtimeMs: c.mtimeMs,
      profileId: this.deps.profile.activeProfileId(),
      simulated: this.deps.profile.active()?.simulated ?? false,
      state: 'waiting',
      note,
    });
    return row;
  }

  /**
   * A file that could not be read (UNREADABLE) and is seen again, maybe with its permission fixed:
   * the same job looks at it again instead of a new one, so its failure does not outlive the fix.
   */
  private async reopenUnreadable(latest: JobRecord | null, c: FileCandidate): Promise<JobRecord | null> {
    if (latest?.state !== 'failed' || latest.errorCode !== 'UNREADABLE') return null;
    const row = await this.deps.ledger.transition(
      latest.id,
      'failed',
      'waiting',
      {
        size: c.size,
        mtimeMs: c.mtimeMs,
        folderId: c.folderId,
        errorCode: null,
        errorKind: null,
        errorMessage: null,
      },
      'seen again: reading it again (its permission may have been fixed)',
    );
    return row;
  }

  private async onSeen(c: FileCandidate): Promise<void> {
    const found = await this.deps.ledger.findLatestByPath(c.path);
    const latest = (await this.reopenUnreadable(found, c)) ?? found;
    if (latest?.state === 'waiting') {
      if (!sameVersion(latest, c) || latest.folderId !== c.folderId) {
        await this.deps.ledger.update(latest.id, { size: c.size, mtimeMs: c.mtimeMs, folderId: c.folderId }, [
          'waiting',
        ]);
      }
      return;
    }
    if (latest && sameVersion(latest, c) && latest.state !== 'skipped' && latest.state !== 'failed') return;
    const row = await this.insertWaiting(
      c,
      latest ? `changed since job #${latest.id}` : 'seen in the folder',
    );
    // A queued older version is no longer the file: it is not sent.
    if (latest?.state === 'queued') {
      await this.deps.ledger.transition(
        latest.id,
        'queued',
        'failed',
        {
          errorCode: LOCAL_CODES.changed,
          errorKind: 'local',
          errorMessage: changedMessage(latest.name, row.id, 'unsent'),
        },
        'the file changed',
      );
    }
  }

  private async onStable(c: FileCandidate): Promise<void> {
    const found = await this.deps.ledger.findLatestByPath(c.path);
    let row = (await this.reopenUnreadable(found, c)) ?? found;
    if (row && row.state !== 'waiting') {
      if (sameVersion(row, c) && row.state !== 'skipped' && row.state !== 'failed') return;
      row = null;
    }
    if (!row) row = await this.insertWaiting(c, 'seen in the folder');
    else if (!sameVersion(row, c)) {
      row = (await this.deps.ledger.update(row.id, { size: c.size, mtimeMs: c.mtimeMs }, ['waiting'])) ?? row;
    }
    this.classify(row.id);
  }

  private async onGone(path: string): Promise<void> {
    const latest = await this.deps.ledger.findLatestByPath(path);
    if (latest?.state !== 'waiting') return; // later states check the file themselves before sending
    this.abort(latest.id);
    await this.deps.ledger.transition(
      latest.id,
      'waiting',
      'skipped',
      {
        errorCode: 'VANISHED',
        errorKind: 'local',
        errorMessage: vanishedMessage(latest.name),
      },
      'the file went away',
    );
  }

  private async skip(row: JobRecord, code: string, kind: ErrorKind, message: string): Promise<void> {
    if (code === 'UNREADABLE') {
      // Not a verdict on the file: it failed (the user must act) and is read again when seen again.
      await this.deps.ledger.transition(row.id, 'waiting', 'failed', {
        errorCode: code,
        errorKind: kind,
        errorMessage: message,
      });
      return;
    }
    await this.deps.ledger.transition(row.id, 'waiting', 'skipped', {
      errorCode: code,
      errorKind: kind,
      errorMessage: message,
    });
  }

  private async doClassify(id: number, signal: AbortSignal): Promise<void> {
    const row = await this.deps.ledger.get(id);
    if (!row || row.state !== 'waiting' || signal.aborted) return;
    const folder = this.deps.settings.folder(row.folderId);
    if (row.folderId !== null && folder === null) {
      await this.skip(row, LOCAL_CODES.folderRemoved, 'local', folderRemovedMessage(row.name));
      return;
    }
    const refused = await this.deps.files?.refusal(row.path, row.name);
    if (refused) {
      await this.deps.ledger.transition(row.id, 'waiting', 'failed', {
        errorCode: LOCAL_CODES.outsideFolders,
        errorKind: 'local',
        errorMessage: refused,
      });
      return;
    }
    const prefs = this.deps.settings.preferences();
    const generation = this.deps.profile.generation();
    // One pass over the bytes (issue 13): type, completeness and sha256; the folder's choices
    // are asked once the type is known, so an unwanted file is not read to its end.
    let model = '';
    let reported = 0;
    let read: OnePassResult<{ code: string; kind: ErrorKind; message: string }>;
    try {
      read = await readOnce(row.path, {
        maxSizeBytes: prefs.maxFileSizeBytes,
        supported: sniffableTypes(generation),
        signal,
        // A large file takes a while to read: the UI shows "Checking 45%" instead of "Waiting".
        onProgress: (bytesRead, size) => {
          if (size < CHECKING_PROGRESS_MIN_BYTES) return;
          if (bytesRead - reported < CHECKING_PROGRESS_STEP_BYTES && bytesRead < size) return;
          reported = bytesRead;
          this.deps.progress.report(row.id, Math.min(bytesRead, size), size, 'checking');
        },
        decide: (found) => {
          if (folder && !kindWanted(folder, found.kind)) {
            return {
              code: LOCAL_CODES.kindDisabled,
              kind: 'local',
              message: `${row.name} is ${KIND_NAMES[found.kind]}, and this folder is set to skip ${found.kind === 'audio' ? 'audio files' : `${found.kind}s`}.`,
            };
          }
          const choice = chooseModel({ name: row.name, ...found }, folder, generation);
          if (!choice.ok) return { code: choice.code, kind: choice.kind, message: choice.message };
          model = choice.model;
          return null;
        },
      });
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    }
    if (signal.aborted) return;
    if (read.outcome === 'refused') {
      await this.skip(row, read.code, kindOfProblem(read.code), read.message);
      return;
    }
    if (read.outcome === 'declined') {
      await this.skip(row, read.reason.code, read.reason.kind, read.reason.message);
      return;
    }
    const sniff = read;
    const { before, after } = read;
    const hashed = { sha256: read.sha256, size: read.bytesRead };
    if (!sameVersion(before, after) || hashed.size !== after.size) {
      // Still being written: look again once it settles (the watcher reports it again for folders).
      await this.deps.ledger.update(row.id, { size: after.size, mtimeMs: after.mtimeMs }, ['waiting']);
      if (row.folderId === null) this.classify(row.id, 1_000);
      return;
    }
    const active = this.deps.profile.active();
    const simulated = active?.simulated ?? row.simulated;
    const force = row.forceRecheck || (folder?.forceRecheck ?? false);
    const patch = {
      sha256: hashed.sha256,
      contentType: sniff.contentType,
      kind: sniff.kind,
      model,
      size: after.size,
      mtimeMs: after.mtimeMs,
      simulated,
      profileId: this.deps.profile.activeProfileId(),
    };
    if (!force) {
      const prior = await this.deps.ledger.findDoneByHash(hashed.sha256, model, simulated);
      if (prior) {
        await this.deps.ledger.transition(
          row.id,
          'waiting',
          'skipped',
          { ...patch, ...duplicatePatch(prior, model, this.deps.clock.now()) },
          `duplicate of job #${prior.id}`,
        );
        return;
      }
    }
    await this.deps.ledger.transition(
      row.id,
      'waiting',
      'queued',
      patch,
      `${sniff.contentType}, sha256 ${hashed.sha256.slice(0, 12)}…, model ${model}`,
    );
  }
}
