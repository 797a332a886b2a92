/**
 * An in-memory AuthentaWatchApi for the desktop host's tests: records the commands it gets and
 * lets a test push events (status, job changes) as the real engine would. The real engine is
 * tested under Node on its own; here it only has to answer.
 */
import type {
  AuthentaWatchApi,
  CommandName,
  DropResult,
  HostCapabilities,
  JobId,
  JobPage,
  PreferencesPatch,
} from '../../../src/shared/contract';
import { PreferencesSchema, type Preferences } from '../../../src/shared/settings';
import {
  emptyCounts,
  emptyVerdictCounts,
  type EngineStatus,
  type FolderStatus,
  type Job,
  type JobChange,
  type JobDetails,
  type ReviewStatus,
  type UploadProgress,
} from '../../../src/shared/domain';
import type { DesktopEngine } from '../../../src/main/desktop/app';
import { ContractFake } from '../../helpers/contract-fake';

export function makeStatus(overrides: Partial<EngineStatus> = {}): EngineStatus {
  return {
    paused: false,
    blocks: [],
    counts: emptyCounts(),
    uploads: { inFlight: 0, bytesPerSecond: 0 },
    callsToday: { query: 0, mutation: 0 },
    folders: [],
    profile: null,
    keychain: { available: true, message: null },
    verdicts: emptyVerdictCounts(),
    ...overrides,
  };
}

export function makeJob(overrides: Partial<Job> = {}): Job {
  return {
    id: 1,
    path: '/photos/a.jpg',
    name: 'a.jpg',
    folderId: null,
    size: 1000,
    mtimeMs: 0,
    sha256: null,
    contentType: 'image/jpeg',
    kind: 'image',
    model: 'AC-1',
    generation: 'media-client',
    remoteId: 'mid-1',
    state: 'done',
    attempts: 1,
    bytesSent: 1000,
    verdict: { label: 'fake', confidence: 0.97 },
    errorCode: null,
    errorKind: null,
    errorMessage: null,
    duplicateOf: null,
    profileId: 'sandbox',
    simulated: false,
    createdAt: 0,
    updatedAt: 0,
    doneAt: 0,
    review: { status: 'new', note: null, at: null },
    ...overrides,
  };
}

export function makeFolder(overrides: Partial<FolderStatus> = {}): FolderStatus {
  return {
    id: 'f1',
    path: '/home/desk/Incoming',
    paused: false,
    recursive: true,
    images: true,
    videos: true,
    imageModel: 'AC-1',
    videoModel: 'DF-1',
    stabilityMs: 2000,
    usePolling: false,
    pollIntervalMs: 2000,
    ignore: [],
    after: 'none',
    forceRecheck: false,
    health: { state: 'watching', message: null, lastEventAt: null },
    ...overrides,
  };
}

function notImplemented(name: string): never {
  throw new Error(`FakeEngine.${name} is not part of this test`);
}

/** Records calls as [command, ...args]. */
export class FakeEngine extends ContractFake implements DesktopEngine {
  readonly calls: unknown[][] = [];
  status: EngineStatus = makeStatus();
  jobs = new Map<number, Job>();
  linkUrl = 'https://media.example/heatmap.png?X-Amz-Signature=abc';
  started = false;
  disposed = false;
  private record(name: string, ...args: unknown[]): void {
    this.calls.push([name, ...args]);
  }

  /** A command this fake has no method for yet: recorded, answers nothing. */
  protected override async unhandled(name: CommandName, args: unknown[]): Promise<undefined> {
    this.record(name, ...args);
    return undefined;
  }

  /** The commands called so far, by name. */
  called(name: string): unknown[][] {
    return this.calls.filter((c) => c[0] === name).map((c) => c.slice(1));
  }

  emitStatus(status: EngineStatus): void {
    this.status = status;
    this.emit('status', status);
  }
  emitJobs(changes: JobChange[]): void {
    this.emit('jobsChanged', changes);
  }
  emitProgress(progress: UploadProgress[]): void {
    this.emit('progress', progress);
  }

  async start(): Promise<void> {
    this.started = true;
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }

