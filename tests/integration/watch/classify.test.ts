import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileProblemError } from '../../../src/main/core/watch/classify';
import {
  DEFAULT_SUPPORTED_TYPES,
  hashFile,
  sniffFile,
  type SniffResult,
} from '../../../src/main/core/watch/classify';
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

function refused(result: SniffResult): { code: string; message: string } {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return result;
}

describe('sniffFile', () => {
  it.each([
    ['photo.jpg', makeJpeg({ marker: 'AUTHENTA-SIM:fake' }), 'image/jpeg', 'image'],
    ['photo.png', makePng({ marker: 'AUTHENTA-SIM:real' }), 'image/png', 'image'],
    ['clip.mp4', makeMp4({ marker: 'AUTHENTA-SIM:fake' }), 'video/mp4', 'video'],
  ])('%s is taken as %s (%s)', async (name, bytes, contentType, kind) => {
    expect(await sniffFile(await writeFixture(file(name), bytes))).toEqual({ ok: true, contentType, kind });
  });

  it('gives a mislabelled file its true type from the bytes', async () => {
    expect(await sniffFile(await writeFixture(file('really-a-png.jpg'), makePng()))).toEqual({
      ok: true,
      contentType: 'image/png',
      kind: 'image',
    });
    expect(await sniffFile(await writeFixture(file('no-extension'), makeMp4()))).toMatchObject({
      ok: true,
      contentType: 'video/mp4',
    });
  });

  it('refuses a zero-byte file with EMPTY_FILE', async () => {
    const r = refused(await sniffFile(await writeFixture(file('empty.jpg'), Buffer.alloc(0))));
    expect(r.code).toBe('EMPTY_FILE');
    expect(r.message).toContain('empty.jpg');
  });

  it.each([
    ['cut.jpg', truncated(makeJpeg({ padding: 2000 }), -40)],
    ['cut.png', truncated(makePng({ width: 32, height: 32 }), -20)],
    ['cut.mp4', truncated(makeMp4({ mdatBytes: 4000 }), 2500)],
  ])('refuses %s, cut short, with TRUNCATED', async (name, bytes) => {
    const r = refused(await sniffFile(await writeFixture(file(name), bytes)));
    expect(r.code).toBe('TRUNCATED');
    expect(r.message).toMatch(/incomplete.*Copy it again/);
  });

  it.each([
    ['anim.gif', makeGif(), 'GIF'],
    ['clip.mov', makeMov(), 'QuickTime (MOV)'],
    ['mov-named.mp4', makeMov(), 'named .mp4'],
  ])('refuses %s with UNSUPPORTED_TYPE, naming the type and what is supported', async (name, bytes, says) => {
    const r = refused(await sniffFile(await writeFixture(file(name), bytes)));
    expect(r.code).toBe('UNSUPPORTED_TYPE');
    expect(r.message).toContain(says);
    expect(r.message).toContain('JPEG, PNG or MP4');
  });

  it('names a type with the right article: "an application/x-sqlite3 file", "a GIF file"', async () => {
    const sqlite = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(200)]);
    const db = refused(await sniffFile(await writeFixture(file('ledger.jpg'), sqlite)));
    expect(db.message).toMatch(/ is an application\/x-sqlite3 file/);
    const gif = refused(await sniffFile(await writeFixture(file('a.gif'), makeGif())));
    expect(gif.message).toMatch(/ is a GIF file/);
  });

  it('refuses text with UNSUPPORTED_TYPE', async () => {
    await writeFile(file('notes.jpg'), 'just some notes, not a picture\n');
    const r = refused(await sniffFile(file('notes.jpg')));
    expect(r.code).toBe('UNSUPPORTED_TYPE');
    expect(r.message).toContain('JPEG, PNG or MP4');
  });

  it('takes the supported set as a parameter (the Jobs API can add types)', async () => {
    const path = await writeFixture(file('later.mov'), makeMov());
    const supported = new Map(DEFAULT_SUPPORTED_TYPES).set('video/quicktime', 'video');
    expect(await sniffFile(path, { supported })).toEqual({
      ok: true,
      contentType: 'video/quicktime',
      kind: 'video',
    });
    const cut = await writeFixture(file('later-cut.mov'), truncated(makeMov({ mdatBytes: 3000 }), 1000));
    expect(refused(await sniffFile(cut, { supported })).code).toBe('TRUNCATED');
    const jpegOnly = new Map([['image/jpeg', 'image' as const]]);
    const r = refused(await sniffFile(await writeFixture(file('p.png'), makePng()), { supported: jpegOnly }));
    expect(r.message).toContain('only JPEG');
  });

  it('refuses a file over the size limit with TOO_LARGE, saying both sizes', async () => {
    const path = await writeFixture(file('big.jpg'), makeJpeg({ padding: 3000 }));
    const r = refused(await sniffFile(path, { maxSizeBytes: 1024 }));
    expect(r.code).toBe('TOO_LARGE');
    expect(r.message).toMatch(/is 3\.\d KB, over the limit of 1\.0 KB/);
    expect(await sniffFile(path, { maxSizeBytes: 1024 * 1024 })).toMatchObject({ ok: true });
  });

  it('refuses a file that is gone with VANISHED', async () => {
    const path = await writeFixture(file('gone.jpg'), makeJpeg());
    await unlink(path);
    expect(refused(await sniffFile(path)).code).toBe('VANISHED');
  });

  it('refuses a folder with NOT_A_FILE', async () => {
    await mkdir(file('a-folder.jpg'));
    expect(refused(await sniffFile(file('a-folder.jpg'))).code).toBe('NOT_A_FILE');
  });

  it('refuses an unreadable file with UNREADABLE (sniff and hash)', async () => {
    const sub = file('locked');
    await mkdir(sub);
    await chmod(dir, 0o755);
    await chmod(sub, 0o755);
    const path = await writeFixture(join(sub, 'secret.png'), makePng());
    await chmod(path, 0o000);
    let outcome: { sniff: SniffResult; hash: { code?: string; message: string } };
    if (process.getuid?.() === 0) {
      // Root reads files whatever their mode: ask the same code as an unprivileged user (nobody).
      const script = `
        const m = await import(process.argv[1]);
        const sniff = await m.sniffFile(process.argv[2]);
        let hash;
        try { await m.hashFile(process.argv[2]); hash = { message: 'read it' }; }
        catch (e) { hash = { code: e.code, message: e.message }; }
        console.log(JSON.stringify({ sniff, hash }));`;
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          script,
          resolve('src/main/core/watch/classify.ts'),
          path,
        ],
        { uid: 65534, gid: 65534, encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 },
      );
      expect(child.status, child.stderr).toBe(0);
      outcome = JSON.parse(child.stdout) as typeof outcome;
    } else {
      let hash: { code?: string; message: string } = { message: 'read it' };
      await hashFile(path).catch((e: FileProblemError) => {
        hash = { code: e.code, message: e.message };
      });
      outcome = { sniff: await sniffFile(path), hash };
    }
    expect(outcome.sniff).toMatchObject({ ok: false, code: 'UNREADABLE' });
    expect(refused(outcome.sniff).message).toContain('permission denied');
    expect(outcome.hash.code).toBe('UNREADABLE');
  });
});

