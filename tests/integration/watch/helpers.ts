/** Test helpers for the watch integration tests: temp folders, waiting for conditions, recorders. */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderOptionsSchema, type FolderHealth, type FolderSettings } from '../../../src/shared/domain';
import type { Logger } from '../../../src/main/core/ports';
import type { FileCandidate, FolderWatcherEvents } from '../../../src/main/core/watch/folder-watcher';

/** A fresh temp folder; remove it with `removeTempDir`. */
export function makeTempDir(prefix = 'authenta-watch-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs` (generous: a loaded 2-core box). */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 30_000,
  details?: () => unknown,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      const more = details === undefined ? '' : `\n${JSON.stringify(details(), null, 1)}`;
      throw new Error(`Timed out waiting for ${what}${more}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Folder settings with defaults, for one folder. */
export function folderSettings(path: string, overrides: Partial<FolderSettings> = {}): FolderSettings {
  return { ...FolderOptionsSchema.parse({}), id: 'f1', path, paused: false, ...overrides };
}

/** Records every event a FolderWatcher emits, in order. */
export class Recorder implements FolderWatcherEvents {
  readonly seen: FileCandidate[] = [];
  readonly stable: FileCandidate[] = [];
  readonly gone: string[] = [];
  readonly health: FolderHealth[] = [];
  /** Hook run synchronously inside onStable (to observe the file at that instant). */
  onStableHook: ((file: FileCandidate) => void) | null = null;

  onSeen(file: FileCandidate): void {
    this.seen.push(file);
  }
  onStable(file: FileCandidate): void {
    this.onStableHook?.(file);
    this.stable.push(file);
  }
  onGone(path: string): void {
    this.gone.push(path);
  }
  onHealth(health: FolderHealth): void {
    this.health.push(health);
  }
  stableCount(path: string): number {
    return this.stable.filter((f) => f.path === path).length;
  }
  isStable(path: string): boolean {
    return this.stableCount(path) > 0;
  }
  seenPaths(): string[] {
    return this.seen.map((f) => f.path);
  }
  get lastHealth(): FolderHealth | undefined {
    return this.health[this.health.length - 1];
  }
  healthStates(): string[] {
    return this.health.map((h) => h.state);
  }
}

/** A logger that keeps its lines, for asserting what the user or admin would read. */
export class MemoryLogger implements Logger {
  readonly lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  debug(msg: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'debug', msg, fields });
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', msg, fields });
  }
}

/** Inotify watches this process holds now (Linux: counted from /proc/self/fdinfo); NaN elsewhere. */
export function inotifyWatches(): number {
  try {
    let n = 0;
    for (const fd of readdirSync('/proc/self/fdinfo')) {
      try {
        n += (readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/^inotify /gm) ?? []).length;
      } catch {
        // The descriptor closed meanwhile.
      }
    }
    return n;
  } catch {
    return NaN;
  }
}
