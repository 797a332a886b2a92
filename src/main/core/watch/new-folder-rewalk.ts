/**
 * Walks a subfolder that appeared while watching once more, shortly after and again once its
 * watch is surely in place. chokidar reads a new folder before it starts watching it, so a file
 * moved in between (`mkdir inbox/x && mv f inbox/x/`) raises no event at all; these walks find it.
 * What they find goes through the candidate tracker, which ignores files already waiting, taken
 * or finished, so a file reported by both chokidar and a walk is still reported once.
 */
import type { Clock, Disposable } from '../ports';

/** When a new folder is walked again, after chokidar reported it: soon, then once its watch is surely in place. */
export const NEW_FOLDER_REWALK_MS: readonly number[] = [150, 1_500];

/** Collects new folders and walks them again after each delay; one timer per delay, not per folder. */
export class NewFolderRewalk {
  /** Folders waiting for each round (index into `delaysMs`). */
  private readonly rounds: Set<string>[];
  private readonly timers: (Disposable | null)[];

  constructor(
    private readonly clock: Clock,
    private readonly walk: (folders: string[]) => Promise<void>,
    private readonly delaysMs: readonly number[] = NEW_FOLDER_REWALK_MS,
  ) {
    this.rounds = delaysMs.map(() => new Set<string>());
    this.timers = delaysMs.map(() => null);
  }

  /** A folder appeared: walk it again after each delay. */
  add(folder: string): void {
    this.enqueue(0, [folder]);
  }

  /** Forgets every waiting folder and cancels the timers (watcher closed, paused or disposed). */
  clear(): void {
    for (let i = 0; i < this.timers.length; i++) {
      this.timers[i]?.dispose();
      this.timers[i] = null;
      this.rounds[i]?.clear();
    }
  }

  private enqueue(round: number, folders: string[]): void {
    const set = this.rounds[round];
    if (set === undefined || folders.length === 0) return;
    for (const f of folders) set.add(f);
    if (this.timers[round] !== null) return;
    this.timers[round] = this.clock.setTimeout(() => {
      this.timers[round] = null;
      const due = outermost([...set]);
      set.clear();
      void this.walk(due).finally(() => this.enqueue(round + 1, due));
    }, this.delaysMs[round] ?? 0);
  }
}

/** Drops folders inside another listed folder: a walk of the outer one covers them. */
export function outermost(folders: string[]): string[] {
  const sorted = [...new Set(folders)].sort();
  const kept: string[] = [];
  for (const f of sorted) {
    const last = kept[kept.length - 1];
    if (last !== undefined && (f.startsWith(`${last}/`) || f.startsWith(`${last}\\`))) continue;
    kept.push(f);
  }
  return kept;
}
