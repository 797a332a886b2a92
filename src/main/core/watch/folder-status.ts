/**
 * What a FolderWatcher tells about its folder: its health (starting, watching, polling,
 * unavailable or paused, with why, and the time of the last filesystem event), reported only when
 * it changes, and the callers waiting for the initial scan to end.
 */
import type { FolderHealth, FolderHealthState } from '../../../shared/domain';
import type { Clock } from '../ports';
import type { FolderWatcherEvents } from './folder-watcher-types';

/** One folder's health and the waiters for its initial scan. */
export class FolderStatus {
  private current: FolderHealth = { state: 'starting', message: null, lastEventAt: null };
  private scanWaiters: (() => void)[] = [];

  constructor(
    private readonly events: FolderWatcherEvents,
    private readonly clock: Clock,
    /** True once the watcher is disposed: nothing is reported then. */
    private readonly isDisposed: () => boolean,
  ) {}

  /** The folder's current health (a copy). */
  get health(): FolderHealth {
    return { ...this.current };
  }

  /** The folder's current state. */
  get state(): FolderHealthState {
    return this.current.state;
  }

  /** Sets the state and message; reports them when they changed. */
  set(state: FolderHealthState, message: string | null): void {
    if (this.isDisposed()) return;
    if (this.current.state === state && this.current.message === message) return;
    this.current = { state, message, lastEventAt: this.current.lastEventAt };
    this.events.onHealth({ ...this.current });
  }

  /** Records that a filesystem event happened now (not reported by itself). */
  touch(): void {
    this.current = { ...this.current, lastEventAt: this.clock.now() };
  }

  /** Resolves when the scan ends, or the folder turns out unavailable or paused. */
  scanDone(): Promise<void> {
    return new Promise<void>((res) => this.scanWaiters.push(res));
  }

  /** Resolves every `scanDone()` waiting. */
  releaseScanWaiters(): void {
    const waiters = this.scanWaiters;
    this.scanWaiters = [];
    for (const w of waiters) w();
  }
}
