import { describe, expect, it } from 'vitest';
import { alternativeName, sanitiseUploadName } from '../../../src/main/headless/upload-name';

describe('sanitiseUploadName', () => {
  it.each([
    ['photo.jpg', 'photo.jpg'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\Windows\\system.ini', 'system.ini'],
    ['/abs/path/clip.mp4', 'clip.mp4'],
    ['C:\\Users\\a\\clip.mp4', 'clip.mp4'],
    ['..', 'upload'],
    ['', 'upload'],
    ['.hidden.jpg', 'hidden.jpg'],
    ['trailing. ', 'trailing'],
    ['a\u0000b\u001f.jpg', 'a_b_.jpg'],
    ['what?<>|:*".png', 'what_______.png'],
    ['  many   spaces .jpg', 'many spaces .jpg'],
    ['CON.jpg', '_CON.jpg'],
    ['nul', '_nul'],
    ['Café.jpg'.normalize('NFD'), 'Café.jpg'.normalize('NFC')],
  ])('%j -> %j', (input, output) => {
    expect(sanitiseUploadName(input)).toBe(output);
  });

  it('keeps names within 200 bytes, extension included', () => {
    const long = sanitiseUploadName(`${'é'.repeat(300)}.mp4`);
    expect(new TextEncoder().encode(long).length).toBeLessThanOrEqual(200);
    expect(long.endsWith('.mp4')).toBe(true);
  });
});

describe('alternativeName', () => {
  it.each([
    ['clip.mp4', 2, 'clip (2).mp4'],
    ['clip', 3, 'clip (3)'],
    ['archive.tar.gz', 2, 'archive.tar (2).gz'],
  ])('%s #%d', (name, n, out) => expect(alternativeName(name, n)).toBe(out));
});
