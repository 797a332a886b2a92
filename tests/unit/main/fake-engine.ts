/**
 * An in-memory AuthentaWatchApi for the desktop host's tests: records the commands it gets and
 * lets a test push events (status, job changes) as the real engine would. The real engine is
 * tested under Node on its own; here it only has to answer.
 */
import type {
  AuthentaWatchApi,
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

type Listener<T> = (payload: T) => void;

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
export class FakeEngine implements DesktopEngine {
  readonly calls: unknown[][] = [];
  status: EngineStatus = makeStatus();
  jobs = new Map<number, Job>();
  linkUrl = 'https://media.example/heatmap.png?X-Amz-Signature=abc';
  started = false;
  disposed = false;
  private readonly listeners = {
    jobsChanged: new Set<Listener<JobChange[]>>(),
    status: new Set<Listener<EngineStatus>>(),
    progress: new Set<Listener<UploadProgress[]>>(),
    openJob: new Set<Listener<JobId>>(),
  };

  private record(name: string, ...args: unknown[]): void {
    this.calls.push([name, ...args]);
  }

  /** The commands called so far, by name. */
  called(name: string): unknown[][] {
    return this.calls.filter((c) => c[0] === name).map((c) => c.slice(1));
  }

  emitStatus(status: EngineStatus): void {
    this.status = status;
    for (const l of this.listeners.status) l(status);
  }
  emitJobs(changes: JobChange[]): void {
    for (const l of this.listeners.jobsChanged) l(changes);
  }
  emitProgress(progress: UploadProgress[]): void {
    for (const l of this.listeners.progress) l(progress);
  }
  listenerCount(): number {
    return Object.values(this.listeners).reduce((n, set) => n + set.size, 0);
  }

  async start(): Promise<void> {
    this.started = true;
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }

  async getCapabilities(): Promise<HostCapabilities> {
    return {
      host: 'web',
      nativeFolderPicker: false,
      revealInFolder: false,
      dropUploads: true,
      nativeFilePicker: false,
      pdf: false,
    };
  }
  async getStatus(): Promise<EngineStatus> {
    this.record('getStatus');
    return this.status;
  }
  async listJobs(query: unknown): Promise<JobPage> {
    this.record('listJobs', query);
    return { total: this.jobs.size, offset: 0, jobs: [...this.jobs.values()] };
  }
  async getJob(id: JobId): Promise<JobDetails> {
    this.record('getJob', id);
    const job = this.jobs.get(id);
    if (!job) throw Object.assign(new Error(`No job ${id}.`), { code: 'NOT_FOUND' });
    return { job, timeline: [], raw: null, hint: null };
  }
  async retryJob(id: JobId): Promise<void> {
    this.record('retryJob', id);
  }
  async cancelJob(id: JobId): Promise<void> {
    this.record('cancelJob', id);
  }
  async deleteRemote(id: JobId): Promise<void> {
    this.record('deleteRemote', id);
  }
  async revealJob(): Promise<void> {
    notImplemented('revealJob');
  }
  async openLink(link: unknown): Promise<string> {
    this.record('openLink', link);
    return this.linkUrl;
  }
  async pauseAll(): Promise<void> {
    this.record('pauseAll');
    this.status = { ...this.status, paused: true };
  }
  async resumeAll(): Promise<void> {
    this.record('resumeAll');
    this.status = { ...this.status, paused: false };
  }
  async pauseFolder(id: string): Promise<void> {
    this.record('pauseFolder', id);
  }
  async resumeFolder(id: string): Promise<void> {
    this.record('resumeFolder', id);
  }
  async addFolder(folder: { path: string }): Promise<FolderStatus> {
    this.record('addFolder', folder);
    return makeFolder({ path: folder.path });
  }
  async updateFolder(id: string, options: unknown): Promise<FolderStatus> {
    this.record('updateFolder', id, options);
    return makeFolder({ id });
  }
  async removeFolder(id: string): Promise<void> {
    this.record('removeFolder', id);
  }
  async pickFolder(): Promise<string | null> {
    return notImplemented('pickFolder');
  }
  async addPaths(paths: string[]): Promise<DropResult> {
    this.record('addPaths', paths);
    return { accepted: paths.length, rejected: [] };
  }
  async listProfiles(): Promise<Awaited<ReturnType<AuthentaWatchApi['listProfiles']>>> {
    this.record('listProfiles');
    return { profiles: [], activeId: null };
  }
  async saveProfile(): Promise<never> {
    return notImplemented('saveProfile');
  }
  async removeProfile(id: string): Promise<void> {
    this.record('removeProfile', id);
  }
  async selectProfile(id: string): Promise<void> {
    this.record('selectProfile', id);
  }
  async setSecret(profileId: string, secret: unknown): Promise<void> {
    this.record('setSecret', profileId, secret);
  }
  async clearSecret(profileId: string): Promise<void> {
    this.record('clearSecret', profileId);
  }
  async testConnection(profileId: string, options?: unknown): Promise<never> {
    this.record('testConnection', profileId, options);
    throw Object.assign(new Error('Authenta refused the client ID and secret.'), { code: 'IAM001' });
  }
  async exportReport(query: unknown, format: string): Promise<string> {
    this.record('exportReport', query, format);
    return 'id,name\n';
  }
  async getPreferences(): Promise<Preferences> {
    this.record('getPreferences');
    return PreferencesSchema.parse({});
  }
  async updatePreferences(patch: PreferencesPatch): Promise<Preferences> {
    this.record('updatePreferences', patch);
    return PreferencesSchema.parse(patch);
  }
  async setReview(id: JobId, review: { status: ReviewStatus; note?: string | null }): Promise<Job> {
    this.record('setReview', id, review);
    const job = this.jobs.get(id);
    if (!job) throw Object.assign(new Error(`No job ${id}.`), { code: 'NOT_FOUND' });
    const updated = { ...job, review: { status: review.status, note: review.note ?? null, at: 1 } };
    this.jobs.set(id, updated);
    return updated;
  }
  async getMediaBase(): Promise<string> {
    return notImplemented('getMediaBase');
  }
  async saveVideoPoster(id: JobId, jpegDataUrl: string): Promise<void> {
    this.record('saveVideoPoster', id, jpegDataUrl.length);
  }
  async pickFiles(): Promise<string[]> {
    return notImplemented('pickFiles');
  }
  async savePdf(): Promise<string | null> {
    return notImplemented('savePdf');
  }

  onJobsChanged(listener: Listener<JobChange[]>): () => void {
    this.listeners.jobsChanged.add(listener);
    return () => this.listeners.jobsChanged.delete(listener);
  }
  onStatus(listener: Listener<EngineStatus>): () => void {
    this.listeners.status.add(listener);
    return () => this.listeners.status.delete(listener);
  }
  onProgress(listener: Listener<UploadProgress[]>): () => void {
    this.listeners.progress.add(listener);
    return () => this.listeners.progress.delete(listener);
  }
  onOpenJob(listener: Listener<JobId>): () => void {
    this.listeners.openJob.add(listener);
    return () => this.listeners.openJob.delete(listener);
  }
}
