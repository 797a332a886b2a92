/**
 * Classifying a file before any quota is spent: its true content type from its bytes (never the
 * extension), whether it is complete, and its sha256 for deduplication. Every refusal carries a
 * stable code and a message that says what to do.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { fileTypeFromFile } from 'file-type';
import type { FolderOptions, MediaKind } from '../../../shared/domain';
import { withArticle } from '../../../shared/display-text';
import { vanishedMessage } from '../messages';
import { structureCheckFor, type RandomAccessReader, type StructureVerdict } from './structure';

/** Why a file was refused; stable codes the ledger stores and the UI explains. */
export const FILE_PROBLEM_CODES = [
  'EMPTY_FILE',
  'TRUNCATED',
  'CORRUPT',
  'VANISHED',
  'UNREADABLE',
  'NOT_A_FILE',
  'TOO_LARGE',
  'UNSUPPORTED_TYPE',
] as const;
export type FileProblemCode = (typeof FILE_PROBLEM_CODES)[number];

/** The outcome of sniffing: the true type and kind, or a refusal with a code and a message. */
export type SniffResult =
  { ok: true; contentType: string; kind: MediaKind } | { ok: false; code: FileProblemCode; message: string };

/** What the media API accepts today (authenta-api.md: .jpg .jpeg .png .mp4). */
export const DEFAULT_SUPPORTED_TYPES: ReadonlyMap<string, MediaKind> = new Map<string, MediaKind>([
  ['image/jpeg', 'image'],
  ['image/png', 'image'],
  ['video/mp4', 'video'],
]);

/** Names people recognise, for messages. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'image/heic': 'HEIC',
  'image/heif': 'HEIF',
  'image/avif': 'AVIF',
  'image/tiff': 'TIFF',
  'image/bmp': 'BMP',
  'image/x-canon-cr2': 'Canon RAW (CR2)',
  'image/x-canon-cr3': 'Canon RAW (CR3)',
  'image/x-nikon-nef': 'Nikon RAW (NEF)',
  'image/x-sony-arw': 'Sony RAW (ARW)',
  'image/x-adobe-dng': 'DNG',
  'video/mp4': 'MP4',
  'video/quicktime': 'QuickTime (MOV)',
  'video/webm': 'WebM',
  'video/x-matroska': 'Matroska (MKV)',
  'video/x-msvideo': 'AVI',
  'video/x-m4v': 'M4V',
  'video/3gpp': '3GP',
  'video/mpeg': 'MPEG',
  'video/mp2t': 'MPEG transport stream',
  'audio/mpeg': 'MP3',
  'audio/wav': 'WAV',
  'audio/x-m4a': 'M4A',
  'audio/mp4': 'MP4 audio',
  'application/pdf': 'PDF',
  'application/zip': 'ZIP',
};

/** A content type as people know it: "QuickTime (MOV)", or the MIME type itself. */
export function describeContentType(contentType: string): string {
  return TYPE_NAMES[contentType] ?? contentType;
}

/** "JPEG, PNG or MP4": the supported set, for messages. */
export function describeSupported(supported: ReadonlyMap<string, MediaKind>): string {
  const names = [...supported.keys()].map(describeContentType);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** "1.5 GB": a byte count for messages. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Whether a folder wants files of this kind (its Images and Videos switches). */
export function isKindWanted(options: Pick<FolderOptions, 'images' | 'videos'>, kind: MediaKind): boolean {
  if (kind === 'image') return options.images;
  if (kind === 'video') return options.videos;
  return true;
}

/** A refusal as an error, thrown by `hashFile` and `stabilise`; `code` is a FileProblemCode. */
export class FileProblemError extends Error {
  override readonly name = 'FileProblemError';
  readonly code: FileProblemCode;
  constructor(code: FileProblemCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}

function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
    ? e.code
    : undefined;
}

/**
 * Maps a filesystem error to a refusal: a missing file is VANISHED, anything else that stops
 * reading is UNREADABLE with advice for its cause. Returns null for errors that are not about
 * the file (an abort).
 */
export function problemFromError(
  e: unknown,
  path: string,
): { code: FileProblemCode; message: string } | null {
  const name = basename(path);
  const code = errnoCode(e);
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return {
        code: 'VANISHED',
        message: vanishedMessage(name),
      };
    case 'EACCES':
    case 'EPERM':
      return {
        code: 'UNREADABLE',
        message: `${name} cannot be read: permission denied. Give the account running Authenta Watch read access to it, then retry.`,
      };
    case 'EBUSY':
      return {
        code: 'UNREADABLE',
        message: `${name} is locked by another program. Close the program that holds it, then retry.`,
      };
    case 'EISDIR':
      return { code: 'NOT_A_FILE', message: `${name} is a folder, not a file.` };
    case 'EIO':
    case 'ESTALE':
    case 'ETIMEDOUT':
    case 'EHOSTDOWN':
      return {
        code: 'UNREADABLE',
        message: `${name} could not be read (${code}): the disk or network share failed. Check the connection, then retry.`,
      };
    default:
      if (e instanceof Error && e.name === 'AbortError') return null;
      return {
        code: 'UNREADABLE',
        message: `${name} could not be read (${code ?? (e instanceof Error ? e.message : String(e))}). Check the file, then retry.`,
      };
  }
}

