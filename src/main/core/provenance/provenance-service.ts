/**
 * The Provenance section's engine side: a job id in, its file's provenance report out (Content
 * Credentials and camera metadata), read on this machine on demand and cached by the file's
 * sha256, so the details panel opens fast the second time and the same bytes are read once
 * whatever their path. Reads one file at a time, after checking it is still the file that was
 * judged (same size and mtime); never on the pipeline's path.
 *
 * The queue's marks come from `marks`: the rows the UI shows ask for them, and a file not read yet
 * is read then if it is small enough (MARK_READ_LIMIT); a larger one gets its mark when its
 * details are first opened.
 */
import { open } from 'node:fs/promises';
import type { CredentialMarks, ProvenanceReport } from '../../../shared/provenance';
import type { FileGate } from '../ledger/confined-path';
import type { JobRecord } from '../ledger/ledger';
import type { Clock, Logger } from '../ports';
import { userError } from '../services/user-error';
import { emptyCredentials } from './manifest-summary';
import { readCameraMetadata, readCredentials } from './read-provenance';

/** Files up to this size are read whole for their provenance (details). */
export const PROVENANCE_READ_LIMIT = 512 * 1024 * 1024;
/** Files up to this size are read for a queue row's mark without being opened. */
export const MARK_READ_LIMIT = 64 * 1024 * 1024;
/** Files not read before that a CSV/JSON report reads (the rest of a large report stays empty). */
export const REPORT_READS = 500;
/** Reports kept in memory (a few hundred bytes each). */
const MAX_CACHED = 20_000;

export interface ProvenanceServiceOptions {
  /** The ledger row of a job id, or null. */
  job(id: number): Promise<JobRecord | null>;
  clock: Clock;
  logger: Logger;
  /** Whether this desk may read a row's file (a team ledger's rows are checked; see confined-path.ts). */
  files?: FileGate;
  /** PEM trust anchors: signers chaining to them show as trusted. */
  trustAnchorsPem?: string | null;
}

/** See the module comment. */
export class ProvenanceService {
  private readonly cache = new Map<string, ProvenanceReport>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ProvenanceServiceOptions) {}

  /** The cached report of these bytes, if they were read. */
  cached(sha256: string): ProvenanceReport | null {
    return this.cache.get(sha256) ?? null;
  }

  /** The job's provenance report, read now unless these bytes were read before. */
  async forJob(id: number): Promise<ProvenanceReport> {
    const job = await this.options.job(id);
    if (!job) throw userError(`There is no job #${id}.`, 'NOT_FOUND');
    if (!job.sha256) {
      throw userError(
        'This file has not been read yet; its provenance is shown once it has been checked.',
        'NOT_READ',
      );
    }
    return this.reportFor(job, PROVENANCE_READ_LIMIT);
  }

  /**
   * The queue's marks for these jobs: cached ones, and small files read now (one at a time).
   * Jobs not hashed yet, and large files not opened yet, are left out.
   */
  async marks(ids: readonly number[]): Promise<CredentialMarks> {
    const out: CredentialMarks = {};
    for (const id of ids) {
      const job = await this.options.job(id);
      if (!job?.sha256) continue;
      const known = this.cache.get(job.sha256);
      if (known) out[id] = known.credentials.state;
      else if (job.size <= MARK_READ_LIMIT)
        out[id] = (await this.reportFor(job, MARK_READ_LIMIT)).credentials.state;
    }
    return out;
  }

  /**
   * The provenance of a report's files: those read before, and up to REPORT_READS more read now
   * if small (MARK_READ_LIMIT); the others are left out (their columns stay empty).
   */
  async forReport(
    jobs: readonly { id: number; sha256: string | null }[],
  ): Promise<Map<number, ProvenanceReport>> {
    const out = new Map<number, ProvenanceReport>();
    let reads = 0;
    for (const { id, sha256 } of jobs) {
      if (!sha256) continue;
      const known = this.cache.get(sha256);
      if (known) out.set(id, known);
      else if (reads < REPORT_READS) {
        const job = await this.options.job(id);
        if (!job?.sha256 || job.size > MARK_READ_LIMIT) continue;
        reads++;
        out.set(id, await this.reportFor(job, MARK_READ_LIMIT));
      }
    }
    return out;
  }

  private reportFor(job: JobRecord, limit: number): Promise<ProvenanceReport> {
    const sha256 = job.sha256!;
    const known = this.cache.get(sha256);
    if (known) return Promise.resolve(known);
    const run = this.queue.then(() => this.cache.get(sha256) ?? this.read(job, sha256, limit));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async read(job: JobRecord, sha256: string, limit: number): Promise<ProvenanceReport> {
    const unchecked = (why: string): ProvenanceReport => ({
      sha256,
      credentials: emptyCredentials('unchecked', [why]),
      metadata: null,
      metadataNote: null,
      readAt: this.options.clock.now(),
    });
    if (job.size > limit) {
      return unchecked(
        `The file is larger than ${Math.round(limit / 1024 / 1024)} MB, so it was not read for provenance.`,
      );
    }
    const refused = await this.options.files?.refusal(job.path, job.name);
    if (refused) return unchecked(refused);
    let bytes: Buffer;
    try {
      const handle = await open(job.path, 'r');
      try {
        const info = await handle.stat();
        if (info.size !== job.size || Math.floor(info.mtimeMs) !== Math.floor(job.mtimeMs)) {
          return unchecked('The file changed since it was checked, so its provenance is not shown for it.');
        }
        bytes = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch {
      return unchecked('The file is no longer where it was checked (moved or deleted).');
    }
    const contentType = job.contentType ?? 'application/octet-stream';
    const credentials = await readCredentials(bytes, contentType, {
      trustAnchorsPem: this.options.trustAnchorsPem,
    });
    let metadata = null;
    let metadataNote: string | null = null;
    if (job.kind === 'image') {
      try {
        metadata = await readCameraMetadata(bytes);
      } catch (e) {
        metadataNote = `The camera metadata could not be read: ${e instanceof Error ? e.message : String(e)}`;
      }
    } else {
      metadataNote = 'Camera metadata is read from photos only.';
    }
    const report: ProvenanceReport = {
      sha256,
      credentials,
      metadata,
      metadataNote,
      readAt: this.options.clock.now(),
    };
    // Never the coordinates: only whether they are there.
    this.options.logger.debug('provenance read', {
      job: job.id,
      credentials: credentials.state,
      metadata: metadata !== null,
      gps: metadata?.gps ?? false,
    });
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(sha256, report);
    return report;
  }
}
