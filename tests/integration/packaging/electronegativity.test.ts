/**
 * scripts/electronegativity.mjs (issue 15): a justification covers one reviewed line, not a
 * whole file; .svelte components are scanned; a file the scanner cannot parse fails the check.
 * Each case scans a modified copy of src/ against the repository's justifications.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = resolve('scripts/electronegativity.mjs');
let work: string | null = null;

afterEach(() => {
  if (work) rmSync(work, { recursive: true, force: true });
  work = null;
});

/** A copy of src/ with `change` applied, scanned; the exit code and what was printed. */
async function scan(change: (src: string) => void): Promise<{ code: number; out: string; err: string }> {
  work = mkdtempSync(join(tmpdir(), 'aw-electronegativity-'));
  const src = join(work, 'src');
  cpSync(resolve('src'), src, { recursive: true });
  change(src);
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, '--src', src]);
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

describe('the Electronegativity check', () => {
  it('passes on src/ as it is', async () => {
    const { code, out } = await scan(() => undefined);
    expect(out).toContain('electronegativity: ok');
    expect(code).toBe(0);
  }, 60_000);

  it('fails on a new `contextIsolation: false` in main-window.ts, though that file has a justified finding of the same check', async () => {
    const { code, err } = await scan((src) =>
      edit(
        join(src, 'main/desktop/main-window.ts'),
        '    this.window = win;\n',
        '    this.window = win;\n    void new BrowserWindow({ webPreferences: { contextIsolation: false } });\n',
      ),
    );
    expect(code).toBe(1);
    expect(err).toMatch(/CONTEXT_ISOLATION_JS_CHECK src\/main\/desktop\/main-window\.ts:\d+/);
    expect(err).toContain('contextIsolation: false');
  }, 60_000);

  it('scans .svelte components: a finding in a component script is reported at its line in the .svelte file', async () => {
    const { code, err } = await scan((src) =>
      writeFileSync(
        join(src, 'renderer/src/Leak.svelte'),
        [
          '<script lang="ts">',
          "  import { shell } from 'electron';",
          '  let { url }: { url: string } = $props();',
          '  shell.openExternal(url);',
          '</script>',
          '',
          '<p>{url}</p>',
          '',
        ].join('\n'),
      ),
    );
    expect(code).toBe(1);
    expect(err).toContain('OPEN_EXTERNAL_JS_CHECK src/renderer/src/Leak.svelte:4');
  }, 60_000);

  it('reports a file it cannot parse instead of skipping it', async () => {
    const { code, err } = await scan((src) =>
      writeFileSync(join(src, 'main/desktop/broken.ts'), 'export const x = ;\n'),
    );
    expect(code).toBe(1);
    expect(err).toContain('could not parse src/main/desktop/broken.ts');
  }, 60_000);
});
