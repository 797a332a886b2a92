/**
 * The engine: the one implementation of the UI contract (AuthentaWatchApi), for every host. It is
 * a facade that wires the services in ./services and the pipeline together:
 *
 *   folder -> FolderRegistry (watchers) -> Pipeline (intake, uploader, poller) -> Authenta
 *   ledger -> EventHub (batched jobsChanged, progress, status) -> hosts -> UI
 *
 * ProfileService owns profiles, credentials, the Sandbox and the active service; CallCounter the
 * calls of the day; DiskWatch a full disk; IdleWatch the CLI's `--once`; engine-parts.ts builds
 * what exists once it has started (pipeline, folder registry, media, views). Hosts construct it with
 * their adapters (EngineOptions) and override only what the host itself does (pick a folder,
 * reveal a file, capabilities). See docs/DESIGN.md, "The engine".
 */
import { NetworkRoutes } from './api/proxy';
import { UploadRateLimiter } from './api/upload-rate';
import { mkdirSync } from 'node:fs';
import type { z } from 'zod';
import {
  PreferencesPatchSchema,
  type AddFolderSchema,
  type AuthentaWatchApi,
  type ConnectionTest,
  type DropResult,
  type EventApi,
  type HostCapabilities,
  type JobId,
  type JobPage,
  type JobQuery,
  type OpenLinkSchema,
  type PreferencesPatch,
  type ProfileInput,
  type ReportFormat,
  type ReviewInput,
  type SecretInput,
  type Unsubscribe,
} from '../../shared/contract';
import {
  UNFINISHED_STATES,
  type EngineStatus,
  type FolderOptionsSchema,
  type FolderStatus,
  type Job,
  type JobDetails,
  type Profile,
} from '../../shared/domain';
import { PreferencesSchema, type Preferences } from '../../shared/settings';
import type { HistoryPage, HistoryQuery } from '../../shared/history';
import type { CredentialMarks, ProvenanceReport } from '../../shared/provenance';
import { lockDataDir } from './data-dir-lock';
import { HostDefaults } from './host-defaults';
import { AccountHistory, historySource } from './history/account-history';
import { watchDiskFull } from './data-folder';
import { JobStore } from './ledger/job-store';
import type { EngineOptions } from './engine-options';
import { buildParts, teamBlocksFor, type Parts, type PartsContext } from './engine-parts';
import type { Ledger } from './ledger/ledger';
import type { MediaFiles } from './media/media-files';
import { prefetchThumbnails } from './media/thumbnail-prefetch';
import type { ThumbnailService } from './media/thumbnails';
import { BlockBoard } from './pipeline/blocks';
import type { Pipeline } from './pipeline/pipeline';
import { systemClock, type Clock, type Disposable, type Logger } from './ports';
import { CallCounter } from './services/call-counter';
import { DiskWatch } from './services/disk-watch';
import { EngineSettings } from './services/engine-settings';
import { EventHub } from './services/event-hub';
import type { FolderRegistry } from './services/folder-registry';
import { engineSettled, IdleWatch, queueWaitsForUser } from './services/idle';
import type { JobViews } from './services/job-views';
import { KnownFiles } from './services/known-files';
import { ProfileService } from './services/profile-service';
import type { TeamBlocks } from './services/team-blocks';
import { TeamLedgerService } from './services/team-ledger-service';
import { toJob } from './services/to-job';
import type {
  TeamLedgerInput,
  TeamLedgerSaved,
  TeamLedgerState,
  TeamLedgerTest,
  TeamLedgerTestInput,
} from '../../shared/team-ledger';
import { expandPaths } from './watch/expand-paths';

export { DEFAULT_BASE_URL, ENV_PROFILE_ID } from './services/profile-service';
/** The Job the UI sees (the hosts import it with the engine). */
export { toJob };
export type { EngineOptions };

