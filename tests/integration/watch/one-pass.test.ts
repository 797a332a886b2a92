import { createHash } from 'node:crypto';
import { appendFileSync, truncateSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffFile } from '../../../src/main/core/watch/classify';
import { ONE_PASS_READ_BYTES, readOnce, type OnePassResult } from '../../../src/main/core/watch/one-pass';
import {
  makeGif,
  makeJpeg,
  makeMov,
  makeMp4,
  makePng,
  truncated,
  writeFixture,
} from '../../helpers/media-fixtures';
import { makeTempDir, removeTempDir } from './helpers';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeTempDir(dir);
});

const file = (name: string): string => join(dir, name);
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function readResult<R>(r: OnePassResult<R>): Extract<OnePassResult<R>, { outcome: 'read' }> {
  if (r.outcome !== 'read') throw new Error(`expected the file read, got ${JSON.stringify(r)}`);
  return r;
}

/** An MP4 larger than one read, its moov header read across the boundary of two pieces. */
function mp4AcrossPieces(): Buffer {
  // ftyp is 28 bytes, the mdat header 8: moov starts 6 bytes before the end of the first piece.
  return makeMp4({ mdatBytes: ONE_PASS_READ_BYTES - 6 - 36 });
}

describe('readOnce', () => {
  it.each([
    ['photo.jpg', 'image/jpeg', 'image', makeJpeg({ marker: 'AUTHENTA-SIM:fake' })],
    ['photo.png', 'image/png', 'image', makePng({ marker: 'AUTHENTA-SIM:real' })],
    ['clip.mp4', 'video/mp4', 'video', makeMp4({ marker: 'AUTHENTA-SIM:fake' })],
    ['big.mp4', 'video/mp4', 'video', makeMp4({ mdatBytes: 3 * ONE_PASS_READ_BYTES + 12_345 })],
    ['across.mp4', 'video/mp4', 'video', mp4AcrossPieces()],
    ['big.jpg', 'image/jpeg', 'image', makeJpeg({ padding: ONE_PASS_READ_BYTES + 100_000 })],
  ])(
    'reads %s once: %s (%s), its sha256, no read outside the pass',
    async (name, contentType, kind, bytes) => {
      const path = await writeFixture(file(name), bytes);
      const r = readResult(await readOnce(path));
      expect(r).toMatchObject({ contentType, kind, sha256: sha256(bytes), bytesRead: bytes.length });
      expect(r.before).toEqual(r.after);
      expect(r.after.size).toBe(bytes.length);
      expect(r.extraReads).toBe(0);
    },
  );

  it('answers a JPEG with data after its end marker, larger than one read, by going back for its segments', async () => {
    const bytes = Buffer.concat([makeJpeg({ padding: ONE_PASS_READ_BYTES }), Buffer.alloc(3000, 0x42)]);
    const r = readResult(await readOnce(await writeFixture(file('motion.jpg'), bytes)));
    expect(r).toMatchObject({ contentType: 'image/jpeg', sha256: sha256(bytes) });
    expect(r.extraReads).toBeGreaterThan(0);
  });

  it('refuses a zero-byte file with EMPTY_FILE', async () => {
    const r = await readOnce(await writeFixture(file('empty.jpg'), Buffer.alloc(0)));
    expect(r).toMatchObject({ outcome: 'refused', code: 'EMPTY_FILE' });
    expect(r.outcome === 'refused' && r.message).toContain('empty.jpg is empty (0 bytes)');
  });

  it.each([
    ['cut.jpg', truncated(makeJpeg({ padding: 2000 }), -40)],
    ['cut.png', truncated(makePng({ marker: 'x' }), -5)],
    ['cut.mp4', truncated(makeMp4(), -10)],
    ['cut-big.mp4', truncated(makeMp4({ mdatBytes: 2 * ONE_PASS_READ_BYTES }), -10)],
  ])('refuses %s, cut short, with TRUNCATED', async (name, bytes) => {
    const r = await readOnce(await writeFixture(file(name), bytes));
    expect(r).toMatchObject({ outcome: 'refused', code: 'TRUNCATED' });
    expect(r.outcome === 'refused' && r.message).toContain('Copy it again from the source');
  });

  it('gives a mislabelled file its true type, and names what an unsupported one really is', async () => {
    expect(readResult(await readOnce(await writeFixture(file('really-a-png.jpg'), makePng())))).toMatchObject(
      {
        contentType: 'image/png',
        kind: 'image',
      },
    );
    const gif = await readOnce(await writeFixture(file('really-a-gif.png'), makeGif()));
    expect(gif).toMatchObject({ outcome: 'refused', code: 'UNSUPPORTED_TYPE' });
    expect(gif.outcome === 'refused' && gif.message).toContain('a GIF file (named .png)');
    const text = await readOnce(await writeFixture(file('notes.mp4'), Buffer.from('just some text\n')));
    expect(text).toMatchObject({ outcome: 'refused', code: 'UNSUPPORTED_TYPE' });
  });

  it('refuses what sniffFile refuses, with the same code and message', async () => {
    const cases: [string, Buffer][] = [
      ['same-empty.png', Buffer.alloc(0)],
      ['same-gif.jpg', makeGif()],
      ['same.mov', makeMov()],
      ['same-cut.png', truncated(makePng(), -3)],
      [
        'same-broken.jpg',
        Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.alloc(40, 0x41)]),
      ],
    ];
    for (const [name, bytes] of cases) {
      const path = await writeFixture(file(name), bytes);
      const sniff = await sniffFile(path);
      expect(sniff.ok, name).toBe(false);
      const { ok: _ok, ...problem } = sniff as { ok: false; code: string; message: string };
      expect(await readOnce(path), name).toEqual({ outcome: 'refused', ...problem });
    }
    const missing = await sniffFile(file('never-there.png'));
    expect(missing).toMatchObject({ ok: false, code: 'VANISHED' });
    const { ok: _gone, ...vanished } = missing as { ok: false; code: string; message: string };
    expect(await readOnce(file('never-there.png'))).toEqual({ outcome: 'refused', ...vanished });
  });

  it('refuses a file that vanishes during the read with VANISHED', async () => {
    const path = await writeFixture(file('going.mp4'), makeMp4({ mdatBytes: 2 * ONE_PASS_READ_BYTES }));
    let calls = 0;
    const r = await readOnce(path, {
      onProgress: () => {
        if (calls++ === 0) unlinkSync(path);
      },
    });
    expect(calls).toBeGreaterThan(1); // the open file was read to its end all the same
    expect(r).toMatchObject({ outcome: 'refused', code: 'VANISHED' });
  });

  it('shows a file written during the read as a changed version, not as a verdict on its bytes', async () => {
    const grown = await writeFixture(file('growing.mp4'), makeMp4({ mdatBytes: 2 * ONE_PASS_READ_BYTES }));
    let first = true;
    const g = readResult(
      await readOnce(grown, {
        onProgress: () => {
          if (first) appendFileSync(grown, Buffer.alloc(1000, 7));
          first = false;
        },
      }),
    );
    expect(g.after.size).toBe(g.before.size + 1000);

    const cut = await writeFixture(file('shrinking.mp4'), makeMp4({ mdatBytes: 2 * ONE_PASS_READ_BYTES }));
    first = true;
    const c = readResult(
      await readOnce(cut, {
        onProgress: () => {
          if (first) truncateSync(cut, ONE_PASS_READ_BYTES + 10);
          first = false;
        },
      }),
    );
    expect(c.after.size).toBe(ONE_PASS_READ_BYTES + 10);
    expect(c.before.size).not.toBe(c.after.size);
  });

  it('stops after the type when the caller declines the file: no hash', async () => {
    const path = await writeFixture(file('unwanted.mp4'), makeMp4({ mdatBytes: 2 * ONE_PASS_READ_BYTES }));
    let progress = 0;
    const seen: string[] = [];
    const r = await readOnce(path, {
      onProgress: () => progress++,
      decide: (found) => {
        seen.push(`${found.contentType} ${found.kind}`);
        return 'videos are switched off';
      },
    });
    expect(r).toEqual({ outcome: 'declined', reason: 'videos are switched off' });
    expect(seen).toEqual(['video/mp4 video']);
    expect(progress).toBe(0);
    // A damaged file is still said to be damaged first, as before.
    const cut = await writeFixture(file('unwanted-cut.mp4'), truncated(makeMp4(), -4));
    expect(await readOnce(cut, { decide: () => 'no' })).toMatchObject({
      outcome: 'refused',
      code: 'TRUNCATED',
    });
  });

  it('refuses a file over the size limit before reading it', async () => {
    const r = await readOnce(await writeFixture(file('huge.png'), makePng({ padding: 5000 })), {
      maxSizeBytes: 1000,
    });
    expect(r).toMatchObject({ outcome: 'refused', code: 'TOO_LARGE' });
  });

  it('stops when aborted', async () => {
    const path = await writeFixture(file('abort.mp4'), makeMp4({ mdatBytes: 3 * ONE_PASS_READ_BYTES }));
    const controller = new AbortController();
    const pending = readOnce(path, {
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('user cancelled')),
    });
    await expect(pending).rejects.toThrow('user cancelled');
  });
});
