/**
 * A desk that dies mid-upload (issue 11, "Done when"): three desks on one folder and one team
 * ledger, 300 files; three times (a hundred new files each time), while one of desk-1's uploads is on
 * the wire (the simulator's storage holds every PUT after its first chunk), desk-1 is SIGKILLed, as a crash or a pulled
 * plug does, and started again on its data folder. Every file ends done with its verdict, none is
 * uploaded twice (one accepted PUT per file at the simulator), one credit each.
 */
import { describe, expect, it, vi } from 'vitest';
import { useDeskTeams } from '../../helpers/desks';
import { expectVerdicts } from './team-checks';

vi.setConfig({ testTimeout: 420_000, hookTimeout: 180_000 });

const startTeam = useDeskTeams();

describe('one desk SIGKILLed mid-upload three times', () => {
  it('every file done, none uploaded twice, one credit each', async () => {
    const t = await startTeam({ desks: 3 });
    const victim = t.desks[0]!;
    t.start();

    const names: string[] = [];
    const cut: string[] = [];
    for (let round = 1; round <= 3; round++) {
      // A hundred new files each round, so the victim always has uploads to be caught in. 100 kB
      // each: more than one chunk, so a held PUT stops mid-body.
      t.sim.faults.holdPuts = true;
      names.push(...(await t.writeFiles(100, { from: (round - 1) * 100, padding: 100_000 })));
      // One of the victim's uploads is on the wire: its row is uploading and the PUT to its record
      // has sent bytes and not ended.
      const held = await t.waitFor(
        async () => {
          const mine = (await t.rows()).filter((r) => r.desk === victim.name && r.state === 'uploading');
          const inFlight = new Set(
            t
              .puts()
              .filter((p) => p.status === 0 && p.code === null && p.bytes > 0)
              .map((p) => p.mid),
          );
          return mine.find((r) => r.remoteId !== null && inFlight.has(r.remoteId)) ?? null;
        },
        { timeoutMs: 120_000, message: `round ${round}: an upload of ${victim.name} on the wire` },
      );
      const result = await victim.kill('SIGKILL');
      expect(result?.signal).toBe('SIGKILL');
      cut.push(held.name);
      t.sim.faults.holdPuts = false;
      victim.start();
    }

    const rows = await t.waitForDone(names, 300_000);
    expectVerdicts(rows, names);
    // The cut uploads really were cut (a PUT that did not finish), then sent again once.
    const all = t.putsByFile();
    const ok = t.putsByFile({ ok: true });
    for (const name of cut) expect(all.get(name) ?? 0, name).toBeGreaterThanOrEqual(2);
    const twice = names.filter((n) => ok.get(n) !== 1);
    expect(
      twice.slice(0, 10).map((n) => `${n}: ${ok.get(n) ?? 0} accepted uploads`),
      `${twice.length} files not uploaded exactly once`,
    ).toEqual([]);
    expect(t.sim.usage().creditsSpent).toBe(names.length);
    expect(victim.starts).toBe(4);
    // The other desks never crashed.
    for (const d of t.desks.slice(1)) expect([d.name, d.running, d.exits]).toEqual([d.name, true, []]);
  });
});
