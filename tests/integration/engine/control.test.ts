/** What the user does to the queue: pause and resume (all, one folder), cancel and retry. */
import { afterEach, describe, expect, it } from 'vitest';
import { makePng } from '../../helpers/media-fixtures';
import { startHarness, type Harness } from '../../helpers/engine-harness';
import { JOB_STATES } from '../../../src/shared/domain';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

let n = 0;
const png = () => makePng({ marker: 'AUTHENTA-SIM:real', padding: ++n });
const posts = () => h.requests({ method: 'POST', route: '/media' }).length;

describe('pause and resume', () => {
  it('a paused queue sends nothing; resume sends everything', async () => {
    h = await startHarness();
    await h.watch('inbox');
    await h.engine.pauseAll();
    await h.write('inbox/a.png', png());
    await h.write('inbox/b.png', png());
    await h.waitForJob('b.png', ['queued']);
    await h.waitForJob('a.png', ['queued']);
    await h.engine.whenIdle();
    expect(posts()).toBe(0);
    expect((await h.engine.getStatus()).paused).toBe(true);
    await h.engine.resumeAll();
    await h.waitForJob('a.png', ['done']);
    await h.waitForJob('b.png', ['done']);
    expect((await h.engine.getStatus()).paused).toBe(false);
  });

  it('a paused folder waits (its files found on resume) while other folders go on', async () => {
    h = await startHarness();
    const a = await h.watch('a');
    await h.watch('b');
    await h.engine.pauseFolder(a.id);
    expect((await h.engine.getStatus()).folders.find((f) => f.id === a.id)?.health.state).toBe('paused');
    await h.write('a/held.png', png());
    await h.write('b/free.png', png());
    await h.waitForJob('free.png', ['done']);
    expect((await h.jobs()).map((j) => j.name)).toEqual(['free.png']);
    await h.engine.resumeFolder(a.id);
    await h.waitForJob('held.png', ['done']);
    const status = await h.engine.getStatus();
    expect(status.folders.find((f) => f.id === a.id)?.health.state).toBe('watching');
    expect((await h.settings.load()).folders.find((f) => f.id === a.id)?.paused).toBe(false);
  });
});

