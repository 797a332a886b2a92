import { describe, expect, it } from 'vitest';
import { numberedName, sidecarName } from '../../../../src/main/core/watch/after-verdict';
import { isJunkPath } from '../../../../src/main/core/watch/junk';
import { describeSupported, formatBytes, isKindWanted } from '../../../../src/main/core/watch/classify';

describe('numberedName', () => {
  it.each([
    ['clip.mp4', 1, 'clip.mp4'],
    ['clip.mp4', 2, 'clip (2).mp4'],
    ['archive.tar.gz', 3, 'archive.tar (3).gz'],
    ['README', 2, 'README (2)'],
    ['.profile', 2, '.profile (2)'],
  ])('%s #%s is %s', (name, n, expected) => {
    expect(numberedName(name, n)).toBe(expected);
  });
});

describe('sidecarName', () => {
  it.each([
    ['photo.jpg', 1, 'photo.jpg.authenta.json'],
    ['photo.jpg', 2, 'photo.jpg (2).authenta.json'],
  ])('%s #%s is %s, which the watcher ignores', (name, n, expected) => {
    expect(sidecarName(name, n)).toBe(expected);
    expect(isJunkPath(expected)).toBe(true);
  });
});

describe('messages', () => {
  it.each([
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [1536, '1.5 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
    [50 * 1024 * 1024 * 1024, '50 GB'],
  ])('formatBytes(%s) is %s', (n, expected) => {
    expect(formatBytes(n)).toBe(expected);
  });

  it('lists the supported types in words', () => {
    expect(describeSupported(new Map([['image/jpeg', 'image']]))).toBe('JPEG');
    expect(
      describeSupported(
        new Map([
          ['image/jpeg', 'image'],
          ['video/mp4', 'video'],
          ['application/pdf', 'document'],
        ]),
      ),
    ).toBe('JPEG, MP4 or PDF');
  });
});

describe('isKindWanted', () => {
  it.each([
    [{ images: true, videos: false }, 'image', true],
    [{ images: true, videos: false }, 'video', false],
    [{ images: false, videos: true }, 'image', false],
    [{ images: false, videos: true }, 'video', true],
    [{ images: false, videos: false }, 'audio', true],
  ] as const)('%j wants %s: %s', (options, kind, expected) => {
    expect(isKindWanted(options, kind)).toBe(expected);
  });
});
