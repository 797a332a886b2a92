/**
 * Waiting for one file (a dropped file, or any file outside a watched folder) to be complete:
 * size and mtime unchanged for a window and the file opens for reading. Time comes from the Clock.
 */
import { open } from 'node:fs/promises';
import type { Clock } from '../ports';
import { FileProblemError, problemFromError, statFile } from './classify';

function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveSleep, rejectSleep) => {
    signal?.throwIfAborted();
    const onAbort = (): void => {
      timer.dispose();
      rejectSleep(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolveSleep();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Resolves with the file's size and mtime once they stayed the same for `windowMs` and the file
 * opens for reading (re-checking every window while it grows or is locked). Rejects with a
 * FileProblemError (VANISHED, NOT_A_FILE, or UNREADABLE after `maxLockedChecks` failed opens,
 * default 10) or with the abort reason.
 */
export async function stabilise(
  path: string,
  windowMs: number,
  clock: Clock,
  opts: { signal?: AbortSignal; maxLockedChecks?: number } = {},
): Promise<{ size: number; mtimeMs: number }> {
  const maxLocked = opts.maxLockedChecks ?? 10;
  let before = await statFile(path);
  let lockedChecks = 0;
  for (;;) {
    await sleep(clock, windowMs, opts.signal);
    const now = await statFile(path);
    if (now.size !== before.size || now.mtimeMs !== before.mtimeMs) {
      before = now;
      lockedChecks = 0;
      continue;
    }
    try {
      const handle = await open(path, 'r');
      await handle.close();
      return now;
    } catch (e) {
      const problem = problemFromError(e, path);
      if (problem === null) throw e;
      if (problem.code === 'VANISHED' || ++lockedChecks >= maxLocked) {
        throw new FileProblemError(problem.code, problem.message, e);
      }
    }
  }
}
