/**
 * Restarts: what dispose leaves, and what a crash at the worst instants would leave, finishes
 * without paying twice. Crash states are written into the ledger the way the pipeline writes them
 * (a state is on disk before the call it announces), then a new engine starts on it.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeJpeg, makePng } from '../../helpers/media-fixtures';
import { SIM_PROFILE_ID, startHarness, type Harness } from '../../helpers/engine-harness';
import { SqliteLedger } from '../../../src/main/core/ledger/sqlite-ledger';
import type { JobRecord } from '../../../src/main/core/ledger/ledger';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

let n = 0;
const png = (m = 'real') => makePng({ marker: `AUTHENTA-SIM:${m}`, padding: ++n });
const posts = () => h.requests({ method: 'POST', route: '/media' }).length;

/** POST /media straight to the simulator: a record as the engine would have created it before a crash. */
async function createRecord(
  name: string,
  contentType: string,
  size: number,
): Promise<{ mid: string; uploadUrl: string }> {
  const res = await fetch(`${h.sim.url}/media`, {
    method: 'POST',
    headers: {
      'x-client-id': h.sim.credentials.clientId,
      'x-client-secret': h.sim.credentials.clientSecret,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ name, contentType, size, modelType: 'AC-1' }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { mid: string; uploadUrl: string };
}

/** Work on the ledger while no engine runs. */
async function withLedger<T>(fn: (l: SqliteLedger) => Promise<T>): Promise<T> {
  const ledger = SqliteLedger.open({ file: join(h.dataDir, 'ledger.sqlite'), now: () => Date.now() });
  try {
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}

/** A queued row for a file on disk, moved through the states the pipeline writes. */
async function crashedRow(
  l: SqliteLedger,
  path: string,
  bytes: Buffer,
  steps: ('creating' | 'uploading')[],
  remote?: { mid: string; uploadUrl: string; expiresAt: number },
): Promise<JobRecord> {
  const { createHash } = await import('node:crypto');
  const { stat } = await import('node:fs/promises');
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
    model: 'AC-1',
  });
  for (const to of steps) {
    const patch =
      to === 'uploading' && remote
        ? {
            remoteId: remote.mid,
            uploadUrl: remote.uploadUrl,
            uploadExpiresAt: remote.expiresAt,
            generation: 'media-client' as const,
          }
        : {};
    row = (await l.transition(row.id, row.state, to, patch))!;
  }
  return row;
}

describe('restart', () => {
  it('after a shutdown with files still being processed: they finish with no second POST or PUT', async () => {
    h = await startHarness({ sim: { processingMs: 2_000 } });
    await h.watch('inbox');
    for (const name of ['a.png', 'b.png', 'c.png']) await h.write(`inbox/${name}`, png());
    await h.waitFor(async () => (await h.jobs()).filter((j) => j.state === 'processing').length === 3, {
      message: 'three uploads finished',
    });
    await h.restart();
    await h.waitFor(async () => (await h.jobs()).every((j) => j.state === 'done'), { message: 'all done' });
    expect(posts()).toBe(3);
    expect(Object.values(h.sim.counts().puts)).toEqual([1, 1, 1]);
    expect((await h.jobs()).map((j) => j.verdict?.label)).toEqual(['authentic', 'authentic', 'authentic']);
  });

  it('shutting down during a call leaves the job resumable, not failed; it finishes at the next start', async () => {
    h = await startHarness();
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
    h = await startHarness();
    await h.watch('inbox');
    await h.engine.pauseAll();
    await h.write('inbox/a.png', png());
    await h.waitForJob('a.png', ['queued']);
    await h.restart();
    await h.waitForJob('a.png', ['done']);
    expect(posts()).toBe(1);
  });

  it('a crash after the PUT but before "processing" was written: it asks Authenta and does not upload again', async () => {
    h = await startHarness();
    const bytes = png('fake');
    const path = await h.write('drop/a.png', bytes);
    const rec = await createRecord('a.png', 'image/png', bytes.length);
    const put = await fetch(rec.uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: bytes,
    });
    expect(put.status).toBe(200);
    await h.engine.dispose();
    await withLedger((l) =>
      crashedRow(l, path, bytes, ['creating', 'uploading'], { ...rec, expiresAt: Date.now() + 600_000 }),
    );
    const from = h.sim.requests.length;
    await h.restart();
    const job = await h.waitForJob('a.png', ['done']);
    expect(job).toMatchObject({ remoteId: rec.mid, verdict: { label: 'fake' } });
    expect(h.requests({ from, method: 'PUT' })).toHaveLength(0);
    expect(h.requests({ from, method: 'POST' })).toHaveLength(0);
    expect(h.requests({ from })[0]).toMatchObject({ method: 'GET', route: '/media/:mid', mid: rec.mid });
    const notes = (await h.engine.getJob(job.id)).timeline.map((t) => t.note ?? '');
    expect(notes.some((t) => t.includes('not sent again'))).toBe(true);
  });

  it('a crash after the POST answered but before the PUT: it asks, then uploads to the same record', async () => {
    h = await startHarness();
    const bytes = png('fake');
    const path = await h.write('drop/b.png', bytes);
    const rec = await createRecord('b.png', 'image/png', bytes.length);
    await h.engine.dispose();
    await withLedger((l) =>
      crashedRow(l, path, bytes, ['creating', 'uploading'], { ...rec, expiresAt: Date.now() + 600_000 }),
    );
    const from = h.sim.requests.length;
    await h.restart();
    const job = await h.waitForJob('b.png', ['done']);
    expect(job.remoteId).toBe(rec.mid);
    expect(
      h
        .requests({ from })
        .map((r) => `${r.method} ${r.route}`)
        .slice(0, 2),
    ).toEqual(['GET /media/:mid', 'PUT /s3/uploads/:mid']);
    expect(h.requests({ from, method: 'POST' })).toHaveLength(0);
  });

  it('the same, but its upload URL expired meanwhile: a new record, uploaded once', async () => {
    h = await startHarness();
    const bytes = makeJpeg({ marker: 'AUTHENTA-SIM:real', padding: 3 });
    const path = await h.write('drop/c.jpg', bytes);
    const rec = await createRecord('c.jpg', 'image/jpeg', bytes.length);
    await h.engine.dispose();
    await withLedger((l) =>
      crashedRow(l, path, bytes, ['creating', 'uploading'], { ...rec, expiresAt: Date.now() - 1_000 }),
    );
    const from = h.sim.requests.length;
    await h.restart();
    const job = await h.waitForJob('c.jpg', ['done']);
    expect(job.remoteId).not.toBe(rec.mid);
    expect(
      h
        .requests({ from })
        .map((r) => `${r.method} ${r.route}`)
        .slice(0, 3),
    ).toEqual(['GET /media/:mid', 'POST /media', 'PUT /s3/uploads/:mid']);
    expect(h.sim.counts().puts[rec.mid]).toBeUndefined();
  });

  it('a crash while the POST was under way: it is sent again, and the timeline says why', async () => {
    h = await startHarness();
    const bytes = png();
    const path = await h.write('drop/d.png', bytes);
    await h.engine.dispose();
    const row = await withLedger((l) => crashedRow(l, path, bytes, ['creating']));
    await h.restart();
    await h.waitForJob('d.png', ['done']);
    const notes = (await h.engine.getJob(row.id)).timeline.map((t) => t.note ?? '');
    expect(notes.some((t) => t.includes('INITED'))).toBe(true);
    expect(posts()).toBe(1);
  });

  it('a file that vanished while the engine was down is skipped with a message', async () => {
    h = await startHarness();
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
    const { rm } = await import('node:fs/promises');
    await rm(path);
    await h.restart();
    expect(await h.waitForJob('gone.png')).toMatchObject({ state: 'skipped', errorCode: 'VANISHED' });
    expect(h.sim.requests).toHaveLength(0);
  });
});