  override getCapabilities = async (): Promise<HostCapabilities> => {
    return {
      host: 'web',
      nativeFolderPicker: false,
      revealInFolder: false,
      dropUploads: true,
      nativeFilePicker: false,
      pdf: false,
    };
  };
  override getStatus = async (): Promise<EngineStatus> => {
    this.record('getStatus');
    return this.status;
  };
  override listJobs = async (query: unknown): Promise<JobPage> => {
    this.record('listJobs', query);
    return { total: this.jobs.size, offset: 0, jobs: [...this.jobs.values()] };
  };
  override getJob = async (id: JobId): Promise<JobDetails> => {
    this.record('getJob', id);
    const job = this.jobs.get(id);
    if (!job) throw Object.assign(new Error(`No job ${id}.`), { code: 'NOT_FOUND' });
    return { job, timeline: [], raw: null, hint: null };
  };
  override retryJob = async (id: JobId): Promise<void> => {
    this.record('retryJob', id);
  };
  override cancelJob = async (id: JobId): Promise<void> => {
    this.record('cancelJob', id);
  };
  override deleteRemote = async (id: JobId): Promise<void> => {
    this.record('deleteRemote', id);
  };
  override revealJob = async (): Promise<void> => {
    notImplemented('revealJob');
  };
  override openLink = async (link: unknown): Promise<string> => {
    this.record('openLink', link);
    return this.linkUrl;
  };
  override pauseAll = async (): Promise<void> => {
    this.record('pauseAll');
    this.status = { ...this.status, paused: true };
  };
  override resumeAll = async (): Promise<void> => {
    this.record('resumeAll');
    this.status = { ...this.status, paused: false };
  };
  override pauseFolder = async (id: string): Promise<void> => {
    this.record('pauseFolder', id);
  };
  override resumeFolder = async (id: string): Promise<void> => {
    this.record('resumeFolder', id);
  };
  override addFolder = async (folder: { path: string }): Promise<FolderStatus> => {
    this.record('addFolder', folder);
    return makeFolder({ path: folder.path });
  };
  override updateFolder = async (id: string, options: unknown): Promise<FolderStatus> => {
    this.record('updateFolder', id, options);
    return makeFolder({ id });
  };
  override removeFolder = async (id: string): Promise<void> => {
    this.record('removeFolder', id);
  };
  override pickFolder = async (): Promise<string | null> => {
    return notImplemented('pickFolder');
  };
  override addPaths = async (paths: string[]): Promise<DropResult> => {
    this.record('addPaths', paths);
    return { accepted: paths.length, rejected: [] };
  };
  override listProfiles = async (): Promise<Awaited<ReturnType<AuthentaWatchApi['listProfiles']>>> => {
    this.record('listProfiles');
    return { profiles: [], activeId: null };
  };
  override saveProfile = async (): Promise<never> => {
    return notImplemented('saveProfile');
  };
  override removeProfile = async (id: string): Promise<void> => {
    this.record('removeProfile', id);
  };
  override selectProfile = async (id: string): Promise<void> => {
    this.record('selectProfile', id);
  };
  override setSecret = async (profileId: string, secret: unknown): Promise<void> => {
    this.record('setSecret', profileId, secret);
  };
  override clearSecret = async (profileId: string): Promise<void> => {
    this.record('clearSecret', profileId);
  };
  override testConnection = async (profileId: string, options?: unknown): Promise<never> => {
    this.record('testConnection', profileId, options);
    throw Object.assign(new Error('Authenta refused the client ID and secret.'), { code: 'IAM001' });
  };
  override exportReport = async (query: unknown, format: string): Promise<string> => {
    this.record('exportReport', query, format);
    return 'id,name\n';
  };
  override getPreferences = async (): Promise<Preferences> => {
    this.record('getPreferences');
    return PreferencesSchema.parse({});
  };
  override updatePreferences = async (patch: PreferencesPatch): Promise<Preferences> => {
    this.record('updatePreferences', patch);
    return PreferencesSchema.parse(patch);
  };
  override setReview = async (
    id: JobId,
    review: { status: ReviewStatus; note?: string | null },
  ): Promise<Job> => {
    this.record('setReview', id, review);
    const job = this.jobs.get(id);
    if (!job) throw Object.assign(new Error(`No job ${id}.`), { code: 'NOT_FOUND' });
    const updated = { ...job, review: { status: review.status, note: review.note ?? null, at: 1 } };
    this.jobs.set(id, updated);
    return updated;
  };
  override getMediaBase = async (): Promise<string> => {
    return notImplemented('getMediaBase');
  };
  override saveVideoPoster = async (id: JobId, jpegDataUrl: string): Promise<void> => {
    this.record('saveVideoPoster', id, jpegDataUrl.length);
  };
  override pickFiles = async (): Promise<string[]> => {
    return notImplemented('pickFiles');
  };
  override savePdf = async (): Promise<string | null> => {
    return notImplemented('savePdf');
  };
}
