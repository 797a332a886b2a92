/**
 * The job open in the side panel: its details fetched from the engine, refreshed when the engine
 * reports a change to it, and the actions a person can take on it.
 */
import type { AuthentaWatchApi, HostCapabilities } from '../../../shared/contract';
import { UNFINISHED_STATES, type JobChange, type JobDetails } from '../../../shared/domain';
import type { UiEffects } from '../lib/effects';
import { errorText } from '../lib/format';
import { retryOffer, type RetryOffer } from './job-actions';

type DetailsApi = Pick<
  AuthentaWatchApi,
  'getJob' | 'retryJob' | 'cancelJob' | 'deleteRemote' | 'revealJob' | 'openLink'
> &
  Partial<Pick<AuthentaWatchApi, 'getProvenance'>>;

/** What the last action did, in words. */
export interface ActionNotice {
  tone: 'ok' | 'error';
  text: string;
}

export class DetailsState {
  /** The id of the job shown; null when the panel is closed. */
  openId = $state<number | null>(null);
  details = $state.raw<JobDetails | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  notice = $state.raw<ActionNotice | null>(null);
  /** An action is running: its buttons are disabled. */
  busy = $state(false);
  /** A link the browser would not open by itself (a blocked pop-up): shown for the user to click. */
  blockedUrl = $state<string | null>(null);

  readonly #api: DetailsApi;
  readonly #effects: Pick<UiEffects, 'copyText' | 'openUrl'>;
  readonly #capabilities: () => HostCapabilities | null;
  #request = 0;
  #refreshing: Promise<void> | null = null;
  #stale = false;

  /** The file's provenance (Content Credentials, camera metadata), read by the engine on demand; null: this host has none. */
  provenance(id: number): ReturnType<AuthentaWatchApi['getProvenance']> | null {
    return this.#api.getProvenance ? this.#api.getProvenance(id) : null;
  }

  constructor(
    api: DetailsApi,
    effects: Pick<UiEffects, 'copyText' | 'openUrl'>,
    capabilities: () => HostCapabilities | null,
  ) {
    this.#api = api;
    this.#effects = effects;
    this.#capabilities = capabilities;
  }

  /** What trying the open job again would do; null when it cannot change anything. */
  get retryOffer(): RetryOffer {
    return this.details ? retryOffer(this.details.job) : null;
  }

  /** A retry may help: the job failed, is blocked, or was skipped for a reason the user can fix. */
  get canRetry(): boolean {
    return this.retryOffer === 'retry';
  }

  /** The job shares an earlier verdict for the same bytes; a new check can be paid for. */
  get canRecheck(): boolean {
    return this.retryOffer === 'recheck';
  }

  get canCancel(): boolean {
    return !!this.details && UNFINISHED_STATES.includes(this.details.job.state);
  }

  get canDeleteRemote(): boolean {
    return !!this.details?.job.remoteId;
  }

  get canReveal(): boolean {
    return !!this.details && !!this.#capabilities()?.revealInFolder;
  }

  /** Show a job's details. */
  async open(id: number): Promise<void> {
    if (this.openId !== id) {
      this.details = null;
      this.notice = null;
      this.blockedUrl = null;
    }
    this.openId = id;
    await this.#load();
  }

  close(): void {
    this.openId = null;
    this.details = null;
    this.error = null;
    this.notice = null;
    this.blockedUrl = null;
    this.#request += 1;
  }

