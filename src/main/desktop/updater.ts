/**
 * The desktop's updates over electron-updater (issue 14): check at start and once a day against
 * the generic feed the deployment configured, never download without the user's yes (see
 * update-policy.ts for why every download is asked), and show the release notes before the
 * restart that installs it. Thin: the decisions are in update-policy.ts; the composition root
 * hands in electron-updater's `autoUpdater` and a way to ask the user (a dialog).
 */
import type { Clock, Disposable, Logger } from '../core/ports';
import {
  downloadQuestion,
  meteredFrom,
  nextCheckIn,
  releaseNotesText,
  UPDATE_CHECK_INTERVAL_MS,
  updateFeed,
  type ConnectionHints,
} from './update-policy';

/** What is used of electron-updater's AppUpdater. */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(): void;
  /** electron-updater's listeners take the event's payload (UpdateInfo, or an Error for 'error'). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- EventEmitter's own listener type
  on(event: 'update-available' | 'update-downloaded' | 'error', listener: (...args: any[]) => void): unknown;
}

/** The part of electron-updater's UpdateInfo read here. */
export interface FoundUpdate {
  version: string;
  releaseNotes?: string | { version: string; note: string | null }[] | null;
  files?: { size?: number }[];
}

export interface DesktopUpdaterOptions {
  updater: UpdaterPort;
  /** The feed URL the deployment set; null: updates are off. */
  feedUrl: string | null;
  clock: Clock;
  logger: Logger;
  /** Ask the user a yes/no question (a dialog); `detail` holds longer text (the notes). */
  ask(question: { message: string; detail?: string; yes: string; no: string }): Promise<boolean>;
  /** What the renderer's navigator.connection says now; null when unknown. */
  connection(): Promise<ConnectionHints | null>;
}

/** Where updates stand, for the About/Settings line. */
export type UpdateStatus =
  | { state: 'off'; message: string }
  | { state: 'idle'; message: string }
  | { state: 'declined' | 'downloading' | 'ready'; version: string; message: string };

/** See the module comment. `start()` once; `dispose()` stops the daily check. */
export class DesktopUpdater implements Disposable {
  #status: UpdateStatus;
  #timer: Disposable | null = null;
  #lastCheckAt: number | null = null;
  #disposed = false;

  constructor(private readonly options: DesktopUpdaterOptions) {
    const feed = updateFeed(options.feedUrl);
    this.#status = feed.on
      ? { state: 'idle', message: `Updates are checked at start and once a day from ${feed.url}.` }
      : { state: 'off', message: feed.reason };
  }

  get status(): UpdateStatus {
    return this.#status;
  }

  /** Configure the updater and check now; later checks follow once a day. Does nothing when off. */
  start(): void {
    const feed = updateFeed(this.options.feedUrl);
    if (!feed.on) return;
    const u = this.options.updater;
    u.autoDownload = false;
    u.autoInstallOnAppQuit = false;
    u.setFeedURL({ provider: 'generic', url: feed.url });
    u.on('update-available', (info: FoundUpdate) => void this.#offerDownload(info));
    u.on('update-downloaded', (info: FoundUpdate) => void this.#offerRestart(info));
    u.on('error', (e: Error) =>
      this.options.logger.warn('updates: a check or download failed', { message: String(e?.message ?? e) }),
    );
    this.#schedule();
  }

  dispose(): void {
    this.#disposed = true;
    this.#timer?.dispose();
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#disposed) return;
    const delay = nextCheckIn(this.#lastCheckAt, this.options.clock.now());
    this.#timer = this.options.clock.setTimeout(() => void this.#check(), delay);
  }

  async #check(): Promise<void> {
    this.#lastCheckAt = this.options.clock.now();
    try {
      await this.options.updater.checkForUpdates();
    } catch (e) {
      this.options.logger.warn('updates: the check failed', { message: String((e as Error)?.message ?? e) });
    }
    this.#schedule();
  }

  async #offerDownload(info: FoundUpdate): Promise<void> {
    const size = info.files?.reduce((n, f) => n + (f.size ?? 0), 0) ?? null;
    const metered = meteredFrom(await this.options.connection().catch(() => null));
    const yes = await this.options.ask({
      message: downloadQuestion(info.version, size, metered),
      detail: releaseNotesText(info.releaseNotes),
      yes: 'Download',
      no: 'Not now',
    });
    if (!yes) {
      this.#status = {
        state: 'declined',
        version: info.version,
        message: `Version ${info.version} was not downloaded; the next check asks again.`,
      };
      return;
    }
    this.#status = {
      state: 'downloading',
      version: info.version,
      message: `Downloading version ${info.version}…`,
    };
    await this.options.updater.downloadUpdate().catch((e: unknown) => {
      this.options.logger.warn('updates: the download failed', {
        message: String((e as Error)?.message ?? e),
      });
      this.#status = {
        state: 'idle',
        message: `Version ${info.version} could not be downloaded; the next check tries again.`,
      };
    });
  }

  async #offerRestart(info: FoundUpdate): Promise<void> {
    this.#status = {
      state: 'ready',
      version: info.version,
      message: `Version ${info.version} is ready: it installs when you restart.`,
    };
    const restart = await this.options.ask({
      message: `Authenta Watch ${info.version} is downloaded. Restart now to install it? Files in progress resume after the restart.`,
      detail: releaseNotesText(info.releaseNotes),
      yes: 'Restart now',
      no: 'Later',
    });
    if (restart) this.options.updater.quitAndInstall();
  }
}

export { UPDATE_CHECK_INTERVAL_MS };
