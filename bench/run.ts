/**
 * `npm run bench [name ...]`: runs every `bench/*.bench.ts` (or only those named, by file name
 * with or without `.bench.ts`) one after another, each in its own child process via tsx so one
 * benchmark's memory never colours another's, and prints their markdown output.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, '..');
const tsxBin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');

/** The benchmark files to run: all of them, or those `names` pick out. Unknown names are an error. */
export function selectBenchmarks(all: readonly string[], names: readonly string[]): string[] {
  if (names.length === 0) return [...all];
  const picked: string[] = [];
  for (const name of names) {
    const bare = path
      .basename(name)
      .replace(/\.bench\.ts$/, '')
      .replace(/\.ts$/, '');
    const match = all.find((f) => path.basename(f, '.bench.ts') === bare);
    if (!match) {
      throw new Error(
        `No benchmark called "${name}". Known: ${all.map((f) => path.basename(f, '.bench.ts')).join(', ') || 'none'}.`,
      );
    }
    if (!picked.includes(match)) picked.push(match);
  }
  return picked;
}

function runOne(file: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsxBin, [file], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => (stdout += c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout }));
  });
}

async function main(): Promise<void> {
  const all = fs
    .readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .map((f) => path.join(benchDir, f));
  let files: string[];
  try {
    files = selectBenchmarks(all, process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 2;
    return;
  }
  if (files.length === 0) {
    console.error('No benchmarks found in bench/ (files named *.bench.ts).');
    process.exitCode = 2;
    return;
  }
  let failed = 0;
  for (const file of files) {
    const name = path.basename(file, '.bench.ts');
    process.stderr.write(`bench: running ${name}...\n`);
    const { code, stdout } = await runOne(file);
    process.stdout.write(`## ${name}\n\n${stdout.trimEnd()}\n\n`);
    if (code !== 0) {
      failed++;
      process.stdout.write(`(${name} failed with exit code ${code}; see its output above)\n\n`);
    }
  }
  if (failed > 0) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
