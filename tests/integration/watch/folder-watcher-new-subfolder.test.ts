/**
 * A file moved into a subfolder created a moment before (`mkdir inbox/x && mv f inbox/x/`) is
 * reported: chokidar reads a new folder before its watch on it is in place, so a file arriving in
 * between raised no event of its own. Real chokidar, real files.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/core/ports';
import { FolderWatcher } from '../../../src/main/core/watch/folder-watcher';
import { MemoryLogger, Recorder, folderSettings, makeTempDir, removeTempDir, waitFor } from './helpers';

const SUBFOLDERS = 20;

describe('FolderWatcher: new subfolders', () => {
  let base: string | null = null;
  let watcher: FolderWatcher | null = null;

  afterEach(async () => {
    await watcher?.dispose();
    watcher = null;
    if (base !== null) await removeTempDir(base);
    base = null;
  });

  it.each(['moved', 'written'])(
    'a file %s into a just-created subfolder is reported, every time',
    async (how) => {
      base = await makeTempDir();
      const inbox = join(base, 'inbox');
      await mkdir(inbox);
      const events = new Recorder();
      watcher = new FolderWatcher(folderSettings(inbox, { stabilityMs: 150 }), events, {
        clock: systemClock,
        logger: new MemoryLogger(),
      });
      await watcher.start();
      const expected: string[] = [];
      for (let i = 0; i < SUBFOLDERS; i++) {
        const sub = join(inbox, `story-${i}`);
        await mkdir(sub);
        const target = join(sub, 'clip.png');
        if (how === 'moved') {
          const staged = join(base, `staged-${i}`);
          await writeFile(staged, `photo ${i}`);
          await rename(staged, target);
        } else {
          await writeFile(target, `photo ${i}`);
        }
        expected.push(target);
      }
      const missing = (): string[] => expected.filter((p) => !events.isStable(p));
      await waitFor(
        () => missing().length === 0,
        'every file to be reported',
        30_000,
        () => ({
          missing: missing(),
        }),
      );
      for (const p of expected) expect(events.stableCount(p)).toBe(1);
    },
    60_000,
  );
});
