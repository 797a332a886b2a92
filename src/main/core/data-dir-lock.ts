/**
 * One engine per data folder. Two engines on one ledger (the desktop app and a CLI started on the
 * same folder) would each claim and upload the same files, paying twice; the second one to start
 * is refused with a message saying which process holds the folder. A lock left by a process that
 * died (a crash, SIGKILL) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Disposable } from './ports';

export const LOCK_FILE = 'engine.lock';

/** Another live process uses the data folder. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  readonly code = 'DATA_DIR_IN_USE';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another Authenta Watch (process ${pid}) is using the data folder ${dataDir}. ` +
        'Stop it first, or give this one its own folder (--data-dir or AUTHENTA_DATA_DIR).',
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function holder(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Take the data folder's lock for this process; throws DataDirLockedError when a live process
 * holds it. Disposing releases it (only if it is still ours).
 */
export function lockDataDir(dataDir: string, pid: number = process.pid): Disposable {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${pid}\n`, { flag: 'wx' });
      return {
        dispose: () => {
          if (holder(file) === pid) rmSync(file, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const other = holder(file);
      if (other === pid) return { dispose: () => rmSync(file, { force: true }) };
      if (other !== null && isAlive(other)) throw new DataDirLockedError(dataDir, other);
      // Stale: its process is gone (or the file is unreadable). Take it over and try again.
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${file}; remove it if no Authenta Watch is running.`);
}