  /** Fetch the open job again; calls while one fetch runs collapse into one more. */
  refresh(): Promise<void> {
    if (this.openId === null) return Promise.resolve();
    if (this.#refreshing) {
      this.#stale = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#stale = false;
          await this.#load();
        } while (this.#stale && this.openId !== null);
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  /** The engine changed some jobs: refresh if the open one is among them; close if it was removed. */
  onJobsChanged(changes: readonly JobChange[]): void {
    const id = this.openId;
    if (id === null) return;
    for (const change of changes) {
      if (change.type === 'removed' && change.id === id) {
        this.close();
        return;
      }
    }
    if (changes.some((c) => c.type === 'upsert' && c.job.id === id)) void this.refresh();
  }

  async #load(): Promise<void> {
    const id = this.openId;
    if (id === null) return;
    const request = ++this.#request;
    this.loading = true;
    try {
      const details = await this.#api.getJob(id);
      if (request !== this.#request) return;
      this.details = details;
      this.error = null;
    } catch (error) {
      if (request === this.#request) this.error = `The details could not be loaded: ${errorText(error)}`;
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  async #act(run: (id: number) => Promise<unknown>, done: string, failed: string): Promise<boolean> {
    const id = this.openId;
    if (id === null) return false;
    this.busy = true;
    try {
      await run(id);
      this.notice = { tone: 'ok', text: done };
      await this.refresh();
      return true;
    } catch (error) {
      this.notice = { tone: 'error', text: `${failed}: ${errorText(error)}` };
      return false;
    } finally {
      this.busy = false;
    }
  }

  retry(): Promise<boolean> {
    return this.#act((id) => this.#api.retryJob(id), 'Queued again.', 'Retry failed');
  }

  /** Check a duplicate's bytes again instead of sharing the earlier verdict (the engine's retry of a duplicate). */
  recheck(): Promise<boolean> {
    return this.#act(
      (id) => this.#api.retryJob(id),
      'Queued for a new check.',
      'Could not queue a new check',
    );
  }

  cancel(): Promise<boolean> {
    return this.#act((id) => this.#api.cancelJob(id), 'Cancelled.', 'Cancel failed');
  }

  deleteRemote(): Promise<boolean> {
    return this.#act(
      (id) => this.#api.deleteRemote(id),
      'The record was deleted on Authenta; the verdict stays here.',
      'Delete failed',
    );
  }

  reveal(): Promise<boolean> {
    return this.#act(
      (id) => this.#api.revealJob(id),
      'Shown in the file manager.',
      'Could not show the file',
    );
  }

  /** Copy the remote id (mid) to the clipboard. */
  async copyMid(): Promise<boolean> {
    const mid = this.details?.job.remoteId;
    if (!mid) return false;
    try {
      await this.#effects.copyText(mid);
      this.notice = { tone: 'ok', text: `Copied ${mid}.` };
      return true;
    } catch (error) {
      this.notice = { tone: 'error', text: `Could not copy: ${errorText(error)}` };
      return false;
    }
  }

  /**
   * A fresh URL of a face's heatmap, to play inline beside the original (links expire, so each
   * showing asks again; the desktop does not open it in the browser). Null when it failed (said in
   * the notice).
   */
  async heatmapUrl(participantId: string): Promise<string | null> {
    const id = this.openId;
    if (id === null) return null;
    try {
      const url = await this.#api.openLink({ id, kind: 'heatmap', participantId, open: false });
      return this.openId === id ? url : null;
    } catch (error) {
      this.notice = { tone: 'error', text: `Could not load the heatmap: ${errorText(error)}` };
      return null;
    }
  }

  /**
   * Open a heatmap, the result or the original. The URL is asked for fresh each time (they expire);
   * Electron opens it itself, the browser opens the returned URL.
   */
  async openLink(kind: 'heatmap' | 'result' | 'source', participantId?: string): Promise<string | null> {
    const id = this.openId;
    if (id === null) return null;
    try {
      const url = await this.#api.openLink(
        participantId === undefined ? { id, kind } : { id, kind, participantId },
      );
      const opened = this.#capabilities()?.host === 'electron' || this.#effects.openUrl(url);
      this.blockedUrl = opened ? null : url;
      this.notice = null;
      return url;
    } catch (error) {
      this.notice = { tone: 'error', text: `Could not open the link: ${errorText(error)}` };
      return null;
    }
  }
}
