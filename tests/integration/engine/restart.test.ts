/**
 * Restarts: what dispose leaves, and what a crash at the worst instants would leave, finishes
 * without paying twice. Crash states are written into the ledger the way the pipeline writes them
 * (a state is on disk before the call it announces), with the remote record made straight on
 * the simulator as far as the engine got; then a new engine starts on it. Runs once per API
 * generation; the Jobs API's finalize step adds two crash points of its own.
 */
import { createHash } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeJpeg, makePng } from '../../helpers/media-fixtures';
import {
  apiDialect,
  GENERATIONS,
  SIM_PROFILE_ID,
  startHarness,
  type ApiDialect,
  type Harness,
  type SimRecord,
} from '../../helpers/engine-harness';
import { deskIdentity } from '../../../src/main/core/ledger/desk';
import { SqliteLedger } from '../../../src/main/core/ledger/sqlite-ledger';
import type { JobRecord } from '../../../src/main/core/ledger/ledger';
import type { JobState } from '../../../src/shared/domain';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

let n = 0;
const png = (m = 'real') => makePng({ marker: `AUTHENTA-SIM:${m}`, padding: ++n });

/** Work on the ledger while no engine runs, as the data folder's own desk (its crash, not another desk's). */
async function withLedger<T>(fn: (l: SqliteLedger) => Promise<T>, desk?: string): Promise<T> {
  const ledger = SqliteLedger.open({
    file: join(h.dataDir, 'ledger.sqlite'),
    now: () => Date.now(),
    desk: desk ?? deskIdentity(h.dataDir),
    renewEveryMs: 0,
  });
  try {
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}

/** A queued row for a file on disk, moved through the states the pipeline writes. */
async function crashedRow(
  api: ApiDialect,
  l: SqliteLedger,
  path: string,
  bytes: Buffer,
  steps: JobState[],
  remote?: SimRecord & { expiresAt: number },
): Promise<JobRecord> {
  const st = await stat(path);
  let row = await l.insert({
    path,
    name: path.split('/').at(-1)!,
    folderId: null,
    size: st.size,
    mtimeMs: st.mtimeMs,
    profileId: SIM_PROFILE_ID,
    simulated: false,
    state: 'queued',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    contentType: path.endsWith('.png') ? 'image/png' : 'image/jpeg',
    kind: 'image',
    model: api.model('AC-1'),
  });
  for (const to of steps) {
    const patch =
      to === 'uploading' && remote
        ? {
            remoteId: remote.remoteId,
            uploadUrl: remote.uploadUrl,
            uploadExpiresAt: remote.expiresAt,
            generation: api.generation,
          }
        : {};
    row = (await l.transition(row.id, row.state, to, patch))!;
  }
  return row;
}

describe.each(GENERATIONS)('$label', ({ generation }) => {
  const api = apiDialect(generation);

  /** A record made on the simulator for `bytes`, as the engine would have made it. */
  const record = (name: string, contentType: string, bytes: Buffer): Promise<SimRecord> =>
    api.createRecord(h.sim, { name, contentType, size: bytes.length, model: 'AC-1' });

  describe('restart', () => {
    it('after a shutdown with files still being processed: they finish with no second record or upload', async () => {
      h = await startHarness({ generation, sim: { processingMs: 2_000 } });
      await h.watch('inbox');
      for (const name of ['a.png', 'b.png', 'c.png']) await h.write(`inbox/${name}`, png());
      await h.waitFor(async () => (await h.jobs()).filter((j) => j.state === 'processing').length === 3, {
        message: 'three uploads finished',
      });
      await h.restart();
      await h.waitFor(async () => (await h.jobs()).every((j) => j.state === 'done'), {
        message: 'all done',
      });
      expect(h.creates()).toBe(3);
      expect(Object.values(h.sim.counts().puts)).toEqual([1, 1, 1]);
      expect((await h.jobs()).map((j) => j.verdict?.label)).toEqual(['authentic', 'authentic', 'authentic']);
    });

    it('shutting down during a call leaves the job resumable, not failed; it finishes at the next start', async () => {
      h = await startHarness({ generation });
      h.sim.faults.latencyMs = 5_000;
      await h.watch('inbox');
      await h.write('inbox/a.png', png());
      await h.waitForJob('a.png', ['creating']);
      await h.engine.dispose();
      const row = await withLedger(async (l) => (await l.listByStates(['creating']))[0]);
      expect(row?.name).toBe('a.png');
      h.sim.faults.latencyMs = 0;
      await h.restart();
      expect(await h.waitForJob('a.png')).toMatchObject({ state: 'done', id: row!.id });
    });

    it('a file queued while the queue was paused at shutdown is sent at the next start (pausing the whole queue lasts until the app stops)', async () => {
      h = await startHarness({ generation });
      await h.watch('inbox');
      await h.engine.pauseAll();
      await h.write('inbox/a.png', png());
      await h.waitForJob('a.png', ['queued']);
      await h.restart();
      await h.waitForJob('a.png', ['done']);
      expect(h.creates()).toBe(1);
    });

    it('a crash after the PUT but before the next state was written: it asks Authenta and does not upload again', async () => {
      h = await startHarness({ generation });
      const bytes = png('fake');
      const path = await h.write('drop/a.png', bytes);
      const rec = await record('a.png', 'image/png', bytes);
      await api.upload(rec, 'image/png', bytes);
      await h.engine.dispose();
      await withLedger((l) =>
        crashedRow(api, l, path, bytes, ['creating', 'uploading'], {
          ...rec,
          expiresAt: Date.now() + 600_000,
        }),
      );
      const from = h.sim.requests.length;
      await h.restart();
      const job = await h.waitForJob('a.png', ['done']);
      expect(job).toMatchObject({ remoteId: rec.remoteId, verdict: { label: 'fake' } });
      expect(h.puts({ from })).toHaveLength(0);
      expect(h.creates(from)).toBe(0);
      // Where processing starts with a finalize call, only that call was missing.
      expect(h.calls(from).slice(0, api.finalizeRoute ? 2 : 1)).toEqual([
        `GET ${api.recordRoute}`,
        ...(api.finalizeRoute ? [`POST ${api.finalizeRoute}`] : []),
      ]);
      const notes = (await h.engine.getJob(job.id)).timeline.map((t) => t.note ?? '');
      expect(notes.some((t) => t.includes('not sent again'))).toBe(true);
    });

    it('a crash after the POST answered but before the PUT: it asks, then uploads to the same record', async () => {
      h = await startHarness({ generation });
      const bytes = png('fake');
      const path = await h.write('drop/b.png', bytes);
      const rec = await record('b.png', 'image/png', bytes);
      await h.engine.dispose();
      await withLedger((l) =>
        crashedRow(api, l, path, bytes, ['creating', 'uploading'], {
          ...rec,
          expiresAt: Date.now() + 600_000,
        }),
      );
      const from = h.sim.requests.length;
      await h.restart();
      const job = await h.waitForJob('b.png', ['done']);
      expect(job.remoteId).toBe(rec.remoteId);
      expect(h.calls(from).slice(0, 2)).toEqual([`GET ${api.recordRoute}`, `PUT ${api.uploadRoute}`]);
      expect(h.creates(from)).toBe(0);
      expect(h.puts({ from })).toHaveLength(1);
    });

    it('the same, but its upload URL expired meanwhile: a new record, uploaded once', async () => {
      h = await startHarness({ generation });
      const bytes = makeJpeg({ marker: 'AUTHENTA-SIM:real', padding: 3 });
      const path = await h.write('drop/c.jpg', bytes);
      const rec = await record('c.jpg', 'image/jpeg', bytes);
      await h.engine.dispose();
      await withLedger((l) =>
        crashedRow(api, l, path, bytes, ['creating', 'uploading'], { ...rec, expiresAt: Date.now() - 1_000 }),
      );
      const from = h.sim.requests.length;
      await h.restart();
      const job = await h.waitForJob('c.jpg', ['done']);
      expect(job.remoteId).not.toBe(rec.remoteId);
      expect(h.calls(from).slice(0, 3)).toEqual([
        `GET ${api.recordRoute}`,
        `POST ${api.createRoute}`,
        `PUT ${api.uploadRoute}`,
      ]);
      expect(h.sim.counts().puts[rec.remoteId]).toBeUndefined();
    });

    it('another desk’s live upload is left alone at start; once its claim ran out it is taken over, asked about and sent once', async () => {
      h = await startHarness({ generation });
      const bytes = png('fake');
      const path = await h.write('drop/t.png', bytes);
      const rec = await record('t.png', 'image/png', bytes);
      await h.engine.dispose();
      // Ben's desk (sharing this ledger) has the POST answered and is about to PUT.
      const row = await withLedger(
        (l) =>
          crashedRow(api, l, path, bytes, ['creating', 'uploading'], {
            ...rec,
            expiresAt: Date.now() + 600_000,
          }),
        'ben@news-2 (b2b2b2)',
      );
      const from = h.sim.requests.length;
      await h.restart();
      await new Promise((r) => setTimeout(r, 1_500));
      // Not this desk's crash: nothing asked, nothing sent, the row still Ben's.
      expect((await h.engine.getJob(row.id)).job).toMatchObject({
        state: 'uploading',
        desk: 'ben@news-2 (b2b2b2)',
      });
      expect(h.calls(from)).toEqual([]);
      // Ben's desk stops renewing: a minute later this desk takes the file over, asks first, uploads once.
      h.clock.advance(61_000);
      const job = await h.waitForJob('t.png', ['done']);
      expect(job).toMatchObject({
        remoteId: rec.remoteId,
        verdict: { label: 'fake' },
        desk: deskIdentity(h.dataDir),
      });
      expect(h.calls(from)[0]).toBe(`GET ${api.recordRoute}`);
      expect(h.creates(from)).toBe(0);
      expect(h.puts({ from })).toHaveLength(1);
      const notes = (await h.engine.getJob(row.id)).timeline.map((t) => t.note ?? '');
      expect(notes.some((t) => t.includes('taken over from ben@news-2 (b2b2b2)'))).toBe(true);
    });

    it('another desk’s live POST is not sent again at start; at the next start after its claim ran out, it is', async () => {
      h = await startHarness({ generation });
      const bytes = png();
      const path = await h.write('drop/u.png', bytes);
      await h.engine.dispose();
      const row = await withLedger(
        (l) => crashedRow(api, l, path, bytes, ['creating']),
        'ben@news-2 (b2b2b2)',
      );
      const from = h.sim.requests.length;
      await h.restart();
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await h.engine.getJob(row.id)).job.state).toBe('creating');
      expect(h.creates(from)).toBe(0);
      h.clock.advance(61_000);
      await h.restart();
      await h.waitForJob('u.png', ['done']);
      expect(h.creates(from)).toBe(1);
      const notes = (await h.engine.getJob(row.id)).timeline.map((t) => t.note ?? '');
      expect(notes.some((t) => t.includes('taken over from ben@news-2 (b2b2b2)'))).toBe(true);
      expect(notes.some((t) => t.includes('INITED'))).toBe(true);
    });

    it('a crash while the POST was under way: it is sent again, and the timeline says why', async () => {
      h = await startHarness({ generation });
      const bytes = png();
      const path = await h.write('drop/d.png', bytes);
      await h.engine.dispose();
      const row = await withLedger((l) => crashedRow(api, l, path, bytes, ['creating']));
      await h.restart();
      await h.waitForJob('d.png', ['done']);
      const notes = (await h.engine.getJob(row.id)).timeline.map((t) => t.note ?? '');
      expect(notes.some((t) => t.includes('INITED'))).toBe(true);
      expect(h.creates()).toBe(1);
    });

    it.skipIf(!api.finalizeRoute)(
      'a crash after "finalizing" was written but before finalize was sent: it finalizes, without a second upload (only where processing starts with a finalize call)',
      async () => {
        h = await startHarness({ generation });
        const bytes = png('fake');
        const path = await h.write('drop/e.png', bytes);
        const rec = await record('e.png', 'image/png', bytes);
        await api.upload(rec, 'image/png', bytes);
        await h.engine.dispose();
        await withLedger((l) =>
          crashedRow(api, l, path, bytes, ['creating', 'uploading', 'finalizing'], {
            ...rec,
            expiresAt: Date.now() + 600_000,
          }),
        );
        const from = h.sim.requests.length;
        await h.restart();
        const job = await h.waitForJob('e.png', ['done']);
        expect(job).toMatchObject({ remoteId: rec.remoteId, verdict: { label: 'fake' } });
        expect(h.calls(from).slice(0, 2)).toEqual([`GET ${api.recordRoute}`, `POST ${api.finalizeRoute}`]);
        expect(h.puts({ from })).toHaveLength(0);
        expect(h.creates(from)).toBe(0);
        expect(h.sim.usage().creditsSpent).toBe(1);
      },
    );

    it.skipIf(!api.finalizeRoute)(
      'a crash after finalize was sent but before "processing" was written: it asks, and neither finalizes nor pays again (only where processing starts with a finalize call)',
      async () => {
        h = await startHarness({ generation });
        const bytes = png('fake');
        const path = await h.write('drop/f.png', bytes);
        const rec = await record('f.png', 'image/png', bytes);
        await api.upload(rec, 'image/png', bytes);
        await api.startProcessing(h.sim, rec);
        await h.engine.dispose();
        await withLedger((l) =>
          crashedRow(api, l, path, bytes, ['creating', 'uploading', 'finalizing'], {
            ...rec,
            expiresAt: Date.now() + 600_000,
          }),
        );
        const from = h.sim.requests.length;
        await h.restart();
        const job = await h.waitForJob('f.png', ['done']);
        expect(job).toMatchObject({ remoteId: rec.remoteId, verdict: { label: 'fake' } });
        expect(h.calls(from)[0]).toBe(`GET ${api.recordRoute}`);
        expect(h.requests({ from, method: 'POST' })).toHaveLength(0);
        expect(h.puts({ from })).toHaveLength(0);
        expect(h.sim.usage().creditsSpent).toBe(1);
      },
    );

    it('a file that vanished while the engine was down is skipped with a message', async () => {
      h = await startHarness({ generation });
      const bytes = png();
      const path = await h.write('drop/gone.png', bytes);
      await h.engine.dispose();
      await withLedger(async (l) => {
        await l.insert({
          path,
          name: 'gone.png',
          folderId: null,
          size: bytes.length,
          mtimeMs: 1,
          profileId: SIM_PROFILE_ID,
          simulated: false,
          state: 'waiting',
        });
      });
      await rm(path);
      await h.restart();
      expect(await h.waitForJob('gone.png')).toMatchObject({ state: 'skipped', errorCode: 'VANISHED' });
      expect(h.sim.requests).toHaveLength(0);
    });
  });
});

describe('verdicts kept by an earlier version', () => {
  it('a suspect verdict stored before the leaning was kept still says which way the model leaned', async () => {
    h = await startHarness();
    await h.watch('inbox');
    await h.write('inbox/old.png', png());
    const job = await h.waitForJob('old.png', ['done']);
    await h.engine.dispose();
    // What an earlier version wrote: the way the model leaned only in the reason's words.
    await withLedger((l) =>
      l.update(job.id, {
        verdict: {
          label: 'suspect',
          confidence: 0.57,
          reason: 'The model leans towards authentic, with low confidence',
        },
      }),
    );
    await h.restart();
    const [listed] = (await h.engine.listJobs({})).jobs;
    expect(listed?.verdict).toMatchObject({ label: 'suspect', leaning: 'authentic', confidence: 0.57 });
    expect((await h.engine.getJob(job.id)).job.verdict?.leaning).toBe('authentic');
  });
});
