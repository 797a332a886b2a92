/**
 * One read per file (issue 13): the true type (sniffing), the completeness check and the sha256
 * all come from ONE pass over the file's bytes, in large reads. The first piece read is sniffed
 * (file-type over the bytes already in memory); the structure check then runs beside the pass,
 * its reads answered from the pieces as they go by; every piece is hashed. Before, the sniff
 * opened the file twice (file-type, then the structure check's small reads) and the hash read it
 * all again.
 *
 * Reads are 4 MiB (a small file: its size + 1, so one read finds the end), two buffers taking
 * turns: the next piece is read in libuv's thread pool while this one is hashed. A structure
 * check that goes back before the piece in memory (a JPEG with data after its end marker walks
 * its segments from the start) is answered by a small positional read on the same open file,
 * counted in `extraReads`; for files of one piece (almost every photo) there is none.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { MediaKind } from '../../../shared/domain';
import {
  DEFAULT_SUPPORTED_TYPES,
  fileReader,
  problemFromError,
  problemOfSize,
  problemOfStructure,
  typeOf,
  type FileProblem,
} from './classify';
import { structureCheckFor, type RandomAccessReader, type StructureVerdict } from './structure';

/** The size of one read of the pass: large enough to hash at the speed of `openssl dgst`. */
export const ONE_PASS_READ_BYTES = 4 * 1024 * 1024;
/** Bytes from the start kept in memory for the structure check (its header reads). */
const HEAD_BYTES = 64 * 1024;
/** Bytes of the previous piece kept for a structure read that spans two pieces (the checks read at most this). */
const CARRY_BYTES = 64 * 1024;

/** A file's size and mtime, as the ledger records a version. */
export interface FileVersion {
  size: number;
  mtimeMs: number;
}

/** What one pass found: a refusal, the caller's own refusal, or the type, hash and versions. */
export type OnePassResult<R> =
  | { outcome: 'refused'; code: FileProblem['code']; message: string }
  | { outcome: 'declined'; reason: R }
  | {
      outcome: 'read';
      contentType: string;
      kind: MediaKind;
      sha256: string;
      /** Bytes hashed: the size that is sent must be this one. */
      bytesRead: number;
      /** The version when the file was opened and after the pass: they differ while it is written. */
      before: FileVersion;
      after: FileVersion;
      /** Small reads the structure check needed outside the pass (0 for a file read in one piece). */
      extraReads: number;
    };

/** Options of `readOnce`. */
export interface OnePassOptions<R> {
  /** Content types accepted and the kind each is; defaults to DEFAULT_SUPPORTED_TYPES. */
  supported?: ReadonlyMap<string, MediaKind>;
  /** Larger files are refused with TOO_LARGE; no limit when absent. */
  maxSizeBytes?: number;
  signal?: AbortSignal;
  /** Called after each piece with the bytes read so far. */
  onProgress?: (bytesRead: number, size: number) => void;
  /**
   * Called once the type is known, before the rest is read: a non-null answer stops the pass
   * (no hash: the file is not wanted) and comes back as `{outcome: 'declined', reason}`. A file
   * that is cut short or damaged is still refused as such first, as `sniffFile` did.
   */
  decide?: (found: { contentType: string; kind: MediaKind }) => R | null;
}

/** A structure read waiting for the pass to reach its bytes. */
interface PendingRead {
  position: number;
  length: number;
  resolve: (b: Buffer) => void;
  reject: (e: unknown) => void;
}

/**
 * The structure check's view of the file during the pass: reads inside the head, the piece in
 * memory or the tail of the piece before are answered at once (copies); reads ahead wait for the
 * pass; reads behind are positional reads on the open file.
 */
class PassReader implements RandomAccessReader {
  private head: Buffer = Buffer.alloc(0);
  private carry: Buffer = Buffer.alloc(0);
  private carryStart = 0;
  private piece: Buffer = Buffer.alloc(0);
  private pieceStart = 0;
  private ended = false;
  private failed: unknown = null;
  private pending: PendingRead[] = [];
  extraReads = 0;

