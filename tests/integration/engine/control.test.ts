/**
 * What the user does to the queue: pause and resume (all, one folder), cancel and retry. Runs
 * once per API generation; where the API can stop processing (the Jobs API's cancel), a cancel
 * stops it on Authenta too.
 */
import { writeFile, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { makePng } from '../../helpers/media-fixtures';
import { apiDialect, GENERATIONS, startHarness, type Harness } from '../../helpers/engine-harness';
import { JOB_STATES } from '../../../src/shared/domain';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

let n = 0;
const png = () => makePng({ marker: 'AUTHENTA-SIM:real', padding: ++n });

describe.each(GENERATIONS)('$label', ({ generation }) => {
  const api = apiDialect(generation);
  /** Cancel calls sent to Authenta (the Jobs API's `POST /v1/jobs/{id}/cancel`). */
  const remoteCancels = () => h.requests({ method: 'POST' }).filter((r) => r.route.endsWith('/cancel'));
  /** A record's status as Authenta (the simulator) reports it to anyone who asks. */
  const remoteStatus = async (remoteId: string): Promise<string | undefined> => {
    const c = api.credentials(h.sim);
    const headers: Record<string, string> =
      c.kind === 'client'
        ? { 'x-client-id': c.clientId, 'x-client-secret': c.clientSecret }
        : { authorization: `Bearer ${c.apiKey}` };
    const res = await fetch(`${h.sim.url}${api.recordRoute.replace(/:\w+$/, remoteId)}`, { headers });
    return ((await res.json()) as { status?: string }).status;
  };

  describe('pause and resume', () => {
    it('a paused queue sends nothing; resume sends everything', async () => {
      h = await startHarness({ generation });
      await h.watch('inbox');
      await h.engine.pauseAll();
      await h.write('inbox/a.png', png());
      await h.write('inbox/b.png', png());
      await h.waitForJob('b.png', ['queued']);
      await h.waitForJob('a.png', ['queued']);
      await h.engine.whenIdle();
      expect(h.creates()).toBe(0);
      expect((await h.engine.getStatus()).paused).toBe(true);
      await h.engine.resumeAll();
      await h.waitForJob('a.png', ['done']);
      await h.waitForJob('b.png', ['done']);
      expect((await h.engine.getStatus()).paused).toBe(false);
    });

    it('a paused folder waits (its files found on resume) while other folders go on', async () => {
      h = await startHarness({ generation });
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

  describe('a paused folder and the same bytes elsewhere', () => {
    it('a copy in a running folder is checked at once; the paused copy shares its verdict, paid once', async () => {
      h = await startHarness({ generation });
      const a = await h.watch('a');
      await h.watch('b');
      const bytes = png();
      // Queued in folder a, which is then paused before anything was sent.
      await h.engine.pauseAll();
      await h.write('a/held.png', bytes);
      await h.waitForJob('held.png', ['queued']);
      await h.engine.pauseFolder(a.id);
      await h.engine.resumeAll();
      // The same bytes in folder b, which runs: not held back until folder a is resumed.
      await h.write('b/copy.png', bytes);
      const copy = await h.waitForJob('copy.png', ['done']);
      expect(copy.verdict).not.toBeNull();
      // The paused copy is the same bytes: it shares that verdict as a duplicate, never sent.
      await h.engine.resumeFolder(a.id);
      expect(await h.waitForJob('held.png', ['skipped'])).toMatchObject({
        duplicateOf: copy.id,
        verdict: copy.verdict,
        errorCode: 'DUPLICATE',
        remoteId: null,
      });
      await h.engine.whenIdle();
      expect(h.creates()).toBe(1);
    });
  });

  describe('cancel and retry', () => {
    it('cancels a queued file and checks it after all on retry', async () => {
      h = await startHarness({ generation });
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
      expect(h.creates()).toBe(1);
      expect(remoteCancels()).toHaveLength(0);
    });

    it('aborts a call in flight: the job ends cancelled and nothing is uploaded', async () => {
      h = await startHarness({ generation });
      h.sim.faults.latencyMs = 3_000;
      await h.watch('inbox');
      await h.write('inbox/slow.png', png());
      const creating = await h.waitForJob('slow.png', ['creating']);
      await h.engine.cancelJob(creating.id);
      expect(await h.waitForJob('slow.png', ['failed'])).toMatchObject({ errorCode: 'CANCELLED' });
      expect(h.puts()).toHaveLength(0);
      h.sim.faults.latencyMs = 0;
      await expect(h.engine.cancelJob(creating.id)).rejects.toThrow(/already failed/);
    });

    it(
      api.cancels
        ? 'a file cancelled while Authenta processes it is stopped there too; a retry sends it again'
        : 'a file cancelled while Authenta processes it is not sent again on retry: its verdict is fetched',
      async () => {
        h = await startHarness({ generation, sim: { processingMs: 1_500 } });
        await h.watch('inbox');
        await h.write('inbox/a.png', png());
        const processing = await h.waitForJob('a.png', ['processing']);
        await h.engine.cancelJob(processing.id);
        const cancelled = await h.waitForJob('a.png', ['failed']);
        expect(cancelled).toMatchObject({ errorCode: 'CANCELLED', remoteId: processing.remoteId });
        expect(remoteCancels().map((r) => [r.mid, r.status])).toEqual(
          api.cancels ? [[processing.remoteId, 200]] : [],
        );
        await h.engine.retryJob(processing.id);
        const done = await h.waitForJob('a.png', ['done']);
        // Stopped on Authenta: a new record and upload; otherwise the same record's verdict.
        expect(done.remoteId === processing.remoteId).toBe(!api.cancels);
        expect(h.creates()).toBe(api.cancels ? 2 : 1);
        expect(h.puts()).toHaveLength(api.cancels ? 2 : 1);
      },
    );

    it.skipIf(!api.cancels)(
      'a cancel that comes after Authenta finished: the verdict stands (only where the API can cancel)',
      async () => {
        // The poller waits a minute before its first look, so the cancel comes before the engine
        // knows; the test waits until Authenta itself says the record is done (no fixed sleep).
        h = await startHarness({ generation, engine: { pollTuning: { defaultImageMs: 60_000 } } });
        await h.watch('inbox');
        await h.write('inbox/a.png', makePng({ marker: 'AUTHENTA-SIM:fake', padding: ++n }));
        const processing = await h.waitForJob('a.png', ['processing']);
        await h.waitFor(async () => (await remoteStatus(processing.remoteId!)) === api.processedStatus, {
          message: 'Authenta finished processing',
        });
        await h.engine.cancelJob(processing.id);
        const done = await h.waitForJob('a.png', ['done']);
        expect(done).toMatchObject({ remoteId: processing.remoteId, verdict: { label: 'fake' } });
        expect(remoteCancels().map((r) => r.status)).toEqual([409]);
        const notes = (await h.engine.getJob(done.id)).timeline.map((t) => t.note ?? '');
        expect(notes.some((t) => t.includes('too late to cancel'))).toBe(true);
      },
    );

    it('refuses to retry a job that is still on its way, saying why', async () => {
      h = await startHarness({ generation });
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
      h = await startHarness({ generation });
      await h.watch('inbox');
      await h.engine.pauseAll();
      const path = await h.write('inbox/a.png', png());
      const first = await h.waitForJob('a.png', ['queued']);
      await writeFile(path, makePng({ marker: 'AUTHENTA-SIM:fake', padding: 999 }));
      const old = await h.waitForJob((j) => j.id === first.id && j.state === 'failed', ['failed']);
      expect(old).toMatchObject({ errorCode: 'CHANGED' });
      expect(old.errorMessage).toMatch(/changed before it was sent; the new version is job #\d+/);
      await h.engine.resumeAll();
      const fresh = await h.waitForJob((j) => j.name === 'a.png' && j.id !== first.id, ['done']);
      expect(fresh.verdict?.label).toBe('fake');
      expect(h.creates()).toBe(1);
    });

    it('a queued file that is deleted fails with a message, without a call', async () => {
      h = await startHarness({ generation });
      await h.engine.pauseAll();
      const path = await h.write('drop/a.png', png());
      await h.engine.addPaths([path]);
      await h.waitForJob('a.png', ['queued']);
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
      h = await startHarness({ generation, sim: { processingMs: 60_000 } });
      await h.watch('inbox');
      await h.write('inbox/slow.png', png());
      const processing = await h.waitForJob('slow.png', ['processing']);
      h.clock.advance(31 * 60_000);
      const failed = await h.waitForJob('slow.png', ['failed']);
      expect(failed).toMatchObject({ errorCode: 'DEADLINE', remoteId: processing.remoteId });
      expect(failed.errorMessage).toMatch(/30 minutes/);
      expect((await h.engine.getJob(failed.id)).hint).toMatch(/not sent or paid for twice/);
      await h.engine.retryJob(failed.id);
      expect(await h.waitForJob('slow.png', ['processing'])).toMatchObject({
        remoteId: processing.remoteId,
      });
      expect(h.creates()).toBe(1);
      expect(h.puts()).toHaveLength(1);
    });

    it('says "after 1 minute" for a one-minute deadline', async () => {
      h = await startHarness({
        generation,
        sim: { processingMs: 60_000 },
        preferences: { processingDeadlineMs: 60_000 },
      });
      await h.watch('inbox');
      await h.write('inbox/slow.png', png());
      await h.waitForJob('slow.png', ['processing']);
      h.clock.advance(2 * 60_000);
      const failed = await h.waitForJob('slow.png', ['failed']);
      expect(failed.errorMessage).toMatch(/after 1 minute\./);
    });
  });

  describe('sleep and wake', () => {
    it('sends nothing while the system sleeps, without showing the queue as paused; on wake it finds what came meanwhile', async () => {
      h = await startHarness({ generation });
      await h.watch('inbox');
      await h.engine.suspend();
      await h.write('inbox/a.png', png());
      await h.waitForJob('a.png', ['queued']);
      await h.engine.whenIdle();
      expect(h.creates()).toBe(0);
      expect((await h.engine.getStatus()).paused).toBe(false);
      await h.engine.resume();
      await h.waitForJob('a.png', ['done']);
    });
  });
});
