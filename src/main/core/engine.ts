/**
 * The engine: the one implementation of the UI contract (AuthentaWatchApi), for every host. It
 * owns the ledger, the folder watchers, the pipeline, the profiles and their services, and turns
 * what happens into throttled events. Hosts construct it with their ports (settings storage, the
 * keychain, a logger, a clock) and override only what the host itself does (pick a folder, reveal
 * a file, capabilities).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  JobQuerySchema,
  PreferencesPatchSchema,
  ProfileInputSchema,
  ReviewInputSchema,
  SecretInputSchema,
  type AuthentaWatchApi,
  type ConnectionTest,
  type DropResult,
  type HostCapabilities,
  type JobId,
  type JobPage,
  type JobQuery,
  type OpenLinkSchema,
  type AddFolderSchema,
  type PreferencesPatch,
  type ProfileInput,
  type ReportFormat,
  type ReviewInput,
  type SecretInput,
  type Unsubscribe,
} from '../../shared/contract';
import {
  FolderOptionsSchema,
  UNFINISHED_STATES,
  type EngineStatus,
  type FolderHealth,
  type FolderStatus,
  type Job,
  type JobChange,
  type JobDetails,
  type Profile,
  type UploadProgress,
} from '../../shared/domain';
import {
  FolderRecordSchema,
  PreferencesSchema,
  ProfileRecordSchema,
  SANDBOX_BASE_URL,
  SANDBOX_PROFILE,
  SANDBOX_PROFILE_ID,
  type FolderRecord,
  type Preferences,
  type ProfileRecord,
  type Settings,
} from '../../shared/settings';
import type { z } from 'zod';
import { normaliseBaseUrl, originOf, requireSecureBaseUrl } from './api/base-url';
import { AuthentaError, isAuthentaError } from './api/errors';
import { createServiceForGeneration, detectGeneration } from './api/detect-generation';
import { redactRecord } from './api/record-redaction';
import { fileKey, type JobRecord, type Ledger } from './ledger/ledger';
import { MediaFiles } from './media/media-files';
import { prefetchThumbnails } from './media/thumbnail-prefetch';
import { PosterError, ThumbnailService } from './media/thumbnails';
import type {
  Clock,
  Credentials,
  DetectionService,
  Disposable,
  Logger,
  OpenLedger,
  SandboxSimulator,
  SecretStore,
  SettingsStore,
  SimulatorFactory,
} from './ports';
import { systemClock } from './ports';
import { BlockBoard } from './pipeline/blocks';
import type { ActiveService, PipelineContext } from './pipeline/context';
import { CountingService } from './pipeline/counting-service';
import { blocksOf, type Operation } from './pipeline/error-policy';
import { hintFor, LOCAL_CODES } from './pipeline/hints';
import { Pipeline } from './pipeline/pipeline';
import { DEFAULT_POLL_TUNING, type PollTuning } from './pipeline/poll-schedule';
import { formatReport } from './report';
import { lockDataDir } from './data-dir-lock';
import { CallCounter } from './services/call-counter';
import { DiskWatch } from './services/disk-watch';
import { EventHub } from './services/event-hub';
import { engineSettled, IdleWatch, queueWaitsForUser, type EngineActivity } from './services/idle';
import { toJob } from './services/to-job';
import { watchDiskFull } from './data-folder';
import { expandPaths } from './watch/expand-paths';
import { FolderWatcher, type FolderWatcherDeps } from './watch/folder-watcher';

/** Where Authenta lives unless a profile says otherwise. */
export const DEFAULT_BASE_URL = 'https://platform.authenta.ai/api';
/** The id of the profile made for credentials given in the environment when no profile exists. */
export const ENV_PROFILE_ID = 'default';

/**
 * What the engine is built from: the composition roots (src/main/index.ts, the CLI, the test
 * harness) hand in every adapter; the rest has defaults.
 */
export interface EngineOptions {
  /** The data folder: its lock, the thumbnail cache, and the ledger's place. */
  dataDir: string;
  /** Opens the ledger (after the data folder's lock is held); SQLite in the hosts. */
  openLedger: OpenLedger;
  /** Starts the Sandbox's simulator when the Sandbox is first used (src/main/sim in the hosts). */
  simulatorFactory: SimulatorFactory;
  logger: Logger;
  settings: SettingsStore;
  secrets: SecretStore;
  clock?: Clock;
  /**
   * Builds the service of a profile; default: the adapter of the profile's API generation (the
   * media API for `media-*`, whose flavour follows the credentials' kind; the Jobs API for `jobs-v1`).
   */
  serviceFactory?: (profile: ProfileRecord, credentials: Credentials) => DetectionService;
  /** Processing time of the Sandbox's simulator (default 3000 ms). */
  sandboxProcessingMs?: number;
  /** Credentials from the environment (AUTHENTA_CLIENT_ID/SECRET or AUTHENTA_API_KEY): they override the keychain. */
  envCredentials?: Credentials | null;
  /** The base URL of the profile made for environment credentials (default DEFAULT_BASE_URL). */
  envBaseUrl?: string;
  /** What the host can do; default: the web host's. */
  capabilities?: Partial<HostCapabilities>;
  /** Polling knobs (tests shorten them; defaults are in poll-schedule.ts). */
  pollTuning?: Partial<PollTuning>;
  /** Files sniffed and hashed at once (default 2). */
  hashConcurrency?: number;
  /** Extra options of every FolderWatcher (tests shorten health checks). */
  watcher?: Partial<Omit<FolderWatcherDeps, 'clock' | 'logger' | 'isKnown'>>;
  /** Jitter source (tests make it fixed). */
  random?: () => number;
  /** Batching of jobsChanged (default 100 ms) and progress events (default 250 ms). */
  eventIntervalMs?: number;
  progressIntervalMs?: number;
}

