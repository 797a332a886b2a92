/**
 * Thumbnails made ahead of the UI's request: once a photo's verdict is in, its pictures (large
 * and row) are made in the background, so a queue opened later shows them at once. It listens to
 * the engine's job changes rather than living in a pipeline stage: by then the file's bytes are no
 * longer read for sniffing, hashing or sending, and the ThumbnailService makes them one at a time,
 * after anything the UI waits for, with one libvips thread. A file that changed since it was
 * judged (size or whole-ms mtime) is not drawn: its picture would be of other bytes.
 */
import { stat } from 'node:fs/promises';
import type { Job, JobChange } from '../../../shared/domain';
import type { FileGate } from '../ledger/confined-path';
import type { ThumbnailService } from './thumbnails';

/** A finished photo whose pictures are worth making now. */
function wanted(change: JobChange): Job | null {
  if (change.type !== 'upsert') return null;
  const job = change.job;
  return job.state === 'done' && job.kind === 'image' && job.sha256 ? job : null;
}

/**
 * Queue the pictures of every photo in `changes` that just got (or still has) its verdict; with
 * `files`, only of files this desk may read (a team ledger's rows are checked; see confined-path.ts).
 */
export function prefetchThumbnails(
  thumbs: ThumbnailService,
  changes: readonly JobChange[],
  files?: FileGate,
): void {
  for (const change of changes) {
    const job = wanted(change);
    if (!job) continue;
    void Promise.resolve(files?.refusal(job.path, job.name))
      .then((refused) => {
        if (refused) throw new Error(refused);
        return stat(job.path);
      })
      .then((info) => {
        if (info.size !== job.size || Math.floor(info.mtimeMs) !== Math.floor(job.mtimeMs)) return;
        thumbs.prefetch({ sha256: job.sha256!, kind: 'image', path: job.path });
      })
      .catch(() => undefined);
  }
}
