/**
 * The account's history against the simulator over loopback (issue 14): pages read only when
 * asked, one Query call each (counted by the engine and seen by the server), records this desk
 * sent marked as such, records made elsewhere (straight on the API, as the vendor's web app or
 * another tool would) marked as from elsewhere, and refusals said in words.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makePng } from '../../helpers/media-fixtures';
import { GENERATIONS, startHarness, type Harness } from '../../helpers/engine-harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe.each(GENERATIONS)('$label', ({ generation }) => {
  it('pages through the account, one counted Query call a page, telling local records from the rest', async () => {
    h = await startHarness({ generation });
    await h.watch('inbox');
    await h.write('inbox/a.png', makePng({ marker: 'AUTHENTA-SIM:fake' }));
    await h.write('inbox/b.png', makePng({ marker: 'AUTHENTA-SIM:real', padding: 20 }));
    const a = await h.waitForJob('a.png', ['done']);
    const b = await h.waitForJob('b.png', ['done']);
    // Three records made elsewhere: one processed with a verdict, two never uploaded.
    const png = makePng({ marker: 'AUTHENTA-SIM:fake', padding: 40 });
    const other = await h.api.createRecord(h.sim, {
      name: 'from-web-app.png',
      contentType: 'image/png',
      size: png.length,
      model: 'AC-1',
    });
    await h.api.upload(other, 'image/png', png);
    await h.api.startProcessing(h.sim, other);
    for (const name of ['x.png', 'y.png'])
      await h.api.createRecord(h.sim, { name, contentType: 'image/png', size: 10, model: 'AC-1' });

    const from = h.sim.requests.length;
    const before = (await h.engine.getStatus()).callsToday.query;
    const pages = [];
    for (let page = 1; page <= 3; page++) pages.push(await h.engine.getAccountHistory({ page, pageSize: 2 }));

    // One list call per page, nothing else, and the engine counted each.
    expect(h.calls(from)).toEqual(Array(3).fill(`GET ${h.api.listRoute}`));
    expect((await h.engine.getStatus()).callsToday.query - before).toBe(3);
    expect(pages.map((p) => [p.page, p.pages, p.total, p.entries.length, p.queryCalls])).toEqual([
      [1, 3, 5, 2, 1],
      [2, 3, 5, 2, 1],
      [3, 3, 5, 1, 1],
    ]);
    expect(pages[2]!.sessionQueryCalls).toBe(3);

    const entries = pages.flatMap((p) => p.entries);
    expect(new Set(entries.map((e) => e.remoteId)).size).toBe(5);
    const local = entries.filter((e) => e.local);
    expect(local.map((e) => e.local!.jobId).sort()).toEqual([a.id, b.id].sort());
    expect(local.find((e) => e.local!.jobId === a.id)?.remoteId).toBe(a.remoteId);
    const elsewhere = entries.filter((e) => !e.local);
    expect(elsewhere.map((e) => e.name).sort()).toEqual(['from-web-app.png', 'x.png', 'y.png']);
    expect(elsewhere.filter((e) => e.phase === 'awaiting-upload')).toHaveLength(2);

    // Never polled: nothing more is asked of the server until someone reads a page again.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(h.requests({ route: h.api.listRoute, method: 'GET', from })).toHaveLength(3);

    // The record from elsewhere gets its verdict once processed, and the history shows it when read again.
    const judged = await h.waitFor(async () => {
      const page = await h!.engine.getAccountHistory({ page: 1, pageSize: 100 });
      const e = page.entries.find((x) => x.remoteId === other.remoteId);
      return e?.phase === 'processed' && (e.verdict || generation === 'jobs-v1') ? e : null;
    });
    expect(judged.local).toBeNull();
    if (generation === 'media-client') expect(judged.verdict?.label).toBe('fake');
  });

  it('says plainly when Authenta refuses the credentials', async () => {
    h = await startHarness({ generation, auth: (sim, api) => api.wrongCredentials(sim) });
    await expect(h.engine.getAccountHistory({})).rejects.toMatchObject({
      code: h.api.codes.auth,
      message: expect.stringMatching(/refused the credentials of this profile\. Check/),
    });
  });
});

it('says the Query quota is used up, and what to do, instead of showing an empty account', async () => {
  h = await startHarness({ generation: 'media-client', sim: { quota: { query: 1 } } });
  const first = await h.engine.getAccountHistory({ page: 1 });
  expect(first.total).toBe(0);
  await expect(h.engine.getAccountHistory({ page: 1 })).rejects.toMatchObject({
    code: 'AA001',
    message: expect.stringMatching(/Query quota is used up.*Wait for the quota window to reset/),
  });
});
