/**
 * When a file counts as completely written: its size and mtime stayed the same for the whole
 * stability window. Pure decisions for the FolderWatcher's sweep.
 */

/** A file waiting to be taken: what it looked like and when it may next be examined. */
export interface WaitingFile {
  size: number;
  mtimeMs: number;
  /** Clock time (ms) from which the file may count as stable if it has not changed. */
  checkAt: number;
}

/**
 * What a fresh stat of a waiting file means: `changed` (the window starts again from `now`),
 * `wait` (unchanged but the window is not over) or `ready` (unchanged for the whole window:
 * try to open it).
 */
export function stabilityStep(
  waiting: WaitingFile,
  observed: { size: number; mtimeMs: number },
  now: number,
): 'changed' | 'wait' | 'ready' {
  if (observed.size !== waiting.size || observed.mtimeMs !== waiting.mtimeMs) return 'changed';
  return now >= waiting.checkAt ? 'ready' : 'wait';
}

/** When the next sweep is due: the earliest `checkAt` of the waiting files, or null when none waits. */
export function nextSweepAt(waiting: Iterable<WaitingFile>): number | null {
  let next = Infinity;
  for (const w of waiting) if (w.checkAt < next) next = w.checkAt;
  return next === Infinity ? null : next;
}
