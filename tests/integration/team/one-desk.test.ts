/**
 * The desks harness on its own (tests/helpers/desks.ts): one desk, a separate `authenta-watch`
 * process on the team ledger, 30 files dropped while it watches. Each ends done with its verdict
 * in the ledger, in the desk's NDJSON and in its report, and the simulator's log counts one record
 * and one upload per file by name. A SIGTERM ends the desk cleanly (exit 0). This is the baseline
 * the team tests compare three desks against.
 */
import { describe, expect, it, vi } from 'vitest';
import { useDeskTeams } from '../../helpers/desks';
import { expectOnceEach, expectVerdicts, expectedVerdict } from './team-checks';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 180_000 });

const startTeam = useDeskTeams();

describe('one desk on the team ledger, through the desks harness', () => {
  it('30 files: each once, done with its verdict in the ledger, the NDJSON and the report', async () => {
    const t = await startTeam({ desks: 1 });
    const desk = t.desks[0]!;
    t.start();
    const names = await t.writeFiles(30);

    const rows = await t.waitForDone(names);
    expectVerdicts(rows, names);
    expect(new Set(rows.map((r) => r.desk))).toEqual(new Set([desk.name]));
    expectOnceEach(t, names);

    const seen = await t.waitFor(() => {
      const last = desk.lastSeen();
      return names.every((n) => last.get(n)?.state === 'done') ? last : null;
    });
    expect(names.map((n) => seen.get(n)?.verdict?.label)).toEqual(names.map(expectedVerdict));

    const report = await t.report(desk);
    expect(report.map((r) => [r.name, r.state, r.verdict, r.desk]).sort()).toEqual(
      names.map((n) => [n, 'done', expectedVerdict(n), desk.name]),
    );

    const end = await desk.stop();
    expect(end?.code, desk.stderr()).toBe(0);
  });
});
