/**
 * A big tree of finished files (issue 13): 10,000 done files in 10 folders, real chokidar, real
 * files. Finished files hold no inotify watch of their own (a second tree that size would otherwise
 * exhaust the per-user limit), yet a file replaced in place or by a rename, and a new file beside
 * them, are each reported within the stability window plus a few seconds.
 */
import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/core/ports';
import { FolderWatcher } from '../../../src/main/core/watch/folder-watcher';
import { makePng } from '../../helpers/media-fixtures';
import {
  MemoryLogger,
  Recorder,
  folderSettings,
  inotifyWatches,
  makeTempDir,
  removeTempDir,
  waitFor,
} from './helpers';

const FOLDERS = 10;
const PER_FOLDER = 1_000;
const WINDOW_MS = 500;
/** The promise: reported within the stability window plus a few seconds (chokidar re-reads a folder at most once a second). */
const NOTICED_WITHIN_MS = WINDOW_MS + 5_000;

let base: string;
let watcher: FolderWatcher | null = null;

beforeEach(async () => {
  base = await makeTempDir();
});

afterEach(async () => {
  await watcher?.dispose();
  watcher = null;
  await removeTempDir(base);
});

describe('FolderWatcher on a tree of 10,000 finished files', () => {
  it('holds a watch per folder, not per file, and still notices replaced and new files', async () => {
    const root = join(base, 'drop');
    const known = new Map<string, string>();
    const key = (size: number, mtimeMs: number): string => `${size}:${mtimeMs}`;
    const paths: string[] = [];
    for (let d = 0; d < FOLDERS; d++) {
      const dir = join(root, `day-${d}`);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < PER_FOLDER; i++) {
        const path = join(dir, `img-${i}.png`);
        writeFileSync(path, makePng({ marker: `${d}-${i}` }));
        const st = statSync(path);
        known.set(path, key(st.size, st.mtimeMs));
        paths.push(path);
      }
    }
    const events = new Recorder();
    const before = inotifyWatches();
    watcher = new FolderWatcher(folderSettings(root, { stabilityMs: WINDOW_MS }), events, {
      clock: systemClock,
      logger: new MemoryLogger(),
      healthCheckMs: 200,
      isKnown: (path, size, mtimeMs) => known.get(path) === key(size, mtimeMs),
    });
    await watcher.start();
    expect(watcher.health.state).toBe('watching');
    expect(events.seen).toEqual([]);
    // The root and its 10 folders; before issue 13 chokidar held one more per file (10,011).
    expect(inotifyWatches() - before).toBeLessThanOrEqual(FOLDERS + 1);

    // Rewritten in place: same name, new bytes.
    const inPlace = paths[1_234]!;
    let t = Date.now();
    await writeFile(inPlace, makePng({ marker: 'second version, written in place' }));
    await waitFor(() => events.isStable(inPlace), 'the file rewritten in place', NOTICED_WITHIN_MS);
    expect(Date.now() - t).toBeGreaterThanOrEqual(WINDOW_MS);
    expect(events.stable.find((f) => f.path === inPlace)).toMatchObject({
      size: makePng({ marker: 'second version, written in place' }).length,
      mtimeMs: statSync(inPlace).mtimeMs,
    });

    // Replaced by a rename over it, as editors and sync tools save.
    const renamed = paths[8_765]!;
    const temp = join(base, 'saving.tmp');
    writeFileSync(temp, makePng({ marker: 'second version, renamed over the old one' }));
    renameSync(temp, renamed);
    await waitFor(() => events.isStable(renamed), 'the file replaced by a rename', NOTICED_WITHIN_MS);

    // A new file beside 1,000 finished ones.
    const fresh = join(root, 'day-3', 'new.png');
    t = Date.now();
    writeFileSync(fresh, makePng({ marker: 'new' }));
    await waitFor(() => events.isStable(fresh), 'a new file beside the finished ones', NOTICED_WITHIN_MS);
    expect(Date.now() - t).toBeLessThan(NOTICED_WITHIN_MS);

    // Nothing else was reported: no finished file came back.
    expect(events.seenPaths().sort()).toEqual([inPlace, renamed, fresh].sort());

    // Once the ledger finishes the three, their watches are given back, and a second
    // replacement of one of them is noticed all the same.
    for (const p of [inPlace, renamed, fresh]) {
      const st = statSync(p);
      known.set(p, key(st.size, st.mtimeMs));
    }
    await waitFor(
      () => inotifyWatches() - before <= FOLDERS + 1,
      'the finished files to give back their watches',
    );
    await writeFile(fresh, makePng({ marker: 'new, third version' }));
    await waitFor(
      () => events.stableCount(fresh) === 2,
      'the finished file replaced again',
      NOTICED_WITHIN_MS,
    );
    expect(events.gone).toEqual([]);
  });
});
