/**
 * Small valid media files built from bytes, for tests and benchmarks: PNG, JPEG, MP4 (and MOV,
 * GIF for refusals). Each can carry an ASCII marker such as `AUTHENTA-SIM:fake` inside the bytes
 * (a PNG tEXt chunk, a JPEG COM segment, an MP4 `free` box) and stays a valid file of its type.
 * `padding` grows a file without breaking it, so tests can make distinct or large files.
 */
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Options shared by the generators. */
export interface FixtureOptions {
  /** ASCII text embedded in the file, e.g. `AUTHENTA-SIM:fake`. */
  marker?: string;
  /** Extra filler bytes inside a comment/free box: makes files larger or distinct. */
  padding?: number;
  /** A byte pattern of the filler (default 0x20); change it to get distinct hashes. */
  paddingByte?: number;
}

/** Outcomes the simulator understands (src/main/sim/verdict.ts); it reads the first 64 KiB. */
export type SimOutcome = 'fake' | 'real' | 'suspect' | 'noface' | 'fail' | `faces=${number},fakes=${number}`;

/** The marker the simulator reads: `AUTHENTA-SIM:<outcome>`. Generators place it early in the file. */
export function simMarker(outcome: SimOutcome): string {
  return `AUTHENTA-SIM:${outcome}`;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG uses it. */
export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function filler(opts: FixtureOptions): Buffer {
  return Buffer.alloc(opts.padding ?? 0, opts.paddingByte ?? 0x20);
}

/** A valid RGB PNG of `width` x `height` grey pixels. */
export function makePng(opts: FixtureOptions & { width?: number; height?: number } = {}): Buffer {
  const width = opts.width ?? 2;
  const height = opts.height ?? 2;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++)
    rows.push(Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x80)]));
  const chunks = [pngChunk('IHDR', ihdr)];
  if (opts.marker !== undefined)
    chunks.push(pngChunk('tEXt', Buffer.from(`Comment\0${opts.marker}`, 'latin1')));
  if ((opts.padding ?? 0) > 0)
    chunks.push(pngChunk('tEXt', Buffer.concat([Buffer.from('Padding\0'), filler(opts)])));
  chunks.push(pngChunk('IDAT', deflateSync(Buffer.concat(rows))));
  chunks.push(pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

function jpegSegment(marker: number, data: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}

/**
 * A valid baseline JPEG: one 8x8 mid-grey greyscale block (DC difference 0, then end of block),
 * with one-symbol Huffman tables. Decoders (ImageMagick, browsers) open it.
 */
export function makeJpeg(opts: FixtureOptions = {}): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  parts.push(jpegSegment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')));
  if (opts.marker !== undefined) parts.push(jpegSegment(0xfe, Buffer.from(opts.marker, 'latin1')));
  let rest = opts.padding ?? 0;
  while (rest > 0) {
    const n = Math.min(rest, 65_000);
    parts.push(jpegSegment(0xfe, Buffer.alloc(n, opts.paddingByte ?? 0x20)));
    rest -= n;
  }
  parts.push(jpegSegment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)]))); // DQT
  parts.push(jpegSegment(0xc0, Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0]))); // SOF0 8x8, 1 component
  const dc = Buffer.concat([Buffer.from([0x00, 1]), Buffer.alloc(15, 0), Buffer.from([0x00])]); // one code '0' -> category 0
  const ac = Buffer.concat([Buffer.from([0x10, 1]), Buffer.alloc(15, 0), Buffer.from([0x00])]); // one code '0' -> EOB
  parts.push(jpegSegment(0xc4, Buffer.concat([dc, ac]))); // DHT
  parts.push(jpegSegment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0]))); // SOS
  parts.push(Buffer.from([0x3f])); // bits 0 (DC) 0 (EOB), padded with ones
  parts.push(Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const data = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length + 8, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, data]);
}

function mvhd(): Buffer {
  const b = Buffer.alloc(100);
  // version 0, flags 0, creation 0, modification 0
  b.writeUInt32BE(1000, 12); // timescale
  b.writeUInt32BE(1000, 16); // duration: 1 s
  b.writeUInt32BE(0x00010000, 20); // rate 1.0
  b.writeUInt16BE(0x0100, 24); // volume 1.0
  // unity matrix
  const matrix = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
  matrix.forEach((v, i) => b.writeUInt32BE(v, 36 + i * 4));
  b.writeUInt32BE(2, 96); // next track id
  return b;
}