/** The contract's `on...` methods, one per EVENTS entry: the constructor takes them from EventHub.eventApi. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Engine extends EventApi {}
/** The engine; see the module comment. Call `start()` before anything else and `dispose()` at the end. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Engine extends HostDefaults implements AuthentaWatchApi, Disposable {
  protected readonly clock: Clock;
  protected readonly logger: Logger;
  private readonly board: BlockBoard;
  private readonly settings: EngineSettings;
  private readonly known = new KnownFiles();
  private readonly events: EventHub;
  private readonly calls: CallCounter;
  private readonly idle: IdleWatch;
  private readonly disk: DiskWatch;
  private readonly profiles: ProfileService;
  private readonly history = new AccountHistory();
  private readonly team: TeamLedgerService;
  private parts: Parts | null = null;
  private paused = false;
  /** The system sleeps: work pauses without changing the user's own pause. */
  private suspended = false;
  private started = false;
  private disposed = false;
  private boardListener: Disposable | null = null;
  /** The account's blocks shared with the other desks of a team ledger; null on one desk's own. */
  private teamBlocks: TeamBlocks | null = null;
  private prefetchListener: Unsubscribe | null = null;
  private dataDirLock: Disposable | null = null;
  /** The proxy routes and the upload cap every client of this engine shares (issue 14). */
  private readonly routes: NetworkRoutes;
  private readonly uploadRate: UploadRateLimiter;

  constructor(protected readonly options: EngineOptions) {
    super();
    const { clock = systemClock, logger } = options;
    this.clock = clock;
    this.logger = logger;
    this.board = new BlockBoard(clock);
    this.settings = new EngineSettings(options.settings);
    this.routes = new NetworkRoutes(options.proxy);
    this.uploadRate = new UploadRateLimiter(clock);
    this.events = new EventHub({
      clock,
      logger,
      status: () => this.getStatus(),
      onFlushed: () => this.idle.schedule(),
      eventIntervalMs: options.eventIntervalMs,
      progressIntervalMs: options.progressIntervalMs,
    });
    Object.assign(this, this.events.eventApi());
    this.calls = new CallCounter({ clock, logger, onCount: () => this.events.statusChanged() });
    this.idle = new IdleWatch({ clock, logger, isIdle: () => this.isIdle() });
    this.disk = new DiskWatch({
      dataDir: options.dataDir,
      clock,
      logger,
      onChange: () => this.events.statusChanged(),
      onSpaceBack: async () => {
        // Files seen while nothing could be recorded were dropped by the failed writes: new
        // watchers report every file not yet in the ledger again.
        await this.folders.restartAll();
        this.pipeline.kick();
        this.events.statusChanged();
        this.idle.schedule();
      },
    });
    this.team = new TeamLedgerService({
      settings: this.settings,
      passwords: options.ledgerPasswords ?? null,
      connection: options.ledgerConnection ?? null,
      logger,
      onChange: (state) => this.events.teamLedger(state),
    });
    this.profiles = new ProfileService({
      settings: this.settings,
      secrets: options.secrets,
      clock,
      logger,
      board: this.board,
      countCall: (quota) => this.calls.count(quota),
      simulatorFactory: options.simulatorFactory,
      sandboxProcessingMs: options.sandboxProcessingMs,
      serviceFactory: options.serviceFactory,
      envCredentials: options.envCredentials,
      envBaseUrl: options.envBaseUrl,
      network: { routes: this.routes, uploadRate: this.uploadRate },
      afterActivation: async (resume) => {
        const pipeline = this.parts?.pipeline;
        // The profile's blocks were cleared: the team's still in force hold this desk again.
        await this.teamBlocks?.sync();
        if (resume && pipeline) {
          await pipeline.resumeBlocked(() => true);
          pipeline.kick();
        }
        this.events.statusChanged();
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
    const { dataDir, openLedger } = this.options;
    await this.settings.load();
    this.uploadRate.setRate(this.settings.current.preferences.maxUploadBytesPerSecond);
    const ledger = new JobStore(
      watchDiskFull(await openLedger({ dataDir, now: () => this.clock.now() }), () => this.disk.onDiskFull()),
      { onListenerError: (e) => this.logger.warn('a job change listener failed', { message: String(e) }) },
    );
    // Every committed change reaches the UI and the known files from here: no write must say so.
    ledger.onChange((changes) => {
      for (const c of changes) this.events.jobChanged(c.row);
      this.known.hear(changes);
    });
    // Set at once: dispose() closes the ledger even when a later step fails.
    this.parts = { ledger: ledger as Ledger } as Parts;
    this.events.start();
    this.known.load(await ledger.knownFileKeys());
    await this.calls.load(ledger);
    const context: PartsContext = {
      options: this.options,
      clock: this.clock,
      logger: this.logger,
      settings: this.settings,
      known: this.known,
      board: this.board,
      profiles: this.profiles,
      events: this.events,
      holding: () => this.paused || this.suspended || this.disposed || this.disk.full !== null,
      onWatcherStarted: () => this.idle.schedule(),
    };
    const parts = buildParts(ledger, context);
    this.parts = parts;
    this.boardListener = this.board.onChange(() => this.events.statusChanged());
    // Pictures of judged photos made ahead of the UI's request (see thumbnail-prefetch.ts).
    this.prefetchListener = this.events.onJobsChanged((changes) =>
      prefetchThumbnails(parts.thumbs, changes, parts.files),
    );
    await this.profiles.start();
    // On a team ledger the account's blocks are the team's: those in force hold this desk too.
    this.teamBlocks = teamBlocksFor(ledger, context);
    await this.teamBlocks?.start();
    await parts.pipeline.start();
    this.folders.startAll();
    this.events.statusChanged();
    this.logger.info('engine started', {
      profile: this.profiles.activeId,
      folders: this.settings.current.folders.length,
    });
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
    await this.parts?.folders?.dispose();
    await this.parts?.pipeline?.dispose();
    this.parts?.thumbs?.dispose();
    await this.parts?.thumbs?.settled();
    this.boardListener?.dispose();
    this.prefetchListener?.();
    await this.teamBlocks?.dispose();
    this.board.dispose();
    this.events.dispose();
    await this.parts?.ledger.close();
    this.dataDirLock?.dispose();
    await this.profiles.dispose();
    this.idle.dispose();
    this.uploadRate.dispose();
    this.routes.dispose();
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

  // --- the contract: status and jobs ----------------------------------------------------------

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
      folders: this.folders.statuses(),
      ...(await this.profiles.identity()),
      // Read last: a disk that filled up while this status was gathered shows at once.
      diskFull: this.disk.full,
      verdicts,
      team:
        this.parts?.ledger instanceof JobStore && this.parts.ledger.shared
          ? { desk: this.ledger.desk }
          : null,
    };
  }

  listJobs(query: JobQuery): Promise<JobPage> {
    return this.jobs.list(query);
  }

  getJob(id: JobId): Promise<JobDetails> {
    return this.jobs.details(id);
  }

  async retryJob(id: JobId): Promise<void> {
    await this.pipeline.retry(id);
  }

  async cancelJob(id: JobId): Promise<void> {
    await this.pipeline.cancel(id);
  }

  async deleteRemote(id: JobId): Promise<void> {
    await this.profiles.settled();
    await this.pipeline.deleteRemote(id);
  }

  /** One page of the account's records, read now (see AccountHistory); the day's Query count includes it. */
  async getAccountHistory(query: HistoryQuery): Promise<HistoryPage> {
    await this.profiles.settled();
    return this.history.read(historySource(this.profiles.active, this.ledger), query);
  }

  /** Asks Authenta for the record's current links (they expire) and returns the one asked for. */
  openLink(link: z.input<typeof OpenLinkSchema>): Promise<string> {
    return this.jobs.openLink(link);
  }

  exportReport(query: JobQuery, format: ReportFormat): Promise<string> {
    return this.jobs.report(query, format);
  }

  /** Stores the review at once; the row goes out through jobsChanged like any change. */
  setReview(id: JobId, review: ReviewInput): Promise<Job> {
    return this.jobs.setReview(id, review);
  }

  // --- the contract: the queue and the folders -------------------------------------------------

  async pauseAll(): Promise<void> {
    this.paused = true;
    this.events.statusChanged();
  }

  async resumeAll(): Promise<void> {
    this.paused = false;
    // The account's blocks are lifted for every desk of a team too (team-blocks.ts).
    this.board.resume();
    await this.pipeline.resumeBlocked(() => true);
    this.pipeline.kick();
    this.events.statusChanged();
  }

  /** Walks every watched folder again: after the system wakes, file events of the sleep may be lost (desktop host). */
  async rescan(): Promise<void> {
    await this.folders.rescan();
  }

  async pauseFolder(id: string): Promise<void> {
    await this.folders.pause(id);
  }

  async resumeFolder(id: string): Promise<void> {
    await this.folders.resume(id);
  }

  async addFolder(input: z.input<typeof AddFolderSchema>): Promise<FolderStatus> {
    return this.folders.add(input);
  }

  async updateFolder(
    id: string,
    options: Partial<z.input<typeof FolderOptionsSchema>>,
  ): Promise<FolderStatus> {
    return this.folders.update(id, options);
  }

  async removeFolder(id: string): Promise<void> {
    await this.folders.remove(id);
  }

  async addPaths(paths: string[]): Promise<DropResult> {
    const { files, rejected } = await expandPaths(paths);
    for (const f of files) {
      // The user's own files, wherever they lie (confined-path.ts).
      this.part('files').allow(f.path);
      await this.pipeline.addDropped(f);
    }
    return { accepted: files.length, rejected: rejected.map((r) => ({ path: r.path, reason: r.reason })) };
  }

  // --- the contract: profiles and preferences ---------------------------------------------------

  listProfiles(): Promise<{ profiles: Profile[]; activeId: string | null }> {
    return this.profiles.listProfiles();
  }
  saveProfile(input: ProfileInput): Promise<Profile> {
    return this.profiles.saveProfile(input);
  }
  removeProfile(id: string): Promise<void> {
    return this.profiles.removeProfile(id);
  }
  selectProfile(id: string): Promise<void> {
    return this.profiles.selectProfile(id);
  }
  setSecret(profileId: string, secret: SecretInput): Promise<void> {
    return this.profiles.setSecret(profileId, secret);
  }
  clearSecret(profileId: string): Promise<void> {
    return this.profiles.clearSecret(profileId);
  }
  /** One Query call with the profile's own API and credentials (or, with `detect`, which API the server speaks). */
  testConnection(profileId: string, options?: { detect?: boolean }): Promise<ConnectionTest> {
    return this.profiles.testConnection(profileId, options);
  }

  async getPreferences(): Promise<Preferences> {
    return structuredClone(this.settings.current.preferences);
  }

  /**
   * Stores the patch and applies it at once: the pipeline reads the preferences at each decision
   * (uploads at once, the size limit of files found from now on, the verdict deadline, the quota
   * cooldown of blocks from now on); the desktop host reacts to its own switches on save.
   */
  async updatePreferences(patch: PreferencesPatch): Promise<Preferences> {
    const changes = PreferencesPatchSchema.parse(patch);
    const settings = this.settings.current;
    settings.preferences = PreferencesSchema.parse({ ...settings.preferences, ...changes });
    await this.settings.save();
    // Live: uploads under way slow down or speed up with their next chunk.
    this.uploadRate.setRate(settings.preferences.maxUploadBytesPerSecond);
    if (changes.thumbnailCacheBytes !== undefined)
      await this.thumbs
        .trim()
        .catch((e: unknown) =>
          this.logger.warn('could not trim the thumbnail cache', { message: String(e) }),
        );
    this.pipeline.kick();
    this.events.statusChanged();
    return structuredClone(settings.preferences);
  }

  // --- the contract: the team ledger (answered before start too: a desk waiting for its server) ---

  getTeamLedger(): Promise<TeamLedgerState> {
    return this.team.state();
  }
  testTeamLedger(input: TeamLedgerTestInput): Promise<TeamLedgerTest> {
    return this.team.test(input);
  }
  saveTeamLedger(input: TeamLedgerInput): Promise<TeamLedgerSaved> {
    return this.team.save(input);
  }
  leaveTeamLedger(): Promise<TeamLedgerState> {
    return this.team.leave();
  }

  // --- the contract: media and host things ------------------------------------------------------

  /** Caches a video's poster frame drawn by the UI as its thumbnail (decoded and re-encoded). */
  saveVideoPoster(id: JobId, jpegDataUrl: string): Promise<void> {
    return this.jobs.saveVideoPoster(id, jpegDataUrl);
  }

  /** The file's Content Credentials and camera metadata, read here on demand (cached by sha256). */
  getProvenance(id: JobId): Promise<ProvenanceReport> {
    return this.part('provenance').forJob(id);
  }

  /** The queue's Content Credentials marks of these jobs (see ProvenanceService.marks). */
  getCredentialMarks(ids: JobId[]): Promise<CredentialMarks> {
    return this.part('provenance').marks(ids);
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
    this.events.statusChanged();
  }

  /** A host asks the UI to show a job (a notification was clicked). */
  openJob(id: JobId): void {
    this.events.openJob(id);
  }

  /** Loopback origins besides https the UI may play heatmaps from (the Sandbox's, once it runs), for the CSP. */
  mediaOrigins(): string[] {
    return this.profiles.mediaOrigins();
  }

  /** The thumbnail cache (hosts serve it through the media routes). */
  get thumbs(): ThumbnailService {
    return this.part('thumbs');
  }

  /** Local media by job id for the hosts' media routes: files the ledger holds, while they are as judged. */
  get media(): MediaFiles {
    return this.part('media');
  }

  // --- internals --------------------------------------------------------------------------------

  private get ledger(): Ledger {
    return this.part('ledger');
  }
  private get pipeline(): Pipeline {
    return this.part('pipeline');
  }
  private get folders(): FolderRegistry {
    return this.part('folders');
  }
  private get jobs(): JobViews {
    return this.part('jobs');
  }

  private part<K extends keyof Parts>(name: K): Parts[K] {
    const part = this.parts?.[name];
    if (!part) throw new Error('The engine has not been started.');
    return part;
  }

  /** The engine is idle (see services/idle.ts): settled, and every unfinished row waits for the user. */
  private async isIdle(): Promise<boolean> {
    const running = this.started && !this.disposed;
    const settled = engineSettled({
      started: this.started,
      disposed: this.disposed,
      diskFull: this.disk.full !== null,
      pipelineBusy: running && this.pipeline.busy,
      pendingChanges: this.events.hasPendingChanges,
      watchers: running ? this.folders.activity() : [],
    });
    if (!settled || this.disposed) return settled;
    const rows = await this.ledger.listByStates(UNFINISHED_STATES);
    return queueWaitsForUser(rows, {
      now: this.clock.now(),
      paused: this.paused || this.suspended,
      pausedFolderIds: new Set(this.folders.pausedIds()),
      hasService: this.profiles.active !== null,
      activeProfileId: this.profiles.activeId,
      blocks: this.board.list(),
      inFlight: new Set(rows.filter((r) => this.pipeline.uploader.isInFlight(r.id)).map((r) => r.id)),
    });
  }
}