interface WatchedFolder {
  watcher: FolderWatcher;
  health: FolderHealth;
  ready: Promise<void>;
  started: boolean;
}

function isSandbox(p: ProfileRecord): boolean {
  return p.id === SANDBOX_PROFILE_ID || p.baseUrl === SANDBOX_BASE_URL;
}

function credentialsOf(secret: SecretInput): Credentials {
  return 'apiKey' in secret
    ? { kind: 'apikey', apiKey: secret.apiKey }
    : { kind: 'client', clientId: secret.clientId, clientSecret: secret.clientSecret };
}

/** An error the UI can show: the message says what to do. */
function userError(message: string, code = 'INVALID_REQUEST'): AuthentaError {
  return new AuthentaError({ code, kind: 'local', message });
}

/** The Job the UI sees (kept here for the hosts that import it with the engine). */
export { toJob };

/** The engine; see the module comment. Call `start()` before anything else and `dispose()` at the end. */
export class Engine implements AuthentaWatchApi, Disposable {
  protected readonly clock: Clock;
  protected readonly logger: Logger;
  private readonly board: BlockBoard;
  private readonly tuning: PollTuning;
  private readonly random: () => number;
  private readonly watchers = new Map<string, WatchedFolder>();
  private readonly known = new Set<string>();
  private readonly events: EventHub;
  private readonly calls: CallCounter;
  private readonly idle: IdleWatch;
  private settings!: Settings;
  private ledgerInstance: Ledger | null = null;
  private thumbsInstance: ThumbnailService | null = null;
  private mediaInstance: MediaFiles | null = null;
  private pipelineInstance: Pipeline | null = null;
  private active: ActiveService | null = null;
  private activeId: string = SANDBOX_PROFILE_ID;
  private activation: Promise<void> = Promise.resolve();
  private sim: SandboxSimulator | null = null;
  private simStarting: Promise<SandboxSimulator> | null = null;
  private paused = false;
  /** The system sleeps: work pauses without changing the user's own pause. */
  private suspended = false;
  private started = false;
  private disposed = false;
  private boardListener: Disposable | null = null;
  private prefetchListener: Unsubscribe | null = null;
  private dataDirLock: Disposable | null = null;
  /** The data folder's disk is full: no new work until a probe finds room again. */
  private readonly disk: DiskWatch;
  /** The active profile and the keychain's state as the status shows them (asked again when they can change). */
  private identityCache: Pick<EngineStatus, 'profile' | 'keychain'> | null = null;
  /** The origin the environment's credentials were given for; they go nowhere else. */
  private envOrigin: string | null = null;

  constructor(protected readonly options: EngineOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
    this.tuning = { ...DEFAULT_POLL_TUNING, ...options.pollTuning };
    this.board = new BlockBoard(this.clock);
    this.events = new EventHub({
      clock: this.clock,
      logger: this.logger,
      status: () => this.getStatus(),
      onFlushed: () => this.idle.schedule(),
      eventIntervalMs: options.eventIntervalMs,
      progressIntervalMs: options.progressIntervalMs,
    });
    this.calls = new CallCounter({
      clock: this.clock,
      logger: this.logger,
      onCount: () => this.statusChanged(),
    });
    this.idle = new IdleWatch({ clock: this.clock, logger: this.logger, isIdle: () => this.isIdle() });
    this.disk = new DiskWatch({
      dataDir: options.dataDir,
      clock: this.clock,
      logger: this.logger,
      onChange: () => this.statusChanged(),
      onSpaceBack: async () => {
        // Files seen while nothing could be recorded were dropped by the failed writes: new
        // watchers report every file not yet in the ledger again.
        for (const folder of this.settings.folders) await this.restartWatcher(folder);
        this.pipeline.kick();
        this.statusChanged();
        this.idle.schedule();
      },
    });
  }

  // --- lifecycle ----------------------------------------------------------------------------

