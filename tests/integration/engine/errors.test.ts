/**
 * Every kind of API trouble, against the real simulator, counting the calls made afterwards:
 * no call of a blocked kind until the cause is cleared, then everything finishes. Runs once per
 * API generation (GENERATIONS); `h.api` names what differs (error codes, routes, credentials).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makePng } from '../../helpers/media-fixtures';
import {
  apiDialect,
  GENERATIONS,
  SIM_PROFILE_ID,
  startHarness,
  type Harness,
} from '../../helpers/engine-harness';
import { createServiceForGeneration } from '../../../src/main/core/api/detect-generation';
import { secretValues } from '../../../src/main/common/credentials';
import { startSimulator, type Simulator } from '../../../src/main/sim';
import { JOB_STATES, type Job } from '../../../src/shared/domain';

let h: Harness;
let extraSim: Simulator | null = null;
afterEach(async () => {
  await h?.close();
  await extraSim?.close();
  extraSim = null;
});

const COOLDOWN = 15 * 60_000;
/** Distinct image bytes: `n` pads them differently. */
const png = (n: number, m = 'real') => makePng({ marker: `AUTHENTA-SIM:${m}`, padding: n + 1 });

let dropped = 0;
/** Write files with distinct bytes into the watched inbox. */
async function drop(names: string[]): Promise<void> {
  for (const n of names) await h.write(`inbox/${n}`, png(dropped++));
}
const states = async () => (await h.jobs()).map((j) => j.state).sort();
/** A pause for a negative check: nothing may happen during it. */
const quietly = (ms = 600) => new Promise((r) => setTimeout(r, ms));
const ok = (status: number) => status >= 200 && status < 300;

