import { watch as chokidarWatch, type ChokidarOptions } from 'chokidar';
import { appendFile, mkdir, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/main/core/ports';
import { applyAfterAction } from '../../../src/main/core/watch/after-verdict';
import { FolderWatcher, type FolderWatcherDeps } from '../../../src/main/core/watch/folder-watcher';
import type { FolderSettings } from '../../../src/shared/domain';
import { makeJpeg, makeMp4, makePng, writeFixture } from '../../helpers/media-fixtures';
import {
  MemoryLogger,
  Recorder,
  folderSettings,
  makeTempDir,
  removeTempDir,
  sleep,
  waitFor,
} from './helpers';

/** Short windows keep the tests quick; waits are by condition, never by elapsed time. */
const WINDOW_MS = 300;

let base: string;
let folder: string;
const watchers: FolderWatcher[] = [];

beforeEach(async () => {
  base = await makeTempDir();
  folder = join(base, 'watched');
  await mkdir(folder);
});

afterEach(async () => {
  await Promise.all(watchers.splice(0).map((w) => w.dispose()));
  await removeTempDir(base);
});

function startWatcher(
  settings: Partial<FolderSettings>,
  deps: Partial<FolderWatcherDeps> = {},
): { watcher: FolderWatcher; events: Recorder; logger: MemoryLogger; started: Promise<void> } {
  const events = new Recorder();
  const logger = new MemoryLogger();
  const watcher = new FolderWatcher(
    folderSettings(folder, { stabilityMs: WINDOW_MS, pollIntervalMs: 100, ...settings }),
    events,
    { clock: systemClock, logger, healthCheckMs: 200, retryBaseMs: 100, retryMaxMs: 400, ...deps },
  );
  watchers.push(watcher);
  return { watcher, events, logger, started: watcher.start() };
}

/** Writes a file that must be reported and waits until it is: proves every earlier event has been seen. */
async function sentinel(events: Recorder, name = `sentinel-${Date.now()}.jpg`, dir = folder): Promise<void> {
  const path = await writeFixture(join(dir, name), makeJpeg());
  await waitFor(() => events.isStable(path), `the sentinel ${name} to be reported`);
}

describe.each([
  ['native events', false],
  ['polling', true],
] as const)('FolderWatcher with %s', (_mode, usePolling) => {
  it('reports files present at start-up once each, and health watching or polling', async () => {
    const a = await writeFixture(join(folder, 'a.jpg'), makeJpeg());
    const b = await writeFixture(join(folder, 'sub', 'b.png'), makePng());
    const c = await writeFixture(join(folder, 'sub', 'deeper', 'c.mp4'), makeMp4());
    const { events, started, watcher } = startWatcher({ usePolling });
    await started;
    expect(events.seenPaths().sort()).toEqual([a, b, c].sort());
    await waitFor(() => [a, b, c].every((p) => events.isStable(p)), 'the three files to be stable');
    expect(events.stable.find((f) => f.path === c)).toEqual({
      folderId: 'f1',
      path: c,
      size: makeMp4().length,
      mtimeMs: statSync(c).mtimeMs,
    });
    await sentinel(events);
    for (const p of [a, b, c]) expect(events.stableCount(p)).toBe(1);
    expect(watcher.health.state).toBe(usePolling ? 'polling' : 'watching');
    expect(events.healthStates()[0]).toBe('starting');
    if (usePolling) expect(watcher.health.message).toContain('polling');
  });

  it('reports a file written slowly over several windows once, only when it is complete', async () => {
    // A window well above the pauses between chunks: on a loaded machine one pause can stretch
    // several hundred milliseconds (with 800 ms windows and 100 ms pauses, 700 ms of stall was
    // enough to make the writer look finished). The longest pause is in the message.
    const { events, started } = startWatcher({ usePolling, stabilityMs: 1_500 });
    await started;
    const path = join(folder, 'slow.mp4');
    const whole = makeMp4({ mdatBytes: 40_000 });
    const chunks = 40;
    const step = Math.ceil(whole.length / chunks);
    let written = 0;
    let sizeWhenStable = -1;
    events.onStableHook = (f) => {
      if (f.path === path) sizeWhenStable = statSync(path).size;
    };
    await writeFile(path, whole.subarray(0, step));
    written = step;
    let last = Date.now();
    let longestPause = 0;
    while (written < whole.length) {
      await sleep(150); // 40 chunks, 150 ms apart: about 4 windows of 1.5 s
      const next = whole.subarray(written, written + step);
      await appendFile(path, next);
      longestPause = Math.max(longestPause, Date.now() - last);
      last = Date.now();
      written += next.length;
      expect(
        events.isStable(path),
        `reported stable after ${written} of ${whole.length} bytes (longest pause between writes: ${longestPause} ms)`,
      ).toBe(false);
    }
    await waitFor(() => events.isStable(path), 'the slow file to be stable');
    expect(sizeWhenStable).toBe(whole.length);
    expect(events.stable.find((f) => f.path === path)?.size).toBe(whole.length);
    await sentinel(events);
    expect(events.stableCount(path)).toBe(1);
    expect(events.seenPaths().filter((p) => p === path)).toHaveLength(1);
  });

  it('never takes temporary, hidden, system, sidecar or ignored files', async () => {
    const junk = [
      '.hidden.jpg',
      'photo.jpg.part',
      'clip.mp4.crdownload',
      'photo.jpg.tmp',
      'photo.jpg.download',
      'photo.jpg.partial',
      '.photo.jpg.swp',
      '~$report.docx',
      '._photo.jpg',
      '.DS_Store',
      'Thumbs.db',
      'desktop.ini',
      'photo.jpg.authenta.json',
      '_authentic/a.jpg',
      '_suspect/a.jpg',
      '_fake/a.jpg',
      '_inconclusive/a.jpg',
      '.git/objects/a.jpg',
      'raw/a.jpg',
      'notes.txt',
    ];
    for (const name of junk.slice(0, 10)) await writeFixture(join(folder, name), makeJpeg());
    const { events, started } = startWatcher({ usePolling, ignore: ['raw', '*.txt'] });
    await started;
    for (const name of junk.slice(10)) await writeFixture(join(folder, name), makeJpeg());
    await sentinel(events);
    const junkPaths = new Set(junk.map((n) => join(folder, n)));
    expect(events.seenPaths().filter((p) => junkPaths.has(p))).toEqual([]);
  });

  it('skips files the ledger already finished (isKnown): no event, no wait', async () => {
    const done = await writeFixture(join(folder, 'done.jpg'), makeJpeg());
    const changed = await writeFixture(join(folder, 'changed.jpg'), makeJpeg());
    const fresh = await writeFixture(join(folder, 'fresh.jpg'), makeJpeg());
    const known = new Map<string, { size: number; mtimeMs: number }>([
      [done, statSync(done)],
      [changed, { size: 1, mtimeMs: 1 }], // finished before, but the file changed since
    ]);
    const asked: string[] = [];
    const { events, started } = startWatcher(
      { usePolling },
      {
        isKnown: (path, size, mtimeMs) => {
          asked.push(path);
          const k = known.get(path);
          return k !== undefined && k.size === size && k.mtimeMs === mtimeMs;
        },
      },
    );
    await started;
    await waitFor(() => events.isStable(fresh) && events.isStable(changed), 'fresh and changed files');
    await sentinel(events);
    expect(asked).toContain(done);
    expect(events.seenPaths()).not.toContain(done);
  });

  it('reports a file renamed or moved into the folder as new', async () => {
    const { events, started } = startWatcher({ usePolling });
    await started;
    const outside = await writeFixture(join(base, 'outside.png'), makePng());
    await sleep(50);
    await rename(outside, join(folder, 'moved-in.png'));
    await waitFor(() => events.isStable(join(folder, 'moved-in.png')), 'the moved-in file');
    // A download finishing: the browser renames its .part file to the final name.
    const part = await writeFixture(join(folder, 'download.jpg.part'), makeJpeg());
    await rename(part, join(folder, 'download.jpg'));
    await waitFor(() => events.isStable(join(folder, 'download.jpg')), 'the finished download');
    // A whole folder moved in.
    await writeFixture(join(base, 'batch', 'one.jpg'), makeJpeg());
    await rename(join(base, 'batch'), join(folder, 'batch'));
    await waitFor(() => events.isStable(join(folder, 'batch', 'one.jpg')), 'a file in a moved-in folder');
    expect(events.seenPaths()).not.toContain(part);
  });

  it('does not report again a file moved into _fake/ by the after-verdict action', async () => {
    const { events, started } = startWatcher({ usePolling });
    await started;
    const path = await writeFixture(join(folder, 'suspect.png'), makePng({ marker: 'AUTHENTA-SIM:fake' }));
    await waitFor(() => events.isStable(path), 'the file to be stable');
    const { newPath } = await applyAfterAction('move', { path, folderPath: folder }, { label: 'fake' }, {});
    expect(newPath).toBe(join(folder, '_fake', 'suspect.png'));
    await waitFor(() => events.gone.includes(path), 'the moved file to be reported gone');
    await sentinel(events);
    expect(events.seenPaths()).not.toContain(newPath);
    expect(events.stableCount(path)).toBe(1);
  });

  it('reports a changed file again, and a deleted one as gone', async () => {
    const path = await writeFixture(join(folder, 'edit.jpg'), makeJpeg());
    const { events, started } = startWatcher({ usePolling });
    await started;
    await waitFor(() => events.isStable(path), 'the first version');
    await writeFile(path, makeJpeg({ marker: 'second version' }));
    await waitFor(() => events.stableCount(path) === 2, 'the second version');
    expect(events.stable.filter((f) => f.path === path).map((f) => f.size)).toEqual([
      makeJpeg().length,
      makeJpeg({ marker: 'second version' }).length,
    ]);
    await rm(path);
    await waitFor(() => events.gone.includes(path), 'the deleted file to be reported gone');
  });

  it('watches only the top level when not recursive', async () => {
    const { events, started } = startWatcher({ usePolling, recursive: false });
    await started;
    const nested = await writeFixture(join(folder, 'sub', 'nested.jpg'), makeJpeg());
    await sentinel(events);
    expect(events.seenPaths()).not.toContain(nested);
  });

  it('follows a watched folder given as a symbolic link, reporting paths under the link', async () => {
    const real = join(base, 'share');
    await mkdir(real);
    const present = await writeFixture(join(real, 'present.jpg'), makeJpeg());
    await rm(folder, { recursive: true });
    await symlink(real, folder, 'dir');
    const { events, started } = startWatcher({ usePolling });
    await started;
    await waitFor(() => events.isStable(join(folder, 'present.jpg')), 'the file present at start');
    await writeFixture(join(real, 'later.png'), makePng());
    await waitFor(() => events.isStable(join(folder, 'later.png')), 'a file added later');
    expect(events.stable.map((f) => f.path)).not.toContain(present);
  });

  it('goes unavailable when the folder is deleted, and watches again when it returns', async () => {
    const before = await writeFixture(join(folder, 'before.jpg'), makeJpeg());
    const { events, started, watcher, logger } = startWatcher({ usePolling });
    const details = () => ({
      health: events.health,
      gone: events.gone,
      seen: events.seenPaths(),
      log: logger.lines,
    });
    await started;
    await waitFor(() => events.isStable(before), 'the first file', undefined, details);
    await rm(folder, { recursive: true });
    await waitFor(
      () => watcher.health.state === 'unavailable',
      'the folder to be unavailable',
      undefined,
      details,
    );
    expect(watcher.health.message).toContain('resumes by itself');
    await mkdir(folder);
    const after = await writeFixture(join(folder, 'after.png'), makePng());
    await waitFor(() => events.isStable(after), 'a file in the returned folder', undefined, details);
    // Reported gone by the time the folder is watched again (while unavailable nobody knows).
    expect(events.gone).toContain(before);
    expect(events.stableCount(before)).toBe(1);
    expect(watcher.health.state).toBe(usePolling ? 'polling' : 'watching');
    const states = events.healthStates();
    expect(states.slice(states.indexOf('unavailable'))).toEqual([
      'unavailable',
      usePolling ? 'polling' : 'watching',
    ]);
  });

  it('finds what changed while paused, and what rescan finds, without repeating anything', async () => {
    const first = await writeFixture(join(folder, 'first.jpg'), makeJpeg());
    const { events, started, watcher } = startWatcher({ usePolling });
    await started;
    await waitFor(() => events.isStable(first), 'the first file');
    await watcher.pause();
    expect(watcher.health.state).toBe('paused');
    const whilePaused = await writeFixture(join(folder, 'while-paused.jpg'), makeJpeg());
    await watcher.resume();
    await waitFor(() => events.isStable(whilePaused), 'the file added while paused');
    await watcher.rescan();
    await sentinel(events);
    expect(events.stableCount(first)).toBe(1);
    expect(events.stableCount(whilePaused)).toBe(1);
    // A file whose mtime moved while events were missed is found by rescan.
    await utimes(first, new Date(), new Date(Date.now() - 3_600_000));
    await watcher.rescan();
    await waitFor(() => events.stableCount(first) === 2, 'the touched file after rescan');
  });
});

describe('FolderWatcher trouble', () => {
  it.each([
    ['ENOSPC', 'sysctl fs.inotify.max_user_watches=524288'],
    ['EMFILE', 'ulimit -n'],
  ])(
    'falls back to polling on %s, says how to raise the limit, and keeps finding files',
    async (code, advice) => {
      const modes: boolean[] = [];
      const injecting = (path: string, options: ChokidarOptions) => {
        const w = chokidarWatch(path, options);
        modes.push(options.usePolling === true);
        if (options.usePolling !== true) {
          w.once('ready', () =>
            w.emit('error', Object.assign(new Error(`${code}: simulated watch limit`), { code })),
          );
        }
        return w;
      };
      const existing = await writeFixture(join(folder, 'existing.jpg'), makeJpeg());
      const { events, started, watcher, logger } = startWatcher(
        { usePolling: false },
        { watch: injecting, platform: 'linux' },
      );
      await started;
      await waitFor(() => watcher.health.state === 'polling', 'the fallback to polling');
      expect(watcher.health.message).toContain(advice);
      expect(watcher.health.message).toContain(code);
      expect(modes).toEqual([false, true]);
      expect(logger.lines.some((l) => l.level === 'warn' && l.fields?.code === code)).toBe(true);
      const later = await writeFixture(join(folder, 'later.png'), makePng());
      await waitFor(() => events.isStable(later) && events.isStable(existing), 'files found while polling');
      await sentinel(events);
      expect(events.stableCount(existing)).toBe(1);
    },
  );

  it('reports a folder missing at start-up as unavailable, then watches it once created', async () => {
    await rm(folder, { recursive: true });
    const { events, started, watcher } = startWatcher({});
    await started;
    expect(watcher.health.state).toBe('unavailable');
    expect(watcher.health.message).toContain(folder);
    await mkdir(folder);
    const path = await writeFixture(join(folder, 'x.jpg'), makeJpeg());
    await waitFor(() => events.isStable(path), 'a file in the new folder');
    expect(watcher.health.state).toBe('watching');
  });

  it('reports a path that is a file, not a folder, as unavailable', async () => {
    await rm(folder, { recursive: true });
    await writeFile(folder, 'not a folder');
    const { started, watcher } = startWatcher({});
    await started;
    expect(watcher.health).toMatchObject({
      state: 'unavailable',
      message: expect.stringContaining('is not a folder'),
    });
  });

  it('starts paused when the folder is paused, and takes nothing until resumed', async () => {
    const path = await writeFixture(join(folder, 'x.jpg'), makeJpeg());
    const { events, started, watcher } = startWatcher({ paused: true });
    await started;
    expect(watcher.health.state).toBe('paused');
    expect(events.seen).toEqual([]);
    await watcher.resume();
    await waitFor(() => events.isStable(path), 'the file after resume');
  });

  it('runs several folders at once, each with its own settings', async () => {
    const other = join(base, 'other');
    await writeFixture(join(other, 'sub', 'deep.jpg'), makeJpeg());
    await writeFixture(join(folder, 'sub', 'deep.jpg'), makeJpeg());
    const one = startWatcher({ id: 'one', recursive: false });
    const events2 = new Recorder();
    const two = new FolderWatcher(
      folderSettings(other, { id: 'two', usePolling: true, pollIntervalMs: 100, stabilityMs: 100 }),
      events2,
      { clock: systemClock, logger: new MemoryLogger() },
    );
    watchers.push(two);
    await Promise.all([one.started, two.start()]);
    await waitFor(
      () => events2.isStable(join(other, 'sub', 'deep.jpg')),
      'the nested file of the recursive folder',
    );
    expect(events2.stable[0]?.folderId).toBe('two');
    await sentinel(one.events);
    expect(one.events.seenPaths()).not.toContain(join(folder, 'sub', 'deep.jpg'));
    expect(two.health.state).toBe('polling');
    expect(one.watcher.health.state).toBe('watching');
  });
});
