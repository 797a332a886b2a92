/**
 * Cheap structural checks that tell a complete JPEG, PNG or ISO media (MP4) file from one cut
 * short. They read the end of the file first and walk the structure only when that fails, so a
 * normal file costs one or two small reads. The reader is a port so tests can use buffers.
 */

/** Positional reads over a file or a buffer. */
export interface RandomAccessReader {
  readonly size: number;
  /** Up to `length` bytes at `position` (fewer only at the end). */
  read(position: number, length: number): Promise<Buffer>;
}

/** What a structural check found. */
export type StructureVerdict =
  { state: 'complete' } | { state: 'truncated'; detail: string } | { state: 'corrupt'; detail: string };

const COMPLETE: StructureVerdict = { state: 'complete' };
const CHUNK = 64 * 1024;

/** A reader over an in-memory buffer. */
export function bufferReader(buf: Buffer): RandomAccessReader {
  return {
    size: buf.length,
    read: (position, length) =>
      Promise.resolve(buf.subarray(position, Math.min(buf.length, position + length))),
  };
}

/** Trailing bytes some writers pad a file with (zeros, 0xFF fill). */
function trimPadding(tail: Buffer): Buffer {
  let end = tail.length;
  while (end > 0 && (tail[end - 1] === 0x00 || tail[end - 1] === 0xff)) end--;
  return tail.subarray(0, end);
}

/**
 * A JPEG is complete when its End Of Image marker (FFD9) is reached. Fast path: the file ends
 * with FFD9 (padding allowed). Slow path, for files with data after the image (motion photos,
 * vendor trailers): walk the segments and the entropy-coded data until EOI or the end.
 */
export async function checkJpeg(reader: RandomAccessReader): Promise<StructureVerdict> {
  const { size } = reader;
  if (size < 4) return { state: 'truncated', detail: 'shorter than a JPEG header' };
  const tail = trimPadding(await reader.read(Math.max(0, size - 512), 512));
  if (tail.length >= 2 && tail[tail.length - 2] === 0xff && tail[tail.length - 1] === 0xd9) return COMPLETE;

  let pos = 2; // after SOI
  let inEntropy = false;
  for (let guard = 0; guard < 10_000_000; guard++) {
    if (pos >= size - 1)
      return { state: 'truncated', detail: 'the image data ends before the JPEG end marker' };
    if (!inEntropy) {
      const head = await reader.read(pos, 4);
      if (head.length < 2) return { state: 'truncated', detail: 'cut inside a JPEG segment header' };
      if (head[0] !== 0xff) return { state: 'corrupt', detail: `no JPEG marker at byte ${pos}` };
      const marker = head[1] ?? 0;
      if (marker === 0xff) {
        pos += 1; // fill byte
        continue;
      }
      if (marker === 0xd9) return COMPLETE;
      if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xd8) {
        pos += 2;
        continue;
      }
      if (head.length < 4) return { state: 'truncated', detail: 'cut inside a JPEG segment header' };
      const length = head.readUInt16BE(2);
      if (length < 2) return { state: 'corrupt', detail: `bad JPEG segment length at byte ${pos}` };
      if (pos + 2 + length > size)
        return { state: 'truncated', detail: 'a JPEG segment runs past the end of the file' };
      pos += 2 + length;
      if (marker === 0xda) inEntropy = true;
      continue;
    }
    // Entropy-coded data: FF00 is a stuffed byte, FFD0-FFD7 restart markers, FFFF fill; any
    // other FFxx is the next marker.
    const buf = await reader.read(pos, CHUNK);
    let found = -1;
    for (let i = 0; i + 1 < buf.length; i++) {
      if (buf[i] !== 0xff) continue;
      const next = buf[i + 1] ?? 0;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) continue;
      found = i;
      break;
    }
    if (found >= 0) {
      pos += found;
      inEntropy = false;
    } else {
      if (buf.length < 2)
        return { state: 'truncated', detail: 'the image data ends before the JPEG end marker' };
      pos += buf.length - 1; // keep the last byte: it may be the FF of a marker
    }
  }
  return { state: 'corrupt', detail: 'too many JPEG segments' };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/**
 * A PNG is complete when its IEND chunk is present. Fast path: the file ends with IEND. Slow
 * path, for data appended after the image: walk the chunks from the signature.
 */
