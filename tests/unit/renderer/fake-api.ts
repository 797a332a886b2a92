/**
 * An in-memory AuthentaWatchApi for the renderer's tests. The engine is tested for real elsewhere
 * and the e2e suite drives the real web host; here the UI needs a host that answers at once,
 * records every call and lets a test push events. Its listJobs filters and sorts on its own
 * (written independently of the renderer's job-query.ts) so the two check each other.
 */
import type {
  CommandName,
  ConnectionTest,
  HostCapabilities,
  JobPage,
  JobQuery,
  PreferencesPatch,
  ProfileInput,
  ReportFormat,
  SecretInput,
} from '../../../src/shared/contract';
import {
  emptyCounts,
  emptyVerdictCounts,
  type EngineStatus,
  type FolderStatus,
  type Job,
  type JobChange,
  type JobDetails,
  type Profile,
  type ReviewStatus,
  type UploadProgress,
} from '../../../src/shared/domain';
import type { ProvenanceReport } from '../../../src/shared/provenance';
import { PreferencesSchema, type Preferences } from '../../../src/shared/settings';
import { ContractFake } from '../../helpers/contract-fake';

export interface FakeCall {
  name: string;
  args: unknown[];
}

let nextId = 1;

/** A job with sensible defaults. */
export function makeJob(partial: Partial<Job> = {}): Job {
  const id = partial.id ?? nextId++;
  const name = partial.name ?? `file-${id}.jpg`;
  return {
    id,
    path: partial.path ?? `/watch/${name}`,
    name,
    folderId: 'f1',
    size: 1_048_576,
    mtimeMs: 1_700_000_000_000,
    sha256: null,
    contentType: 'image/jpeg',
    kind: 'image',
    model: 'AC-1',
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
    profileId: 'p1',
    simulated: false,
    createdAt: 1_700_000_000_000 + id * 1000,
    updatedAt: 1_700_000_000_000 + id * 1000,
    doneAt: null,
    review: { status: 'new', note: null, at: null },
    ...partial,
  };
}

/** A folder with default options. */
export function makeFolder(partial: Partial<FolderStatus> = {}): FolderStatus {
  return {
    id: 'f1',
    path: '/watch/inbox',
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
    ...partial,
  };
}

export function makeStatus(partial: Partial<EngineStatus> = {}): EngineStatus {
  return {
    paused: false,
    blocks: [],
    counts: emptyCounts(),
    uploads: { inFlight: 0, bytesPerSecond: 0 },
    callsToday: { query: 0, mutation: 0 },
    folders: [],
    profile: {
      id: 'p1',
      name: 'Newsroom',
      baseUrl: 'https://platform.authenta.ai/api',
      generation: 'media-client',
      simulated: false,
      hasSecret: true,
    },
    keychain: { available: true, message: null },
    verdicts: emptyVerdictCounts(),
    ...partial,
  };
}

/** How bad a verdict is: fake first in a descending sort. */
const SEVERITY = { authentic: 1, inconclusive: 2, suspect: 3, fake: 4 } as const;

/** The value a job sorts by; null for a job without a verdict (or confidence), which sorts last. */
function sortValue(job: Job, key: NonNullable<JobQuery['sort']>): string | number | null {
  if (key === 'name') return job.name.toLowerCase();
  if (key === 'state') return job.state;
  if (key === 'verdict') return job.verdict ? SEVERITY[job.verdict.label] : null;
  if (key === 'confidence') return job.verdict?.confidence ?? null;
  return job[key];
}

export class FakeApi extends ContractFake {
  jobs: Job[] = [];
  details = new Map<number, Partial<JobDetails>>();
  status: EngineStatus = makeStatus();
  capabilities: HostCapabilities = {
    host: 'web',
    nativeFolderPicker: false,
    revealInFolder: false,
    dropUploads: true,
    nativeFilePicker: false,
    pdf: false,
  };
  /** What getMediaBase answers (the e2e suite serves real media; here only URLs matter). */
  mediaBase = '/media/test-key';
  /** What pickFiles answers. */
  pickedFiles: string[] = [];
  /** What savePdf answers (null: the user cancelled). */
  savedPdf: string | null = '/home/desk/case.pdf';
  profiles: Profile[] = [];
  activeProfileId: string | null = null;
  calls: FakeCall[] = [];
  /** Make the next call of a command fail with this message. */
  failures = new Map<string, string>();
  connection: ConnectionTest = {
    ok: true,
    generation: 'media-client',
    code: null,
    message: 'Reached the server.',
  };
  pickedFolder: string | null = '/picked/folder';
  report = 'name,verdict\n';
  preferences: Preferences = PreferencesSchema.parse({});
  linkUrl = 'https://s3.example/heatmap?X-Amz-Expires=60';
  /** Secrets set through the API (the UI must never read these back). */
  secrets = new Map<string, SecretInput>();