  /** Open the ledger, recover what a crash left, choose the profile, start watching. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    // Two engines on one ledger would each upload the same files: refuse the second one.
    mkdirSync(this.options.dataDir, { recursive: true });
    this.dataDirLock = lockDataDir(this.options.dataDir);
    try {
      await this.open();
    } catch (e) {
      this.dataDirLock.dispose();
      this.dataDirLock = null;
      throw e;
    }
  }

  private async open(): Promise<void> {
    this.settings = await this.options.settings.load();
    this.ledgerInstance = watchDiskFull(
      await this.options.openLedger({ dataDir: this.options.dataDir, now: () => this.clock.now() }),
      () => this.disk.onDiskFull(),
    );
    this.events.start();
    this.thumbsInstance = new ThumbnailService({
      dir: join(this.options.dataDir, 'thumbs'),
      maxBytes: () => this.settings.preferences.thumbnailCacheBytes,
      logger: this.logger,
      clock: this.clock,
    });
    this.mediaInstance = new MediaFiles({
      job: (id) => this.ledger.get(id),
      thumbs: this.thumbsInstance,
      logger: this.logger,
    });
    for (const key of await this.ledger.knownFileKeys()) this.known.add(key);
    await this.calls.load(this.ledger);
    this.pipelineInstance = new Pipeline(this.context(), { hashConcurrency: this.options.hashConcurrency });
    this.boardListener = this.board.onChange(() => this.statusChanged());
    // Pictures of judged photos made ahead of the UI's request (see thumbnail-prefetch.ts).
    this.prefetchListener = this.onJobsChanged((changes) => prefetchThumbnails(this.thumbs, changes));
    await this.ensureEnvProfile();
    if (this.options.envCredentials) {
      const chosen = await this.chooseProfile();
      const given = this.options.envBaseUrl ?? (isSandbox(chosen) ? DEFAULT_BASE_URL : chosen.baseUrl);
      this.envOrigin = originOf(normaliseBaseUrl(given));
    }
    await this.activateProfile();
    await this.pipeline.start();
    for (const folder of this.settings.folders) this.startWatcher(folder);
    this.statusChanged();
    this.logger.info('engine started', { profile: this.activeId, folders: this.settings.folders.length });
  }

  /**
   * Stop everything: watchers, timers, uploads (aborted; their rows stay resumable), polling, the
   * Sandbox's simulator; then close the ledger. No row is left half-written.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.events.close();
    this.calls.close();
    this.disk.dispose();
    await Promise.allSettled([...this.watchers.values()].map((w) => w.watcher.dispose()));
    this.watchers.clear();
    await this.pipelineInstance?.dispose();
    this.thumbsInstance?.dispose();
    await this.thumbsInstance?.settled();
    this.boardListener?.dispose();
    this.prefetchListener?.();
    this.board.dispose();
    this.events.dispose();
    await this.ledgerInstance?.close();
    this.dataDirLock?.dispose();
    const sim = this.sim ?? (await this.simStarting?.catch(() => null)) ?? null;
    await sim?.close();
    this.idle.dispose();
  }

  /**
   * Resolves when no job can move without the user: every job is done, failed or skipped, or what
   * remains waits for an action (the queue is paused, or a block such as wrong credentials).
   * Folders finish their first scan and files their stability wait first. For the CLI's `--once`.
   */
  whenIdle(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return this.idle.whenIdle();
  }

  // --- the contract ---------------------------------------------------------------------------

  async getCapabilities(): Promise<HostCapabilities> {
    return {
      host: 'web',
      nativeFolderPicker: false,
      revealInFolder: false,
      dropUploads: true,
      nativeFilePicker: false,
      pdf: false,
      ...this.options.capabilities,
    };
  }

  async getStatus(): Promise<EngineStatus> {
    const counts = await this.ledger.counts();
    const verdicts = await this.ledger.verdictCounts();
    return {
      // The user's pause only: sleep stops the pipeline without changing what the user chose.
      paused: this.paused,
      blocks: this.board.list(),
      counts,
      uploads: {
        inFlight: this.pipeline.uploader.inFlight,
        bytesPerSecond: this.events.uploadBytesPerSecond,
      },
      callsToday: this.calls.today(),
      folders: this.settings.folders.map((f) => this.folderStatus(f)),
      ...(await this.identity()),
      // Read last: a disk that filled up while this status was gathered shows at once.
      diskFull: this.disk.full,
      verdicts,
    };
  }

  async listJobs(query: JobQuery): Promise<JobPage> {
    const q = JobQuerySchema.parse(query);
    const page = await this.ledger.list(q);
    return { total: page.total, offset: q.offset, jobs: page.jobs.map(toJob) };
  }

  async getJob(id: JobId): Promise<JobDetails> {
    const job = await this.requireJob(id);
    return {
      job: toJob(job),
      timeline: await this.ledger.timeline(id),
      raw: redactRecord(job.raw),
      hint: hintFor(job, this.relevantBlocks(job), this.clock.now()),
    };
  }

  async retryJob(id: JobId): Promise<void> {
    await this.pipeline.retry(id);
  }

  async cancelJob(id: JobId): Promise<void> {
    await this.pipeline.cancel(id);
  }

  async deleteRemote(id: JobId): Promise<void> {
    await this.activation;
    await this.pipeline.deleteRemote(id);
  }

  /** Hosts with a file manager override this. */
  async revealJob(_id: JobId): Promise<void> {
    throw userError(
      'Showing a file in its folder is not available in this host; open the folder yourself.',
      'NOT_AVAILABLE',
    );
  }

  async openLink(link: z.input<typeof OpenLinkSchema>): Promise<string> {
    await this.activation;
    let job = await this.requireJob(link.id);
    if (!job.remoteId && job.duplicateOf !== null) job = await this.requireJob(job.duplicateOf);
    if (!job.remoteId)
      throw userError(`Job #${link.id} has no record on Authenta, so there is nothing to open.`);
    const active = this.active;
    if (!active || active.profile.id !== job.profileId) {
      throw userError('This record belongs to another profile: select that profile to open its links.');
    }
    const blocked = blocksOf('get', this.board.list())[0];
    if (blocked)
      throw new AuthentaError({
        code: blocked.code,
        kind: 'quota',
        message: `${blocked.message} ${blocked.action}`,
      });
    const record = await active.service.get(job.remoteId);
    await this.ledger.update(job.id, { raw: record.raw });
    const raw = (record.raw ?? {}) as Record<string, unknown>;
    let url: unknown;
    if (link.kind === 'source') url = raw.srcURL;
    else if (link.kind === 'result') url = raw.resultURL;
    else {
      const participants = Array.isArray(raw.participants)
        ? (raw.participants as Record<string, unknown>[])
        : [];
      const chosen =
        link.participantId === undefined
          ? participants.find((p) => typeof p.heatmap === 'string')
          : participants.find((p) => String(p.id) === link.participantId);
      url = chosen?.heatmap;
    }
    if (typeof url !== 'string' || url === '') {
      const what = {
        heatmap: 'heatmap for this record (only videos with faces have one)',
        result: 'detailed result for this record',
        source: 'source link for this record',
      }[link.kind];
      throw userError(`Authenta gave no ${what}.`, 'NO_LINK');
    }
    return url;
  }