describe('cancel and retry', () => {
  it('cancels a queued file and checks it after all on retry', async () => {
    h = await startHarness();
    await h.watch('inbox');
    await h.engine.pauseAll();
    await h.write('inbox/a.png', png());
    const queued = await h.waitForJob('a.png', ['queued']);
    await h.engine.cancelJob(queued.id);
    const cancelled = await h.waitForJob('a.png', ['failed']);
    expect(cancelled).toMatchObject({ errorCode: 'CANCELLED' });
    expect((await h.engine.getJob(cancelled.id)).hint).toMatch(/cancelled/);
    await h.engine.resumeAll();
    await h.engine.retryJob(cancelled.id);
    expect(await h.waitForJob('a.png', ['done'])).toMatchObject({ id: queued.id, errorCode: null });
    expect(posts()).toBe(1);
  });

  it('aborts a call in flight: the job ends cancelled and nothing is uploaded', async () => {
    h = await startHarness();
    h.sim.faults.latencyMs = 3_000;
    await h.watch('inbox');
    await h.write('inbox/slow.png', png());
    const creating = await h.waitForJob('slow.png', ['creating']);
    await h.engine.cancelJob(creating.id);
    expect(await h.waitForJob('slow.png', ['failed'])).toMatchObject({ errorCode: 'CANCELLED' });
    expect(h.requests({ method: 'PUT' })).toHaveLength(0);
    h.sim.faults.latencyMs = 0;
    await expect(h.engine.cancelJob(creating.id)).rejects.toThrow(/already failed/);
  });

  it('a file cancelled while Authenta processes it is not sent again on retry: its verdict is fetched', async () => {
    h = await startHarness({ sim: { processingMs: 1_500 } });
    await h.watch('inbox');
    await h.write('inbox/a.png', png());
    const processing = await h.waitForJob('a.png', ['processing']);
    await h.engine.cancelJob(processing.id);
    await h.waitForJob('a.png', ['failed']);
    await h.engine.retryJob(processing.id);
    expect(await h.waitForJob('a.png', ['done'])).toMatchObject({ remoteId: processing.remoteId });
    expect(posts()).toBe(1);
    expect(h.requests({ method: 'PUT' })).toHaveLength(1);
  });

  it('refuses to retry a job that is still on its way, saying why', async () => {
    h = await startHarness();
    await h.watch('inbox');
    await h.engine.pauseAll();
    await h.write('inbox/a.png', png());
    const job = await h.waitForJob(
      'a.png',
      JOB_STATES.filter((s) => s !== 'waiting'),
    );
    await expect(h.engine.retryJob(job.id)).rejects.toThrow(/only failed, skipped or blocked/);
    await expect(h.engine.retryJob(9_999)).rejects.toThrow(/no job #9999/);
  });
});

describe('files that change or go before they are sent', () => {
  it('a queued file that changes is not sent in its old version; the new version is checked', async () => {
    h = await startHarness();
    await h.watch('inbox');
    await h.engine.pauseAll();
    const path = await h.write('inbox/a.png', png());
    const first = await h.waitForJob('a.png', ['queued']);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, makePng({ marker: 'AUTHENTA-SIM:fake', padding: 999 }));
    const old = await h.waitForJob((j) => j.id === first.id && j.state === 'failed', ['failed']);
    expect(old).toMatchObject({ errorCode: 'CHANGED' });
    expect(old.errorMessage).toMatch(/changed before it was sent; the new version is job #\d+/);
    await h.engine.resumeAll();
    const fresh = await h.waitForJob((j) => j.name === 'a.png' && j.id !== first.id, ['done']);
    expect(fresh.verdict?.label).toBe('fake');
    expect(posts()).toBe(1);
  });

  it('a queued file that is deleted fails with a message, without a call', async () => {
    h = await startHarness();
    await h.engine.pauseAll();
    const path = await h.write('drop/a.png', png());
    await h.engine.addPaths([path]);
    await h.waitForJob('a.png', ['queued']);
    const { rm } = await import('node:fs/promises');
    await rm(path);
    await h.engine.resumeAll();
    const job = await h.waitForJob('a.png');
    expect(job).toMatchObject({ state: 'failed', errorCode: 'VANISHED' });
    expect(job.errorMessage).toMatch(/moved or deleted before it was sent/);
    expect(h.sim.requests).toHaveLength(0);
  });
});

describe('the processing deadline', () => {
  it('gives up on a record unfinished after 30 minutes; a retry asks again and is not sent twice', async () => {
    h = await startHarness({ sim: { processingMs: 60_000 } });
    await h.watch('inbox');
    await h.write('inbox/slow.png', png());
    const processing = await h.waitForJob('slow.png', ['processing']);
    h.clock.advance(31 * 60_000);
    const failed = await h.waitForJob('slow.png', ['failed']);
    expect(failed).toMatchObject({ errorCode: 'DEADLINE', remoteId: processing.remoteId });
    expect(failed.errorMessage).toMatch(/30 minutes/);
    expect((await h.engine.getJob(failed.id)).hint).toMatch(/not sent or paid for twice/);
    await h.engine.retryJob(failed.id);
    expect(await h.waitForJob('slow.png', ['processing'])).toMatchObject({ remoteId: processing.remoteId });
    expect(posts()).toBe(1);
    expect(h.requests({ method: 'PUT' })).toHaveLength(1);
  });
});

describe('sleep and wake', () => {
  it('sends nothing while the system sleeps, without showing the queue as paused; on wake it finds what came meanwhile', async () => {
    h = await startHarness();
    await h.watch('inbox');
    await h.engine.suspend();
    await h.write('inbox/a.png', png());
    await h.waitForJob('a.png', ['queued']);
    await h.engine.whenIdle();
    expect(posts()).toBe(0);
    expect((await h.engine.getStatus()).paused).toBe(false);
    await h.engine.resume();
    await h.waitForJob('a.png', ['done']);
  });
});
