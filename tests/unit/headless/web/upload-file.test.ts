import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimName, formatBytes, tooLargeMessage } from '../../../../src/main/headless/web/upload-file';

describe('formatBytes', () => {
  const cases: [number, string][] = [
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [1024 ** 2, '1 MiB'],
    [20 * 1024 ** 3, '20 GiB'],
    [3 * 1024 ** 4, '3 TiB'],
    [2048 * 1024 ** 4, '2048 TiB'],
  ];
  it.each(cases)('%i is %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it('says the limit and what to do instead', () => {
    expect(tooLargeMessage(20 * 1024 ** 3)).toBe(
      'The file is larger than this host accepts (20 GiB); copy it into a watched folder instead.',
    );
  });
});

describe('claimName', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'claim-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('takes the name when it is free and leaves no temp file', async () => {
    const temp = join(dir, '.upload-1.part');
    await writeFile(temp, 'new');
    expect(await claimName(dir, temp, 'clip.mp4')).toBe('clip.mp4');
    expect(await readdir(dir)).toEqual(['clip.mp4']);
  });

  it('never replaces a file already in the inbox', async () => {
    await writeFile(join(dir, 'clip.mp4'), 'first');
    const temp = join(dir, '.upload-2.part');
    await writeFile(temp, 'second');
    const name = await claimName(dir, temp, 'clip.mp4');
    expect(name).not.toBe('clip.mp4');
    expect(await readFile(join(dir, 'clip.mp4'), 'utf8')).toBe('first');
    expect(await readFile(join(dir, name), 'utf8')).toBe('second');
    expect((await readdir(dir)).sort()).toEqual(['clip.mp4', name].sort());
  });
});
