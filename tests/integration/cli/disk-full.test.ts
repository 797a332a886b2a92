/**
 * Issue 9, item 4: the disk of the data folder fills up during a --once run. The run says so
 * plainly (the data folder's path and the space left), takes no new work, loses no file, and goes
 * on by itself once space is back.
 *
 * A real full disk: a 16 MB tmpfs (room for SQLite's write-ahead log once space is back) mounted for the test (CI runs as root on the same kind of
 * machine, where `mount -t tmpfs` works), filled with a ballast file that is removed to give the
 * space back. Without the right to mount (not root), the test is skipped.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobLine } from '../../../src/main/headless/ndjson';
import { makePng, writeFixture } from '../../helpers/media-fixtures';
import { ensureCliBuilt } from './cli-build';
import { ndjson, runCli, spawnCli } from './run-cli';

function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const r = spawnSync('sh', [
    '-c',
    'd=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs "$d" && umount "$d"; r=$?; rmdir "$d"; exit $r',
  ]);
  return r.status === 0;
}
const mountable = canMountTmpfs();
const FILES = 80;

let dir: string;
let disk: string;
let dataDir: string;
let watchDir: string;

beforeAll(() => ensureCliBuilt(), 240_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authenta-disk-full-'));
  disk = join(dir, 'disk');
  dataDir = join(disk, 'data');
  watchDir = join(dir, 'watch');
  await mkdir(disk);
});

afterEach(async () => {
  spawnSync('umount', ['-l', disk]);
  await rm(dir, { recursive: true, force: true });
});

async function fill(leaveBytes: number): Promise<string> {
  const s = await statfs(disk);
  const ballast = join(disk, 'ballast');
  await writeFile(ballast, Buffer.alloc(Math.max(0, s.bavail * s.bsize - leaveBytes)));
  return ballast;
}

describe('the data folder’s disk fills up', () => {
  it.skipIf(!mountable)(
    '--once says so with the path and free space, loses no file, and finishes once space is back',
    async () => {
      const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', disk], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      await writeFixture(join(dir, 'first', 'first.png'), makePng({ padding: 1 }));
      const first = await runCli(
        ['--simulate', '--once', '--data-dir', dataDir, '--stability', '100', join(dir, 'first')],
        {
          timeoutMs: 60_000,
        },
      );
      expect(first.code).toBe(0);

      for (let i = 0; i < FILES; i++)
        await writeFixture(join(watchDir, `p${i}.png`), makePng({ padding: 100 + i }));
      const ballast = await fill(60_000);
      const running = spawnCli([
        '--simulate',
        '--once',
        '--json',
        '--data-dir',
        dataDir,
        '--stability',
        '100',
        watchDir,
      ]);
      await waitFor(
        () => /disk of the data folder .* is full/.test(running.stderr()) || running.child.exitCode !== null,
        60_000,
      );
      expect(running.child.exitCode).toBeNull(); // still running: waiting for space, not done
      expect(running.stderr()).toContain(dataDir);
      expect(running.stderr()).toMatch(
        /full \(\d+(\.\d+)? k?B free\): no new file is taken and nothing is lost/,
      );

      await rm(ballast);
      const res = await running.exited;
      const done = new Set(
        ndjson(res.stdout)
          .filter((l): l is JobLine => l.type === 'job' && l.state === 'done')
          .map((l) => l.name),
      );
      expect(done.size).toBe(FILES);
      expect(res.code).toBe(0);
      expect(res.stderr).toMatch(/Space is back on the data folder’s disk/);
      expect(res.stderr.match(/is full \(/g)).toHaveLength(1);
    },
    180_000,
  );
});

describe('the data folder’s disk is full at start', () => {
  it.skipIf(!mountable)(
    'the run ends at once saying so, with the path, instead of hanging',
    async () => {
      const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      await writeFixture(join(watchDir, 'p.png'), makePng({ padding: 1 }));
      await fill(0);
      const res = await runCli(
        ['--simulate', '--once', '--data-dir', dataDir, '--stability', '100', watchDir],
        {
          timeoutMs: 60_000,
        },
      );
      expect(res.signal).toBeNull();
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`The disk of the data folder ${dataDir} is full`);
      expect(res.stderr).toMatch(/Free some space on that disk/);
    },
    90_000,
  );
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
