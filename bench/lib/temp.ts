/**
 * Temporary folders that are deleted whatever happens: at the end, on an error, on Ctrl-C or
 * SIGTERM. The engine benchmarks make big things (a 2 GiB file, 100,000 files) that must not stay.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const dir of made) {
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (e) {
      process.stderr.write(`could not delete ${dir}: ${(e as Error).message}; delete it by hand\n`);
    }
    made.delete(dir);
  }
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      removeAll();
      process.exit(128 + (os.constants.signals[signal] ?? 1));
    });
  }
}

/** A new empty folder under the system temp dir (real path), deleted at exit or by `removeTempDir`. */
export function makeTempDir(label: string): string {
  hook();
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `aw-bench-${label}-`)));
  made.add(dir);
  return dir;
}

/** Delete a folder made by `makeTempDir` now. */
export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.delete(dir);
}