  #record(name: string, args: unknown[]): void {
    this.calls.push({ name, args });
    const failure = this.failures.get(name);
    if (failure !== undefined) {
      this.failures.delete(name);
      throw new Error(failure);
    }
  }

  /** A command this fake has no method for yet: recorded, answers nothing. */
  protected override async unhandled(name: CommandName, args: unknown[]): Promise<undefined> {
    this.#record(name, args);
    return undefined;
  }

  callsOf(name: string): FakeCall[] {
    return this.calls.filter((c) => c.name === name);
  }

  // Events -------------------------------------------------------------------------------------

  emitJobs(changes: JobChange[]): void {
    for (const change of changes) {
      if (change.type === 'removed') this.jobs = this.jobs.filter((j) => j.id !== change.id);
      else {
        const at = this.jobs.findIndex((j) => j.id === change.job.id);
        if (at >= 0) this.jobs[at] = change.job;
        else this.jobs.push(change.job);
      }
    }
    this.emit('jobsChanged', changes);
  }

  emitStatus(status: EngineStatus): void {
    this.status = status;
    this.emit('status', status);
  }

  emitProgress(progress: UploadProgress[]): void {
    this.emit('progress', progress);
  }

  emitOpenJob(id: number): void {
    this.emit('openJob', id);
  }

  // Commands -----------------------------------------------------------------------------------

  override getCapabilities = async () => {
    this.#record('getCapabilities', []);
    return this.capabilities;
  };
  override getStatus = async () => {
    this.#record('getStatus', []);
    return this.status;
  };

  /** The matching jobs in order, without paging. */
  select(query: JobQuery): Job[] {
    const search = query.search?.toLowerCase();
    const rows = this.jobs.filter(
      (j) =>
        (!query.states || query.states.includes(j.state)) &&
        (!query.verdicts || (j.verdict !== null && query.verdicts.includes(j.verdict.label))) &&
        (!query.reviews || query.reviews.includes(j.review.status)) &&
        (query.folderId === undefined || j.folderId === query.folderId) &&
        (query.since === undefined || j.createdAt >= query.since) &&
        (query.until === undefined || j.createdAt <= query.until) &&
        (!search || j.name.toLowerCase().includes(search)),
    );
    const key = query.sort ?? 'createdAt';
    const dir = query.order === 'asc' ? 1 : -1;
    return rows.sort((a, b) => {
      const x = sortValue(a, key);
      const y = sortValue(b, key);
      if (x === null || y === null) {
        if (x !== y) return x === null ? 1 : -1;
      } else if (x !== y) return (x < y ? -1 : 1) * dir;
      return (a.id - b.id) * dir;
    });
  }

  override listJobs = async (query: JobQuery): Promise<JobPage> => {
    this.#record('listJobs', [query]);
    const rows = this.select(query);
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 200;
    return { total: rows.length, offset, jobs: rows.slice(offset, offset + limit) };
  };

  override getJob = async (id: number): Promise<JobDetails> => {
    this.#record('getJob', [id]);
    const job = this.jobs.find((j) => j.id === id);
    if (!job) throw new Error(`No job ${id}.`);
    const extra = this.details.get(id) ?? {};
    return {
      job,
      timeline: extra.timeline ?? [{ state: job.state, at: job.updatedAt, note: null }],
      raw: extra.raw ?? null,
      hint: extra.hint ?? null,
    };
  };

  /** What getProvenance answers, by job id (unset: nothing, as before this fake knew the command). */
  provenance = new Map<number, ProvenanceReport>();

  override getProvenance = async (id: number): Promise<ProvenanceReport> => {
    this.#record('getProvenance', [id]);
    return this.provenance.get(id) as ProvenanceReport;
  };

  override retryJob = async (id: number) => {
    this.#record('retryJob', [id]);
  };
  override cancelJob = async (id: number) => {
    this.#record('cancelJob', [id]);
  };
  override deleteRemote = async (id: number) => {
    this.#record('deleteRemote', [id]);
  };
  override revealJob = async (id: number) => {
    this.#record('revealJob', [id]);
  };
  override openLink = async (link: {
    id: number;
    kind: 'heatmap' | 'result' | 'source';
    participantId?: string;
  }) => {
    this.#record('openLink', [link]);
    return this.linkUrl;
  };
  override pauseAll = async () => {
    this.#record('pauseAll', []);
    this.status = { ...this.status, paused: true };
  };
  override resumeAll = async () => {
    this.#record('resumeAll', []);
    this.status = { ...this.status, paused: false };
  };
  override pauseFolder = async (id: string) => {
    this.#record('pauseFolder', [id]);
  };
  override resumeFolder = async (id: string) => {
    this.#record('resumeFolder', [id]);
  };
  override addFolder = async (folder: { path: string }) => {
    this.#record('addFolder', [folder]);
    const added = makeFolder({ id: `f${this.status.folders.length + 1}`, path: folder.path });
    this.status = { ...this.status, folders: [...this.status.folders, added] };
    return added;
  };
  override updateFolder = async (id: string, options: Partial<FolderStatus>) => {
    this.#record('updateFolder', [id, options]);
    const folders = this.status.folders.map((f) => (f.id === id ? { ...f, ...options } : f));
    this.status = { ...this.status, folders };
    return folders.find((f) => f.id === id) as FolderStatus;
  };
  override removeFolder = async (id: string) => {
    this.#record('removeFolder', [id]);
    this.status = { ...this.status, folders: this.status.folders.filter((f) => f.id !== id) };
  };
  override pickFolder = async () => {
    this.#record('pickFolder', []);
    return this.pickedFolder;
  };
  override addPaths = async (paths: string[]) => {
    this.#record('addPaths', [paths]);
    return { accepted: paths.length, rejected: [] };
  };
  override listProfiles = async () => {
    this.#record('listProfiles', []);
    return { profiles: this.profiles.map((p) => ({ ...p })), activeId: this.activeProfileId };
  };
  override saveProfile = async (input: ProfileInput) => {
    this.#record('saveProfile', [input]);
    const existing = this.profiles.find((p) => p.id === input.id);
    const saved: Profile = existing
      ? { ...existing, ...input, id: existing.id }
      : { id: `p${this.profiles.length + 1}`, simulated: false, hasSecret: false, ...input };
    this.profiles = existing
      ? this.profiles.map((p) => (p.id === saved.id ? saved : p))
      : [...this.profiles, saved];
    return saved;
  };
  override removeProfile = async (id: string) => {
    this.#record('removeProfile', [id]);
    this.profiles = this.profiles.filter((p) => p.id !== id);
  };
  override selectProfile = async (id: string) => {
    this.#record('selectProfile', [id]);
    this.activeProfileId = id;
  };
  override setSecret = async (profileId: string, secret: SecretInput) => {
    this.#record('setSecret', [profileId, '<redacted>']);
    this.secrets.set(profileId, secret);
    this.profiles = this.profiles.map((p) => (p.id === profileId ? { ...p, hasSecret: true } : p));
  };
  override clearSecret = async (profileId: string) => {
    this.#record('clearSecret', [profileId]);
    this.secrets.delete(profileId);
    this.profiles = this.profiles.map((p) => (p.id === profileId ? { ...p, hasSecret: false } : p));
  };
  override testConnection = async (profileId: string, options?: { detect?: boolean }) => {
    this.#record('testConnection', [profileId, options]);
    return this.connection;
  };
  override exportReport = async (query: JobQuery, format: ReportFormat) => {
    this.#record('exportReport', [query, format]);
    return this.report;
  };
  override getPreferences = async () => {
    this.#record('getPreferences', []);
    return structuredClone(this.preferences);
  };
  override updatePreferences = async (patch: PreferencesPatch) => {
    this.#record('updatePreferences', [patch]);
    this.preferences = { ...this.preferences, ...patch };
    return structuredClone(this.preferences);
  };
  override setReview = async (id: number, review: { status: ReviewStatus; note?: string | null }) => {
    this.#record('setReview', [id, review]);
    const job = this.jobs.find((j) => j.id === id);
    if (!job) throw new Error(`No job ${id}.`);
    const note = review.note?.trim() ? review.note.trim() : null;
    const updated: Job = { ...job, review: { status: review.status, note, at: Date.now() } };
    this.emitJobs([{ type: 'upsert', job: updated }]);
    return updated;
  };
  override getMediaBase = async () => {
    this.#record('getMediaBase', []);
    return this.mediaBase;
  };
  override saveVideoPoster = async (id: number, jpegDataUrl: string) => {
    this.#record('saveVideoPoster', [id, jpegDataUrl.length]);
  };
  override pickFiles = async () => {
    this.#record('pickFiles', []);
    return [...this.pickedFiles];
  };
  override savePdf = async (title: string) => {
    this.#record('savePdf', [title]);
    return this.savedPdf;
  };
}
