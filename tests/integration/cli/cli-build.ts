/**
 * Tests run what users run: `node bin/authenta-watch.js` (the bundle in out/cli) serving the
 * built renderer (out/renderer). `npm test` builds both first; when a developer runs a test file
 * alone, these helpers rebuild whatever is missing or older than its sources, one process at a
 * time (a lock directory), so parallel test files never build over each other.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, readdirSync, existsSync, writeFileSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
export const CLI_BIN = join(ROOT, 'bin', 'authenta-watch.js');
const CLI_BUNDLE = join(ROOT, 'out', 'cli', 'cli.js');
const RENDERER_INDEX = join(ROOT, 'out', 'renderer', 'index.html');
const LOCK = join(ROOT, 'out', '.test-build-lock');

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.isFile()) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function stale(output: string, sources: string[]): boolean {
  const built = mtime(output);
  return built === 0 || sources.some((s) => newestMtime(join(ROOT, s)) > built);
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

function withLock<T>(fn: () => T): T {
  mkdirSync(join(ROOT, 'out'), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch {
      // Another test process builds; take over a lock whose owner died.
      let owner = 0;
      try {
        owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
      } catch {
        // not written yet
      }
      if (owner > 0 && !alive(owner)) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error(`Timed out waiting for ${LOCK}; remove it if no build runs.`);
      sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[]): void {
  const res = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env } });
  if (res.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  }
}

/** Build out/cli when it is missing or older than src/main or src/shared. */
export function ensureCliBuilt(): void {
  const sources = ['src/main', 'src/shared'];
  if (!stale(CLI_BUNDLE, sources)) return;
  withLock(() => {
    if (stale(CLI_BUNDLE, sources)) run(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')]);
  });
}

/** Build out/renderer when it is missing or older than src/renderer or src/shared. */
export function ensureRendererBuilt(): void {
  const sources = ['src/renderer', 'src/shared'];
  if (!stale(RENDERER_INDEX, sources)) return;
  withLock(() => {
    if (stale(RENDERER_INDEX, sources))
      run(process.execPath, [
        join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
        'build',
      ]);
  });
}
