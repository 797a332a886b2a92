/**
 * Polling spares the Query quota (authenta-api.md, "Quotas"): the calls are counted where the
 * API would count them, in the simulator's request log. Runs once per API generation: the media
 * API is read through `GET /media` pages, the Jobs API through `status=` filtered pages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeMp4, makePng } from '../../helpers/media-fixtures';
import { apiDialect, GENERATIONS, startHarness, type Harness } from '../../helpers/engine-harness';
import { createServiceForGeneration } from '../../../src/main/core/api/detect-generation';
import { hasStatusListing } from '../../../src/main/core/pipeline/counting-service';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe.each(GENERATIONS)('$label', ({ generation }) => {
  const api = apiDialect(generation);

  describe('polling', () => {
    it('24 images pending together: at most 0.5 Query calls per image', async () => {
      h = await startHarness({ generation, sim: { processingMs: 1_000 } });
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
      const calls = h.queries(from);
      expect(calls).toBeGreaterThan(0);
      expect(calls / 24).toBeLessThanOrEqual(0.5);
      // Every call is one the status bar counted.
      const status = await h.engine.getStatus();
      expect(status.callsToday.query).toBe(h.queries());
      expect(status.callsToday.mutation).toBe(24 * api.mutationsPerFile);
      expect(h.requests({ method: 'POST' })).toHaveLength(24 * api.mutationsPerFile);
    });

    it('a lone image: at most 2 Query calls', async () => {
      h = await startHarness({ generation, sim: { processingMs: 800 } });
      await h.watch('inbox');
      await h.write('inbox/alone.png', makePng({ marker: 'AUTHENTA-SIM:fake' }));
      await h.waitForJob('alone.png', ['done']);
      expect(h.queries()).toBeLessThanOrEqual(2);
    });

    it('videos: at most 1.5 Query calls each, the full record included', async () => {
      h = await startHarness({ generation, sim: { processingMs: 800 } });
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
      expect(h.queries() / 4).toBeLessThanOrEqual(1.5);
    });

    it('learns how long files take: a run of single files settles at about one call each', async () => {
      h = await startHarness({
        generation,
        sim: { processingMs: 600 },
        engine: { pollTuning: { defaultImageMs: 4_000 } },
      });
      await h.watch('inbox');
      const perFile: number[] = [];
      const waited: number[] = [];
      for (let i = 0; i < 6; i++) {
        const from = h.sim.requests.length;
        await h.write(`inbox/seq-${i}.png`, makePng({ marker: 'AUTHENTA-SIM:real', padding: i + 1 }));
        const job = await h.waitForJob(`seq-${i}.png`, ['done']);
        perFile.push(h.queries(from));
        waited.push(job.doneAt! - job.createdAt);
      }
      for (const c of perFile) expect(c).toBeLessThanOrEqual(2);
      // The first file waited for the 4 s default before its first look; the last one for what was learned.
      expect(waited[0]).toBeGreaterThanOrEqual(4_000);
      expect(waited[5]).toBeLessThan(waited[0]! * 0.6);
    });

    it.skipIf(!api.finalizeRoute)(
      'reads only finished jobs where the API filters by status (status=completed, then status=failed; only the Jobs API filters)',
      async () => {
        const listed: string[] = [];
        h = await startHarness({
          generation,
          sim: { processingMs: 1_000 },
          engine: {
            serviceFactory: (profile, credentials) => {
              const real = createServiceForGeneration(profile.generation, {
                baseUrl: profile.baseUrl,
                credentials,
              });
              if (!hasStatusListing(real)) throw new Error('the Jobs API adapter filters by status');
              const byStatus = real.listByStatus.bind(real);
              const list = real.list.bind(real);
              real.listByStatus = (status, page, signal) => {
                listed.push(status);
                return byStatus(status, page, signal);
              };
              real.list = (page, signal) => {
                listed.push('(all)');
                return list(page, signal);
              };
              return real;
            },
          },
        });
        await h.watch('inbox');
        await Promise.all(
          [0, 1, 2, 3, 4, 5].map((i) =>
            h.write(
              `inbox/m-${i}.png`,
              makePng({ marker: `AUTHENTA-SIM:${i === 5 ? 'fail' : 'real'}`, padding: i + 1 }),
            ),
          ),
        );
        await h.waitFor(
          async () => {
            const jobs = await h.jobs();
            return jobs.length === 6 && jobs.every((j) => j.state === 'done' || j.state === 'failed');
          },
          { message: 'every outcome' },
        );
        expect((await h.jobs()).map((j) => j.state).sort()).toEqual([
          'done',
          'done',
          'done',
          'done',
          'done',
          'failed',
        ]);
        expect(listed).toContain('completed');
        expect(listed).toContain('failed');
        expect(listed.filter((s) => s !== 'completed' && s !== 'failed')).toEqual([]);
        expect(h.queries() / 6).toBeLessThanOrEqual(1);
      },
    );
  });
});
