/**
 * Every kind of API trouble, against the real simulator, counting the calls made afterwards:
 * no call of a blocked kind until the cause is cleared, then everything finishes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makePng } from '../../helpers/media-fixtures';
import { SIM_PROFILE_ID, startHarness, type Harness } from '../../helpers/engine-harness';
import { createDetectionService } from '../../../src/main/core/api/media-service';
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
const posts = () => h.requests({ method: 'POST', route: '/media' }).length;
const queries = (from = 0) =>
  h.requests({ method: 'GET', from }).filter((r) => r.route.startsWith('/media')).length;
const states = async () => (await h.jobs()).map((j) => j.state).sort();
/** A pause for a negative check: nothing may happen during it. */
const quietly = (ms = 600) => new Promise((r) => setTimeout(r, ms));

describe('credentials and permissions: stop everything and ask', () => {
  it('IAM001: one call, then nothing until new credentials; then it finishes', async () => {
    const wrong = {
      kind: 'client' as const,
      clientId: 'sim-demo-client',
      clientSecret: 'wrong-secret-0123456789',
    };
    h = await startHarness({ auth: wrong });
    await h.watch('inbox');
    await drop(['a.png', 'b.png', 'c.png']);
    await h.waitFor(async () => (await h.engine.getStatus()).blocks.some((b) => b.kind === 'auth'), {
      message: 'auth block',
    });
    await h.waitForJob('c.png', JOB_STATES);
    await h.engine.whenIdle();
    expect(posts()).toBe(1);
    expect(h.requests({ method: 'GET' })).toHaveLength(0);
    const status = await h.engine.getStatus();
    expect(status.blocks[0]).toMatchObject({ kind: 'auth', code: 'IAM001', retryAt: null });
    expect(status.blocks[0]?.action).toMatch(/client ID and secret/);
    const blocked = (await h.jobs()).find((j) => j.state === 'blocked')!;
    expect((await h.engine.getJob(blocked.id)).hint).toMatch(/client ID and secret/);

    await h.engine.setSecret(SIM_PROFILE_ID, {
      clientId: h.sim.credentials.clientId,
      clientSecret: h.sim.credentials.clientSecret,
    });
    await h.waitFor(async () => (await states()).every((s) => s === 'done'), { message: 'all done' });
    expect(posts()).toBe(4);
    expect((await h.engine.getStatus()).blocks).toEqual([]);
    // The secret the user typed never shows up in a log line or a profile.
    const text = h.logs.text();
    expect(text).not.toContain(h.sim.credentials.clientSecret);
    expect(text).not.toContain(wrong.clientSecret);
    expect(JSON.stringify(await h.engine.listProfiles())).not.toContain(h.sim.credentials.clientSecret);
  });

  it('IAM002: a key without write permission stops everything; another key resumes it', async () => {
    h = await startHarness({
      auth: { kind: 'client', clientId: 'reader', clientSecret: 'reader-secret-0123456789' },
    });
    h.sim.addCredentials({
      clientId: 'reader',
      clientSecret: 'reader-secret-0123456789',
      permissions: ['read'],
    });
    await h.watch('inbox');
    await drop(['a.png', 'b.png']);
    await h.waitForJob('b.png', JOB_STATES);
    await h.engine.whenIdle();
    expect(posts()).toBe(1);
    expect((await h.engine.getStatus()).blocks).toMatchObject([{ kind: 'permission', code: 'IAM002' }]);
    await h.engine.setSecret(SIM_PROFILE_ID, { ...h.sim.credentials });
    await h.waitFor(async () => (await states()).join() === 'done,done', { message: 'all done' });
    expect(posts()).toBe(3);
  });
});

