/**
 * Issue 9, item 5: a data folder that cannot be written (read-only file system, or no write
 * permission) and a damaged ledger each get a message naming the path and what to do; `report`
 * still reads a read-only data folder; a damaged ledger is set aside (renamed, never deleted) only
 * when the user asks with `authenta-watch set-aside-ledger`.
 *
 * How the cases are made for real as root (CI runs as root, where modes do not stop writes): the
 * read-only folder is a read-only bind mount of itself (`mount --bind`, then `remount,bind,ro`);
 * the folder without write permission is one owned by root (mode 755) used by the CLI started as
 * the user nobody. Where mounting is not allowed (not root), the read-only case is skipped.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeJpeg, simMarker, writeFixture } from '../../helpers/media-fixtures';
import { ensureCliBuilt } from './cli-build';
import { runCli } from './run-cli';

const asRoot = process.getuid?.() === 0;

/** Whether this process may bind-mount (root with CAP_SYS_ADMIN, as on CI). */
function canMount(): boolean {
  if (!asRoot) return false;
  const probe = spawnSync('sh', [
    '-c',
    'd=$(mktemp -d) && mount --bind "$d" "$d" && umount "$d"; r=$?; rmdir "$d"; exit $r',
  ]);
  return probe.status === 0;
}
const mountable = canMount();

let dir: string;
let dataDir: string;
let watchDir: string;
const mounts: string[] = [];

beforeAll(() => ensureCliBuilt(), 240_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authenta-data-folder-'));
  dataDir = join(dir, 'data');
  watchDir = join(dir, 'watch');
  await writeFixture(join(watchDir, 'photo.jpg'), makeJpeg({ marker: simMarker('real') }));
});

afterEach(async () => {
  for (const m of mounts.splice(0)) spawnSync('umount', ['-l', m]);
  await rm(dir, { recursive: true, force: true });
});

const runArgs = (): string[] => [
  '--simulate',
  '--once',
  '--json',
  '--data-dir',
  dataDir,
  '--stability',
  '100',
  watchDir,
];

function mountReadOnly(path: string): void {
  for (const args of [
    ['--bind', path, path],
    ['-o', 'remount,bind,ro', path],
  ]) {
    const r = spawnSync('mount', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mount ${args.join(' ')}: ${r.stderr}`);
    if (args[0] === '--bind') mounts.push(path);
  }
}

describe('a data folder that cannot be written', () => {
  it.skipIf(!mountable)(
    'read-only file system: the run says so with the path; report still reads it',
    async () => {
      const first = await runCli(runArgs(), { timeoutMs: 60_000 });
      expect(first.code).toBe(0);
      mountReadOnly(dataDir);

      const res = await runCli(runArgs(), { timeoutMs: 60_000 });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(dataDir);
      expect(res.stderr).toMatch(/read-only/);
      expect(res.stderr).toMatch(/--data-dir/);
      expect(res.stderr).not.toMatch(/^authenta-watch: EROFS/m);

      const report = await runCli(['report', '--data-dir', dataDir], { timeoutMs: 30_000 });
      expect(report.stderr).toBe('');
      expect(report.code).toBe(0);
      expect((JSON.parse(report.stdout) as { jobs: unknown[] }).jobs).toEqual([
        expect.objectContaining({ name: 'photo.jpg', state: 'done' }),
      ]);

      // A new data folder inside the read-only one cannot be made either: said the same way.
      const nested = join(dataDir, 'new');
      const inner = await runCli(['--simulate', '--once', '--data-dir', nested, watchDir], {
        timeoutMs: 30_000,
      });
      expect(inner.code).toBe(1);
      expect(inner.stderr).toContain(nested);
      expect(inner.stderr).toMatch(/read-only/);
    },
    120_000,
  );

  it.skipIf(!asRoot)(
    'no write permission (the CLI as nobody, the folder owned by root): names the folder and what to do',
    async () => {
      await mkdir(dataDir, { mode: 0o755 });
      await chmod(dir, 0o755);
      await chown(watchDir, 65534, 65534);
      const res = await runCli(runArgs(), {
        user: { uid: 65534, gid: 65534 },
        env: { HOME: dir },
        timeoutMs: 30_000,
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(dataDir);
      expect(res.stderr).toMatch(/may not write/);
      expect(res.stderr).not.toMatch(/^authenta-watch: EACCES/m);
    },
    60_000,
  );
});

describe('a damaged ledger', () => {
  async function damage(): Promise<string> {
    const first = await runCli(runArgs(), { timeoutMs: 60_000 });
    expect(first.code).toBe(0);
    const ledger = join(dataDir, 'ledger.sqlite');
    const handle = await open(ledger, 'r+');
    await handle.write(Buffer.alloc(100, 0x5a), 0, 100, 0);
    await handle.close();
    return ledger;
  }

  it('the run and report name the ledger and the command that sets it aside; nothing is renamed unasked', async () => {
    const ledger = await damage();
    const res = await runCli(runArgs(), { timeoutMs: 60_000 });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(ledger);
    expect(res.stderr).toMatch(/damaged/);
    expect(res.stderr).toMatch(/authenta-watch set-aside-ledger --data-dir/);
    const report = await runCli(['report', '--data-dir', dataDir], { timeoutMs: 30_000 });
    expect(report.code).toBe(1);
    expect(report.stderr).toContain(ledger);
    expect(report.stderr).toMatch(/damaged/);
    expect((await stat(ledger)).size).toBeGreaterThan(0);
    expect((await readdir(dataDir)).filter((f) => f.includes('damaged'))).toEqual([]);
  }, 120_000);

  it('set-aside-ledger renames it (kept, never deleted) and the next run starts a new one', async () => {
    const ledger = await damage();
    const before = (await stat(ledger)).size;
    const res = await runCli(['set-aside-ledger', '--data-dir', dataDir], { timeoutMs: 30_000 });
    expect(res.code).toBe(0);
    const kept = (await readdir(dataDir)).filter(
      (f) => /^ledger\.sqlite\.damaged-/.test(f) && !/-(wal|shm)$/.test(f),
    );
    expect(kept).toHaveLength(1);
    expect((await stat(join(dataDir, kept[0]!))).size).toBe(before);
    expect(res.stderr).toContain(kept[0]);
    const again = await runCli(runArgs(), { timeoutMs: 60_000 });
    expect(again.code).toBe(0);
  }, 120_000);

  it('set-aside-ledger leaves a healthy ledger where it is', async () => {
    const first = await runCli(runArgs(), { timeoutMs: 60_000 });
    expect(first.code).toBe(0);
    const res = await runCli(['set-aside-ledger', '--data-dir', dataDir], { timeoutMs: 30_000 });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/not damaged/);
    expect((await readdir(dataDir)).filter((f) => f.includes('damaged'))).toEqual([]);
  }, 120_000);
});

describe('--help', () => {
  it('lists set-aside-ledger', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/set-aside-ledger/);
  });
});