  async pauseAll(): Promise<void> {
    this.paused = true;
    this.statusChanged();
  }

  async resumeAll(): Promise<void> {
    this.paused = false;
    this.board.clear();
    await this.pipeline.resumeBlocked(() => true);
    this.pipeline.kick();
    this.statusChanged();
  }

  /** Walks every watched folder again: after the system wakes, file events of the sleep may be lost (desktop host). */
  async rescan(): Promise<void> {
    await Promise.allSettled([...this.watchers.values()].map((w) => w.watcher.rescan()));
    this.pipeline.kick();
  }

  async pauseFolder(id: string): Promise<void> {
    const folder = this.requireFolder(id);
    if (folder.paused) return;
    folder.paused = true;
    await this.saveSettings();
    await this.watchers.get(id)?.watcher.pause();
    this.statusChanged();
  }

  async resumeFolder(id: string): Promise<void> {
    const folder = this.requireFolder(id);
    if (!folder.paused) return;
    folder.paused = false;
    await this.saveSettings();
    await this.watchers.get(id)?.watcher.resume();
    this.pipeline.kick();
    this.statusChanged();
  }

  async addFolder(input: z.input<typeof AddFolderSchema>): Promise<FolderStatus> {
    const path = resolve(input.path);
    let isDir = false;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw userError(
        code === 'ENOENT'
          ? `${path} does not exist. Check the path, or connect the drive or share first.`
          : `${path} cannot be opened (${code ?? 'error'}). Check that this account may read it.`,
        'FOLDER_UNAVAILABLE',
      );
    }
    if (!isDir)
      throw userError(
        `${path} is a file, not a folder. Choose the folder that receives the files.`,
        'NOT_A_FOLDER',
      );
    if (this.settings.folders.some((f) => resolve(f.path) === path)) {
      throw userError(`${path} is already watched.`, 'ALREADY_WATCHED');
    }
    const options = FolderOptionsSchema.parse(input.options ?? {});
    const record = FolderRecordSchema.parse({
      ...options,
      id: `f-${randomUUID().slice(0, 8)}`,
      path,
      paused: false,
    });
    this.settings.folders.push(record);
    await this.saveSettings();
    this.startWatcher(record);
    this.statusChanged();
    return this.folderStatus(record);
  }

  async updateFolder(
    id: string,
    options: Partial<z.input<typeof FolderOptionsSchema>>,
  ): Promise<FolderStatus> {
    const current = this.requireFolder(id);
    const next = FolderRecordSchema.parse({
      ...current,
      ...options,
      id: current.id,
      path: current.path,
      paused: current.paused,
    });
    const index = this.settings.folders.indexOf(current);
    this.settings.folders[index] = next;
    await this.saveSettings();
    const watchKeys = ['recursive', 'stabilityMs', 'usePolling', 'pollIntervalMs', 'ignore'] as const;
    if (watchKeys.some((k) => JSON.stringify(current[k]) !== JSON.stringify(next[k])))
      await this.restartWatcher(next);
    this.pipeline.kick();
    this.statusChanged();
    return this.folderStatus(next);
  }

  async removeFolder(id: string): Promise<void> {
    const folder = this.requireFolder(id);
    this.settings.folders = this.settings.folders.filter((f) => f.id !== id);
    await this.saveSettings();
    const w = this.watchers.get(id);
    this.watchers.delete(id);
    await w?.watcher.dispose();
    // Files of the folder not yet sent are not sent: the folder is no longer wanted.
    for (const row of await this.ledger.listByStates(['waiting', 'queued'])) {
      if (row.folderId !== id) continue;
      const skipped = await this.ledger.transition(row.id, row.state, 'skipped', {
        errorCode: LOCAL_CODES.folderRemoved,
        errorKind: 'local',
        errorMessage: `${row.name} was not sent: its folder ${folder.path} is no longer watched.`,
      });
      if (skipped) this.events.jobChanged(skipped);
    }
    this.statusChanged();
  }

  /** Hosts with a native picker override this. */
  async pickFolder(): Promise<string | null> {
    return null;
  }

  async addPaths(paths: string[]): Promise<DropResult> {
    const { files, rejected } = await expandPaths(paths);
    for (const f of files) await this.pipeline.addDropped(f);
    return { accepted: files.length, rejected: rejected.map((r) => ({ path: r.path, reason: r.reason })) };
  }

  async listProfiles(): Promise<{ profiles: Profile[]; activeId: string | null }> {
    const profiles = await Promise.all(this.settings.profiles.map((p) => this.toProfile(p)));
    return { profiles, activeId: this.activeId };
  }

  async saveProfile(input: ProfileInput): Promise<Profile> {
    const parsed = ProfileInputSchema.parse(input);
    if (parsed.id === SANDBOX_PROFILE_ID)
      throw userError('The Sandbox profile is built in and cannot be changed.');
    if (parsed.baseUrl.trim() === SANDBOX_BASE_URL)
      throw userError(`${SANDBOX_BASE_URL} is reserved for the Sandbox profile.`);
    const baseUrl = (() => {
      try {
        const canonical = normaliseBaseUrl(parsed.baseUrl);
        requireSecureBaseUrl(canonical);
        return canonical;
      } catch (e) {
        throw userError(e instanceof Error ? e.message : String(e), 'INVALID_BASE_URL');
      }
    })();
    const id = parsed.id ?? `p-${randomUUID().slice(0, 8)}`;
    const previous = this.settings.profiles.find((p) => p.id === id);
    if (previous && originOf(previous.baseUrl) !== originOf(baseUrl)) {
      // A stored secret is bound to the host it was entered for: never sent to a new one
      // (issue 9, item 11). The user enters it again for the new address.
      await this.options.secrets.delete(id);
      this.logger.info('profile moved to another host: its stored secret was removed', { profile: id });
    }
    const record = ProfileRecordSchema.parse({
      id,
      name: parsed.name,
      baseUrl,
      generation: parsed.generation,
      simulated: false,
    });
    const index = this.settings.profiles.findIndex((p) => p.id === id);
    if (parsed.id !== undefined && index < 0) throw userError(`There is no profile ${parsed.id}.`);
    if (index >= 0) this.settings.profiles[index] = record;
    else this.settings.profiles.push(record);
    await this.saveSettings();
    if (id === this.activeId) await this.reactivate(true);
    return this.toProfile(record);
  }

  async removeProfile(id: string): Promise<void> {
    if (id === SANDBOX_PROFILE_ID) throw userError('The Sandbox profile is built in and cannot be removed.');
    this.requireProfile(id);
    this.settings.profiles = this.settings.profiles.filter((p) => p.id !== id);
    if (this.settings.activeProfileId === id) this.settings.activeProfileId = null;
    await this.saveSettings();
    await this.options.secrets
      .delete(id)
      .catch((e: unknown) => this.logger.warn('could not delete a secret', { message: String(e) }));
    if (id === this.activeId) await this.reactivate(true);
  }

  async selectProfile(id: string): Promise<void> {
    this.requireProfile(id);
    this.settings.activeProfileId = id;
    await this.saveSettings();
    await this.reactivate(true);
  }

  async setSecret(profileId: string, secret: SecretInput): Promise<void> {
    const profile = this.requireProfile(profileId);
    if (isSandbox(profile))
      throw userError('The Sandbox profile uses built-in demo credentials; it needs no secret.');
    await this.options.secrets.set(profileId, credentialsOf(SecretInputSchema.parse(secret)));
    if (profileId === this.activeId || this.settings.activeProfileId === null) await this.reactivate(true);
  }

  async clearSecret(profileId: string): Promise<void> {
    this.requireProfile(profileId);
    await this.options.secrets.delete(profileId);
    if (profileId === this.activeId) await this.reactivate(true);
  }

  /**
   * One Query call with the profile's own API and credentials. With `detect`, the server is asked
   * which API it speaks instead (detectGeneration: one call, or two for an API key whose API is
   * not the profile's setting): the answer names the generation that answered.
   */
  async testConnection(profileId: string, options?: { detect?: boolean }): Promise<ConnectionTest> {
    const profile = this.requireProfile(profileId);
    const noCredentials: ConnectionTest = {
      ok: false,
      generation: null,
      code: 'NO_CREDENTIALS',
      message:
        'No secret is stored for this profile: enter the client ID and secret (or an API key), then test again.',
    };
    if (options?.detect && !this.options.serviceFactory) {
      const target = await this.connectionTarget(profile);
      if (!target) return noCredentials;
      const detected = await detectGeneration({
        baseUrl: target.baseUrl,
        credentials: target.credentials,
        logger: this.logger,
        clock: this.clock,
        preferred: profile.generation,
        onCall: (call) => {
          if (call.kind !== 'upload') this.calls.count(call.kind);
        },
      });
      return {
        ok: detected.ok,
        generation: detected.generation,
        code: detected.code,
        message: isSandbox(profile)
          ? `${detected.message} (the Sandbox: simulated Authenta)`
          : detected.message,
      };
    }
    let service: DetectionService;
    try {
      const built = await this.buildService(profile);
      if (!built) return noCredentials;
      service = built.service;
    } catch (e) {
      return {
        ok: false,
        generation: null,
        code: isAuthentaError(e) ? e.code : 'INVALID',
        message: String((e as Error).message ?? e),
      };
    }
    try {
      const page = await service.list({ limit: 1, offset: 0 });
      return {
        ok: true,
        generation: options?.detect ? service.generation : null,
        code: null,
        message: `Connected to ${isSandbox(profile) ? 'the Sandbox (simulated Authenta)' : 'Authenta'}: the account has ${page.total} record${page.total === 1 ? '' : 's'}.`,
      };
    } catch (e) {
      if (!isAuthentaError(e)) return { ok: false, generation: null, code: 'INTERNAL', message: String(e) };
      const hint =
        e.kind === 'not-found' && !options?.detect
          ? ' Tick "Detect which API the server speaks" and test again: this address may speak another API generation.'
          : '';
      return { ok: false, generation: null, code: e.code, message: `${e.message}. ${e.action}${hint}` };
    }
  }

  /** Where a profile's calls go and with which credentials (the Sandbox: its own simulator). */
  private async connectionTarget(
    profile: ProfileRecord,
  ): Promise<{ baseUrl: string; credentials: Credentials } | null> {
    if (isSandbox(profile)) {
      const sim = await this.sandbox();
      return { baseUrl: sim.url, credentials: { kind: 'client', ...sim.credentials } };
    }
    const credentials = await this.credentialsFor(profile);
    return credentials ? { baseUrl: profile.baseUrl, credentials } : null;
  }

  async exportReport(query: JobQuery, format: ReportFormat): Promise<string> {
    const base = JobQuerySchema.parse(query);
    const jobs: Job[] = [];
    for (let offset = 0; ; offset += 20_000) {
      const page = await this.ledger.list({ ...base, offset, limit: 20_000 });
      jobs.push(...page.jobs.map(toJob));
      if (page.jobs.length < 20_000 || jobs.length >= page.total) break;
    }
    return formatReport(jobs, format, this.clock.now());
  }

  async getPreferences(): Promise<Preferences> {
    return structuredClone(this.settings.preferences);
  }

  /**
   * Stores the patch and applies it at once: the pipeline reads the preferences at each decision
   * (uploads at once, the size limit of files found from now on, the verdict deadline, the quota
   * cooldown of blocks from now on); the desktop host reacts to its own switches on save.
   */
  async updatePreferences(patch: PreferencesPatch): Promise<Preferences> {
    const changes = PreferencesPatchSchema.parse(patch);
    this.settings.preferences = PreferencesSchema.parse({ ...this.settings.preferences, ...changes });
    await this.saveSettings();
    if (changes.thumbnailCacheBytes !== undefined)
      await this.thumbs
        .trim()
        .catch((e: unknown) =>
          this.logger.warn('could not trim the thumbnail cache', { message: String(e) }),
        );
    this.pipeline.kick();
    this.statusChanged();
    return structuredClone(this.settings.preferences);
  }

  /** Stores the review at once (with now as its time); the row goes out through jobsChanged like any change. */
  async setReview(id: JobId, review: ReviewInput): Promise<Job> {
    const parsed = ReviewInputSchema.parse(review);
    const note = parsed.note?.trim() ? parsed.note.trim() : null;
    const row = await this.ledger.setReview(id, { status: parsed.status, note, at: this.clock.now() });
    if (!row) throw userError(`There is no job #${id}.`, 'NOT_FOUND');
    this.events.jobChanged(row);
    return toJob(row);
  }

  /** The hosts serve the media (the web host's route, Electron's protocol) and answer this. */
  async getMediaBase(): Promise<string> {
    throw userError('This host does not show local media.', 'NOT_AVAILABLE');
  }

  /**
   * Caches a video's poster frame drawn by the UI as its thumbnail. The bytes are decoded and
   * re-encoded, never stored as given.
   */
  async saveVideoPoster(id: JobId, jpegDataUrl: string): Promise<void> {
    const job = await this.requireJob(id);
    if (job.kind !== 'video')
      throw userError(`Job #${id} is not a video: its thumbnail is made from the file itself.`);
    if (!job.sha256) throw userError(`Job #${id} has not been read yet; try again once it is checked.`);
    try {
      await this.thumbs.savePoster(job.sha256, jpegDataUrl);
    } catch (e) {
      if (e instanceof PosterError) throw userError(e.message, e.code);
      throw e;
    }
  }

  /** Hosts with a native picker override this; the web host has none. */
  async pickFiles(): Promise<string[]> {
    return [];
  }

  /** The desktop host overrides this (printToPDF); elsewhere the browser's print makes the PDF. */
  async savePdf(_title: string): Promise<string | null> {
    throw userError(
      "Saving a PDF works only in the desktop app; use your browser's Print, then Save as PDF.",
      'NOT_AVAILABLE',
    );
  }

  onJobsChanged(listener: (changes: JobChange[]) => void): Unsubscribe {
    return this.events.onJobsChanged(listener);
  }
  onStatus(listener: (status: EngineStatus) => void): Unsubscribe {
    return this.events.onStatus(listener);
  }
  onProgress(listener: (progress: UploadProgress[]) => void): Unsubscribe {
    return this.events.onProgress(listener);
  }
  onOpenJob(listener: (id: JobId) => void): Unsubscribe {
    return this.events.onOpenJob(listener);
  }

  /** The system is going to sleep: no new call starts (the user's own pause is kept apart). */
  async suspend(): Promise<void> {
    this.suspended = true;
  }

  /** The system woke up: look at the folders again (events may have been lost) and go on. */
  async resume(): Promise<void> {
    this.suspended = false;
    // The network may be back already: test it now instead of at the end of a long backoff.
    this.board.clear(['offline']);
    await this.rescan();
    this.pipeline.kick();
    this.statusChanged();
  }

  /** A host asks the UI to show a job (a notification was clicked). */
  openJob(id: JobId): void {
    this.events.openJob(id);
  }

  // --- internals: parts -------------------------------------------------------------------

  private get ledger(): Ledger {
    if (!this.ledgerInstance) throw new Error('The engine has not been started.');
    return this.ledgerInstance;
  }

  /**
   * Loopback origins the UI may play heatmaps from besides https: the Sandbox simulator's, once
   * it runs (its heatmap links point at it). Hosts put them in their CSP.
   */
  mediaOrigins(): string[] {
    return this.sim ? [new URL(this.sim.url).origin] : [];
  }

  /** The thumbnail cache (hosts serve it through the media routes). */
  get thumbs(): ThumbnailService {
    if (!this.thumbsInstance) throw new Error('The engine has not been started.');
    return this.thumbsInstance;
  }

  /**
   * The local media by job id (the web host's `/media` route and Electron's protocol answer with
   * it); only files the ledger holds, only while they are the files that were judged.
   */
  get media(): MediaFiles {
    if (!this.mediaInstance) throw new Error('The engine has not been started.');
    return this.mediaInstance;
  }

  private get pipeline(): Pipeline {
    if (!this.pipelineInstance) throw new Error('The engine has not been started.');
    return this.pipelineInstance;
  }

  private context(): PipelineContext {
    return {
      ledger: this.ledger,
      clock: this.clock,
      logger: this.logger,
      random: this.random,
      blocks: this.board,
      tuning: this.tuning,
      active: () => this.active,
      activeProfileId: () => this.activeId,
      generation: () =>
        this.active?.service.generation ?? (this.profileRecord(this.activeId) ?? SANDBOX_PROFILE).generation,
      folder: (id) => (id === null ? null : (this.settings.folders.find((f) => f.id === id) ?? null)),
      preferences: () => this.settings.preferences,
      paused: () => this.paused || this.suspended || this.disposed || this.disk.full !== null,
      pausedFolderIds: () => this.settings.folders.filter((f) => f.paused).map((f) => f.id),
      changed: (job) => this.events.jobChanged(job),
      progress: (id, sent, size, phase) => this.events.progress(id, sent, size, phase),
      markKnown: (path, size, mtimeMs) => this.known.add(fileKey(path, size, mtimeMs)),
    };
  }

  private async saveSettings(): Promise<void> {
    await this.options.settings.save(this.settings);
  }

  private requireFolder(id: string): FolderRecord {
    const f = this.settings.folders.find((x) => x.id === id);
    if (!f) throw userError(`There is no watched folder ${id}.`, 'NOT_FOUND');
    return f;
  }

  private profileRecord(id: string): ProfileRecord | null {
    return (
      this.settings.profiles.find((p) => p.id === id) ?? (id === SANDBOX_PROFILE_ID ? SANDBOX_PROFILE : null)
    );
  }

  private requireProfile(id: string): ProfileRecord {
    const p = this.profileRecord(id);
    if (!p) throw userError(`There is no profile ${id}.`, 'NOT_FOUND');
    return p;
  }

  private async requireJob(id: number): Promise<JobRecord> {
    const job = await this.ledger.get(id);
    if (!job) throw userError(`There is no job #${id}.`, 'NOT_FOUND');
    return job;
  }

  // --- internals: profiles and services -----------------------------------------------------

  /** Credentials in the environment and no profile to use them: make one. */
  private async ensureEnvProfile(): Promise<void> {
    const env = this.options.envCredentials;
    if (!env || this.settings.activeProfileId !== null) return;
    if (this.settings.profiles.some((p) => !isSandbox(p))) return;
    this.settings.profiles.push({
      id: ENV_PROFILE_ID,
      name: 'Authenta',
      baseUrl: normaliseBaseUrl(this.options.envBaseUrl ?? DEFAULT_BASE_URL),
      generation: env.kind === 'client' ? 'media-client' : 'media-apikey',
      simulated: false,
    });
    await this.saveSettings();
  }

  /** The profile in use: the chosen one; else the one the environment's credentials are for; else one with a secret; else the Sandbox. */
  private async chooseProfile(): Promise<ProfileRecord> {
    const chosen = this.settings.activeProfileId ? this.profileRecord(this.settings.activeProfileId) : null;
    if (chosen) return chosen;
    const real = this.settings.profiles.filter((p) => !isSandbox(p));
    if (this.options.envCredentials && real[0]) return real[0];
    for (const p of real) if (await this.options.secrets.get(p.id).catch(() => null)) return p;
    return this.profileRecord(SANDBOX_PROFILE_ID) ?? SANDBOX_PROFILE;
  }

  /**
   * Whether the environment's credentials may be sent for `profile`: only to the origin they were
   * given for (the environment's base URL, or the active profile's when the engine started).
   */
  private envCredentialsFit(profile: ProfileRecord): boolean {
    return (
      this.options.envCredentials != null &&
      profile.id === this.activeId &&
      !isSandbox(profile) &&
      this.envOrigin !== null &&
      originOf(profile.baseUrl) === this.envOrigin
    );
  }

  private async credentialsFor(profile: ProfileRecord): Promise<Credentials | null> {
    const env = this.options.envCredentials;
    if (env && this.envCredentialsFit(profile)) return env;
    return this.options.secrets.get(profile.id).catch(() => null);
  }

  private async sandbox(): Promise<SandboxSimulator> {
    if (this.sim) return this.sim;
    if (!this.simStarting) {
      const processingMs = this.options.sandboxProcessingMs ?? 3_000;
      this.simStarting = this.options.simulatorFactory({ processingMs }).then((s) => {
        this.sim = s;
        return s;
      });
    }
    return this.simStarting;
  }

  /** A counted service for a profile, or null when it has no credentials. */
  private async buildService(
    profile: ProfileRecord,
  ): Promise<{ service: DetectionService; simulated: boolean } | null> {
    let baseUrl = profile.baseUrl;
    let credentials: Credentials | null;
    const sandbox = isSandbox(profile);
    if (sandbox) {
      const sim = await this.sandbox();
      baseUrl = sim.url;
      credentials = { kind: 'client', ...sim.credentials };
    } else {
      credentials = await this.credentialsFor(profile);
    }
    if (!credentials) return null;
    const inner = this.options.serviceFactory
      ? this.options.serviceFactory({ ...profile, baseUrl }, credentials)
      : createServiceForGeneration(profile.generation, {
          baseUrl,
          credentials,
          logger: this.logger,
          clock: this.clock,
        });
    return {
      service: new CountingService(inner, (q) => this.calls.count(q)),
      simulated: sandbox || profile.simulated,
    };
  }

  private reactivate(resume: boolean): Promise<void> {
    this.activation = this.activation.then(async () => {
      this.board.clear();
      await this.activateProfile();
      if (resume && this.pipelineInstance) {
        await this.pipeline.resumeBlocked(() => true);
        this.pipeline.kick();
      }
      this.statusChanged();
    });
    return this.activation;
  }

  private async activateProfile(): Promise<void> {
    this.identityCache = null;
    const profile = await this.chooseProfile();
    this.activeId = profile.id;
    this.active = null;
    try {
      const built = await this.buildService(profile);
      if (!built) {
        this.board.set(
          'auth',
          { code: 'NO_CREDENTIALS', message: `The profile "${profile.name}" has no credentials` },
          null,
        );
        return;
      }
      const processingMs = this.options.sandboxProcessingMs ?? 3_000;
      this.active = {
        profile,
        service: built.service,
        simulated: built.simulated,
        defaults: isSandbox(profile)
          ? { defaultImageMs: processingMs, defaultVideoMs: processingMs }
          : undefined,
      };
    } catch (e) {
      const err = isAuthentaError(e) ? e : null;
      this.logger.error('the profile cannot be used', {
        profile: profile.id,
        code: err?.code,
        message: String((e as Error).message),
      });
      this.board.set(
        'auth',
        { code: err?.code ?? 'PROFILE_UNUSABLE', message: err?.message ?? String(e) },
        null,
      );
    }
  }

  private async toProfile(p: ProfileRecord): Promise<Profile> {
    const sandbox = isSandbox(p);
    const hasSecret =
      sandbox ||
      this.envCredentialsFit(p) ||
      (await this.options.secrets.get(p.id).catch(() => null)) !== null;
    return {
      id: p.id,
      name: p.name,
      baseUrl: p.baseUrl,
      generation: p.generation,
      simulated: sandbox || p.simulated,
      hasSecret,
    };
  }

  /** The status's profile and keychain, without asking the keychain at every status. */
  private async identity(): Promise<Pick<EngineStatus, 'profile' | 'keychain'>> {
    if (!this.identityCache) {
      this.identityCache = {
        profile: await this.toProfile(this.profileRecord(this.activeId) ?? SANDBOX_PROFILE),
        keychain: await this.options.secrets.availability(),
      };
    }
    return this.identityCache;
  }

  /** The blocks that matter to one job (a credits block says nothing to a job awaiting its verdict). */
  private relevantBlocks(job: JobRecord): ReturnType<BlockBoard['list']> {
    const state = job.state === 'blocked' ? (job.resumeState ?? 'queued') : job.state;
    const op: Operation =
      state === 'processing'
        ? 'list'
        : state === 'finalizing'
          ? 'finalize'
          : state === 'uploading'
            ? 'get'
            : 'create';
    return blocksOf(op, this.board.list());
  }

  // --- internals: folders ---------------------------------------------------------------------

  private folderStatus(f: FolderRecord): FolderStatus {
    const w = this.watchers.get(f.id);
    const health: FolderHealth = f.paused
      ? { state: 'paused', message: null, lastEventAt: w?.health.lastEventAt ?? null }
      : (w?.health ?? { state: 'starting', message: null, lastEventAt: null });
    return { ...f, health };
  }

  private startWatcher(folder: FolderRecord): void {
    if (this.disposed) return;
    const entry: WatchedFolder = {
      watcher: null as unknown as FolderWatcher,
      health: { state: folder.paused ? 'paused' : 'starting', message: null, lastEventAt: null },
      ready: Promise.resolve(),
      started: false,
    };
    entry.watcher = new FolderWatcher(
      folder,
      {
        onSeen: (c) => this.pipeline.seen(c),
        onStable: (c) => this.pipeline.stable(c),
        onGone: (p) => this.pipeline.gone(p),
        onHealth: (h) => {
          entry.health = h;
          this.statusChanged();
        },
      },
      {
        ...this.options.watcher,
        clock: this.clock,
        logger: this.logger,
        isKnown: (path, size, mtimeMs) => this.known.has(fileKey(path, size, mtimeMs)),
      },
    );
    this.watchers.set(folder.id, entry);
    entry.ready = entry.watcher
      .start()
      .catch((e: unknown) =>
        this.logger.error('watching failed', { folder: folder.path, message: String(e) }),
      )
      .finally(() => {
        entry.started = true;
        this.idle.schedule();
      });
  }

  private async restartWatcher(folder: FolderRecord): Promise<void> {
    const old = this.watchers.get(folder.id);
    this.watchers.delete(folder.id);
    await old?.watcher.dispose();
    this.startWatcher(folder);
  }

  private statusChanged(): void {
    this.events.statusChanged();
  }

  // --- internals: idle ------------------------------------------------------------------------

  /** The engine is idle (see services/idle.ts): settled, and every unfinished row waits for the user. */
  private async isIdle(): Promise<boolean> {
    const activity: EngineActivity = {
      started: this.started,
      disposed: this.disposed,
      diskFull: this.disk.full !== null,
      pipelineBusy: this.started && !this.disposed && this.pipeline.busy,
      pendingChanges: this.events.hasPendingChanges,
      watchers: [...this.watchers]
        .filter(([id]) => this.settings.folders.some((f) => f.id === id && !f.paused))
        .map(([, w]) => ({ started: w.started, waitingCount: w.watcher.waitingCount })),
    };
    if (!engineSettled(activity)) return false;
    if (this.disposed) return true;
    const rows = await this.ledger.listByStates(UNFINISHED_STATES);
    return queueWaitsForUser(rows, {
      now: this.clock.now(),
      paused: this.paused || this.suspended,
      pausedFolderIds: new Set(this.settings.folders.filter((f) => f.paused).map((f) => f.id)),
      hasService: this.active !== null,
      activeProfileId: this.activeId,
      blocks: this.board.list(),
      inFlight: new Set(rows.filter((r) => this.pipeline.uploader.isInFlight(r.id)).map((r) => r.id)),
    });
  }
}
