/**
 * The checks every team test makes (issue 11): one finished row per file with the verdict its
 * marker asks for, and at the simulator one record and one accepted upload per file, one credit
 * each. The failure messages name the files that broke the rule.
 */
import { expect } from 'vitest';
import type { DeskTeam } from '../../helpers/desks';

/** The verdict label the simulator gives a file written by `writeFiles` (every third is fake). */
export function expectedVerdict(name: string): string {
  const i = Number(/(\d+)\.png$/.exec(name)?.[1] ?? NaN);
  return i % 3 === 0 ? 'fake' : 'authentic';
}

/** One row per name, done, with the expected verdict. */
export function expectVerdicts(
  rows: readonly { name: string; state: string; verdict: string | null }[],
  names: readonly string[],
): void {
  const byName = new Map<string, { state: string; verdict: string | null }[]>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const wrong = names
    .map((n) => ({ name: n, rows: byName.get(n) ?? [] }))
    .filter(
      (x) =>
        x.rows.length !== 1 || x.rows[0]!.state !== 'done' || x.rows[0]!.verdict !== expectedVerdict(x.name),
    );
  expect(
    wrong.slice(0, 10).map((x) => `${x.name}: ${JSON.stringify(x.rows)}`),
    `${wrong.length} of ${names.length} files without exactly one done row with their verdict`,
  ).toEqual([]);
  expect(rows.length).toBe(names.length);
}

/** Each name created once and uploaded once (accepted PUTs), nothing else uploaded; one credit each. */
export function expectOnceEach(team: DeskTeam, names: readonly string[]): void {
  const creates = team.createsByFile();
  const okPuts = team.putsByFile({ ok: true });
  const twice = names.filter((n) => creates.get(n) !== 1 || okPuts.get(n) !== 1);
  expect(
    twice.slice(0, 10).map((n) => `${n}: ${creates.get(n) ?? 0} created, ${okPuts.get(n) ?? 0} uploaded`),
    `${twice.length} of ${names.length} files not created and uploaded exactly once`,
  ).toEqual([]);
  // Nothing beyond these files was created or uploaded.
  expect([...creates.keys()].filter((n) => !names.includes(n))).toEqual([]);
  expect([...okPuts.keys()].filter((n) => !names.includes(n))).toEqual([]);
  expect(team.sim.usage().creditsSpent).toBe(names.length);
}