describe('quotas: stop the exhausted kind, check again with a single call after the cool-down', () => {
  it('AA001 on POST: no further POST until the cool-down, one POST tests it, the rest follow', async () => {
    // One upload at a time, so that no second POST is already on its way when the first AA001 comes back.
    h = await startHarness({ preferences: { concurrency: 1 } });
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
    const before = posts();
    expect(before).toBe(3);
    await quietly();
    expect(posts()).toBe(before);

    h.sim.resetQuotaWindow();
    const from = h.sim.requests.length;
    h.clock.advance(COOLDOWN);
    await h.waitFor(async () => (await states()).every((s) => s === 'done'), { message: 'all done' });
    // Exactly the two files left: one POST tested the quota, the other followed.
    expect(h.requests({ method: 'POST', from })).toHaveLength(2);
    expect((await h.engine.getStatus()).blocks).toEqual([]);
  });

  it('AA001 on GET: polling stops, uploads go on; after the cool-down one GET /media checks, then verdicts come', async () => {
    h = await startHarness();
    h.sim.setQuota({ query: 0 });
    await h.watch('inbox');
    await drop(['a.png', 'b.png']);
    await h.waitFor(async () => (await h.engine.getStatus()).blocks.some((b) => b.kind === 'quota-query'), {
      message: 'query block',
    });
    await h.waitFor(async () => (await states()).join() === 'processing,processing', {
      message: 'both uploaded',
    });
    const q = queries();
    expect(q).toBe(1);
    await quietly();
    expect(queries()).toBe(q);

    h.sim.setQuota({});
    const from = h.sim.requests.length;
    h.clock.advance(COOLDOWN);
    await h.waitFor(async () => (await states()).join() === 'done,done', { message: 'verdicts' });
    const after = h.requests({ from }).filter((r) => r.method === 'GET');
    expect(after[0]).toMatchObject({ route: '/media', status: 200 });
    expect(after.length).toBeLessThanOrEqual(3);
  });
});

describe('credits: stop creating records', () => {
  it('U007: no new record until the user resumes; files already sent still get verdicts', async () => {
    h = await startHarness();
    h.sim.setCredits(1);
    await h.watch('inbox');
    await drop(['a.png']);
    await h.waitForJob('a.png', ['done']);
    await drop(['b.png']);
    await h.waitForJob('b.png', JOB_STATES);
    await h.engine.whenIdle();
    expect(posts()).toBe(2);
    expect((await h.engine.getStatus()).blocks).toMatchObject([
      { kind: 'credits', code: 'U007', retryAt: null },
    ]);
    // A file arriving while blocked waits in the queue without a call.
    await drop(['c.png']);
    await h.waitForJob('c.png', ['queued']);
    await h.engine.whenIdle();
    expect(posts()).toBe(2);
    expect(await states()).toEqual(['blocked', 'done', 'queued']);

    h.sim.setCredits(null);
    await h.engine.resumeAll();
    await h.waitFor(async () => (await states()).join() === 'done,done,done', { message: 'all done' });
    expect(posts()).toBe(4);
  });

  it('INSUFFICIENT_BALANCE (API key): the same stop, cleared by resume', async () => {
    h = await startHarness({ auth: 'apikey' });
    h.sim.setCredits(0);
    await h.watch('inbox');
    await drop(['a.png']);
    await h.waitForJob('a.png', JOB_STATES);
    await h.engine.whenIdle();
    expect((await h.engine.getStatus()).blocks).toMatchObject([
      { kind: 'credits', code: 'INSUFFICIENT_BALANCE' },
    ]);
    expect(posts()).toBe(1);
    h.sim.setCredits(null);
    await h.engine.resumeAll();
    expect(await h.waitForJob('a.png', ['done'])).toMatchObject({ generation: 'media-apikey' });
  });
});

