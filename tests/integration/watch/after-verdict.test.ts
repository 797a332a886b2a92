import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyAfterAction } from '../../../src/main/core/watch/after-verdict';
import type { Verdict } from '../../../src/shared/domain';
import { makeJpeg, makePng, writeFixture } from '../../helpers/media-fixtures';
import { makeTempDir, removeTempDir } from './helpers';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeTempDir(dir);
});

const fake: Verdict = { label: 'fake', confidence: 0.97 };
const record = { mid: 'm-1', status: 'PROCESSED', fake: true, confidence: 97 };

describe('applyAfterAction', () => {
  it('none leaves the file alone', async () => {
    const path = await writeFixture(join(dir, 'a.jpg'), makeJpeg());
    expect(await applyAfterAction('none', { path, folderPath: dir }, fake, record)).toEqual({
      newPath: null,
      sidecarPath: null,
    });
    expect(await readdir(dir)).toEqual(['a.jpg']);
  });

  it('sidecar writes <name>.authenta.json beside the file with the verdict and raw record', async () => {
    const path = await writeFixture(join(dir, 'sub', 'a.jpg'), makeJpeg());
    const result = await applyAfterAction('sidecar', { path, folderPath: dir }, fake, record, { now: 0 });
    expect(result).toEqual({ newPath: null, sidecarPath: join(dir, 'sub', 'a.jpg.authenta.json') });
    const written = JSON.parse(await readFile(join(dir, 'sub', 'a.jpg.authenta.json'), 'utf8')) as unknown;
    expect(written).toEqual({
      file: 'a.jpg',
      checkedAt: '1970-01-01T00:00:00.000Z',
      checkedBy: 'Authenta Watch',
      verdict: fake,
      record,
    });
  });

  it('a sidecar in a shared folder holds no working link to the bytes: the links keep only where they pointed', async () => {
    const path = await writeFixture(join(dir, 'v.mp4'), makeJpeg());
    const signed = (name: string) =>
      `https://bucket.s3.amazonaws.com/m/${name}?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=abc123def456&X-Amz-Expires=900`;
    const withLinks = {
      mid: 'm1',
      srcURL: signed('original'),
      resultURL: signed('result.json'),
      participants: [{ id: 0, fake: true, heatmap: signed('heatmap-0.mp4') }],
    };
    const verdict = {
      label: 'fake' as const,
      participants: [{ id: '0', fake: true, heatmap: signed('heatmap-0.mp4') }],
    };
    await applyAfterAction('sidecar', { path, folderPath: dir }, verdict, withLinks, { now: 0 });
    const text = await readFile(join(dir, 'v.mp4.authenta.json'), 'utf8');
    expect(text).not.toMatch(/abc123def456|AKIA/);
    expect(JSON.parse(text)).toMatchObject({
      verdict: {
        label: 'fake',
        participants: [{ id: '0', heatmap: 'https://bucket.s3.amazonaws.com/m/heatmap-0.mp4?[redacted]' }],
      },
      record: { mid: 'm1', srcURL: 'https://bucket.s3.amazonaws.com/m/original?[redacted]' },
    });
  });

  it('sidecar never overwrites: a second one gets a numbered name', async () => {
    const path = await writeFixture(join(dir, 'a.jpg'), makeJpeg());
    await writeFile(join(dir, 'a.jpg.authenta.json'), 'someone else wrote this');
    const result = await applyAfterAction('sidecar', { path, folderPath: dir }, fake, record);
    expect(result.sidecarPath).toBe(join(dir, 'a.jpg (2).authenta.json'));
    expect(await readFile(join(dir, 'a.jpg.authenta.json'), 'utf8')).toBe('someone else wrote this');
    const third = await applyAfterAction('sidecar', { path, folderPath: dir }, fake, record);
    expect(third.sidecarPath).toBe(join(dir, 'a.jpg (3).authenta.json'));
  });

  it('move puts the file into _<label>/ under the folder, creating it, keeping its bytes and mtime', async () => {
    const bytes = makePng({ marker: 'AUTHENTA-SIM:fake' });
    const path = await writeFixture(join(dir, 'nested', 'p.png'), bytes);
    const before = await stat(path);
    const result = await applyAfterAction('move', { path, folderPath: dir }, fake, record);
    expect(result).toEqual({ newPath: join(dir, '_fake', 'p.png'), sidecarPath: null });
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(dir, '_fake', 'p.png'))).toEqual(bytes);
    expect((await stat(join(dir, '_fake', 'p.png'))).mtimeMs).toBe(before.mtimeMs);
  });

  it.each(['authentic', 'suspect', 'inconclusive'] as const)(
    'move files a %s verdict under _%s',
    async (label) => {
      const path = await writeFixture(join(dir, 'x.jpg'), makeJpeg());
      const result = await applyAfterAction('move', { path, folderPath: dir }, { label }, {});
      expect(result.newPath).toBe(join(dir, `_${label}`, 'x.jpg'));
    },
  );

  it('move never overwrites: a taken name gets a numbered suffix', async () => {
    await writeFixture(join(dir, '_fake', 'p.png'), Buffer.from('an earlier file'));
    await writeFixture(join(dir, '_fake', 'p (2).png'), Buffer.from('another earlier file'));
    const path = await writeFixture(join(dir, 'p.png'), makePng());
    const result = await applyAfterAction('move', { path, folderPath: dir }, fake, record);
    expect(result.newPath).toBe(join(dir, '_fake', 'p (3).png'));
    expect(await readFile(join(dir, '_fake', 'p.png'), 'utf8')).toBe('an earlier file');
    expect(await readFile(join(dir, '_fake', 'p (2).png'), 'utf8')).toBe('another earlier file');
    expect(await readFile(join(dir, '_fake', 'p (3).png'))).toEqual(makePng());
  });

  it('move of a file that is gone rejects with ENOENT and creates nothing else', async () => {
    await expect(
      applyAfterAction('move', { path: join(dir, 'gone.jpg'), folderPath: dir }, fake, record),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(join(dir, '_fake'))).toEqual([]);
  });
});
