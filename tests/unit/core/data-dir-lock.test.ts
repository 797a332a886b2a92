/**
 * One engine per data folder, with real processes holding the lock: the lock is the operating
 * system's, so it goes the moment its holder dies (SIGKILL, a zombie not yet reaped), and no PID
 * written in a file (reused after a reboot, pid 1 always alive) can keep the app from starting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../../../src/main/core/data-dir-lock';

const HOLDER = fileURLToPath(new URL('./data-dir-lock-holder.ts', import.meta.url));
const TSX = ['--import', 'tsx'];

const dirs: string[] = [];
const children: ChildProcess[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'authenta-lock-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Start `command` and wait for the holder in it to say "locked <pid>"; returns that pid. */
function startHolder(command: string, args: string[]): Promise<{ child: ChildProcess; holderPid: number }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const m = /locked (\d+)/.exec(out);
      if (m) resolve({ child, holderPid: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before taking the lock`)));
  });
}

/**
 * Wait until `pid` has stopped running: gone, or a zombie whose threads have all exited (the
 * leader shows Z while the others still close the process's files).
 */
async function waitUntilDead(pid: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    try {
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2];
      if (state === 'Z' && readdirSync(`/proc/${pid}/task`).length === 1) return;
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`process ${pid} did not die`);
}

describe('one engine per data folder', () => {
  it('refuses a second engine while another process holds the folder, saying which and how to recover', async () => {
    const dir = tempDir();
    const { holderPid } = await startHolder(process.execPath, [...TSX, HOLDER, dir]);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`process ${holderPid}.*--data-dir`, 's'));
    expect(() => lockDataDir(dir)).toThrow(/freed as soon as that process ends/);
  });

  it('takes the folder over at once when its holder is killed with SIGKILL', async () => {
    const dir = tempDir();
    const { child, holderPid } = await startHolder(process.execPath, [...TSX, HOLDER, dir]);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    child.kill('SIGKILL');
    await waitUntilDead(holderPid);
    lockDataDir(dir).dispose();
  });

  it('takes the folder over when its killed holder is a zombie nobody has reaped yet', async () => {
    const dir = tempDir();
    // The shell starts the holder in the background and becomes `sleep`, which never reaps it.
    const script = `"${process.execPath}" --import tsx "${HOLDER}" "${dir}" & exec sleep 60`;
    const { holderPid } = await startHolder('/bin/sh', ['-c', script]);
    process.kill(holderPid, 'SIGKILL');
    await waitUntilDead(holderPid);
    expect(readFileSync(`/proc/${holderPid}/stat`, 'utf8').split(' ')[2]).toBe('Z');
    lockDataDir(dir).dispose();
  });

  it('a lock file left by an older version naming a live process (pid 1) does not keep the app out', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'engine.lock'), '1\n');
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    lock.dispose();
  });

  it('refuses a second engine in the same process, and frees the folder on dispose', () => {
    const dir = tempDir();
    const first = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    first.dispose();
    first.dispose();
    const second = lockDataDir(dir);
    second.dispose();
  });

  it('takes over a lock file that holds garbage', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    lock.dispose();
    expect(existsSync(join(dir, 'engine.lock'))).toBe(false);
  });
});
