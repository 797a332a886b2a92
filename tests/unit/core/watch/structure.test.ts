import { describe, expect, it } from 'vitest';
import {
  bufferReader,
  checkIsoMedia,
  checkJpeg,
  checkPng,
  structureCheckFor,
} from '../../../../src/main/core/watch/structure';
import { makeJpeg, makeMp4, makePng } from '../../../helpers/media-fixtures';

const jpeg = makeJpeg({ marker: 'AUTHENTA-SIM:fake', padding: 300 });
const png = makePng({ marker: 'AUTHENTA-SIM:fake', width: 16, height: 16 });
const mp4 = makeMp4({ marker: 'AUTHENTA-SIM:fake', mdatBytes: 500 });

describe.each([
  ['JPEG', jpeg, checkJpeg],
  ['PNG', png, checkPng],
  ['MP4', mp4, checkIsoMedia],
] as const)('%s', (_name, bytes, check) => {
  it('a complete file is complete', async () => {
    expect(await check(bufferReader(bytes))).toEqual({ state: 'complete' });
  });

  it('every shorter prefix is not complete', async () => {
    for (let n = 0; n < bytes.length; n++) {
      const verdict = await check(bufferReader(bytes.subarray(0, n)));
      expect(verdict.state, `prefix of ${n} bytes`).not.toBe('complete');
    }
  });
});

describe('checkJpeg', () => {
  it('accepts data after the end marker (motion photos, vendor trailers)', async () => {
    const withTrailer = Buffer.concat([jpeg, makeMp4({ mdatBytes: 2000 })]);
    expect(await checkJpeg(bufferReader(withTrailer))).toEqual({ state: 'complete' });
  });

  it('accepts zero padding after the end marker', async () => {
    expect(await checkJpeg(bufferReader(Buffer.concat([jpeg, Buffer.alloc(100)])))).toEqual({
      state: 'complete',
    });
  });

  it('finds the end marker past a 64 KiB read boundary of entropy data', async () => {
    const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    const header = jpeg.subarray(0, sos + 2 + jpeg.readUInt16BE(sos + 2));
    // 200 KB of entropy data with stuffed bytes (FF00) and restart markers, then EOI, then a trailer.
    const entropy = Buffer.alloc(200_000, 0x3f);
    for (let i = 0; i < entropy.length - 2; i += 997) entropy.writeUInt16BE(0xff00, i);
    for (let i = 500; i < entropy.length - 2; i += 4999) entropy.writeUInt16BE(0xffd3, i);
    const whole = Buffer.concat([header, entropy, Buffer.from([0xff, 0xd9]), Buffer.from('trailer')]);
    expect(await checkJpeg(bufferReader(whole))).toEqual({ state: 'complete' });
    const cut = Buffer.concat([header, entropy, Buffer.from('trailer')]);
    expect((await checkJpeg(bufferReader(cut))).state).toBe('truncated');
  });

  it('does not take an embedded thumbnail end marker for the end of the image', async () => {
    // An APP1 segment holding a whole thumbnail JPEG, then the main image cut short.
    const thumb = makeJpeg();
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), Buffer.from('Exif\0\0'), thumb]);
    app1.writeUInt16BE(app1.length - 2, 2);
    const main = makeJpeg();
    const whole = Buffer.concat([main.subarray(0, 2), app1, main.subarray(2)]);
    expect(await checkJpeg(bufferReader(whole))).toEqual({ state: 'complete' });
    expect((await checkJpeg(bufferReader(whole.subarray(0, whole.length - 3)))).state).toBe('truncated');
  });

  it('reports garbage where a marker should be as corrupt', async () => {
    const broken = Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      Buffer.from('not a segment at all'),
      Buffer.from([1]),
    ]);
    expect((await checkJpeg(bufferReader(broken))).state).toBe('corrupt');
  });
});

describe('checkPng', () => {
  it('accepts data appended after IEND', async () => {
    expect(await checkPng(bufferReader(Buffer.concat([png, Buffer.from('appended')])))).toEqual({
      state: 'complete',
    });
  });

  it('reports a file without the PNG signature as corrupt', async () => {
    const bad = Buffer.concat([Buffer.from('GIF89a..'), png.subarray(8, -1)]);
    expect((await checkPng(bufferReader(bad))).state).toBe('corrupt');
  });
});

describe('checkIsoMedia', () => {
  it('accepts a last box whose size 0 means "to the end of the file"', async () => {
    const moovFirst = makeMp4({ mdatBytes: 10 });
    const mdatAt = moovFirst.indexOf(Buffer.from('mdat')) - 4;
    const mdat = moovFirst.subarray(mdatAt, mdatAt + moovFirst.readUInt32BE(mdatAt));
    const rest = Buffer.concat([moovFirst.subarray(0, mdatAt), moovFirst.subarray(mdatAt + mdat.length)]);
    const openEnded = Buffer.concat([
      rest,
      Buffer.from([0, 0, 0, 0]),
      Buffer.from('mdat'),
      Buffer.alloc(5000, 7),
    ]);
    expect(await checkIsoMedia(bufferReader(openEnded))).toEqual({ state: 'complete' });
  });

  it('accepts 64-bit box sizes', async () => {
    const ftyp = makeMp4().subarray(0, makeMp4().readUInt32BE(0));
    const large = Buffer.alloc(16 + 100, 1);
    large.writeUInt32BE(1, 0);
    large.write('mdat', 4, 'latin1');
    large.writeBigUInt64BE(116n, 8);
    const moovAt = makeMp4().indexOf(Buffer.from('moov')) - 4;
    const bytes = Buffer.concat([ftyp, large, makeMp4().subarray(moovAt)]);
    expect(await checkIsoMedia(bufferReader(bytes))).toEqual({ state: 'complete' });
  });

  it('a recording never finalised (no moov box) is truncated', async () => {
    const moovAt = mp4.indexOf(Buffer.from('moov')) - 4;
    const verdict = await checkIsoMedia(bufferReader(mp4.subarray(0, moovAt)));
    expect(verdict).toEqual({ state: 'truncated', detail: expect.stringContaining('moov') });
  });

  it('a box size below 8 is corrupt', async () => {
    const bad = Buffer.from(mp4);
    bad.writeUInt32BE(3, 0);
    expect((await checkIsoMedia(bufferReader(bad))).state).toBe('corrupt');
  });
});

describe('structureCheckFor', () => {
  it.each([
    ['image/jpeg', checkJpeg],
    ['image/png', checkPng],
    ['video/mp4', checkIsoMedia],
    ['video/quicktime', checkIsoMedia],
    ['application/pdf', null],
    ['video/webm', null],
  ] as const)('%s', (type, expected) => {
    expect(structureCheckFor(type)).toBe(expected);
  });
});