/** A refusal: its code and what to tell people. */
export interface FileProblem {
  code: FileProblemCode;
  message: string;
}

/** EMPTY_FILE or TOO_LARGE for a file of `size` bytes named `name`, or null when the size is fine. Pure. */
export function problemOfSize(name: string, size: number, maxSizeBytes?: number): FileProblem | null {
  if (size === 0) {
    return {
      code: 'EMPTY_FILE',
      message: `${name} is empty (0 bytes). It may still be copying or a download failed; copy it again.`,
    };
  }
  if (maxSizeBytes !== undefined && size > maxSizeBytes) {
    return {
      code: 'TOO_LARGE',
      message: `${name} is ${formatBytes(size)}, over the limit of ${formatBytes(maxSizeBytes)}. Trim or compress it, or raise the limit in Settings.`,
    };
  }
  return null;
}

/**
 * The sniff's answer for the type file-type detected from the bytes (undefined: none known):
 * the type and kind when supported, else UNSUPPORTED_TYPE naming what it is and what to do. Pure.
 */
export function typeOf(
  name: string,
  detected: { mime: string; ext: string } | undefined,
  supported: ReadonlyMap<string, MediaKind>,
): SniffResult {
  const wanted = describeSupported(supported);
  if (detected === undefined) {
    return {
      ok: false,
      code: 'UNSUPPORTED_TYPE',
      message: `${name} is not an image or video Authenta can check: its content is not ${wanted}. Convert it to ${wanted}.`,
    };
  }
  const kind = supported.get(detected.mime);
  if (kind === undefined) {
    const ext = extname(name).slice(1).toLowerCase();
    const labelled = ext !== '' && ext !== detected.ext ? ` (named .${ext})` : '';
    return {
      ok: false,
      code: 'UNSUPPORTED_TYPE',
      message: `${name} is ${withArticle(describeContentType(detected.mime))} file${labelled} (${detected.mime}); Authenta checks only ${wanted}. Convert it to ${wanted}.`,
    };
  }
  return { ok: true, contentType: detected.mime, kind };
}

/** TRUNCATED or CORRUPT for a structure check's verdict, or null when the file is complete. Pure. */
export function problemOfStructure(
  name: string,
  contentType: string,
  verdict: StructureVerdict,
): FileProblem | null {
  if (verdict.state === 'truncated') {
    return {
      code: 'TRUNCATED',
      message: `${name} is incomplete (${verdict.detail}): the copy or download was cut short. Copy it again from the source.`,
    };
  }
  if (verdict.state === 'corrupt') {
    return {
      code: 'CORRUPT',
      message: `${name} looks like ${withArticle(describeContentType(contentType))} but is damaged (${verdict.detail}). Export or copy it again from the source.`,
    };
  }
  return null;
}

/** A reader over an open file of `size` bytes: small positional reads (the structure checks'). */
export function fileReader(handle: FileHandle, size: number): RandomAccessReader {
  return {
    size,
    async read(position, length) {
      const len = Math.max(0, Math.min(length, size - position));
      const buf = Buffer.alloc(len);
      if (len === 0) return buf;
      const { bytesRead } = await handle.read(buf, 0, len, position);
      return buf.subarray(0, bytesRead);
    },
  };
}

/** Options of `sniffFile`. */
export interface SniffOptions {
  /** Content types accepted and the kind each is; defaults to DEFAULT_SUPPORTED_TYPES. */
  supported?: ReadonlyMap<string, MediaKind>;
  /** Larger files are refused with TOO_LARGE; no limit when absent. */
  maxSizeBytes?: number;
}

