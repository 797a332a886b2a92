/**
 * Issue 9 (items 6 and 7, and the start-up NDJSON line): a `--once` run always ends and says the
 * truth. A folder that is not there (or is a file) is a usage error naming the path; a folder
 * given as a symbolic link is followed; an unreachable Authenta ends the run after `--timeout`
 * with exit 5 and the files still pending named; a job that fails while the run starts (its
 * processing deadline passed while the app was closed) gets its NDJSON line.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startSimulator, type Simulator } from '../../../src/main/sim';
import type { JobLine } from '../../../src/main/headless/ndjson';
import { makeJpeg, makePng, simMarker, writeFixture } from '../../helpers/media-fixtures';
import { ensureCliBuilt } from './cli-build';
import { ndjson, runCli, spawnCli } from './run-cli';
import { unusedPort } from '../../helpers/ports';

const CLIENT_ID = 'runs-end-client';
const SECRET = 'runs-end-secret-4b1e9c';
const CREDENTIALS = { AUTHENTA_CLIENT_ID: CLIENT_ID, AUTHENTA_CLIENT_SECRET: SECRET };

let dir: string;
let dataDir: string;
let watchDir: string;

beforeAll(() => ensureCliBuilt(), 240_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authenta-runs-end-'));
  dataDir = join(dir, 'data');
  watchDir = join(dir, 'watch');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const jobLines = (stdout: string): JobLine[] => ndjson(stdout).filter((l): l is JobLine => l.type === 'job');

describe('the folders of a --once run', () => {
  it('a folder that does not exist is a usage error (exit 2) naming it', async () => {
    const missing = join(dir, 'no-such-folder');
    const res = await runCli(['--simulate', '--once', '--data-dir', dataDir, missing]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(missing);
    expect(res.stderr).toMatch(/does not exist/);
    expect(res.stderr).not.toMatch(/0\/0 checked/);
  });

  it('a file given as a folder is a usage error (exit 2) naming it', async () => {
    const file = join(dir, 'photo.jpg');
    await writeFixture(file, makeJpeg());
    const res = await runCli(['--simulate', '--once', '--data-dir', dataDir, file]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(file);
    expect(res.stderr).toMatch(/is a file, not a folder/);
  });

  it('a folder given as a symbolic link to a folder is followed', async () => {
    const real = join(dir, 'share', 'drop');
    await writeFixture(join(real, 'fake.png'), makePng({ marker: simMarker('fake') }));
    const link = join(dir, 'Drop');
    await symlink(real, link, 'dir');
    const res = await runCli([
      '--simulate',
      '--once',
      '--json',
      '--data-dir',
      dataDir,
      '--stability',
      '100',
      link,
    ]);
    expect(res.code).toBe(0);
    const done = jobLines(res.stdout).filter((l) => l.state === 'done');
    expect(done.map((l) => l.name)).toEqual(['fake.png']);
    // Shown where the user put it: under the link they chose.
    expect(done[0]?.path).toBe(join(link, 'fake.png'));
    expect(res.stderr).toMatch(/1\/1 checked/);
  });

  it('while watching (no --once), a missing folder is a warning and is picked up when it appears', async () => {
    const later = join(dir, 'later');
    const running = spawnCli(['--simulate', '--json', '--data-dir', dataDir, '--stability', '100', later]);
    try {
      await waitFor(() => /later/.test(running.stderr()), 20_000);
      expect(running.stderr()).toMatch(/does not exist/);
      await mkdir(later);
      await writeFixture(join(later, 'real.jpg'), makeJpeg({ marker: simMarker('real') }));
      await waitFor(
        () => jobLines(running.stdout()).some((l) => l.name === 'real.jpg' && l.state === 'done'),
        40_000,
      );
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  });
});

describe('--timeout: a --once run that cannot finish gives up and says what is pending', () => {
  it('--help documents --timeout and exit code 5', async () => {
    const help = await runCli(['--help']);
    expect(help.stdout).toMatch(/--timeout <seconds>/);
    expect(help.stdout).toMatch(/1800/);
    expect(help.stdout).toMatch(/5 gave up waiting/);
  });

  it('a typo in --base-url (nothing listens there): exit 5 after the timeout, naming the file', async () => {
    await writeFixture(join(watchDir, 'photo.jpg'), makeJpeg({ marker: simMarker('real') }));
    const port = await unusedPort();
    const started = Date.now();
    const res = await runCli(
      [
        '--once',
        '--json',
        // Long enough for the start and the file's discovery on a loaded machine: with 3 s the
        // run could give up while still starting, naming no file.
        '--timeout',
        '10',
        '--base-url',
        `http://127.0.0.1:${port}`,
        '--data-dir',
        dataDir,
        '--stability',
        '100',
        watchDir,
      ],
      { env: CREDENTIALS, timeoutMs: 60_000 },
    );
    expect(res.signal).toBeNull();
    expect(res.code).toBe(5);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(res.stderr).toMatch(/gave up waiting after 10 s/i);
    expect(res.stderr).toMatch(/photo\.jpg/);
    const summary = ndjson(res.stdout).find((l) => l.type === 'summary');
    expect(summary).toMatchObject({ exitCode: 5 });
  }, 70_000);

  it('the server gone mid-run: exit 5, the file awaiting its verdict is named as such', async () => {
    const sim = await startSimulator({
      processingMs: 600_000,
      credentials: [{ clientId: CLIENT_ID, clientSecret: SECRET }],
    });
    let closed = false;
    try {
      await writeFixture(join(watchDir, 'clip.jpg'), makeJpeg({ marker: simMarker('fake') }));
      const running = spawnCli(
        [
          '--once',
          '--json',
          // Long enough to reach processing on a loaded machine (with 6 s a slow start could give
          // up before the upload, and the test waited for processing in vain).
          '--timeout',
          '20',
          '--base-url',
          sim.url,
          '--data-dir',
          dataDir,
          '--stability',
          '100',
          watchDir,
        ],
        { env: CREDENTIALS },
      );
      await waitFor(() => jobLines(running.stdout()).some((l) => l.state === 'processing'), 30_000);
      await sim.close();
      closed = true;
      const res = await running.exited;
      expect(res.code).toBe(5);
      expect(res.stderr).toMatch(/clip\.jpg.*(processing|verdict)/i);
    } finally {
      if (!closed) await sim.close();
    }
  }, 70_000);

  it('--timeout needs --once and a whole number', async () => {
    const watching = await runCli(['--simulate', '--timeout', '5', watchDir]);
    expect(watching.code).toBe(2);
    expect(watching.stderr).toMatch(/--timeout/);
    const bad = await runCli(['--simulate', '--once', '--timeout', 'soon', watchDir]);
    expect(bad.code).toBe(2);
  });
});

describe('jobs that fail while the run starts', () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim?.close();
  });

  it('a processing deadline that passed while the app was closed gets its NDJSON line', async () => {
    sim = await startSimulator({
      processingMs: 600_000,
      credentials: [{ clientId: CLIENT_ID, clientSecret: SECRET }],
    });
    await writeFixture(join(watchDir, 'slow.jpg'), makeJpeg({ marker: simMarker('real') }));
    const args = [
      '--once',
      '--json',
      '--base-url',
      sim.url,
      '--data-dir',
      dataDir,
      '--stability',
      '100',
      watchDir,
    ];
    const first = spawnCli(args, { env: CREDENTIALS });
    await waitFor(() => jobLines(first.stdout()).some((l) => l.state === 'processing'), 30_000);
    first.child.kill('SIGTERM');
    await first.exited;

    // Two hours pass while the app is closed (the deadline is 30 minutes).
    const db = new Database(join(dataDir, 'ledger.sqlite'));
    const past = Date.now() - 2 * 3600_000;
    db.prepare(`UPDATE jobs SET uploaded_at = ?, polling_since = ? WHERE state = 'processing'`).run(
      past,
      past,
    );
    db.close();

    const second = await runCli(args, { env: CREDENTIALS, timeoutMs: 60_000 });
    expect(second.code).toBe(1);
    const failed = jobLines(second.stdout).filter((l) => l.state === 'failed');
    expect(failed.map((l) => l.name)).toEqual(['slow.jpg']);
    expect(failed[0]?.error?.message).toMatch(/has not finished this file/);
  }, 90_000);
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
