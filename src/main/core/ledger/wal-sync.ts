/**
 * Group commit for the embedded ledger (issue 13): the fsync of SQLite's write-ahead log runs off
 * the event loop (libuv's thread pool) and is shared. Every durable commit of one tick, and every
 * one made while an fsync is under way, waits for one fsync of the log that started after it was
 * written. An fsync covers the whole file, so one call makes every earlier commit durable; the
 * main thread never blocks on the disk, and 3 uploads starting together pay one fsync, not three.
 */
import { open as openFile, type FileHandle } from 'node:fs/promises';

export class WalSync {
  /** Durable commits asked for, and how many of them an fsync has covered. */
  private asked = 0;
  private done = 0;
  private syncing: Promise<void> | null = null;
  private wal: FileHandle | null = null;

  /** `walFile`: the write-ahead log's file; null for ':memory:' (nothing to sync). */
  constructor(private readonly walFile: string | null) {}

  /**
   * Resolves once every commit made so far is on disk: waits for an fsync of the write-ahead log
   * that starts after now, joining the one the other commits of this tick wait for. Rejects when
   * the fsync fails (the caller must not start the side effect).
   */
  async sync(): Promise<void> {
    if (this.walFile === null) return;
    const mine = ++this.asked;
    while (this.done < mine) {
      this.syncing ??= this.syncOnce().finally(() => {
        this.syncing = null;
      });
      await this.syncing;
    }
  }

  /** Resolves when no fsync is under way (a durable commit under way gets its fsync). */
  async settled(): Promise<void> {
    while (this.syncing !== null) await this.syncing.catch(() => undefined);
  }

  /** Close the log's handle (after `settled`, once no commit can come). */
  async close(): Promise<void> {
    await this.wal?.close().catch(() => undefined);
    this.wal = null;
  }

  private async syncOnce(): Promise<void> {
    // The rest of this tick's durable commits are written before the fsync starts and share it.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const upTo = this.asked;
    // The log is the same file for the connection's life (SQLite reuses it after a checkpoint).
    this.wal ??= await openFile(this.walFile!, 'r');
    await this.wal.datasync();
    this.done = Math.max(this.done, upTo);
  }
}
