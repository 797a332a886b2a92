/**
 * A team ledger whose PostgreSQL goes away mid-run (issue 11): a real engine (the harness: real
 * files, chokidar, the simulator on 127.0.0.1) on a real PostgreSQL (tests/helpers/postgres.ts)
 * whose server is stopped with `pg_ctl stop` for 10 s while files are on their way, then started
 * again. Nothing crashes, every file ends done, none is created or uploaded twice (counted at the
 * simulator), files dropped while the server is away are checked once it is back, and the log
 * says the ledger went away and came back without the password.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openPostgresLedger } from '../../../src/main/core/ledger/postgres-ledger';
import { waitForTeamLedger } from '../../../src/main/core/ledger/ledger-away';
import { makePng, simMarker } from '../../helpers/media-fixtures';
import { startHarness, type Harness } from '../../helpers/engine-harness';
import { usePostgresCluster, type TestDatabase } from '../../helpers/postgres';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const cluster = usePostgresCluster();
let db: TestDatabase;
let h: Harness | null = null;

afterEach(async () => {
  await h?.close();
  h = null;
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL stopped for 10 s mid-run', () => {
  it('finishes every file once the server is back: no crash, none created or uploaded twice', async () => {
    db = await cluster.databaseForTest('aw_away');
    const errors: unknown[] = [];
    const said: string[] = [];
    const onError = (e: unknown): void => {
      errors.push(e);
    };
    process.on('unhandledRejection', onError);
    process.on('uncaughtException', onError);
    try {
      h = await startHarness({
        sim: { processingMs: 1_500 },
        preferences: { concurrency: 2 },
        engine: {
          openLedger: waitForTeamLedger(openPostgresLedger({ url: db.url, connectTimeoutMs: 2_000 }), {
            retryMs: 500,
            onAway: (problem) => said.push(`away: ${problem.message}`),
            onBack: () => said.push('back'),
          }),
        },
      });
      h.sim.faults.latencyMs = 100;
      await h.watch('inbox');
      const first = 24;
      for (let i = 0; i < first; i++)
        await h.write(`inbox/a${i}.png`, makePng({ marker: simMarker('fake'), padding: 16 + i }));
      // Some files on their way (sent, or being sent), others still queued: then the server stops.
      await h.waitFor(async () => (await h!.jobs()).filter((j) => j.state === 'done').length >= 3, {
        message: 'three files done before the server stops',
      });
      const atStop = (await h.jobs()).map((j) => j.state);
      await cluster.stop();
      const stoppedAt = Date.now();
      // Files dropped while the server is away are not lost.
      for (let i = 0; i < 4; i++)
        await h.write(`inbox/b${i}.png`, makePng({ marker: simMarker('real'), padding: 100 + i }));
      await sleep(10_000 - (Date.now() - stoppedAt));
      await cluster.start();

      const total = first + 4;
      const jobs = await h.waitFor(
        async () => {
          const all = await h!.jobs();
          return all.length === total && all.every((j) => j.state === 'done') ? all : null;
        },
        {
          timeoutMs: 120_000,
          message: async () =>
            `every file done; now ${JSON.stringify((await h!.jobs()).map((j) => [j.name, j.state, j.errorMessage]))}`,
        },
      );
      // The server stopped mid-run: files waiting for their verdict.
      expect(atStop).toContain('processing');
      expect(atStop.filter((s) => s === 'done').length).toBeLessThan(first);
      expect(new Set(jobs.map((j) => j.name)).size).toBe(total);
      expect(h.creates()).toBe(total);
      const okPuts = h.puts({ ok: true });
      expect(okPuts.length).toBe(total);
      expect(new Set(okPuts.map((p) => p.mid)).size).toBe(total);
      expect(errors.map((e) => (e instanceof Error ? e.stack : String(e)))).toEqual([]);
      // Told once it went away (what to do) and once it was back; the password nowhere.
      expect(said[0]).toMatch(
        /^away: Cannot reach the team ledger's PostgreSQL at 127\.0\.0\.1:\d+ .*start the server/,
      );
      expect(said.at(-1)).toBe('back');
      expect(said.join('\n') + h.logs.text()).not.toContain(cluster.password);
    } finally {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    }
  });
});
