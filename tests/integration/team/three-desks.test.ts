/**
 * Three desks on one drop folder (issue 11, "Done when"): three separate `authenta-watch`
 * processes watching the same folder, one team ledger on PostgreSQL, one simulator. 300 files are
 * dropped while they run: each file is one row of the ledger, created and uploaded exactly once
 * (counted per file at the simulator), one credit each, and every desk's report shows every
 * file's verdict.
 */
import { describe, expect, it, vi } from 'vitest';
import { useDeskTeams } from '../../helpers/desks';
import { expectOnceEach, expectVerdicts } from './team-checks';

vi.setConfig({ testTimeout: 360_000, hookTimeout: 180_000 });

const startTeam = useDeskTeams();

describe('three desks on one folder', () => {
  it('300 files: each created and uploaded exactly once, every verdict in every desk’s report', async () => {
    const team = await startTeam({ desks: 3 });
    team.start();
    const names = await team.writeFiles(300);

    const rows = await team.waitForDone(names);
    expectVerdicts(rows, names);
    expectOnceEach(team, names);
    // Nobody crashed: every desk still watches.
    expect(team.desks.map((d) => [d.name, d.running, d.exits])).toEqual(
      team.desks.map((d) => [d.name, true, []]),
    );
    // What each desk's user reads in a report: every file, done, with its verdict.
    for (const desk of team.desks) {
      const report = await team.report(desk);
      expect(report.length, desk.name).toBe(names.length);
      expectVerdicts(
        report.map((r) => ({
          name: String(r.name),
          state: String(r.state),
          verdict: r.verdict as string | null,
        })),
        names,
      );
    }
  });
});
