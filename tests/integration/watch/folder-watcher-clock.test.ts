/**
 * The FolderWatcher reads time and sets timers only through the Clock: backoff of an unavailable
 * folder and the stability window run on a test clock here, with a real folder and real chokidar.
 */
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Clock, Disposable } from '../../../src/main/core/ports';
import { FolderWatcher } from '../../../src/main/core/watch/folder-watcher';
import { makeJpeg, writeFixture } from '../../helpers/media-fixtures';
import { MemoryLogger, Recorder, folderSettings, makeTempDir, removeTempDir, waitFor } from './helpers';

/** A clock whose time moves only when the test says so; it remembers every delay asked for. */
class TestClock implements Clock {
  time = 1_000_000;
  readonly delays: number[] = [];
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): Disposable {
    const timer = { at: this.time + ms, fn, live: true };
    this.delays.push(ms);
    this.timers.push(timer);
    return { dispose: () => void (timer.live = false) };
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((t) => t.live && t.at <= this.time).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.live && t.at > this.time);
    for (const t of due) t.fn();
  }
}

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

it('retries an unavailable folder with doubling delays up to the cap, then waits the window on the clock', async () => {
  const folder = join(base, 'share');
  const clock = new TestClock();
  const events = new Recorder();
  watcher = new FolderWatcher(folderSettings(folder, { stabilityMs: 2_000 }), events, {
    clock,
    logger: new MemoryLogger(),
    retryBaseMs: 1_000,
    retryMaxMs: 60_000,
    healthCheckMs: 3_600_000,
  });
  await watcher.start();
  expect(watcher.health.state).toBe('unavailable');
  expect(clock.delays).toEqual([1_000]);

  // Nine failed retries: a day of backoff runs in milliseconds.
  for (let i = 1; i <= 9; i++) {
    clock.advance(60_000);
    await waitFor(() => clock.delays.length === i + 1, `retry ${i} to be scheduled`);
  }
  expect(clock.delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000]);
  expect(watcher.health.state).toBe('unavailable');

  await mkdir(folder);
  clock.advance(60_000);
  await waitFor(() => watcher?.health.state === 'watching', 'the folder to be watched');

  // Written beside the folder and renamed in: chokidar's first look is the final size and mtime.
  // (Written in place, a late `change` event could restart the window after the test's last
  // advance, and this clock never moves by itself.)
  const path = join(folder, 'x.jpg');
  await rename(await writeFixture(join(base, 'x.jpg.part'), makeJpeg()), path);
  await waitFor(() => events.seenPaths().includes(path), 'the new file to be seen');
  const [seen] = events.seen.filter((f) => f.path === path);
  expect(seen?.size).toBe(makeJpeg().length);
  clock.advance(1_999);
  expect(events.isStable(path)).toBe(false);
  clock.advance(1);
  await waitFor(() => events.isStable(path), 'the file to be stable once the window passed on the clock');
});