describe('upload URLs that expire', () => {
  it('a URL the storage refuses as expired: a new record, uploaded once', async () => {
    let firstUpload = true;
    h = await startHarness({
      sim: { urlExpirySec: 1 },
      engine: {
        // This computer's clock runs behind: it believes the first URL is good for another minute.
        serviceFactory: (profile, credentials) => {
          const real = createDetectionService({ baseUrl: profile.baseUrl, credentials });
          return {
            generation: real.generation,
            create: async (input, signal) => {
              const r = await real.create(input, signal);
              return { ...r, expiresAt: r.expiresAt + 60_000 };
            },
            upload: async (target, file, options) => {
              if (firstUpload) {
                firstUpload = false;
                await new Promise((res) => setTimeout(res, 2_100));
                h.sim.faults.urlExpirySec = 900;
              }
              return real.upload(target, file, options);
            },
            get: (id, s) => real.get(id, s),
            list: (p, s) => real.list(p, s),
            remove: (id, s) => real.remove(id, s),
          };
        },
      },
    });
    await h.watch('inbox');
    await drop(['late.png']);
    const job = await h.waitForJob('late.png');
    expect(job.state).toBe('done');
    expect(posts()).toBe(2);
    const puts = h.requests({ method: 'PUT' });
    expect(puts.map((p) => p.status)).toEqual([403, 200]);
    expect(puts[0]!.code).toBe('AccessDenied');
    const timeline = (await h.engine.getJob(job.id)).timeline;
    expect(timeline.map((t) => t.state)).toEqual([
      'waiting',
      'queued',
      'creating',
      'uploading',
      'creating',
      'uploading',
      'processing',
      'done',
    ]);
    expect(timeline.find((t) => t.note?.includes('asking for a new record'))?.note).toMatch(/expired/);
  });

  it('URLs that are always too short to use: the file fails with what to check, without looping', async () => {
    h = await startHarness({ sim: { urlExpirySec: 2 } });
    await h.watch('inbox');
    await drop(['a.png']);
    const job = await h.waitForJob('a.png');
    expect(job).toMatchObject({ state: 'failed', errorCode: 'URL_EXPIRED' });
    expect(job.errorMessage).toMatch(/clock/);
    expect(posts()).toBe(4);
    expect(h.requests({ method: 'PUT' })).toHaveLength(0);
  });
});

describe('transient failures', () => {
  it('a burst of 500s: retried with backoff, each file ends done with one upload', async () => {
    h = await startHarness({ engine: { random: () => 0 } });
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
    h = await startHarness();
    const port = h.sim.port;
    await h.sim.close();
    await h.watch('inbox');
    await drop(['a.png', 'b.png']);
    const block = await h.waitFor(
      async () => (await h.engine.getStatus()).blocks.find((b) => b.kind === 'offline'),
      {
        message: 'offline block',
      },
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
      auth: { kind: 'client', clientId: 'writer', clientSecret: 'writer-secret-0123456789' },
    });
    h.sim.addCredentials({
      clientId: 'writer',
      clientSecret: 'writer-secret-0123456789',
      permissions: ['read', 'write'],
    });
    await h.watch('inbox');
    await drop(['a.png']);
    const job = await h.waitForJob('a.png', ['done']);
    await expect(h.engine.deleteRemote(job.id)).rejects.toMatchObject({ code: 'IAM002' });
    const after: Job = (await h.engine.getJob(job.id)).job;
    expect(after).toMatchObject({ state: 'done', errorCode: 'IAM002', verdict: job.verdict });
    expect((await h.engine.getStatus()).blocks).toEqual([]);
    // The queue goes on.
    await drop(['b.png']);
    await h.waitForJob('b.png', ['done']);

    await h.engine.setSecret(SIM_PROFILE_ID, { ...h.sim.credentials });
    await h.engine.deleteRemote(job.id);
    const deletes = h.requests({ method: 'DELETE' });
    expect(deletes.map((d) => d.status)).toEqual([403, 200]);
    expect((await h.engine.getJob(job.id)).timeline.at(-1)?.note).toMatch(/deleted on Authenta/);
    expect((await h.engine.getJob(job.id)).job.verdict).toEqual(job.verdict);
  });
});
