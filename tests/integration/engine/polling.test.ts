/**
 * Polling spares the Query quota (authenta-api.md, "Quotas"): the calls are counted where the
 * API would count them, in the simulator's request log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeMp4, makePng } from '../../helpers/media-fixtures';
import { startHarness, type Harness } from '../../helpers/engine-harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const queryCalls = (from = 0) =>
  h.requests({ from, method: 'GET' }).filter((r) => r.route.startsWith('/media')).length;

describe('polling', () => {
  it('24 images pending together: at most 0.5 Query calls per image', async () => {
    h = await startHarness({ sim: { processingMs: 1_000 } });
    await h.watch('inbox');
    const from = h.sim.requests.length;
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        h.write(
          `inbox/img-${String(i).padStart(2, '0')}.png`,
          makePng({ marker: 'AUTHENTA-SIM:real', padding: i + 1 }),
        ),
      ),
    );
    await h.waitFor(async () => (await h.jobs()).filter((j) => j.state === 'done').length === 24, {
      message: '24 verdicts',
      timeoutMs: 60_000,
    });
    const calls = queryCalls(from);
    expect(calls).toBeGreaterThan(0);
    expect(calls / 24).toBeLessThanOrEqual(0.5);
    // Every call is one the status bar counted.
    expect((await h.engine.getStatus()).callsToday.query).toBe(queryCalls());
    expect((await h.engine.getStatus()).callsToday.mutation).toBe(24);
  });

  it('a lone image: at most 2 Query calls', async () => {
    h = await startHarness({ sim: { processingMs: 800 } });
    await h.watch('inbox');
    await h.write('inbox/alone.png', makePng({ marker: 'AUTHENTA-SIM:fake' }));
    await h.waitForJob('alone.png', ['done']);
    expect(queryCalls()).toBeLessThanOrEqual(2);
  });

  it('videos: at most 1.5 Query calls each, the full record included', async () => {
    h = await startHarness({ sim: { processingMs: 800 } });
    await h.watch('inbox');
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        h.write(`inbox/clip-${i}.mp4`, makeMp4({ marker: 'AUTHENTA-SIM:faces=2,fakes=1', padding: i + 1 })),
      ),
    );
    await h.waitFor(async () => (await h.jobs()).filter((j) => j.state === 'done').length === 4, {
      message: '4 verdicts',
    });
    for (const j of await h.jobs()) expect(j.verdict?.participants).toHaveLength(2);
    expect(queryCalls() / 4).toBeLessThanOrEqual(1.5);
  });

  it('learns how long files take: a run of single files settles at about one call each', async () => {
    h = await startHarness({ sim: { processingMs: 600 }, engine: { pollTuning: { defaultImageMs: 4_000 } } });
    await h.watch('inbox');
    const perFile: number[] = [];
    const waited: number[] = [];
    for (let i = 0; i < 6; i++) {
      const from = h.sim.requests.length;
      await h.write(`inbox/seq-${i}.png`, makePng({ marker: 'AUTHENTA-SIM:real', padding: i + 1 }));
      const job = await h.waitForJob(`seq-${i}.png`, ['done']);
      perFile.push(queryCalls(from));
      waited.push(job.doneAt! - job.createdAt);
    }
    for (const c of perFile) expect(c).toBeLessThanOrEqual(2);
    // The first file waited for the 4 s default before its first look; the last one for what was learned.
    expect(waited[0]).toBeGreaterThanOrEqual(4_000);
    expect(waited[5]).toBeLessThan(waited[0]! * 0.6);
  });
});
