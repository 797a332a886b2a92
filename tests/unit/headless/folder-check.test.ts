import { describe, expect, it } from 'vitest';
import { checkFolders, type FolderProbe } from '../../../src/main/headless/folder-check';

const probe =
  (found: Record<string, Awaited<ReturnType<FolderProbe>>>): FolderProbe =>
  async (path) =>
    found[path] ?? 'folder';

describe('checkFolders: the folders named on the command line', () => {
  it.each<[string, Awaited<ReturnType<FolderProbe>>, boolean, RegExp | null, RegExp | null]>([
    ['a folder', 'folder', true, null, null],
    ['a missing folder with --once', 'missing', true, /^\/in does not exist\. Check the path/, null],
    [
      'a missing folder while watching',
      'missing',
      false,
      null,
      /^Warning: \/in does not exist\. It is watched/,
    ],
    ['a file with --once', 'file', true, /^\/in is a file, not a folder/, null],
    ['a file while watching', 'file', false, /^\/in is a file, not a folder/, null],
    ['an unreadable folder with --once', { error: 'EACCES' }, true, /\/in cannot be opened \(EACCES\)/, null],
  ])('%s', async (_name, found, once, error, warning) => {
    const res = await checkFolders(['/ok', '/in'], once, probe({ '/in': found }));
    if (error) {
      expect(res).toMatchObject({ ok: false, message: expect.stringMatching(error) });
    } else {
      expect(res.ok).toBe(true);
      const warnings = res.ok ? res.warnings : [];
      if (warning) expect(warnings).toEqual([expect.stringMatching(warning)]);
      else expect(warnings).toEqual([]);
    }
  });
});
