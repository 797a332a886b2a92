import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { handedOverPaths, pathsFromArgv } from '../../../src/main/desktop/single-instance';

describe('pathsFromArgv', () => {
  it.each([
    ['packaged, no paths', ['/opt/aw/authenta-watch'], false, []],
    ['packaged, a file', ['/opt/aw/authenta-watch', '/home/desk/clip.mp4'], false, ['/home/desk/clip.mp4']],
    [
      'relative paths resolve against the cwd',
      ['/opt/aw/authenta-watch', 'a.jpg', './b/c.png'],
      false,
      [resolve('/home/desk', 'a.jpg'), resolve('/home/desk', 'b/c.png')],
    ],
    [
      'switches are not paths',
      ['/opt/aw/authenta-watch', '--hidden', '--allow-file-access-from-files', '/x.jpg'],
      false,
      ['/x.jpg'],
    ],
    [
      'electron . skips the app folder',
      ['/node_modules/electron/dist/electron', '.', '/x.jpg'],
      true,
      ['/x.jpg'],
    ],
    ['URLs are not paths', ['/opt/aw/authenta-watch', 'https://example.com/a.jpg'], false, []],
  ])('%s', (_name, argv, defaultApp, paths) => {
    expect(pathsFromArgv(argv, '/home/desk', defaultApp)).toEqual(paths);
  });
});

describe('handedOverPaths', () => {
  const argv = ['/opt/aw/authenta-watch', 'from-argv.jpg'];
  it('prefers the list the second instance resolved itself', () => {
    expect(handedOverPaths({ paths: ['/a.jpg', '/b'] }, argv, '/w', false)).toEqual(['/a.jpg', '/b']);
  });
  it('falls back to the argv when the data is missing or malformed', () => {
    expect(handedOverPaths(undefined, argv, '/w', false)).toEqual([resolve('/w', 'from-argv.jpg')]);
    expect(handedOverPaths({ paths: 'nope' }, argv, '/w', false)).toEqual([resolve('/w', 'from-argv.jpg')]);
    expect(handedOverPaths({ paths: [42] }, argv, '/w', false)).toEqual([resolve('/w', 'from-argv.jpg')]);
  });
  it('drops relative paths sent as data, and sends nothing when there is nothing', () => {
    expect(handedOverPaths({ paths: ['relative.jpg', '/abs.jpg'] }, argv, '/w', false)).toEqual(['/abs.jpg']);
    expect(handedOverPaths({ paths: [] }, ['/opt/aw/authenta-watch'], '/w', false)).toEqual([]);
  });
});
