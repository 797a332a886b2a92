/**
 * Paid work is never lost or paid twice (issue 9): a status read after a create is no proof that
 * the bytes arrived (Jobs API), and a file rewritten while it uploads is recorded as what was
 * really sent. Real engine, real simulator on 127.0.0.1, real SQLite, real files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { makePng } from '../../helpers/media-fixtures';
import { GENERATIONS, startHarness, type Harness } from '../../helpers/engine-harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const png = (n: number) => makePng({ marker: 'AUTHENTA-SIM:real', padding: n + 1 });
const ok = (status: number) => status >= 200 && status < 300;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('Jobs API: a connection reset in the middle of the PUT (issue 9, item 1)', () => {
  // Both readings of the docs: a job `created` until its bytes arrive, or `waiting_for_finalize`
  // from the start (then the status says nothing about the upload).
  describe.each([
    { reading: 'waiting_for_finalize from the create on', jobsWaitingAtCreate: true },
    { reading: 'created until the bytes arrive', jobsWaitingAtCreate: false },
  ])('status $reading', ({ jobsWaitingAtCreate }) => {
    it('the bytes are sent again, then finalized: done, one record, one credit', async () => {
      h = await startHarness({ generation: 'jobs-v1', sim: { jobsWaitingAtCreate } });
      h.sim.faults.resetNextPuts = 1;
      await h.watch('inbox');
      await h.write('inbox/a.png', png(1));
      const job = await h.waitForJob('a.png', undefined, { timeoutMs: 30_000 });
      expect([job.state, job.errorCode, job.errorMessage]).toEqual(['done', null, null]);
      expect(h.creates()).toBe(1);
      const puts = h.puts();
      expect(puts.map((p) => p.code)).toEqual(['RESET', null]);
      const finalizes = h.requests({ method: 'POST', route: h.api.finalizeRoute! });
      expect(finalizes.filter((f) => ok(f.status))).toHaveLength(1);
      // Accepted only after the second PUT.
      expect(finalizes.find((f) => ok(f.status))!.at).toBeGreaterThanOrEqual(puts[1]!.at);
      expect(h.sim.usage().creditsSpent).toBe(1);
    });
  });

  it('when the upload URL has expired by then: a fresh record, uploaded and finalized once', async () => {
    // URLs valid 30 s. The PUT is reset; while the retry waits, the engine's clock moves past the
    // URL's expiry, so the retry finds it expired. (With URLs valid 1 s in real time, the simulator
    // signs whole seconds, so a URL could expire before the first PUT even started, and a loaded
    // machine made a third record.)
    h = await startHarness({ generation: 'jobs-v1', sim: { jobsWaitingAtCreate: true, urlExpirySec: 30 } });
    h.sim.faults.resetNextPuts = 1;
    await h.watch('inbox');
    await h.write('inbox/b.png', png(2));
    await h.waitFor(async () => (await h.jobs()).find((j) => j.name === 'b.png')?.nextAttemptAt, {
      message: 'the retry after the reset to be planned',
    });
    expect(h.puts().map((p) => p.code)).toEqual(['RESET']);
    h.clock.advance(31_000);
    const job = await h.waitForJob('b.png', undefined, { timeoutMs: 30_000 });
    expect([job.state, job.errorCode]).toEqual(['done', null]);
    expect(h.creates()).toBe(2);
    expect(h.puts({ ok: true })).toHaveLength(1);
    expect(h.puts({ ok: true })[0]!.mid).toBe(job.remoteId);
    expect(h.sim.usage().creditsSpent).toBe(1);
    const report = JSON.parse(await h.engine.exportReport({}, 'json')) as {
      jobs: { name: string; extraRecords: number }[];
    };
    expect(report.jobs.find((j) => j.name === 'b.png')?.extraRecords).toBe(1);
  });
});

describe.each(GENERATIONS)(
  '$label: a file rewritten with the same size while it uploads (issue 9, item 3)',
  ({ generation }) => {
    const SIZE = 16 * 1024 * 1024;
    const TAIL = 2 * 1024 * 1024;

    it('the job records what was really sent, and the version on disk (those same bytes) is not paid again', async () => {
      h = await startHarness({ generation });
      await h.watch('inbox');
      const original = makePng({ marker: 'AUTHENTA-SIM:real', padding: SIZE });
      // Hold the storage after the first chunk, so the rewrite lands while the bytes go up.
      h.sim.faults.holdPuts = true;
      const path = await h.write('inbox/big.png', original);
      await h.waitFor(() => h.puts().some((p) => p.bytes > 0), { message: 'the PUT to start' });
      // The end of the file changes in place (an editor saving metadata): same size, other bytes,
      // in a part not read yet, so what Authenta receives is exactly the new version.
      const rewritten = Buffer.from(original);
      rewritten.fill(0x41, rewritten.length - TAIL - 12, rewritten.length - 12);
      const fh = await open(path, 'r+');
      await fh.write(rewritten, rewritten.length - TAIL - 12, TAIL, rewritten.length - TAIL - 12);
      await fh.close();
      await new Promise((r) => setTimeout(r, 600)); // the watcher sees the new version meanwhile
      h.sim.faults.holdPuts = false;

      const job = await h.waitForJob((j) => j.name === 'big.png' && j.remoteId !== null, ['done'], {
        timeoutMs: 60_000,
      });
      // What Authenta received is the rewritten file, and the job says so.
      expect(job.sha256).toBe(sha256(rewritten));
      const notes = (await h.engine.getJob(job.id)).timeline.map((t) => t.note ?? '');
      expect(notes.some((n) => n.includes('changed while it was being sent'))).toBe(true);
      // The version on disk has the bytes already sent: it shares the verdict, nothing is sent twice.
      await h.waitFor(async () => (await h.jobs()).every((j) => ['done', 'skipped'].includes(j.state)), {
        message: 'every job finished',
      });
      await h.engine.whenIdle();
      expect(h.creates()).toBe(1);
      expect(h.puts({ ok: true })).toHaveLength(1);
      const others = (await h.jobs()).filter((j) => j.id !== job.id);
      expect(others.every((j) => j.state === 'skipped' && j.duplicateOf === job.id)).toBe(true);
    });

    it('rewritten through and through: the job records the mix that was sent, and the new version is sent as a job of its own', async () => {
      h = await startHarness({ generation });
      await h.watch('inbox');
      const original = makePng({ marker: 'AUTHENTA-SIM:real', padding: SIZE });
      h.sim.faults.holdPuts = true;
      const path = await h.write('inbox/big.png', original);
      await h.waitFor(() => h.puts().some((p) => p.bytes > 0), { message: 'the PUT to start' });
      const rewritten = makePng({ marker: 'AUTHENTA-SIM:fake', padding: SIZE, paddingByte: 0x42 });
      expect(rewritten.length).toBe(original.length);
      const fh = await open(path, 'r+');
      await fh.write(rewritten, 0, rewritten.length, 0);
      await fh.close();
      await new Promise((r) => setTimeout(r, 600));
      h.sim.faults.holdPuts = false;

      await h.waitFor(
        async () => {
          const jobs = await h.jobs();
          return jobs.length === 2 && jobs.every((j) => j.state === 'done');
        },
        { message: 'both versions done', timeoutMs: 60_000 },
      );
      const [first, second] = await h.jobs();
      // Authenta got the start of the old version and the rest of the new one: neither hash.
      expect(first!.sha256).not.toBe(sha256(original));
      expect(first!.sha256).not.toBe(sha256(rewritten));
      expect(second!.sha256).toBe(sha256(rewritten));
      expect(h.creates()).toBe(2);
      expect(h.puts({ ok: true })).toHaveLength(2);
    });
  },
);
