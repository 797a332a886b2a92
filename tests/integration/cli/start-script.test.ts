/**
 * `npm start` where Electron cannot be had (its download fails): one plain line about the failed
 * download instead of a raw `TypeError: fetch failed` stack, the web UI in its place, and when
 * the script is stopped by a signal (npm passes SIGTERM to the `sh -c` it started, which dies
 * without passing it on), the headless host it started stops too and frees the data folder.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { lockDataDir } from '../../../src/main/core/data-dir-lock';
import { ensureCliBuilt, ROOT } from './cli-build';

let dir: string;
beforeAll(() => ensureCliBuilt(), 240_000);
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function canLock(dataDir: string): boolean {
  try {
    lockDataDir(dataDir).dispose();
    return true;
  } catch {
    return false;
  }
}

it('says in one line that Electron could not be downloaded, and its host stops with it', async () => {
  // Only meaningful where Electron's binary is missing, as on the build machines.
  if (existsSync(join(ROOT, 'node_modules', 'electron', 'dist'))) return;
  dir = await mkdtemp(join(tmpdir(), 'authenta-start-'));
  const dataDir = join(dir, 'data');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dir, AUTHENTA_DATA_DIR: dataDir };
  delete env['ELECTRON_SKIP_BINARY_DOWNLOAD'];
  Object.assign(env, {
    // Nothing listens there: the download fails at once, as it does without internet.
    ELECTRON_MIRROR: 'http://127.0.0.1:9/',
    // The bundles were just built by ensureCliBuilt; skip rebuilding them.
    AUTHENTA_START_SKIP_BUILD: '1',
  });
  const sh = spawn('/bin/sh', ['-c', `"${process.execPath}" scripts/start.mjs; :`], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  sh.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  sh.stderr.setEncoding('utf8').on('data', (s: string) => (out += s));
  try {
    await until(() => /open this address/.test(out), 'the web UI address', 90_000);
    expect(out).not.toMatch(/TypeError|^\s+at /m);
    expect(out.match(/^start: the Electron download did not succeed \(fetch failed.*\)$/gm)?.length).toBe(1);
    expect(canLock(dataDir)).toBe(false);
    // What npm does on SIGTERM: the shell gets it and dies; start.mjs is not told.
    sh.kill('SIGTERM');
    await until(() => canLock(dataDir), 'the host to stop and free the data folder', 20_000);
  } finally {
    sh.kill('SIGKILL');
  }
}, 150_000);
