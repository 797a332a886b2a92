/**
 * A small in-memory implementation of the contract for the web host's tests: it records every
 * call and lets the test fire events. It knows nothing of files or the API; the end-to-end tests
 * run the real engine.
 */
import {
  COMMAND_NAMES,
  EVENT_NAMES,
  type AuthentaWatchApi,
  type DropResult,
  type EventName,
  type EventPayloads,
  type JobPage,
} from '../../../src/shared/contract';
import { EventListeners, commandsOver, eventsOver } from '../../../src/shared/contract-bridge';
import { emptyCounts, emptyVerdictCounts, type EngineStatus, type Job } from '../../../src/shared/domain';
import { PreferencesSchema } from '../../../src/shared/settings';

export interface RecordedCall {
  command: string;
  args: unknown[];
}

export class RecordingApi {
  readonly calls: RecordedCall[] = [];
  private readonly events = new EventListeners();
  /** What addPaths answers; by default every path is accepted. */
  addPathsAnswer: (paths: string[]) => DropResult = (paths) => ({ accepted: paths.length, rejected: [] });

  readonly api: AuthentaWatchApi;

  constructor() {
    const record = <T>(command: string, args: unknown[], result: T): Promise<T> => {
      this.calls.push({ command, args });
      return Promise.resolve(result);
    };
    const status: EngineStatus = {
      paused: false,
      blocks: [],
      counts: emptyCounts(),
      uploads: { inFlight: 0, bytesPerSecond: 0 },
      callsToday: { query: 0, mutation: 0 },
      folders: [],
      profile: null,
      keychain: { available: false, message: 'test' },
      verdicts: emptyVerdictCounts(),
    };
    this.api = {
      // Every command and event of the contract; the commands below answer something particular.
      ...commandsOver(COMMAND_NAMES, (command, args) => record(command, args, undefined)),
      ...eventsOver(EVENT_NAMES, (event, listener) => this.events.add(event, listener)),
      getCapabilities: () =>
        record('getCapabilities', [], {
          host: 'electron',
          nativeFolderPicker: true,
          revealInFolder: true,
          dropUploads: false,
          nativeFilePicker: true,
          pdf: true,
        }),
      getStatus: () => record('getStatus', [], status),
      listJobs: (q) => record<JobPage>('listJobs', [q], { total: 1, offset: 0, jobs: [sampleJob(1)] }),
      getJob: (id) => record('getJob', [id], { job: sampleJob(id), timeline: [], raw: null, hint: null }),
      retryJob: (id) => record('retryJob', [id], undefined),
      cancelJob: (id) => record('cancelJob', [id], undefined),
      deleteRemote: (id) => record('deleteRemote', [id], undefined),
      revealJob: (id) => record('revealJob', [id], undefined),
      openLink: (l) => record('openLink', [l], 'https://example.invalid/x'),
      pauseAll: () => record('pauseAll', [], undefined),
      resumeAll: () => record('resumeAll', [], undefined),
      pauseFolder: (id) => record('pauseFolder', [id], undefined),
      resumeFolder: (id) => record('resumeFolder', [id], undefined),
      addFolder: (f) =>
        Promise.reject(Object.assign(new Error(`No folder at ${f.path}.`), { code: 'NO_FOLDER' })),
      updateFolder: (id) => Promise.reject(new Error(`No folder ${id}.`)),
      removeFolder: (id) => record('removeFolder', [id], undefined),
      pickFolder: () => record('pickFolder', [], '/picked'),
      addPaths: (paths) => record('addPaths', [paths], this.addPathsAnswer(paths)),
      listProfiles: () => record('listProfiles', [], { profiles: [], activeId: null }),
      saveProfile: (p) =>
        record('saveProfile', [p], {
          id: p.id ?? 'new',
          name: p.name,
          baseUrl: p.baseUrl,
          generation: p.generation,
          simulated: false,
          hasSecret: false,
        }),
      removeProfile: (id) => record('removeProfile', [id], undefined),
      selectProfile: (id) => record('selectProfile', [id], undefined),
      setSecret: (id) => record('setSecret', [id, '<redacted>'], undefined),
      clearSecret: (id) => record('clearSecret', [id], undefined),
      testConnection: (id) =>
        record('testConnection', [id], { ok: true, generation: null, code: null, message: 'ok' }),
      exportReport: (q, f) => record('exportReport', [q, f], 'report'),
      getPreferences: () => record('getPreferences', [], PreferencesSchema.parse({})),
      updatePreferences: (patch) => record('updatePreferences', [patch], PreferencesSchema.parse(patch)),
      setReview: (id, review) =>
        record('setReview', [id, review], {
          ...sampleJob(id),
          review: { status: review.status, note: review.note ?? null, at: 1 },
        }),
      getMediaBase: () => record('getMediaBase', [], 'engine-media-base'),
      saveVideoPoster: (id, url) => record('saveVideoPoster', [id, url.length], undefined),
      pickFiles: () => record('pickFiles', [], ['/picked/a.jpg']),
      savePdf: (title) => record('savePdf', [title], '/picked/report.pdf'),
    };
  }

  /** Fire an event as the engine would. */
  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    this.events.emit(event, payload);
  }

  /** Listeners currently subscribed (the host must drop its own on close). */
  listenerCount(): number {
    return this.events.count();
  }

  callsOf(command: string): RecordedCall[] {
    return this.calls.filter((c) => c.command === command);
  }
}

export function sampleJob(id: number): Job {
  return {
    id,
    path: `/watch/clip-${id}.mp4`,
    name: `clip-${id}.mp4`,
    folderId: null,
    size: 100,
    mtimeMs: 0,
    sha256: null,
    contentType: 'video/mp4',
    kind: 'video',
    model: 'DF-1',
    generation: 'media-client',
    remoteId: null,
    state: 'queued',
    attempts: 0,
    bytesSent: 0,
    verdict: null,
    errorCode: null,
    errorKind: null,
    errorMessage: null,
    duplicateOf: null,
    profileId: 'sandbox',
    simulated: true,
    createdAt: 1,
    updatedAt: 1,
    doneAt: null,
    review: { status: 'new', note: null, at: null },
  };
}
