/**
 * Big watched trees for start-up and idle benchmarks: many small valid PNGs, and a ledger in
 * which every one of those files is already done, written through SqliteLedger with the same
 * transitions the pipeline writes (queued, creating, uploading, processing, done), so the engine
 * finds what a long-running install would have.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SqliteLedger } from '../../src/main/core/ledger/sqlite-ledger';
import { makePng } from '../../tests/helpers/media-fixtures';
import { BENCH_PROFILE_ID } from './bench-engine';

/** A file of a made tree: where it is and the size and mtime the ledger must know it by. */
export interface TreeFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * `count` PNG files under `root`, `perFolder` per subfolder (`d000/img-000000.png`, ...): each a
 * file of its own (its own inode, as photos are: chokidar and the kernel watch each one), all
 * with the same small valid PNG bytes. Returns them with the size and mtime they got.
 */
export function makeTree(root: string, count: number, perFolder = 1000): TreeFile[] {
  const bytes = makePng({ marker: 'AUTHENTA-SIM:real', width: 16, height: 16 });
  const files: TreeFile[] = [];
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `d${String(Math.floor(i / perFolder)).padStart(3, '0')}`);
    if (i % perFolder === 0) fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `img-${String(i).padStart(6, '0')}.png`);
    fs.writeFileSync(file, bytes);
    const st = fs.statSync(file);
    files.push({ path: file, size: st.size, mtimeMs: st.mtimeMs });
  }
  return files;
}

/**
 * A ledger in `dataDir` where every file of `files` (of folder `folderId`) is done with a verdict.
 * Returns the milliseconds it took.
 */
export async function seedDoneLedger(
  dataDir: string,
  folderId: string,
  files: readonly TreeFile[],
): Promise<number> {
  const started = performance.now();
  const ledger = SqliteLedger.open({ file: path.join(dataDir, 'ledger.sqlite'), now: Date.now });
  const db = ledger.connection;
  // One outer transaction for speed. Some transitions are made durable with synchronous=FULL,
  // which SQLite refuses inside a transaction; a seed needs no durability, so those run as
  // plain nested transactions here.
  (ledger as unknown as { durably: <T>(fn: () => T) => T }).durably = (fn) => db.transaction(fn)();
  db.exec('BEGIN');
  try {
    let i = 0;
    for (const f of files) {
      const job = await ledger.insert({
        path: f.path,
        name: path.basename(f.path),
        folderId,
        size: f.size,
        mtimeMs: f.mtimeMs,
        profileId: BENCH_PROFILE_ID,
        simulated: false,
        state: 'queued',
        // Distinct hashes, as distinct photos would have.
        sha256: (i++).toString(16).padStart(64, '0'),
        contentType: 'image/png',
        kind: 'image',
        model: 'AC-1',
      });
      const mid = `seed-${job.id}`;
      const at = Date.now();
      await ledger.transition(job.id, 'queued', 'creating', { generation: 'media-client' });
      await ledger.transition(job.id, 'creating', 'uploading', { remoteId: mid });
      await ledger.transition(job.id, 'uploading', 'processing', { uploadedAt: at, bytesSent: f.size });
      await ledger.transition(job.id, 'processing', 'done', {
        verdict: { label: 'authentic', confidence: 0.97 },
        raw: { mid, status: 'PROCESSED', result: 'REAL' },
        doneAt: at,
      });
    }
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  } finally {
    await ledger.close();
  }
  return performance.now() - started;
}
