/**
 * Spawning the real `authenta-watch` (node bin/authenta-watch.js) for the CLI tests, with an
 * environment free of the caller's AUTHENTA_* variables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI_BIN, ROOT } from './cli-build';
import type { NdjsonLine } from '../../../src/main/headless/ndjson';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Written to stdin, which is then closed; without it stdin is empty. */
  input?: string;
  cwd?: string;
  /** Run as this user and group (the test process must be root). */
  user?: { uid: number; gid: number };
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<CliResult>;
}

/** The caller's environment without AUTHENTA_* variables, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AUTHENTA_')) env[k] = v;
  return { ...env, ...extra };
}

/** Start the CLI; the caller decides when it ends. */
export function spawnCli(args: string[], options: SpawnOptions = {}): RunningCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: cliEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.user ?? {}),
  });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
  child.stdin?.on('error', () => undefined);
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();
  const exited = new Promise<CliResult>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Run the CLI to its end (killed after `timeoutMs`, default 90 s). */
export async function runCli(
  args: string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<CliResult> {
  const running = spawnCli(args, options);
  const timer = setTimeout(() => running.child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** The NDJSON lines of a --json run's stdout; fails on a line that is not JSON. */
export function ndjson(stdout: string): NdjsonLine[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as NdjsonLine);
}
