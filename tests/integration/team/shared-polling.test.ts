/**
 * Shared polling (issue 11): the team's pending records are polled by one desk at a time, so
 * the team makes one desk's list rounds, not one per desk; and the records a desk left in
 * `processing` when it died get their verdicts from the desks still running, without a restart.
 *
 * Who asked is told apart at the simulator by the credentials: one desk signs in with the
 * account's client ID and secret, the other with its API key (one account, two kinds of
 * credentials, as the request log shows).
 */
import { describe, expect, it, vi } from 'vitest';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from '../../../src/main/sim';
import { useDeskTeams } from '../../helpers/desks';
import { expectOnceEach, expectVerdicts } from './team-checks';

vi.setConfig({ testTimeout: 360_000, hookTimeout: 180_000 });

const startTeam = useDeskTeams();

describe('shared polling', () => {
  it('one desk polls for the team: the other makes no list call, every file gets its verdict', async () => {
    const t = await startTeam({
      desks: 2,
      // Records stay pending for a while: many list rounds while both desks have records waiting.
      sim: { processingMs: 2_000 },
      envFor: (i): Record<string, string> =>
        i === 0
          ? {
              AUTHENTA_API_KEY: '',
              AUTHENTA_CLIENT_ID: DEMO_CLIENT_ID,
              AUTHENTA_CLIENT_SECRET: DEMO_CLIENT_SECRET,
            }
          : {},
    });
    t.start();
    const names = await t.writeFiles(60);
    const rows = await t.waitForDone(names);
    expectVerdicts(rows, names);
    expectOnceEach(t, names);

    // Both desks sent files (records created with each kind of credentials), so both had records
    // waiting for a verdict...
    const sent = { client: 0, apikey: 0 };
    for (const r of t.sim.requests)
      if (r.method === 'POST' && r.route === '/media' && r.status === 201 && r.auth !== null)
        sent[r.auth] += 1;
    expect(Math.min(sent.client, sent.apikey), JSON.stringify(sent)).toBeGreaterThan(0);
    // ...yet the polls that answered them (list pages, single records) came from one desk only.
    const polls = { client: 0, apikey: 0 };
    for (const r of t.sim.requests)
      if (r.method === 'GET' && (r.route === '/media' || r.route === '/media/:mid') && r.auth !== null)
        polls[r.auth] += 1;
    expect(polls.client + polls.apikey).toBeGreaterThan(0);
    expect(Math.min(polls.client, polls.apikey), JSON.stringify(polls)).toBe(0);
    for (const d of t.desks) expect([d.name, d.running, d.exits]).toEqual([d.name, true, []]);
  });

  it('a SIGKILLed desk’s records in processing get their verdicts from the running desks, without a restart', async () => {
    // Long enough that the killed desk's records are still being processed when it dies.
    const t = await startTeam({ desks: 3, sim: { processingMs: 12_000 } });
    const victim = t.desks[0]!;
    t.start();
    const names = await t.writeFiles(30);
    // Every file sent (no upload of the victim left to take over), some of them by the victim.
    await t.waitFor(
      async () => {
        const mine = (await t.rows()).filter((r) => names.includes(r.name));
        return (
          mine.length === names.length &&
          mine.every((r) => r.state === 'processing' || r.state === 'done') &&
          mine.some((r) => r.desk === victim.name && r.state === 'processing')
        );
      },
      { timeoutMs: 120_000, message: 'every file sent, some by desk-1 and still processing' },
    );
    expect((await victim.kill('SIGKILL'))?.signal).toBe('SIGKILL');
    const left = (await t.rows()).filter((r) => r.desk === victim.name && r.state === 'processing');
    expect(left.length).toBeGreaterThan(0);

    const rows = await t.waitForDone(names, 120_000);
    expectVerdicts(rows, names);
    expectOnceEach(t, names);
    // The victim stayed dead; the others never stopped.
    expect([victim.starts, victim.running]).toEqual([1, false]);
    for (const d of t.desks.slice(1)) expect([d.name, d.running, d.exits]).toEqual([d.name, true, []]);
  });
});
