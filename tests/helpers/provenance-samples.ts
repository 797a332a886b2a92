/**
 * Real sample files for the provenance tests, made at test time: a JPEG signed with a C2PA
 * manifest by the CAI's own builder (`@contentauth/c2pa-wasm`) and the test certificate in
 * tests/fixtures/c2pa, a stripped copy (the manifest's APP11 segments cut out), a tampered copy
 * (picture bytes changed after signing), a JPEG with camera EXIF (made by sharp), and a plain JPEG.
 *
 * The wasm builder signs through a callback that must return the whole COSE_Sign1 structure
 * (its signer has direct COSE handling), so this builds one: protected header {alg: ES256,
 * x5chain: [leaf]}, detached payload, ECDSA P-256 signature in IEEE P1363 form, padded to the
 * reserved size. The builder reads its source through FileReaderSync (a browser worker API), so a
 * minimal one over in-memory bytes stands in for it here, in tests only.
 */
import { createPrivateKey, sign as cryptoSign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as cborg from 'cborg';
import sharp from 'sharp';

const FIXTURES = join(__dirname, '..', 'fixtures', 'c2pa');
/** The test CA as a PEM trust anchor. */
export const TEST_TRUST_ANCHOR = readFileSync(join(FIXTURES, 'ca.pem'), 'utf8');
const RESERVE = 4096;

/** An in-memory stand-in for Blob + FileReaderSync, enough for the builder's reads. */
class BytesBlob {
  constructor(readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  slice(start?: number, end?: number): BytesBlob {
    return new BytesBlob(this.bytes.subarray(start, end));
  }
}

function coseSign1(claim: Uint8Array): Uint8Array {
  const key = createPrivateKey(readFileSync(join(FIXTURES, 'leaf.key')));
  const leaf = new Uint8Array(new X509Certificate(readFileSync(join(FIXTURES, 'leaf.pem'))).raw);
  const protectedHeader = cborg.encode(
    new Map<number, unknown>([
      [1, -7],
      [33, [leaf]],
    ]),
  );
  const toBeSigned = cborg.encode(['Signature1', protectedHeader, new Uint8Array(0), claim]);
  const signature = new Uint8Array(cryptoSign('sha256', toBeSigned, { key, dsaEncoding: 'ieee-p1363' }));
  const build = (pad: number): Uint8Array =>
    cborg.encode(
      new cborg.Tagged(18, [protectedHeader, new Map([['pad', new Uint8Array(pad)]]), null, signature]),
    );
  let pad = RESERVE - build(0).length;
  let out = build(pad);
  while (out.length > RESERVE) {
    pad -= out.length - RESERVE;
    out = build(pad);
  }
  if (out.length !== RESERVE) throw new Error(`COSE_Sign1 is ${out.length} bytes, not ${RESERVE}`);
  return out;
}

/** A small JPEG of one colour. */
export function plainJpeg(colour = '#3366aa'): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: colour } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A JPEG with camera EXIF: make, model, capture time, software, and (when asked) GPS coordinates. */
export function exifJpeg(options: { gps?: boolean } = {}): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#aa6633' } })
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'TC-100 Mark II', Software: 'Photo Editor 5.1' },
      IFD2: { DateTimeOriginal: '2026:11:30 14:05:09' },
      ...(options.gps
        ? {
            IFD3: {
              GPSLatitudeRef: 'N',
              GPSLatitude: '48/1 51/1 0/1',
              GPSLongitudeRef: 'E',
              GPSLongitude: '2/1 21/1 0/1',
            },
          }
        : {}),
    })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The given JPEG signed with a C2PA manifest (created, then colour adjusted) by the test signer. */
export async function signedJpeg(source?: Buffer, title = 'signed.jpg'): Promise<Buffer> {
  const c2pa = await import('@contentauth/c2pa-wasm');
  const wasm = createRequire(__filename).resolve('@contentauth/c2pa-wasm/c2pa.wasm');
  c2pa.initSync({ module: readFileSync(wasm) });
  const g = globalThis as { FileReaderSync?: unknown };
  g.FileReaderSync ??= class {
    readAsArrayBuffer(blob: BytesBlob): ArrayBuffer {
      return blob.bytes.slice().buffer;
    }
  };
  const manifest = {
    claim_generator_info: [{ name: 'Authenta Watch tests', version: '1.0' }],
    title,
    format: 'image/jpeg',
    assertions: [
      {
        label: 'c2pa.actions',
        data: {
          actions: [
            {
              action: 'c2pa.created',
              digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture',
              softwareAgent: { name: 'TestCam firmware 2.0' },
            },
            { action: 'c2pa.color_adjustments', softwareAgent: { name: 'Photo Editor 5.1' } },
          ],
        },
      },
    ],
  };
  const builder = c2pa.WasmBuilder.fromJson(JSON.stringify(manifest));
  try {
    const bytes = await builder.sign(
      {
        alg: 'es256',
        reserveSize: RESERVE,
        sign: (claim) => Promise.resolve(coseSign1(claim) as Uint8Array<ArrayBuffer>),
      },
      [],
      'image/jpeg',
      new BytesBlob(new Uint8Array(source ?? (await plainJpeg()))) as unknown as Blob,
    );
    return Buffer.from(bytes);
  } finally {
    builder.free();
  }
}

/** The JPEG without its APP11 segments (where C2PA's JUMBF boxes live): the picture, no manifest. */
export function stripApp11(jpeg: Buffer): Buffer {
  const parts: Buffer[] = [jpeg.subarray(0, 2)];
  let i = 2;
  while (i + 4 <= jpeg.length && jpeg[i] === 0xff) {
    const marker = jpeg[i + 1]!;
    if (marker === 0xda) break; // start of scan: the rest is picture data
    const length = jpeg.readUInt16BE(i + 2);
    if (marker !== 0xeb) parts.push(jpeg.subarray(i, i + 2 + length));
    i += 2 + length;
  }
  parts.push(jpeg.subarray(i));
  return Buffer.concat(parts);
}

/**
 * A copy with one bit of the picture data changed (after signing: the hash no longer matches),
 * in the middle of the entropy-coded scan, so the photo still decodes and shows, as an edited
 * photo would. (Flipping a byte at a fixed distance from the end hit the last Huffman table of
 * these small samples instead: no decoder could read the copy, so its row showed a type icon.)
 */
export function tamper(jpeg: Buffer): Buffer {
  const copy = Buffer.from(jpeg);
  let i = 2;
  while (i + 4 <= copy.length && copy[i] === 0xff && copy[i + 1] !== 0xda) i += 2 + copy.readUInt16BE(i + 2);
  if (copy[i] !== 0xff) throw new Error('tamper: no start of scan found in this JPEG');
  const start = i + 2 + copy.readUInt16BE(i + 2);
  const end = copy.length - 2; // the EOI marker
  let at = start + Math.floor((end - start) / 2);
  // Never touch a marker or a stuffed 0xFF 0x00 pair, and never make a new 0xFF.
  while (at < end && (copy[at] === 0xff || copy[at - 1] === 0xff || copy[at] === 0xfe)) at++;
  if (at >= end) throw new Error('tamper: no byte of picture data to change in this JPEG');
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}
