/** Shared parts of the client's contract tests: temp media files with simulator markers, and polling. */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AuthentaClient } from '../../../src/main/core/api/authenta-client';
import type { MediaRecord } from '../../../src/main/core/api/schemas';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `authenta-${prefix}-`));
}

/**
 * A file of `size` bytes whose first bytes carry a simulator marker (`fake`, `real`, `suspect`,
 * `noface`, `fail`, `faces=3,fakes=1`) so the simulated verdict is known in advance.
 */
export function mediaFile(dir: string, name: string, marker: string | null, size = 64 * 1024): string {
  const p = path.join(dir, name);
  const head = Buffer.from(marker ? `AUTHENTA-SIM:${marker}\n` : '', 'latin1');
  const body = crypto.createHash('sha256').update(name).digest();
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i += body.length) body.copy(buf, i);
  head.copy(buf, 0);
  fs.writeFileSync(p, buf);
  return p;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until the record leaves INITED/UPLOADED and returns it. */
export function untilFinished(client: AuthentaClient, mid: string): Promise<MediaRecord> {
  return pollUntil(async () => {
    const { data } = await client.getMedia(mid);
    return data.status === 'PROCESSED' || data.status === 'FAILED' || data.status === 'ERROR'
      ? data
      : undefined;
  });
}
