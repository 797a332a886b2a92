/**
 * The known-file set: file versions (path, size, mtime) that have a row past `waiting`, which a
 * watcher does not report again. Filled from the ledger at start (`knownFileKeys`), then fed from
 * the job store's stream by the same rule, so no stage has to remember to mark a file it took.
 */
import type { CommittedChange } from '../ledger/job-store';
import { fileKey, type JobRecord } from '../ledger/ledger';
import { UNKNOWN_AGAIN_CODES } from '../ledger/ledger-rows';

/**
 * Whether a row makes its file version known: past `waiting`, and not ended by something that
 * says nothing about these bytes (vanished, folder removed, changed, unreadable), so the file is
 * looked at again when it is seen again. The same rule as the ledger's `knownFileKeys`. Pure.
 */
export function isKnownVersion(row: Pick<JobRecord, 'state' | 'errorCode'>): boolean {
  return row.state !== 'waiting' && (row.errorCode === null || !UNKNOWN_AGAIN_CODES.includes(row.errorCode));
}

/** See the module comment. */
export class KnownFiles {
  private readonly keys = new Set<string>();

  load(keys: Iterable<string>): void {
    for (const key of keys) this.keys.add(key);
  }

  add(path: string, size: number, mtimeMs: number): void {
    this.keys.add(fileKey(path, size, mtimeMs));
  }

  has(path: string, size: number, mtimeMs: number): boolean {
    return this.keys.has(fileKey(path, size, mtimeMs));
  }

  /** A listener of the job store's stream: each row that is a known version marks its file. */
  hear(changes: readonly CommittedChange[]): void {
    for (const { row } of changes) if (isKnownVersion(row)) this.add(row.path, row.size, row.mtimeMs);
  }
}
