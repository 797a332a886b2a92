/**
 * "Checking 45%" instead of "Waiting" (issue 12): while the engine reads a large file to sniff
 * and hash it, progress events say how far it has come (phase `checking`); the upload that
 * follows reports as before (phase `uploading`). Small files stay quiet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeMp4, makePng, simMarker } from '../../helpers/media-fixtures';
import { startHarness, type Harness } from '../../helpers/engine-harness';
import type { UploadProgress } from '../../../src/shared/domain';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('checking progress', () => {
  it('reports bytes read while a large file is checked, then the upload, and nothing for a small file', async () => {
    h = await startHarness({ engine: { progressIntervalMs: 20 } });
    const seen: UploadProgress[] = [];
    h.engine.onProgress((p) => seen.push(...p));
    await h.watch('inbox');
    const big = makeMp4({ marker: simMarker('real'), mdatBytes: 40 * 1024 ** 2 });
    await h.write('inbox/big.mp4', big);
    await h.write('inbox/small.png', makePng({ marker: simMarker('real') }));
    const job = await h.waitForJob('big.mp4', ['done']);
    const small = await h.waitForJob('small.png', ['done']);

    const checking = seen.filter((p) => p.id === job.id && p.phase === 'checking');
    expect(checking.length).toBeGreaterThan(0);
    for (const p of checking) {
      expect(p.size).toBe(big.length);
      expect(p.bytesSent).toBeLessThanOrEqual(big.length);
    }
    const read = checking.map((p) => p.bytesSent);
    expect(read).toEqual([...read].sort((a, b) => a - b));
    // Part-way figures ("Checking 45%"); the last one may be overtaken by the upload's own.
    expect(read.some((n) => n > 0 && n < big.length)).toBe(true);
    // The upload follows, as its own phase.
    const uploading = seen.filter((p) => p.id === job.id && p.phase === 'uploading');
    expect(uploading.at(-1)?.bytesSent).toBe(big.length);
    expect(seen.indexOf(uploading[0]!)).toBeGreaterThan(seen.indexOf(checking.at(-1)!));
    expect(seen.some((p) => p.id === small.id && p.phase === 'checking')).toBe(false);
    // Checking is not upload speed.
    expect((await h.engine.getStatus()).uploads.bytesPerSecond).toBe(0);
  });
});
