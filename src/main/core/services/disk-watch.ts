/**
 * A full disk under the data folder: once a ledger write meets it, no new work is taken (rows stay
 * as they were, so nothing is lost), the status says where and how much is left, and a probe looks
 * for space every few seconds; when there is room again, work goes on by itself.
 */
import type { EngineStatus } from '../../../shared/domain';
import { diskFullMessage, freeBytes, freeBytesNow, hasRoomFor } from '../data-folder';
import type { Clock, Disposable, Logger } from '../ports';

/** How often a full disk is looked at again, and how much room counts as space being back. */
const DISK_CHECK_MS = 2_000;
const DISK_ROOM_BYTES = 256 * 1024;

/** What the status shows of a full disk. */
export type DiskFull = NonNullable<EngineStatus['diskFull']>;

/** What the watch needs. */
export interface DiskWatchOptions {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  /** What the status shows changed. */
  onChange(): void;
  /** There is room again: look at the folders again for what was missed, and go on. */
  onSpaceBack(): Promise<void>;
}

/** See the module comment. `full` is null while there is room. */
export class DiskWatch implements Disposable {
  private state: DiskFull | null = null;
  private timer: Disposable | null = null;
  private disposed = false;

  constructor(private readonly options: DiskWatchOptions) {}

  /** The disk is full: where, how much is free, and the sentence to show; null while there is room. */
  get full(): DiskFull | null {
    return this.state;
  }

  /** A ledger write met a full disk: stop taking work and look for space every few seconds. */
  onDiskFull(): void {
    if (this.state || this.disposed) return;
    const path = this.options.dataDir;
    const free = freeBytesNow(path);
    this.state = { path, freeBytes: free, message: diskFullMessage(path, free) };
    this.options.logger.error('the data folder’s disk is full: no new work until space is back', {
      dataDir: path,
      freeBytes: free,
    });
    this.options.onChange();
    this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = null;
  }

  private schedule(): void {
    if (this.disposed || this.timer) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      void this.check();
    }, DISK_CHECK_MS);
  }

  /** Room again (a probe of DISK_ROOM_BYTES fits): go on. */
  private async check(): Promise<void> {
    if (!this.state || this.disposed) return;
    const path = this.options.dataDir;
    if (!(await hasRoomFor(path, DISK_ROOM_BYTES))) {
      const free = await freeBytes(path);
      if (this.state && free !== this.state.freeBytes) {
        this.state = { path, freeBytes: free, message: diskFullMessage(path, free) };
        this.options.onChange();
      }
      this.schedule();
      return;
    }
    this.state = null;
    this.options.logger.info('space is back on the data folder’s disk: going on', { dataDir: path });
    await this.options.onSpaceBack();
  }
}
