/**
 * One share, three mount points (issue 11, "Done when"): the drop folder is one directory that
 * each desk sees under a path of its own (three symlinks, as `/Volumes/drop`, `/mnt/drop` and
 * `\\newsroom\drop` are on three machines). Still one row of the team ledger and one record, one
 * upload per file.
 */
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { useDeskTeams } from '../../helpers/desks';
import { expectOnceEach, expectVerdicts } from './team-checks';

vi.setConfig({ testTimeout: 360_000, hookTimeout: 180_000 });

const startTeam = useDeskTeams();

describe('three desks seeing the folder under three paths', () => {
  it('one row and one upload per file', async () => {
    const t = await startTeam({
      desks: 3,
      folderFor: (shared, i, root) => {
        const mount = join(root, `mount-${i + 1}`);
        symlinkSync(shared, mount);
        return mount;
      },
    });
    expect(new Set(t.desks.map((d) => d.folder)).size).toBe(3);
    t.start();
    const names = await t.writeFiles(150);

    const rows = await t.waitForDone(names);
    expectVerdicts(rows, names);
    expectOnceEach(t, names);
    for (const d of t.desks) expect([d.name, d.running, d.exits]).toEqual([d.name, true, []]);
  });
});
