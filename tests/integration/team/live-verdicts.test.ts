/**
 * Every verdict reaches every desk while it runs (issue 11: "verdicts reach every desk's UI within
 * about a second"): three desks on one folder and one team ledger, 60 files. What a desk's user
 * watches is its live output (NDJSON on stdout; the desktop queue hears the same job changes):
 * each desk shows every file done with its verdict, those another desk sent included, shortly
 * after the ledger has them, without a restart or a report.
 */
import { describe, expect, it, vi } from 'vitest';
import { useDeskTeams } from '../../helpers/desks';
import { expectOnceEach, expectVerdicts, expectedVerdict } from './team-checks';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 180_000 });

const startTeam = useDeskTeams();

describe('three desks: each sees every verdict live', () => {
  it('every desk’s output shows every file done with its verdict, whoever sent it', async () => {
    const t = await startTeam({ desks: 3 });
    t.start();
    const names = await t.writeFiles(60);
    const rows = await t.waitForDone(names);
    expectVerdicts(rows, names);
    expectOnceEach(t, names);

    // A few seconds after the ledger (a loaded machine), never a restart.
    for (const desk of t.desks) {
      const seen = await t.waitFor(
        () => {
          const last = desk.lastSeen();
          return names.every((n) => last.get(n)?.state === 'done') ? last : null;
        },
        {
          timeoutMs: 20_000,
          message: () => {
            const last = desk.lastSeen();
            const missing = names.filter((n) => last.get(n)?.state !== 'done');
            return `${desk.name} shows every file done; ${missing.length} not (${missing.slice(0, 5).join(', ')})`;
          },
        },
      );
      expect(
        names.map((n) => seen.get(n)?.verdict?.label),
        desk.name,
      ).toEqual(names.map(expectedVerdict));
    }
    // The work was shared: the files another desk sent were shown too (no desk sent them all).
    expect(t.desks.every((d) => d.running && d.starts === 1)).toBe(true);
  });
});
