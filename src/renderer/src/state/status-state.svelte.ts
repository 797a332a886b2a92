/**
 * The engine's status as the header, banners and status bar show it, and what the host can do.
 * Replaced whole on every status event.
 */
import type { AuthentaWatchApi, HostCapabilities } from '../../../shared/contract';
import type { EngineStatus, FolderHealthState } from '../../../shared/domain';
import { bannersFrom, type Banner } from '../shell/banners';
import { errorText } from '../lib/format';

export class StatusState {
  status = $state.raw<EngineStatus | null>(null);
  capabilities = $state.raw<HostCapabilities | null>(null);
  error = $state<string | null>(null);
  /** A pause or resume is on its way. */
  busy = $state(false);

  readonly #api: Pick<AuthentaWatchApi, 'getStatus' | 'getCapabilities' | 'pauseAll' | 'resumeAll'>;

  constructor(api: Pick<AuthentaWatchApi, 'getStatus' | 'getCapabilities' | 'pauseAll' | 'resumeAll'>) {
    this.#api = api;
  }

  /** Ask for the capabilities and the current status. */
  async load(): Promise<void> {
    try {
      const [capabilities, status] = await Promise.all([this.#api.getCapabilities(), this.#api.getStatus()]);
      this.capabilities = capabilities;
      this.status = status;
      this.error = null;
    } catch (error) {
      this.error = `Authenta Watch's engine did not answer: ${errorText(error)}`;
    }
  }

  /** Ask for the status again (after a command whose effect the event may bring late). */
  async refresh(): Promise<void> {
    try {
      this.status = await this.#api.getStatus();
    } catch (error) {
      this.error = `Authenta Watch's engine did not answer: ${errorText(error)}`;
    }
  }

  /** A status event arrived. */
  apply(status: EngineStatus): void {
    this.status = status;
    this.error = null;
  }

  /** The banners for this status, most serious first. */
  readonly banners: Banner[] = $derived(bannersFrom(this.status));

  /** The active profile is the built-in simulator: every result is simulated. */
  get simulated(): boolean {
    return !!this.status?.profile?.simulated;
  }

  get paused(): boolean {
    return !!this.status?.paused;
  }

  /** Uploaded and waiting for a verdict. */
  get waitingForVerdict(): number {
    const counts = this.status?.counts;
    return counts ? counts.processing + counts.finalizing : 0;
  }

  /** Noticed but not yet sent. */
  get pending(): number {
    const c = this.status?.counts;
    return c ? c.waiting + c.queued + c.creating + c.uploading + c.blocked : 0;
  }

  /** How many folders are in each health state. */
  readonly watcherCounts: Record<FolderHealthState, number> = $derived.by(() => {
    const counts: Record<FolderHealthState, number> = {
      starting: 0,
      watching: 0,
      polling: 0,
      unavailable: 0,
      paused: 0,
    };
    for (const folder of this.status?.folders ?? []) counts[folder.health.state] += 1;
    return counts;
  });

  /** Folder path by id, for the queue's folder column. */
  readonly folderPaths: Readonly<Record<string, string>> = $derived(
    Object.fromEntries((this.status?.folders ?? []).map((f) => [f.id, f.path])),
  );

  async #run(command: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await command();
      await this.refresh();
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
    }
  }

  pauseAll(): Promise<void> {
    return this.#run(() => this.#api.pauseAll());
  }

  resumeAll(): Promise<void> {
    return this.#run(() => this.#api.resumeAll());
  }
}
