/**
 * The team's PostgreSQL stopped for 10 s mid-run (issue 11, "Done when"): three desks, separate
 * `authenta-watch` processes on one watched folder, one team ledger and one simulator; 300 files.
 * While uploads are on the wire (the simulator holds every PUT after its first chunk) and some
 * files are already done, the server is stopped (`pg_ctl stop`), kept down for 10 s, and started
 * again on the same port and data folder. No desk crashes, every desk says the ledger went away
 * and came back, every file ends done with its verdict, created and uploaded exactly once (one
 * credit each), and every desk's report shows all 300.
 */
import { describe, expect, it, vi } from 'vitest';
import { useDeskTeams } from '../../helpers/desks';
import { expectOnceEach, expectVerdicts } from './team-checks';

vi.setConfig({ testTimeout: 420_000, hookTimeout: 180_000 });

const startTeam = useDeskTeams();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const UNFINISHED = new Set(['waiting', 'queued', 'creating', 'uploading', 'finalizing', 'processing']);

describe('three desks with the team ledger’s server stopped for 10 s mid-run', () => {
  it('no crash, nothing lost: all 300 done once each after the server is back', async () => {
    const t = await startTeam({ desks: 3 });
    const cluster = t.cluster!;
    t.start();
    // 20 kB each: more than one chunk, so a held PUT stops mid-body. A first hundred files now,
    // the other two hundred once uploads are held: by the time twenty are done the first hundred
    // may all be sent already (uploads outrun verdicts), and then nothing would be on the wire.
    const names = await t.writeFiles(100, { padding: 20_000 });

    // Some files done, then uploads held on the wire with others still to go.
    await t.waitFor(async () => (await t.rows()).filter((r) => r.state === 'done').length >= 20, {
      timeoutMs: 180_000,
      message: 'twenty files done before the server stops',
    });
    t.sim.faults.holdPuts = true;
    names.push(...(await t.writeFiles(200, { from: 100, padding: 20_000 })));
    const inFlight = (): number =>
      t.puts().filter((p) => p.status === 0 && p.code === null && p.bytes > 0).length;
    const before = await t.waitFor(
      async () => {
        const rows = await t.rows();
        const open = rows.filter((r) => UNFINISHED.has(r.state));
        return inFlight() > 0 && open.length > 0 ? { rows } : null;
      },
      {
        timeoutMs: 120_000,
        message: async () => {
          const states = new Map<string, number>();
          for (const r of await t.rows().catch(() => [])) states.set(r.state, (states.get(r.state) ?? 0) + 1);
          return (
            `an upload on the wire while files are still to go; rows by state ` +
            `${JSON.stringify(Object.fromEntries(states))}, ${t.puts().length} PUTs of which ${inFlight()} on the wire`
          );
        },
      },
    );
    await cluster.stop();
    const stoppedAt = Date.now();
    // The held uploads end while the server is away: their desks must wait to record them.
    t.sim.faults.holdPuts = false;
    await sleep(Math.max(0, 10_000 - (Date.now() - stoppedAt)));
    // Nobody crashed while it was away.
    expect(t.desks.map((d) => [d.name, d.running, d.exits])).toEqual(t.desks.map((d) => [d.name, true, []]));
    await cluster.start();

    const rows = await t.waitForDone(names, 300_000);
    expectVerdicts(rows, names);
    expectOnceEach(t, names);
    // It really happened mid-run: files were done and files were not when it stopped.
    const doneBefore = before.rows.filter((r) => r.state === 'done').length;
    expect(doneBefore).toBeGreaterThan(0);
    expect(doneBefore).toBeLessThan(names.length);
    // Every desk still watches, and each noticed the server go and come back.
    expect(t.desks.map((d) => [d.name, d.running, d.exits])).toEqual(t.desks.map((d) => [d.name, true, []]));
    for (const desk of t.desks) {
      const err = desk.stderr();
      expect(err, desk.name).toMatch(/Cannot reach the team ledger's PostgreSQL/);
      expect(err, desk.name).toMatch(/the team ledger answers again/);
      expect(err + desk.stdout(), desk.name).not.toContain(cluster.password);
    }
    // What each desk's user reads in a report: every file, done, with its verdict.
    for (const desk of t.desks) {
      const report = await t.report(desk);
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