export async function checkPng(reader: RandomAccessReader): Promise<StructureVerdict> {
  const { size } = reader;
  if (size < PNG_SIGNATURE.length + 12) return { state: 'truncated', detail: 'shorter than a PNG header' };
  const tail = await reader.read(size - PNG_IEND.length, PNG_IEND.length);
  if (tail.equals(PNG_IEND)) return COMPLETE;
  const signature = await reader.read(0, PNG_SIGNATURE.length);
  if (!signature.equals(PNG_SIGNATURE)) return { state: 'corrupt', detail: 'no PNG signature' };
  let pos = PNG_SIGNATURE.length;
  for (let guard = 0; guard < 10_000_000; guard++) {
    if (pos + 8 > size) return { state: 'truncated', detail: 'the PNG ends before its IEND chunk' };
    const head = await reader.read(pos, 8);
    const length = head.readUInt32BE(0);
    if (length > 0x7fffffff) return { state: 'corrupt', detail: `bad PNG chunk length at byte ${pos}` };
    const type = head.toString('latin1', 4, 8);
    if (!/^[A-Za-z]{4}$/.test(type)) return { state: 'corrupt', detail: `bad PNG chunk type at byte ${pos}` };
    const next = pos + 12 + length;
    if (next > size)
      return { state: 'truncated', detail: `the PNG ${type} chunk runs past the end of the file` };
    if (type === 'IEND') return COMPLETE;
    pos = next;
  }
  return { state: 'corrupt', detail: 'too many PNG chunks' };
}

/**
 * An ISO media file (MP4, MOV, M4V, 3GP) is complete when its top-level boxes add up to the file
 * size and a `moov` box (the index a player needs) is among them.
 */
export async function checkIsoMedia(reader: RandomAccessReader): Promise<StructureVerdict> {
  const { size } = reader;
  let pos = 0;
  let sawMoov = false;
  for (let guard = 0; pos < size; guard++) {
    if (guard > 1_000_000) return { state: 'corrupt', detail: 'too many top-level boxes' };
    if (size - pos < 8) return { state: 'truncated', detail: 'cut inside a box header' };
    const head = await reader.read(pos, 16);
    let boxSize = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    if (boxSize === 1) {
      if (head.length < 16) return { state: 'truncated', detail: 'cut inside a box header' };
      const large = head.readBigUInt64BE(8);
      if (large > BigInt(Number.MAX_SAFE_INTEGER))
        return { state: 'corrupt', detail: `the ${type} box is too large` };
      boxSize = Number(large);
      if (boxSize < 16) return { state: 'corrupt', detail: `bad size of the ${type} box at byte ${pos}` };
    } else if (boxSize === 0) {
      boxSize = size - pos; // the last box runs to the end of the file
    } else if (boxSize < 8) {
      return { state: 'corrupt', detail: `bad size of the ${type} box at byte ${pos}` };
    }
    if (pos + boxSize > size) {
      return { state: 'truncated', detail: `the ${type} box needs ${pos + boxSize - size} more bytes` };
    }
    if (type === 'moov') sawMoov = true;
    pos += boxSize;
  }
  if (!sawMoov) return { state: 'truncated', detail: 'no moov box: the recording was not finalised' };
  return COMPLETE;
}

/** Content types an ISO base media check applies to. */
const ISO_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'video/mp4',
  'video/quicktime',
  'video/x-m4v',
  'video/3gpp',
  'video/3gpp2',
  'audio/mp4',
  'audio/x-m4a',
]);

/** The structural check for a content type, or null when none is known (the file is taken as is). */
export function structureCheckFor(
  contentType: string,
): ((r: RandomAccessReader) => Promise<StructureVerdict>) | null {
  if (contentType === 'image/jpeg') return checkJpeg;
  if (contentType === 'image/png') return checkPng;
  if (ISO_MEDIA_TYPES.has(contentType)) return checkIsoMedia;
  return null;
}
