/**
 * Trouble with the data folder itself (ledger, settings, logs), told in words that name the path
 * and say what to do: a read-only file system, no write permission, a full disk, a damaged ledger.
 * Raw `EROFS`, `EACCES`, `ENOENT mkdir logs` or "database disk image is malformed" say none of it.
 * `describeDataFolderError` is pure; `probeDataFolder` and `freeBytes` look at the disk.
 */
import { access, constants, mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What is wrong with the data folder, with the sentence to show. */
export interface DataFolderProblem {
  kind: 'read-only' | 'no-permission' | 'disk-full' | 'damaged-ledger';
  /** The folder or file concerned. */
  path: string;
  message: string;
}

/** Where things are, to name them in messages. */
export interface DataFolderPaths {
  dataDir: string;
  ledgerFile: string;
  /** How the user names this data folder on the command line (default `--data-dir <dataDir>`). */
  dataDirFlag?: string;
}

/** errno or SQLite code of an error, if any. */
export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

/** SQLite says the file is not a database, or its pages do not hold together. */
export function isDamagedLedgerError(e: unknown): boolean {
  const code = errorCode(e) ?? '';
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
}

/** The disk is full (SQLite's SQLITE_FULL or the file system's ENOSPC/EDQUOT). */
export function isDiskFullError(e: unknown): boolean {
  const code = errorCode(e) ?? '';
  return code === 'ENOSPC' || code === 'EDQUOT' || code.startsWith('SQLITE_FULL');
}

/** Bytes for people (decimal units, as file managers show them). */
function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** The sentence for a disk that filled up while running: where, how much is left, and that nothing is lost. */
export function diskFullMessage(dataDir: string, free: number | null): string {
  return (
    `The disk of the data folder ${dataDir} is full${free === null ? '' : ` (${bytes(free)} free)`}: ` +
    'no new file is taken and nothing is lost. Free some space on that disk; work resumes by itself.'
  );
}

/**
 * The problem `e` means for the data folder, or null when it is not about the data folder.
 * `free` (bytes free on its disk) goes into the disk-full message when known.
 */
export function describeDataFolderError(
  e: unknown,
  paths: DataFolderPaths,
  free: number | null = null,
): DataFolderProblem | null {
  const code = errorCode(e);
  const flag = paths.dataDirFlag ?? `--data-dir ${paths.dataDir}`;
  const where = (e as { path?: unknown } | null)?.path;
  const path = typeof where === 'string' ? where : paths.dataDir;
  if (isDamagedLedgerError(e)) {
    return {
      kind: 'damaged-ledger',
      path: paths.ledgerFile,
      message:
        `The ledger ${paths.ledgerFile} is damaged (SQLite: ${(e as Error).message}), so it cannot be read. ` +
        'Your media files are untouched. Restore a backup of that file if you have one; otherwise run ' +
        `\`authenta-watch set-aside-ledger ${flag}\`: it renames the damaged file (nothing is deleted) and ` +
        'the next run starts a new ledger, checking the files again.',
    };
  }
  if (isDiskFullError(e)) {
    return {
      kind: 'disk-full',
      path: paths.dataDir,
      message:
        `The disk of the data folder ${paths.dataDir} is full${free === null ? '' : ` (${bytes(free)} free)`}, ` +
        'so nothing can be recorded. Free some space on that disk, then run again; nothing was lost.',
    };
  }
  if (code === 'EROFS' || code === 'SQLITE_READONLY' || code === 'SQLITE_READONLY_DBMOVED') {
    return {
      kind: 'read-only',
      path: paths.dataDir,
      message:
        `The data folder ${paths.dataDir} is on a read-only file system, so nothing can be recorded. ` +
        'Remount it read-write, or choose another data folder with --data-dir (or AUTHENTA_DATA_DIR). ' +
        '`authenta-watch report` still reads it.',
    };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return {
      kind: 'no-permission',
      path,
      message:
        `This account may not write to ${path} in the data folder ${paths.dataDir}. Give it write access ` +
        '(for example: chown the folder to this user), or choose another data folder with --data-dir ' +
        '(or AUTHENTA_DATA_DIR).',
    };
  }
  return null;
}

/** The nearest folder of `path` (itself included) that exists. */
async function nearestExisting(path: string): Promise<string> {
  let p = path;
  for (;;) {
    try {
      await access(p, constants.F_OK);
      return p;
    } catch {
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

/**
 * Make the data folder if needed and write a probe file in it: null when it can be written,
 * else the problem. (Node reports a folder that cannot be made on a read-only disk as ENOENT, so
 * the nearest existing parent is asked why.)
 */
export async function probeDataFolder(paths: DataFolderPaths): Promise<DataFolderProblem | null> {
  const { dataDir } = paths;
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    const parent = await nearestExisting(dataDir);
    const why = await access(parent, constants.W_OK).then(
      () => e,
      (denied: unknown) => denied,
    );
    return describeDataFolderError(why, { ...paths }) ?? describeDataFolderError(e, paths);
  }
  const probe = join(dataDir, `.write-test-${process.pid}`);
  try {
    await writeFile(probe, '');
  } catch (e) {
    return describeDataFolderError(e, paths, await freeBytes(dataDir));
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  return null;
}

/** Bytes free for this user on the disk holding `path`; null when the system cannot say. */
export async function freeBytes(path: string): Promise<number | null> {
  try {
    const s = await statfs(path);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/**
 * `target` with every method watched: a call that fails because the disk is full (thrown, or a
 * rejected promise) is reported to `onFull` first, then fails as before. The engine wraps its
 * ledger in it, so any write anywhere that meets a full disk stops new work at once.
 */
export function watchDiskFull<T extends object>(target: T, onFull: (e: unknown) => void): T {
  const check = (e: unknown): never => {
    if (isDiskFullError(e)) onFull(e);
    throw e;
  };
  return new Proxy(target, {
    get(t, key) {
      const value: unknown = Reflect.get(t, key, t);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        try {
          const out: unknown = (value as (...a: unknown[]) => unknown).apply(t, args);
          return out instanceof Promise ? out.catch(check) : out;
        } catch (e) {
          return check(e);
        }
      };
    },
  });
}

/** Can `dir` take `bytes` more? Writes (and removes) a probe file of that size. */
export async function hasRoomFor(dir: string, bytes: number): Promise<boolean> {
  const probe = join(dir, `.space-probe-${process.pid}`);
  try {
    await writeFile(probe, Buffer.alloc(bytes));
    return true;
  } catch {
    return false;
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
}

/** `freeBytes` at once (the engine says so in the same turn as the write that failed). */
export function freeBytesNow(path: string): number | null {
  try {
    const s = statfsSync(path);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}
