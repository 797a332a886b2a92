/**
 * The whole UI's state, built from the contract and the UI's side effects, and subscribed to the
 * engine's events. `start()` loads everything; `dispose()` unsubscribes.
 */
import type { AuthentaWatchApi, Unsubscribe } from '../../../shared/contract';
import type { DropResult } from '../../../shared/contract';
import type { UiEffects } from '../lib/effects';
import { errorText } from '../lib/format';
import { AccountState } from './account-state.svelte';
import { AttentionState, type AttentionHost } from './attention-state.svelte';
import { DetailsState } from './details-state.svelte';
import { DropTracker } from './drop-state.svelte';
import { FoldersState } from './folders-state.svelte';
import { HistoryState } from './history-state.svelte';
import { JobsState, type JobsStateOptions } from './jobs-state.svelte';
import { MediaState, type PosterDrawer } from './media-state.svelte';
import { ReportState } from './report-state.svelte';
import { SettingsState } from './settings-state.svelte';
import { TeamLedgerState } from './team-ledger-state.svelte';
import { StatusState } from './status-state.svelte';

export const VIEWS = ['queue', 'folders', 'account', 'settings', 'history'] as const;
export type View = (typeof VIEWS)[number];

/**
 * What happened to dropped files, for the notice under the header. `tracker` follows the received
 * files to their outcome; null when the jobs before the drop could not be listed (the notice then
 * points to the queue instead).
 */
export type DropOutcome =
  | { kind: 'receiving'; count: number }
  | { kind: 'done'; result: DropResult; tracker: DropTracker | null }
  | { kind: 'unsupported' }
  | { kind: 'error'; message: string };

/** The state of a remote host's connection (the WebSocket client's; Electron has none). */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A host connection the UI can watch: after a reconnect it loads everything again. */
export interface HostConnection {
  onConnection(listener: (state: ConnectionState) => void): Unsubscribe;
}

export class AppState {
  readonly status: StatusState;
  readonly jobs: JobsState;
  readonly details: DetailsState;
  readonly folders: FoldersState;
  readonly account: AccountState;
  readonly settings: SettingsState;
  /** The team ledger setting and whether its server answers (issue 11). */
  readonly teamLedger: TeamLedgerState;
  /** The account's records on Authenta, read on demand (issue 14). */
  readonly history: HistoryState;
  /** New fake and suspect verdicts for the tab's title and browser notifications (web only). */
  readonly attention: AttentionState | null;
  /** Thumbnails, previews and poster frames of the local files. */
  readonly media: MediaState;
  /** The printable case report, when open. */
  readonly report: ReportState;
  view = $state<View>('queue');
  dropping = $state(false);
  drop = $state.raw<DropOutcome | null>(null);
  /** The connection to a remote host; 'open' in Electron. */
  connection = $state<ConnectionState>('open');

  readonly effects: UiEffects;
  readonly #api: AuthentaWatchApi;
  readonly #host: HostConnection | null;
  #subscriptions: Unsubscribe[] = [];
  /** The drop whose files are followed, if any. */
  #tracker: DropTracker | null = null;

  constructor(
    api: AuthentaWatchApi,
    effects: UiEffects,
    options: {
      jobs?: JobsStateOptions;
      connection?: HostConnection;
      attention?: AttentionHost;
      /** Draws a video's poster frame (the browser's decoder); absent: videos without a thumbnail keep their icon. */
      posterDrawer?: PosterDrawer;
    } = {},
  ) {
    this.#api = api;
    this.#host = options.connection ?? null;
    const jobsOptions = options.jobs ?? {};
    this.effects = effects;
    this.status = new StatusState(api);
    this.jobs = new JobsState(api, { now: effects.now, ...jobsOptions });
    this.details = new DetailsState(api, effects, () => this.status.capabilities);
    this.folders = new FoldersState(api, this.status);
    this.account = new AccountState(api);
    this.settings = new SettingsState(api);
    this.teamLedger = new TeamLedgerState(api);
    this.history = new HistoryState(api);
    this.media = new MediaState(api, options.posterDrawer ?? null);
    this.report = new ReportState(api);
    this.attention = options.attention
      ? new AttentionState(options.attention, effects.now(), (id) => this.openJob(id))
      : null;
  }