describe('hashFile', () => {
  it('streams a large file and reports the hash and size of what it read', async () => {
    const path = file('large.bin');
    const expected = createHash('sha256');
    const out = createWriteStream(path);
    let size = 0;
    for (let i = 0; i < 40; i++) {
      const chunk = Buffer.alloc(1024 * 1024 + 7, i); // 40 MiB and change, odd chunk size
      chunk.writeUInt32BE(i, 0);
      expected.update(chunk);
      size += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
    expect(await hashFile(path)).toEqual({ sha256: expected.digest('hex'), size });
  });

  it('hashes known content', async () => {
    const path = await writeFixture(file('abc.txt'), Buffer.from('abc'));
    expect(await hashFile(path)).toEqual({
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      size: 3,
    });
    const empty = await writeFixture(file('empty.bin'), Buffer.alloc(0));
    expect(await hashFile(empty)).toEqual({
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      size: 0,
    });
  });

  it('stops when aborted', async () => {
    const path = await writeFixture(file('abort.bin'), Buffer.alloc(8 * 1024 * 1024, 1));
    const controller = new AbortController();
    const pending = hashFile(path, controller.signal);
    controller.abort(new Error('user cancelled'));
    await expect(pending).rejects.toThrow('user cancelled');
    const already = new AbortController();
    already.abort();
    await expect(hashFile(path, already.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects a missing file with VANISHED', async () => {
    await expect(hashFile(file('never-there.jpg'))).rejects.toMatchObject({
      name: 'FileProblemError',
      code: 'VANISHED',
    });
  });
});