  constructor(
    readonly size: number,
    private readonly handle: FileHandle,
  ) {}

  read(position: number, length: number): Promise<Buffer> {
    const len = Math.max(0, Math.min(length, this.size - position));
    if (len === 0) return Promise.resolve(Buffer.alloc(0));
    const served = this.serve(position, len);
    if (served) return Promise.resolve(served);
    if (this.failed !== null) return Promise.reject(this.failed);
    if (!this.ended && position >= this.carryStart) {
      return new Promise((resolve, reject) => this.pending.push({ position, length: len, resolve, reject }));
    }
    this.extraReads++;
    return fileReader(this.handle, this.size).read(position, len);
  }

  /**
   * The pass read `piece` (a view into a buffer that is reused two pieces later) at `start`. The
   * piece before it is still intact: its tail is copied for reads that span the two.
   */
  advance(start: number, piece: Buffer): void {
    if (this.head.length < HEAD_BYTES && start === this.head.length) {
      this.head = Buffer.concat([this.head, piece.subarray(0, HEAD_BYTES - this.head.length)]);
    }
    const from = Math.max(0, this.piece.length - CARRY_BYTES);
    this.carry = Buffer.from(this.piece.subarray(from));
    this.carryStart = this.pieceStart + from;
    this.piece = piece;
    this.pieceStart = start;
    this.settle();
  }

  /** The pass reached the end (or stopped): reads still waiting get what there is. */
  end(): void {
    this.ended = true;
    this.settle();
  }

  /** The pass failed: reads still waiting fail with it. */
  fail(e: unknown): void {
    this.failed = e;
    for (const p of this.pending.splice(0)) p.reject(e);
  }

  private settle(): void {
    const waiting = this.pending.splice(0);
    for (const p of waiting) {
      const served = this.serve(p.position, p.length);
      if (served) p.resolve(served);
      else if (!this.ended && p.position >= this.carryStart) this.pending.push(p);
      else {
        this.extraReads++;
        fileReader(this.handle, this.size).read(p.position, p.length).then(p.resolve, p.reject);
      }
    }
  }

  /** A copy of [position, position + len) when it is in memory; at the end, what there is of it. */
  private serve(position: number, len: number): Buffer | null {
    const end = position + len;
    if (end <= this.head.length) return Buffer.from(this.head.subarray(position, end));
    const pieceEnd = this.pieceStart + this.piece.length;
    if (position >= this.pieceStart && (end <= pieceEnd || (this.ended && position <= pieceEnd))) {
      return Buffer.from(this.piece.subarray(position - this.pieceStart, end - this.pieceStart));
    }
    const carryEnd = this.carryStart + this.carry.length;
    if (position >= this.carryStart && position < carryEnd && carryEnd === this.pieceStart) {
      if (end <= carryEnd)
        return Buffer.from(this.carry.subarray(position - this.carryStart, end - this.carryStart));
      if (end <= pieceEnd || this.ended) {
        return Buffer.concat([
          this.carry.subarray(position - this.carryStart),
          this.piece.subarray(0, end - this.pieceStart),
        ]);
      }
    }
    return null;
  }
}

function versionOf(st: { size: number; mtimeMs: number }): FileVersion {
  return { size: st.size, mtimeMs: st.mtimeMs };
}

/**
 * Reads a file once: refuses it (EMPTY_FILE, TOO_LARGE, NOT_A_FILE, UNSUPPORTED_TYPE, TRUNCATED,
 * CORRUPT, VANISHED, UNREADABLE, each with a message saying what to do), lets the caller decline
 * it once its type is known, or answers its type, sha256 and its version before and after the
 * pass (the caller compares them: a file written during the pass is looked at again). Never
 * throws for a problem with the file; rejects only with the abort reason when `signal` aborts.
 */