/**
 * An ISO media file: `ftyp` (brand `isom` = MP4, `qt  ` = MOV), an optional `free` box with the
 * marker, `mdat` with `mdatBytes` bytes and a `moov` with a movie header. Its top-level boxes
 * add up to its size.
 */
export function makeMp4(opts: FixtureOptions & { brand?: string; mdatBytes?: number } = {}): Buffer {
  const brand = (opts.brand ?? 'isom').padEnd(4, ' ').slice(0, 4);
  const compat = brand === 'qt  ' ? ['qt  '] : ['isom', 'iso2', 'mp41'];
  const ftypData = Buffer.alloc(8 + compat.length * 4);
  ftypData.write(brand, 0, 'latin1');
  ftypData.writeUInt32BE(0x200, 4);
  compat.forEach((c, i) => ftypData.write(c, 8 + i * 4, 'latin1'));
  const boxes = [box('ftyp', ftypData)];
  if (opts.marker !== undefined || (opts.padding ?? 0) > 0) {
    boxes.push(box('free', Buffer.from(opts.marker ?? '', 'latin1'), filler(opts)));
  }
  boxes.push(box('mdat', Buffer.alloc(opts.mdatBytes ?? 64, 0x11)));
  boxes.push(box('moov', box('mvhd', mvhd())));
  return Buffer.concat(boxes);
}

/**
 * A real, decodable H.264 MP4 (320x180, 1.5 s, recorded once in Chromium by
 * scripts/make-heatmap-webm.mjs --mp4), with the simulator's marker and any padding in `free`
 * boxes after it (players skip them; the marker stays within the bytes the simulator reads).
 */
export function realMp4(opts: FixtureOptions = {}): Buffer {
  const clip = readFileSync(new URL('../fixtures/real-clip.mp4', import.meta.url));
  const extra: Buffer[] = [];
  if (opts.marker !== undefined) extra.push(box('free', Buffer.from(opts.marker, 'latin1')));
  if ((opts.padding ?? 0) > 0) extra.push(box('free', filler({ ...opts, marker: undefined })));
  return Buffer.concat([clip, ...extra]);
}

/** A QuickTime (MOV) file: valid ISO media that the media API does not accept. */
export function makeMov(opts: FixtureOptions & { mdatBytes?: number } = {}): Buffer {
  return makeMp4({ ...opts, brand: 'qt  ' });
}

/** A 1x1 GIF89a. */
export function makeGif(): Buffer {
  return Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
}

/**
 * A real picture (a PNG or a JPEG, say one sharp made) with the marker and padding put in early, as
 * the generators place them: a tEXt chunk after the PNG's header, a COM segment after the JPEG's
 * start. The pixels are untouched, so the file shows what it showed.
 */
export function marked(picture: Buffer, opts: FixtureOptions): Buffer {
  const texts: Buffer[] = [];
  if (opts.marker !== undefined) texts.push(Buffer.from(opts.marker, 'latin1'));
  for (let rest = opts.padding ?? 0; rest > 0; rest -= 65_000)
    texts.push(Buffer.alloc(Math.min(rest, 65_000), opts.paddingByte ?? 0x20));
  if (picture.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    const afterHeader = 8 + 8 + picture.readUInt32BE(8) + 4; // the signature, then IHDR
    const chunks = texts.map((t, i) =>
      pngChunk(
        'tEXt',
        Buffer.concat([Buffer.from(i === 0 && opts.marker !== undefined ? 'Comment\0' : 'Padding\0'), t]),
      ),
    );
    return Buffer.concat([picture.subarray(0, afterHeader), ...chunks, picture.subarray(afterHeader)]);
  }
  if (picture[0] === 0xff && picture[1] === 0xd8)
    return Buffer.concat([
      picture.subarray(0, 2),
      ...texts.map((t) => jpegSegment(0xfe, t)),
      picture.subarray(2),
    ]);
  throw new Error('marked: not a PNG or a JPEG');
}

/** The first `keep` bytes (a negative value drops that many from the end): a file cut short. */
export function truncated(buf: Buffer, keep: number): Buffer {
  return buf.subarray(0, keep < 0 ? buf.length + keep : keep);
}

/** Writes bytes to a path, creating its folder. Returns the path. */
export async function writeFixture(path: string, bytes: Buffer): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}
