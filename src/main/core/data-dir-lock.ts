/**
 * One engine per data folder. Two engines on one ledger (the desktop app and a CLI started on the
 * same folder) would each claim and upload the same files, paying twice; the second one to start
 * is refused with a message saying which process holds the folder.
 *
 * The lock is the operating system's own: SQLite's exclusive lock on a dedicated file (fcntl
 * locks on POSIX, LockFileEx on Windows), which the system drops the moment its holder dies, by
 * a crash, a SIGKILL or a power cut. No PID check decides (issue 9, item 10): a PID written in a
 * file may belong to another process after a reboot (pid 1 is always alive) or to a zombie.
 * A small text file beside it names the holder, for the message only.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Disposable } from './ports';

/** The file whose SQLite lock is the data folder's lock. */
export const LOCK_FILE = 'engine-lock.sqlite';
/** Who holds the lock (pid and start time), written by the holder; informative only. */
export const HOLDER_FILE = 'engine-lock.holder';
/** The PID file of versions before the OS lock; removed when found, never believed. */
const LEGACY_LOCK_FILE = 'engine.lock';

/** What the holder wrote about itself. */
export interface LockHolder {
  pid: number;
  /** When it took the lock (ms since the epoch). */
  since: number;
}

/** Another live process uses the data folder. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  readonly code = 'DATA_DIR_IN_USE';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    const who = holder
      ? `Another Authenta Watch (process ${holder.pid}, running since ${new Date(holder.since).toLocaleString()})`
      : 'Another Authenta Watch';
    super(
      `${who} is using the data folder ${dataDir}. ` +
        'Stop it first, or give this one its own folder (--data-dir or AUTHENTA_DATA_DIR). ' +
        'The folder is freed as soon as that process ends, even if it crashed: there is no file to delete.',
    );
  }

  /** The holder's process id, when it could be read. */
  get pid(): number | null {
    return this.holder?.pid ?? null;
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return Number.isInteger(v.pid) && Number.isFinite(v.since)
      ? { pid: v.pid as number, since: v.since as number }
      : null;
  } catch {
    return null;
  }
}

function sqliteCode(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

/** Open `file` and take its exclusive lock for as long as the connection lives; null when busy. */
function tryLock(file: string): Database.Database | null {
  const db = new Database(file, { timeout: 0 });
  try {
    // Exclusive locking mode: once taken, the lock is held until the connection closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
    return db;
  } catch (e) {
    db.close();
    if (sqliteCode(e) === 'SQLITE_BUSY' || sqliteCode(e) === 'SQLITE_LOCKED') return null;
    throw e;
  }
}

/**
 * Take the data folder's lock for this process; throws DataDirLockedError while another process
 * (or another engine in this one) holds it. Disposing releases it; so does the death of the process.
 */
export function lockDataDir(dataDir: string): Disposable {
  const file = join(dataDir, LOCK_FILE);
  const holderFile = join(dataDir, HOLDER_FILE);
  let db: Database.Database | null;
  try {
    db = tryLock(file);
  } catch (e) {
    const code = sqliteCode(e);
    if (code !== 'SQLITE_NOTADB' && code !== 'SQLITE_CORRUPT') throw e;
    // Not a database (overwritten by hand): nothing can hold a lock through it. Start afresh.
    rmSync(file, { force: true });
    db = tryLock(file);
  }
  if (db === null) throw new DataDirLockedError(dataDir, readHolder(holderFile));
  const me: LockHolder = { pid: process.pid, since: Date.now() };
  try {
    writeFileSync(holderFile, `${JSON.stringify(me)}\n`);
  } catch {
    // The holder file only improves the message another process shows; the lock stands without it.
  }
  rmSync(join(dataDir, LEGACY_LOCK_FILE), { force: true });
  let held: Database.Database | null = db;
  return {
    dispose: () => {
      if (!held) return;
      const holder = readHolder(holderFile);
      if (holder?.pid === me.pid && holder.since === me.since) rmSync(holderFile, { force: true });
      held.close();
      held = null;
    },
  };
}