export async function readOnce<R = never>(
  path: string,
  opts: OnePassOptions<R> = {},
): Promise<OnePassResult<R>> {
  const { signal } = opts;
  signal?.throwIfAborted();
  const name = basename(path);
  const supported = opts.supported ?? DEFAULT_SUPPORTED_TYPES;
  const refused = (p: FileProblem): OnePassResult<R> => ({ outcome: 'refused', ...p });
  const fromError = (e: unknown): OnePassResult<R> => {
    if (signal?.aborted) throw signal.reason ?? e;
    const p = problemFromError(e, path);
    if (p === null) throw e;
    return refused(p);
  };

  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    return fromError(e);
  }
  let reading: Promise<{ bytesRead: number }> | null = null;
  let checking: Promise<StructureVerdict> | null = null;
  let reader: PassReader | null = null;
  try {
    const st = await handle.stat();
    if (!st.isFile()) return refused({ code: 'NOT_A_FILE', message: `${name} is not a regular file.` });
    const before = versionOf(st);
    const sizeProblem = problemOfSize(name, before.size, opts.maxSizeBytes);
    if (sizeProblem) return refused(sizeProblem);

    const pieceBytes = Math.min(ONE_PASS_READ_BYTES, before.size + 1);
    const buffers = [Buffer.allocUnsafe(pieceBytes), Buffer.allocUnsafe(pieceBytes)];
    const hash = createHash('sha256');
    const pass = new PassReader(before.size, handle);
    reader = pass;
    let turn = 0;
    let bytesRead = 0;
    let found: { contentType: string; kind: MediaKind } | null = null;
    reading = handle.read(buffers[0]!, 0, pieceBytes, 0);
    while (reading !== null) {
      const got: number = (await reading).bytesRead;
      reading = null;
      signal?.throwIfAborted();
      if (got === 0) break;
      const piece = buffers[turn]!.subarray(0, got);
      const start = bytesRead;
      bytesRead += got;
      pass.advance(start, piece);
      if (found === null) {
        // The first piece: its bytes decide the type before anything else is read or hashed.
        const typed = typeOf(name, await fileTypeFromBuffer(piece), supported);
        signal?.throwIfAborted();
        if (!typed.ok) return refused({ code: typed.code, message: typed.message });
        found = { contentType: typed.contentType, kind: typed.kind };
        const check = structureCheckFor(found.contentType);
        const reason = opts.decide ? opts.decide(found) : null;
        if (reason !== null) {
          // Not wanted: no hash. A damaged file is still reported as such first (small reads).
          const verdict = check ? await check(fileReader(handle, before.size)) : null;
          const problem = verdict && problemOfStructure(name, found.contentType, verdict);
          return problem ? refused(problem) : { outcome: 'declined', reason };
        }
        if (check) {
          checking = check(pass);
          checking.catch(() => undefined);
        }
      }
      // A short read is the end of the file (a file that grew since shows in `after`).
      if (got === pieceBytes) {
        turn ^= 1;
        reading = handle.read(buffers[turn]!, 0, pieceBytes, bytesRead);
      }
      hash.update(piece);
      opts.onProgress?.(bytesRead, before.size);
    }
    pass.end();
    // Emptied between the open and the first read.
    if (found === null) return refused(problemOfSize(name, 0)!);
    // A check that met bytes no longer there fails; that only counts when the file did not change.
    const verdict: StructureVerdict | { state: 'failed'; error: unknown } = checking
      ? await checking.catch((error: unknown) => ({ state: 'failed' as const, error }))
      : { state: 'complete' };
    const after = versionOf(await stat(path));
    const unchanged =
      after.size === before.size && after.mtimeMs === before.mtimeMs && bytesRead === after.size;
    if (unchanged) {
      if (verdict.state === 'failed') throw verdict.error;
      const problem = problemOfStructure(name, found.contentType, verdict);
      if (problem) return refused(problem);
    }
    return {
      outcome: 'read',
      ...found,
      sha256: hash.digest('hex'),
      bytesRead,
      before,
      after,
      extraReads: pass.extraReads,
    };
  } catch (e) {
    reader?.fail(e);
    return fromError(e);
  } finally {
    // A read or check still under way when a refusal, an abort or an error ended the pass settles unobserved.
    reading?.catch(() => undefined);
    reader?.end();
    if (checking) await (checking as Promise<StructureVerdict>).catch(() => undefined);
    await handle.close().catch(() => undefined);
  }
}
