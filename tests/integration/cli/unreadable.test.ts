/**
 * Issue 9, item 8: a file the account cannot read shows as a job that says so ("cannot be read",
 * UNREADABLE, exit 1 with --once) and is picked up by itself once its permission is fixed.
 *
 * Root reads any file whatever its mode, so when the tests run as root (CI does) the CLI is
 * started as the unprivileged user nobody (uid 65534) over folders it owns; a file of mode 000 is
 * then really unreadable for it. As any other user, the mode alone does it.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobLine } from '../../../src/main/headless/ndjson';
import { makeJpeg, makePng, simMarker, writeFixture } from '../../helpers/media-fixtures';
import { ensureCliBuilt } from './cli-build';
import { ndjson, runCli, spawnCli } from './run-cli';

const NOBODY = { uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;
const user = asRoot ? NOBODY : undefined;

let dir: string;
let dataDir: string;
let watchDir: string;

beforeAll(() => ensureCliBuilt(), 240_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authenta-unreadable-'));
  dataDir = join(dir, 'data');
  watchDir = join(dir, 'watch');
  await mkdir(watchDir);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Hand the temp folder to the user the CLI runs as. */
async function giveAway(...paths: string[]): Promise<void> {
  if (!user) return;
  for (const p of [dir, watchDir, ...paths]) await chown(p, user.uid, user.gid);
}

const jobLines = (stdout: string): JobLine[] => ndjson(stdout).filter((l): l is JobLine => l.type === 'job');

describe('a file without read permission', () => {
  it('--once: shows as a job that cannot be read and exits 1', async () => {
    const ok = await writeFixture(join(watchDir, 'ok.jpg'), makeJpeg({ marker: simMarker('real') }));
    const locked = await writeFixture(join(watchDir, 'locked.png'), makePng({ marker: simMarker('fake') }));
    await chmod(locked, 0o000);
    await giveAway(ok, locked);
    const res = await runCli(
      ['--simulate', '--once', '--json', '--data-dir', dataDir, '--stability', '100', watchDir],
      { env: { HOME: dir }, ...(user ? { user } : {}), timeoutMs: 60_000 },
    );
    const last = new Map(jobLines(res.stdout).map((l) => [l.name, l]));
    expect(last.get('ok.jpg')?.state).toBe('done');
    expect(last.get('locked.png')).toMatchObject({
      state: 'failed',
      error: { code: 'UNREADABLE', message: expect.stringMatching(/cannot be read: permission denied/) },
    });
    expect(res.stderr).toMatch(/failed +\S*locked\.png .*cannot be read/);
    expect(res.code).toBe(1);
  }, 70_000);

  it('while watching: is picked up by itself once it can be read', async () => {
    const locked = await writeFixture(join(watchDir, 'locked.png'), makePng({ marker: simMarker('fake') }));
    await chmod(locked, 0o000);
    await giveAway(locked);
    const running = spawnCli(
      ['--simulate', '--json', '--data-dir', dataDir, '--stability', '100', watchDir],
      {
        env: { HOME: dir },
        ...(user ? { user } : {}),
      },
    );
    try {
      const lineOf = (state: string): JobLine | undefined =>
        jobLines(running.stdout()).find((l) => l.name === 'locked.png' && l.state === state);
      await waitFor(() => lineOf('failed') !== undefined, 40_000);
      expect(lineOf('failed')?.error?.code).toBe('UNREADABLE');
      await chmod(locked, 0o644);
      await waitFor(() => lineOf('done') !== undefined, 40_000);
      expect(lineOf('done')?.verdict?.label).toBe('fake');
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  }, 100_000);
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