  /** Subscribe to the engine's events, then load the status, the queue and the profiles. */
  async start(): Promise<void> {
    const api = this.#api;
    this.#subscriptions.push(
      api.onJobsChanged((changes) => {
        this.jobs.applyChanges(changes);
        this.details.onJobsChanged(changes);
        this.#tracker?.apply(changes);
        this.attention?.onJobsChanged(changes);
      }),
      api.onProgress((progress) => this.jobs.applyProgress(progress)),
      api.onStatus((status) => {
        const profileChanged = status.profile?.id !== this.status.status?.profile?.id;
        this.status.apply(status);
        if (profileChanged && this.account.loaded) void this.account.load();
        if (profileChanged) this.history.reset();
      }),
      api.onOpenJob((id) => this.openJob(id)),
      this.teamLedger.subscribe(),
    );
    if (this.#host) {
      this.#subscriptions.push(
        this.#host.onConnection((state) => {
          const wasLost = this.connection === 'reconnecting';
          this.connection = state;
          // Events sent while the connection was down are lost: load everything again.
          if (state === 'open' && wasLost) void this.#loadAll();
        }),
      );
    }
    await this.#loadAll();
  }

  async #loadAll(): Promise<void> {
    await Promise.all([
      // Asked first: the host answers in order, and its answer is the first rows (issue 12).
      this.jobs.reload(),
      this.status.load(),
      this.account.load(),
      this.details.refresh(),
      this.settings.load(),
      this.media.load(),
      this.teamLedger.load(),
    ]);
  }

  dispose(): void {
    for (const unsubscribe of this.#subscriptions.splice(0)) unsubscribe();
    this.attention?.dispose();
  }

  /** Show a job's details (a notification was clicked, or a row was chosen). */
  openJob(id: number): void {
    this.view = 'queue';
    this.jobs.select(id);
    void this.details.open(id);
  }

  closeDetails(): void {
    this.jobs.select(null);
    this.details.close();
  }

  /** Whether this host takes dropped files at all. */
  get acceptsDrops(): boolean {
    return this.effects.dropHook() !== undefined;
  }

  /** Hand dropped or chosen files to the host and keep what it answered. */
  async dropFiles(files: File[]): Promise<void> {
    if (files.length === 0) return;
    const hook = this.effects.dropHook();
    if (!hook) {
      this.drop = { kind: 'unsupported' };
      return;
    }
    this.dropping = true;
    this.drop = { kind: 'receiving', count: files.length };
    try {
      const tracker = await this.#trackNewJobs();
      const result = await hook(files);
      tracker?.expect(result.accepted);
      this.drop = { kind: 'done', result, tracker };
    } catch (error) {
      this.#tracker = null;
      this.drop = { kind: 'error', message: errorText(error) };
    } finally {
      this.dropping = false;
    }
  }

  /**
   * Start following the jobs a drop is about to create: dropped jobs (no folder) with an id above
   * the newest job now. Null when the queue cannot be asked; the notice then says less.
   */
  async #trackNewJobs(): Promise<DropTracker | null> {
    this.#tracker = null;
    try {
      // The newest jobs by time hold the highest id; a few of them cover jobs made in the same instant.
      const page = await this.#api.listJobs({ sort: 'createdAt', order: 'desc', limit: 20 });
      const tracker = new DropTracker(page.jobs.reduce((max, job) => Math.max(max, job.id), 0));
      this.#tracker = tracker;
      return tracker;
    } catch {
      return null;
    }
  }

  /**
   * The desktop's native pickers: choose files or a folder, and hand their paths to the engine
   * (a folder's files are checked once, not watched). The outcome shows like a drop's.
   */
  async pickAndAdd(what: 'files' | 'folder'): Promise<void> {
    const api = this.#api;
    try {
      const paths =
        what === 'files'
          ? await api.pickFiles()
          : [await api.pickFolder()].filter((p): p is string => p !== null);
      if (paths.length === 0) return;
      this.dropping = true;
      this.drop = { kind: 'receiving', count: paths.length };
      const tracker = await this.#trackNewJobs();
      const result = await api.addPaths(paths);
      tracker?.expect(result.accepted);
      this.drop = { kind: 'done', result, tracker };
    } catch (error) {
      this.#tracker = null;
      this.drop = { kind: 'error', message: errorText(error) };
    } finally {
      this.dropping = false;
    }
  }

  dismissDrop(): void {
    this.drop = null;
    this.#tracker = null;
  }
}