describe.each(GENERATIONS)('$label', ({ generation }) => {
  const api = apiDialect(generation);

  describe('credentials and permissions: stop everything and ask', () => {
    it(`${api.codes.auth}: one call, then nothing until new credentials; then it finishes`, async () => {
      h = await startHarness({ generation, auth: (sim, a) => a.wrongCredentials(sim) });
      const wrong = api.wrongCredentials(h.sim);
      await h.watch('inbox');
      await drop(['a.png', 'b.png', 'c.png']);
      await h.waitFor(async () => (await h.engine.getStatus()).blocks.some((b) => b.kind === 'auth'), {
        message: 'auth block',
      });
      await h.waitForJob('c.png', JOB_STATES);
      await h.engine.whenIdle();
      expect(h.creates()).toBe(1);
      expect(h.requests({ method: 'GET' })).toHaveLength(0);
      const status = await h.engine.getStatus();
      expect(status.blocks[0]).toMatchObject({ kind: 'auth', code: api.codes.auth, retryAt: null });
      expect(status.blocks[0]?.action).toMatch(/client ID and secret \(or API key\)/);
      const blocked = (await h.jobs()).find((j) => j.state === 'blocked')!;
      expect((await h.engine.getJob(blocked.id)).hint).toMatch(/\(Account\), then resume the queue/);

      const right = api.credentials(h.sim);
      await h.engine.setSecret(SIM_PROFILE_ID, api.secretInput(right));
      await h.waitFor(async () => (await states()).every((s) => s === 'done'), { message: 'all done' });
      expect(h.creates()).toBe(4);
      expect((await h.engine.getStatus()).blocks).toEqual([]);
      // The secret the user typed never shows up in a log line or a profile.
      const text = h.logs.text();
      for (const secret of [...secretValues(right), ...secretValues(wrong)]) {
        expect(text).not.toContain(secret);
        expect(JSON.stringify(await h.engine.listProfiles())).not.toContain(secret);
      }
    });

    it(`${api.codes.permission}: a key without write permission stops everything; another key resumes it`, async () => {
      h = await startHarness({
        generation,
        auth: (sim, a) => a.restrictedCredentials(sim, 'reader', ['read']),
      });
      await h.watch('inbox');
      await drop(['a.png', 'b.png']);
      await h.waitForJob('b.png', JOB_STATES);
      await h.engine.whenIdle();
      expect(h.creates()).toBe(1);
      expect((await h.engine.getStatus()).blocks).toMatchObject([
        { kind: 'permission', code: api.codes.permission },
      ]);
      await h.engine.setSecret(SIM_PROFILE_ID, api.secretInput(api.credentials(h.sim)));
      await h.waitFor(async () => (await states()).join() === 'done,done', { message: 'all done' });
      expect(h.creates()).toBe(3);
    });
  });

  describe.skipIf(!api.quotas)(
    'quotas: stop the exhausted kind, check again with a single call after the cool-down (only where the API has call quotas: the Jobs API has no AA001)',
    () => {
      it('AA001 on POST: no further POST until the cool-down, one POST tests it, the rest follow', async () => {
        // One upload at a time, so that no second POST is already on its way when the first AA001 comes back.
        h = await startHarness({ generation, preferences: { concurrency: 1 } });
        h.sim.setQuota({ mutation: 2 });
        await h.watch('inbox');
        await drop(['a.png', 'b.png', 'c.png', 'd.png']);
        await h.waitFor(async () => (await states()).join() === 'blocked,done,done,queued', {
          message: '2 done, 1 blocked',
        });
        const status = await h.engine.getStatus();
        expect(status.blocks).toMatchObject([{ kind: 'quota-mutation', code: 'AA001' }]);
        expect(status.blocks[0]!.retryAt).toBe(status.blocks[0]!.since + COOLDOWN);
        expect(status.callsToday.mutation).toBe(3);
        const before = h.creates();
        expect(before).toBe(3);
        await quietly();
        expect(h.creates()).toBe(before);

        h.sim.resetQuotaWindow();
        const from = h.sim.requests.length;
        h.clock.advance(COOLDOWN);
        await h.waitFor(async () => (await states()).every((s) => s === 'done'), { message: 'all done' });
        // Exactly the two files left: one POST tested the quota, the other followed.
        expect(h.creates(from)).toBe(2);
        expect((await h.engine.getStatus()).blocks).toEqual([]);
      });

      it('AA001 on POST, then a restart within the cool-down: no POST spent to find out again; one after it (issue 9, item 2)', async () => {
        h = await startHarness({ generation, preferences: { concurrency: 1 } });
        h.sim.setQuota({ mutation: 1 });
        await h.watch('inbox');
        await drop(['a.png', 'b.png', 'c.png']);
        await h.waitFor(async () => (await states()).join() === 'blocked,done,queued', {
          message: '1 done, 1 blocked',
        });
        const before = h.sim.counts().mutation;
        await h.restart();
        await h.waitFor(async () => (await h.engine.getStatus()).blocks.length > 0, { message: 'the block' });
        await quietly();
        expect(h.sim.counts().mutation).toBe(before);
        const status = await h.engine.getStatus();
        expect(status.blocks).toMatchObject([{ kind: 'quota-mutation', code: 'AA001' }]);
        expect(status.blocks[0]!.retryAt).toBeGreaterThan(Date.now() + COOLDOWN - 60_000);
        expect((await states()).join()).toBe('blocked,done,queued');

        h.sim.resetQuotaWindow();
        h.sim.setQuota({});
        h.clock.advance(COOLDOWN);
        await h.waitFor(async () => (await states()).every((s) => s === 'done'), { message: 'all done' });
        expect(h.sim.counts().mutation).toBe(before + 2);
      });

      it('AA001 on GET: polling stops, uploads go on; after the cool-down one list call checks, then verdicts come', async () => {
        h = await startHarness({ generation });
        h.sim.setQuota({ query: 0 });
        await h.watch('inbox');
        await drop(['a.png', 'b.png']);
        await h.waitFor(
          async () => (await h.engine.getStatus()).blocks.some((b) => b.kind === 'quota-query'),
          { message: 'query block' },
        );
        await h.waitFor(async () => (await states()).join() === 'processing,processing', {
          message: 'both uploaded',
        });
        const q = h.queries();
        expect(q).toBe(1);
        await quietly();
        expect(h.queries()).toBe(q);

        h.sim.setQuota({});
        const from = h.sim.requests.length;
        h.clock.advance(COOLDOWN);
        await h.waitFor(async () => (await states()).join() === 'done,done', { message: 'verdicts' });
        const after = h.requests({ from }).filter((r) => r.method === 'GET');
        expect(after[0]).toMatchObject({ route: api.listRoute, status: 200 });
        expect(after.length).toBeLessThanOrEqual(3);
      });
    },
  );

  describe('credits: stop where processing would start', () => {
    it(`${api.codes.credits} at create: no new record until the user resumes; files already sent still get verdicts`, async () => {
      h = await startHarness({ generation });
      h.sim.setCredits(1);
      await h.watch('inbox');
      await drop(['a.png']);
      await h.waitForJob('a.png', ['done']);
      await drop(['b.png']);
      await h.waitForJob('b.png', JOB_STATES);
      await h.engine.whenIdle();
      expect(h.creates()).toBe(2);
      expect((await h.engine.getStatus()).blocks).toMatchObject([
        { kind: 'credits', code: api.codes.credits, retryAt: null },
      ]);
      // A file arriving while blocked waits in the queue without a call.
      await drop(['c.png']);
      await h.waitForJob('c.png', ['queued']);
      await h.engine.whenIdle();
      expect(h.creates()).toBe(2);
      expect(await states()).toEqual(['blocked', 'done', 'queued']);

      h.sim.setCredits(null);
      await h.engine.resumeAll();
      await h.waitFor(async () => (await states()).join() === 'done,done,done', { message: 'all done' });
      expect(h.creates()).toBe(4);
    });

    it.skipIf(!api.finalizeRoute)(
      `${api.codes.credits} at finalize: the job keeps its bytes and is finalized again on resume, never uploaded twice (only where processing starts with a finalize call: the media API has none)`,
      async () => {
        h = await startHarness({
          generation,
          engine: {
            serviceFactory: (profile, credentials) => {
              const real = createServiceForGeneration(profile.generation, {
                baseUrl: profile.baseUrl,
                credentials,
              });
              // The balance runs out while the first file's bytes go up: its record exists, its finalize is refused.
              const upload = real.upload.bind(real);
              real.upload = async (target, file, options) => {
                const receipt = await upload(target, file, options);
                h.sim.setCredits(0);
                return receipt;
              };
              return real;
            },
          },
        });
        await h.watch('inbox');
        await drop(['a.png']);
        await h.waitForJob('a.png', ['blocked']);
        await h.engine.whenIdle();
        const status = await h.engine.getStatus();
        expect(status.blocks).toMatchObject([{ kind: 'credits', code: api.codes.credits, retryAt: null }]);
        const blocked = (await h.jobs())[0]!;
        expect(blocked.remoteId).toMatch(api.remoteId);
        expect((await h.engine.getJob(blocked.id)).hint).toMatch(/Buy credits/);
        expect(h.requests({ method: 'POST', route: api.finalizeRoute! }).map((r) => r.status)).toEqual([402]);

        h.sim.setCredits(null);
        await h.engine.resumeAll();
        const done = await h.waitForJob('a.png', ['done']);
        expect(done).toMatchObject({
          id: blocked.id,
          remoteId: blocked.remoteId,
          verdict: { label: 'authentic' },
        });
        expect(h.creates()).toBe(1);
        expect(h.puts({ ok: true })).toHaveLength(1);
        expect(h.requests({ method: 'POST', route: api.finalizeRoute! }).map((r) => r.status)).toEqual([
          402, 200,
        ]);
        const timeline = (await h.engine.getJob(done.id)).timeline.map((t) => t.state);
        expect(timeline).toEqual([
          'waiting',
          'queued',
          'creating',
          'uploading',
          'finalizing',
          'blocked',
          'finalizing',
          'processing',
          'done',
        ]);
      },
    );
  });

  describe('upload URLs that expire', () => {
    it('a URL the storage refuses as expired: a new record, uploaded once', async () => {
      let firstUpload = true;
      h = await startHarness({
        generation,
        sim: { urlExpirySec: 1 },
        engine: {
          // This computer's clock runs behind: it believes the first URL is good for another minute.
          serviceFactory: (profile, credentials) => {
            const real = createServiceForGeneration(profile.generation, {
              baseUrl: profile.baseUrl,
              credentials,
            });
            const create = real.create.bind(real);
            const upload = real.upload.bind(real);
            real.create = async (input, signal) => {
              const r = await create(input, signal);
              return { ...r, expiresAt: r.expiresAt + 60_000 };
            };
            real.upload = async (target, file, options) => {
              if (firstUpload) {
                firstUpload = false;
                await new Promise((res) => setTimeout(res, 2_100));
                h.sim.faults.urlExpirySec = 900;
              }
              return upload(target, file, options);
            };
            return real;
          },
        },
      });
      await h.watch('inbox');
      await drop(['late.png']);
      const job = await h.waitForJob('late.png');
      expect(job.state).toBe('done');
      expect(h.creates()).toBe(2);
      const puts = h.puts();
      expect(puts.map((p) => p.status)).toEqual([403, 200]);
      expect(puts[0]!.code).toBe('AccessDenied');
      const timeline = (await h.engine.getJob(job.id)).timeline;
      expect(timeline.map((t) => t.state)).toEqual([
        'waiting',
        'queued',
        'creating',
        'uploading',
        ...api.sendStates,
        'done',
      ]);
      expect(timeline.find((t) => t.note?.includes('asking for a new record'))?.note).toMatch(/expired/);
      // The record created in vain is counted in the report.
      const report = JSON.parse(await h.engine.exportReport({}, 'json')) as {
        jobs: { name: string; extraRecords: number }[];
      };
      expect(report.jobs.find((j) => j.name === 'late.png')?.extraRecords).toBe(1);
    });

    it('a short-lived URL (5 s) is used while it is valid: one record, one upload, nothing extra (issue 9, item 9)', async () => {
      // Under the 10 s margin issue 9 removed, so a URL thrown away early still fails this test.
      // (The simulator signs whole seconds: a 2 s URL lived 1 to 2 s, which a loaded machine could miss.)
      h = await startHarness({ generation, sim: { urlExpirySec: 5 } });
      await h.watch('inbox');
      await drop(['a.png']);
      const job = await h.waitForJob('a.png');
      expect(job.state).toBe('done');
      expect(h.creates()).toBe(1);
      expect(h.puts({ ok: true })).toHaveLength(1);
      const report = JSON.parse(await h.engine.exportReport({}, 'json')) as {
        jobs: { name: string; extraRecords: number }[];
      };
      expect(report.jobs.find((j) => j.name === 'a.png')?.extraRecords).toBe(0);
    });

    it('URLs the storage refuses every time: the file fails with what to check, without looping', async () => {
      // expiresIn 0: every URL is expired when it arrives, and the storage refuses it.
      h = await startHarness({ generation, sim: { urlExpirySec: 0 } });
      await h.watch('inbox');
      await drop(['a.png']);
      const job = await h.waitForJob('a.png');
      expect(job).toMatchObject({ state: 'failed', errorCode: 'URL_EXPIRED' });
      expect(job.errorMessage).toMatch(/clock/);
      expect(h.creates()).toBe(4);
      expect(h.puts({ ok: true })).toHaveLength(0);
    });
  });

  describe('transient failures', () => {
    it('a burst of 500s: retried with backoff, each file ends done with one upload', async () => {
      h = await startHarness({ generation, engine: { random: () => 0 } });
      h.sim.faults.serverErrorBurst = 3;
      await h.watch('inbox');
      await drop(['a.png', 'b.png']);
      const jobs = await Promise.all(['a.png', 'b.png'].map((n) => h.waitForJob(n)));
      expect(jobs.map((j) => j.state)).toEqual(['done', 'done']);
      expect(Object.values(h.sim.counts().puts)).toEqual([1, 1]);
      const failed = h.sim.requests.filter((r) => r.status >= 500);
      expect(failed).toHaveLength(3);
      const timelines = await Promise.all(jobs.map((j) => h.engine.getJob(j.id)));
      expect(timelines.some((t) => t.timeline.some((e) => e.note?.includes('retrying at')))).toBe(true);
    });

    it('the network is down: an offline block with its next try; when it is back, everything goes on', async () => {
      h = await startHarness({ generation });
      const port = h.sim.port;
      await h.sim.close();
      await h.watch('inbox');
      await drop(['a.png', 'b.png']);
      const block = await h.waitFor(
        async () => (await h.engine.getStatus()).blocks.find((b) => b.kind === 'offline'),
        { message: 'offline block' },
      );
      expect(block.retryAt).toBeGreaterThan(block.since);
      expect(block.code).toBe('NETWORK');
      extraSim = await startSimulator({ port, processingMs: 300 });
      await h.waitFor(async () => (await states()).join() === 'done,done', {
        message: 'all done',
        timeoutMs: 45_000,
      });
      expect(extraSim.counts().posts).toBe(2);
      expect((await h.engine.getStatus()).blocks).toEqual([]);
    });
  });

  describe('deleting the remote record', () => {
    it('deletes it and keeps the verdict; a key without delete permission fails only the delete', async () => {
      h = await startHarness({
        generation,
        auth: (sim, a) => a.restrictedCredentials(sim, 'writer', ['read', 'write']),
      });
      await h.watch('inbox');
      await drop(['a.png']);
      const job = await h.waitForJob('a.png', ['done']);
      await expect(h.engine.deleteRemote(job.id)).rejects.toMatchObject({ code: api.codes.permission });
      const after: Job = (await h.engine.getJob(job.id)).job;
      expect(after).toMatchObject({ state: 'done', errorCode: api.codes.permission, verdict: job.verdict });
      expect((await h.engine.getStatus()).blocks).toEqual([]);
      // The queue goes on.
      await drop(['b.png']);
      await h.waitForJob('b.png', ['done']);

      await h.engine.setSecret(SIM_PROFILE_ID, api.secretInput(api.credentials(h.sim)));
      await h.engine.deleteRemote(job.id);
      const deletes = h.requests({ method: 'DELETE' });
      expect(deletes.map((d) => (ok(d.status) ? 'deleted' : d.status))).toEqual([403, 'deleted']);
      expect((await h.engine.getJob(job.id)).timeline.at(-1)?.note).toMatch(/deleted on Authenta/);
      expect((await h.engine.getJob(job.id)).job.verdict).toEqual(job.verdict);
    });
  });
});

describe('the media API with an API key', () => {
  it('INSUFFICIENT_BALANCE: the same stop as U007, cleared by resume', async () => {
    h = await startHarness({ generation: 'media-apikey' });
    h.sim.setCredits(0);
    await h.watch('inbox');
    await drop(['a.png']);
    await h.waitForJob('a.png', JOB_STATES);
    await h.engine.whenIdle();
    expect((await h.engine.getStatus()).blocks).toMatchObject([
      { kind: 'credits', code: 'INSUFFICIENT_BALANCE' },
    ]);
    expect(h.creates()).toBe(1);
    h.sim.setCredits(null);
    await h.engine.resumeAll();
    expect(await h.waitForJob('a.png', ['done'])).toMatchObject({ generation: 'media-apikey' });
  });
});
