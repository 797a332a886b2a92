/**
 * Sleep and wake: on suspend the pipeline pauses (an upload cut by sleep would fail, and timers
 * would fire in a burst on wake); on resume the folders are walked again, since file events
 * during sleep may be lost, and the queue continues. A queue the user paused stays paused.
 */
import type { PowerMonitor } from 'electron';
import type { AuthentaWatchApi } from '../../shared/contract';
import type { Disposable, Logger } from '../core/ports';

/**
 * What the desktop needs of the engine around sleep. `suspend`/`resume` are used when the engine
 * has them (they keep the user's own pause apart from this one); otherwise pauseAll/resumeAll.
 */
export type PowerAwareEngine = Pick<AuthentaWatchApi, 'getStatus' | 'pauseAll' | 'resumeAll'> & {
  suspend?(): Promise<void>;
  resume?(): Promise<void>;
  rescan?(): Promise<void>;
};

/** Follows powerMonitor's suspend and resume events; dispose stops listening. */
export class PowerCoordinator implements Disposable {
  private pausedBySuspend = false;
  private chain: Promise<void> = Promise.resolve();
  private readonly onSuspend = (): void => this.enqueue('suspend', () => this.suspend());
  private readonly onResume = (): void => this.enqueue('resume', () => this.resume());

  constructor(
    private readonly monitor: Pick<PowerMonitor, 'on' | 'removeListener'>,
    private readonly engine: PowerAwareEngine,
    private readonly logger: Logger,
  ) {
    monitor.on('suspend', this.onSuspend);
    monitor.on('resume', this.onResume);
  }

  /** Settles when the last suspend or resume has been handled (for shutdown and tests). */
  idle(): Promise<void> {
    return this.chain;
  }

  dispose(): void {
    this.monitor.removeListener('suspend', this.onSuspend);
    this.monitor.removeListener('resume', this.onResume);
  }

  // Events are handled in order: a resume must not overtake the suspend before it.
  private enqueue(what: string, step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.logger.error(`Handling ${what} failed`, { error });
    });
  }

  private async suspend(): Promise<void> {
    this.logger.info('System suspends: pausing the pipeline');
    if (this.engine.suspend) return this.engine.suspend();
    const status = await this.engine.getStatus();
    if (status.paused) return;
    this.pausedBySuspend = true;
    await this.engine.pauseAll();
  }

  private async resume(): Promise<void> {
    this.logger.info('System resumed: rescanning folders and continuing');
    if (this.engine.resume) return this.engine.resume();
    if (this.engine.rescan) await this.engine.rescan();
    if (this.pausedBySuspend) {
      this.pausedBySuspend = false;
      await this.engine.resumeAll();
    }
  }
}
