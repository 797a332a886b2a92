import { describe, expect, it } from 'vitest';
import { createIgnoreMatcher, isJunkName, isJunkPath } from '../../../../src/main/core/watch/junk';

describe('isJunkPath', () => {
  it.each([
    ['.hidden.jpg'],
    ['.DS_Store'],
    ['._photo.jpg'],
    ['photo.jpg.part'],
    ['clip.mp4.crdownload'],
    ['clip.MP4.CRDOWNLOAD'],
    ['photo.jpg.tmp'],
    ['photo.jpg.download'],
    ['photo.jpg.partial'],
    ['.photo.jpg.swp'],
    ['photo.jpg.swp'],
    ['~$report.docx'],
    ['Thumbs.db'],
    ['thumbs.db'],
    ['desktop.ini'],
    ['photo.jpg.authenta.json'],
    ['photo.jpg (2).authenta.json'],
    ['_fake/photo.jpg'],
    ['_authentic/photo.jpg'],
    ['_suspect/photo.jpg'],
    ['_inconclusive/photo.jpg'],
    ['sub/_fake/photo.jpg'],
    ['.git/objects/ab'],
    ['sub/.Trash/photo.jpg'],
    ['$RECYCLE.BIN/photo.jpg'],
    ['System Volume Information/x'],
    ['__MACOSX/photo.jpg'],
    ['@eaDir/photo.jpg'],
    ['photo.jpg~'],
    ['clip.mp4.filepart'],
    ['sub\\_fake\\photo.jpg'],
  ])('%s is junk', (p) => {
    expect(isJunkPath(p)).toBe(true);
  });

  it.each([
    ['photo.jpg'],
    ['photo'],
    ['sub/photo.png'],
    ['fake/photo.jpg'],
    ['my_fake_photo.jpg'],
    ['_fakes/photo.jpg'],
    ['photo.part.jpg'],
    ['photo.jpg.json'],
    ['authenta.json.jpg'],
    ['2024-01-01 12.00.00.mp4'],
    ['Thumbs.db.jpg'],
    ['a~b.jpg'],
  ])('%s is not junk', (p) => {
    expect(isJunkPath(p)).toBe(false);
  });

  it('checks every segment of what it is given, so callers pass paths relative to the watched folder', () => {
    expect(isJunkPath('/home/ana/.cache/drop/photo.jpg')).toBe(true);
    expect(isJunkPath('drop/photo.jpg')).toBe(false);
  });

  it('treats the current and parent folder names as ordinary', () => {
    expect(isJunkName('.')).toBe(false);
    expect(isJunkName('..')).toBe(false);
  });
});

describe('createIgnoreMatcher', () => {
  const cases: [string[], string, boolean][] = [
    [['*.txt'], 'notes.txt', true],
    [['*.txt'], 'sub/deep/notes.txt', true],
    [['*.txt'], 'notes.txt.jpg', false],
    [['raw'], 'raw/photo.jpg', true],
    [['raw'], 'sub/raw/photo.jpg', true],
    [['raw'], 'rawhide/photo.jpg', false],
    [['raw/'], 'raw/photo.jpg', true],
    [['raw/**'], 'raw/photo.jpg', true],
    [['raw/**'], 'sub/raw/photo.jpg', false],
    [['**/raw/**'], 'sub/raw/photo.jpg', true],
    [['/2024/*.mov'], '2024/a.mov', true],
    [['2024/*.mov'], '2024/a.mp4', false],
    [['IMG_*'], 'IMG_0001.JPG', true],
    [['# a comment', ''], 'photo.jpg', false],
    [[], 'photo.jpg', false],
    [['*.jpg', '!keep.jpg'], 'x.jpg', true],
  ];
  it.each(cases)('%j on %s is %s', (patterns, path, expected) => {
    expect(createIgnoreMatcher(patterns, 'linux')(path)).toBe(expected);
  });

  it('is case-insensitive on Windows and macOS, case-sensitive on Linux', () => {
    expect(createIgnoreMatcher(['*.TXT'], 'win32')('notes.txt')).toBe(true);
    expect(createIgnoreMatcher(['*.TXT'], 'darwin')('notes.txt')).toBe(true);
    expect(createIgnoreMatcher(['*.TXT'], 'linux')('notes.txt')).toBe(false);
  });

  it('accepts Windows separators in paths', () => {
    expect(createIgnoreMatcher(['raw/**'], 'win32')('raw\\photo.jpg')).toBe(true);
  });
});
