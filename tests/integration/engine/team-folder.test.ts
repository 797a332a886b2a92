/**
 * Two desks on one team ledger watching one share (issue 11, team folders): two real engines in
 * ONE process, each with its own data folder and desk, sharing a real PostgreSQL database
 * (tests/helpers/postgres.ts) and the simulator on 127.0.0.1; desk B watches the share through a
 * symlink, as another machine mounts it under another path. Every file is one row for both desks,
 * created and uploaded once (counted at the simulator), and the same bytes arriving as two files
 * are one remote record for the team.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../../src/main/core/engine';
import { openPostgresLedger } from '../../../src/main/core/ledger/postgres-ledger';
import { TEAM_MARKER_FILE } from '../../../src/main/core/watch/team-marker';
import type { Job } from '../../../src/shared/domain';
import { makePng, simMarker } from '../../helpers/media-fixtures';
import { jobsOf, startHarness, startShareDesk, type Harness } from '../../helpers/engine-harness';
import { usePostgresCluster } from '../../helpers/postgres';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const cluster = usePostgresCluster();
let h: Harness | null = null;
let deskB: Engine | null = null;

afterEach(async () => {
  await deskB?.dispose();
  deskB = null;
  await h?.close();
  h = null;
});

/** Both desks started, A watching `<root>/share`, B watching `<root>/mnt-b` (a symlink to it). */
async function twoDesks(): Promise<{ a: Harness; b: Engine }> {
  const db = await cluster.databaseForTest('aw_team');
  h = await startHarness({ engine: { openLedger: openPostgresLedger({ url: db.url }) } });
  await h.watch('share');
  // Desk B: its own data folder, settings and desk, the same simulator profile and team ledger.
  const b = await startShareDesk(h, {
    url: db.url,
    dataDir: 'data-b',
    mount: 'mnt-b',
    onEngine: (e) => (deskB = e),
    message: 'desk B watching the share',
  });
  return { a: h, b };
}

describe('two desks on one team ledger, one share under two paths', () => {
  it('every file is one row for both desks, created and uploaded once', async () => {
    const { a, b } = await twoDesks();
    const names = Array.from({ length: 8 }, (_, i) => `f${i}.png`);
    for (const [i, name] of names.entries())
      await a.write(`share/${name}`, makePng({ marker: simMarker('real'), padding: 10 + i }));

    const allDone = (jobs: Job[]): boolean =>
      jobs.length >= names.length && jobs.every((j) => j.state === 'done');
    await a.waitFor(async () => allDone(await jobsOf(a.engine)) && allDone(await jobsOf(b)), {
      message: async () =>
        `every file done on both desks; A: ${JSON.stringify((await jobsOf(a.engine)).map((j) => [j.name, j.state]))}`,
    });

    const rowsA = await jobsOf(a.engine);
    const rowsB = await jobsOf(b);
    expect(rowsA.map((j) => j.name).sort()).toEqual([...names].sort());
    expect(rowsB.map((j) => j.id).sort()).toEqual(rowsA.map((j) => j.id).sort());
    // Each desk resolves the shared row against its own mount of the share.
    for (const j of rowsA) expect(j.path).toBe(a.path(`share/${j.name}`));
    for (const j of rowsB) expect(j.path).toBe(a.path(`mnt-b/${j.name}`));
    expect(a.creates()).toBe(names.length);
    expect(a.puts({ ok: true })).toHaveLength(names.length);

    // The share carries its team identity; both desks read the same one.
    const marker = JSON.parse(await readFile(a.path(`share/${TEAM_MARKER_FILE}`), 'utf8')) as {
      id: string;
    };
    expect(marker.id).toMatch(/\S{8,}/);
  });

  it('the same bytes as two files (seen by two desks at once) are one remote record', async () => {
    const { a, b } = await twoDesks();
    const bytes = makePng({ marker: simMarker('fake'), padding: 77 });
    for (let i = 0; i < 3; i++) {
      await a.write(`share/copy-${i}.png`, bytes);
      await a.write(`share/sub/again-${i}.png`, bytes);
    }
    const settled = (jobs: Job[]): boolean =>
      jobs.length >= 6 && jobs.every((j) => j.state === 'done' || j.state === 'skipped');
    await a.waitFor(async () => settled(await jobsOf(a.engine)) && settled(await jobsOf(b)), {
      message: async () =>
        `every copy settled; A: ${JSON.stringify((await jobsOf(a.engine)).map((j) => [j.name, j.state, j.errorCode]))}`,
    });
    const rows = await jobsOf(a.engine);
    expect(rows).toHaveLength(6);
    expect(a.creates()).toBe(1);
    expect(a.puts({ ok: true })).toHaveLength(1);
    // Every copy carries the one verdict.
    expect(new Set(rows.map((j) => j.verdict?.label))).toEqual(new Set(['fake']));
  });
});