/**
 * Finds a file's true content type from its bytes and checks it can be sent: not empty, not
 * over the size limit, of a supported type, and complete (not cut short). Never throws for a
 * problem with the file; it answers `{ok: false, code, message}`.
 */
export async function sniffFile(path: string, opts: SniffOptions = {}): Promise<SniffResult> {
  const supported = opts.supported ?? DEFAULT_SUPPORTED_TYPES;
  const name = basename(path);
  const fail = (code: FileProblemCode, message: string): SniffResult => ({ ok: false, code, message });
  const fromError = (e: unknown): SniffResult => {
    const p = problemFromError(e, path);
    if (p === null) throw e;
    return fail(p.code, p.message);
  };

  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    return fromError(e);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return fail('NOT_A_FILE', `${name} is not a regular file.`);
    const size = st.size;
    const sizeProblem = problemOfSize(name, size, opts.maxSizeBytes);
    if (sizeProblem) return { ok: false, ...sizeProblem };
    let detected: { mime: string; ext: string } | undefined;
    try {
      detected = await fileTypeFromFile(path);
    } catch (e) {
      return fromError(e);
    }
    const typed = typeOf(name, detected, supported);
    if (!typed.ok) return typed;
    const check = structureCheckFor(typed.contentType);
    if (check !== null) {
      const problem = problemOfStructure(name, typed.contentType, await check(fileReader(handle, size)));
      if (problem) return { ok: false, ...problem };
    }
    return typed;
  } catch (e) {
    return fromError(e);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The largest read `hashFile` makes: large enough to hash at the speed of `openssl dgst`. */
const HASH_READ_BYTES = 4 * 1024 * 1024;

/**
 * The sha256 of a file's content and the number of bytes actually hashed (the size that was sent
 * must be this one). Reads in large pieces, two buffers of up to 4 MiB taking turns: the next
 * piece is read (in libuv's thread pool) while this one is hashed, so a large file hashes at about
 * the speed of `openssl dgst -sha256` (issue 13) and memory stays at 8 MiB whatever its size.
 * Rejects with a FileProblemError (VANISHED, UNREADABLE) or, when `signal` aborts, with the abort
 * reason.
 */
export async function hashFile(
  path: string,
  signal?: AbortSignal,
  onProgress?: (bytesRead: number) => void,
): Promise<{ sha256: string; size: number }> {
  signal?.throwIfAborted();
  const hash = createHash('sha256');
  let size = 0;
  let handle: FileHandle | null = null;
  let reading: Promise<{ bytesRead: number }> | null = null;
  try {
    handle = await open(path, 'r');
    const fh = handle;
    const expected = (await fh.stat()).size;
    // A small file gets small buffers; +1 so the read that finds the end needs no second turn.
    const piece = Math.max(64 * 1024, Math.min(HASH_READ_BYTES, expected + 1));
    const buffers = [Buffer.allocUnsafe(piece), Buffer.allocUnsafe(piece)];
    let turn = 0;
    reading = fh.read(buffers[0]!, 0, piece, 0);
    for (;;) {
      const { bytesRead } = await reading;
      signal?.throwIfAborted();
      if (bytesRead === 0) break;
      const current = buffers[turn]!;
      size += bytesRead;
      turn ^= 1;
      reading = fh.read(buffers[turn]!, 0, piece, size);
      hash.update(current.subarray(0, bytesRead));
      onProgress?.(size);
    }
  } catch (e) {
    if (signal?.aborted) throw signal.reason ?? e;
    const p = problemFromError(e, path);
    if (p === null) throw e;
    throw new FileProblemError(p.code, p.message, e);
  } finally {
    // A read still under way when an abort or an error ended the loop settles unobserved.
    reading?.catch(() => undefined);
    await handle?.close().catch(() => undefined);
  }
  return { sha256: hash.digest('hex'), size };
}

/** Size and mtime of a file, or a FileProblemError. */
export async function statFile(path: string): Promise<{ size: number; mtimeMs: number }> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new FileProblemError('NOT_A_FILE', `${basename(path)} is not a regular file.`);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch (e) {
    if (e instanceof FileProblemError) throw e;
    const p = problemFromError(e, path);
    if (p === null) throw e;
    throw new FileProblemError(p.code, p.message, e);
  }
}
