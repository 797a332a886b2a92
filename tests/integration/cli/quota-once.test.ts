/**
 * The Mutation quota runs out during `--once` (AA001, issue 9, item 2). Query calls are a separate
 * quota, and the block says "files already sent still get their verdicts": the run collects
 * every verdict it can before it exits 4, and the files left wait (blocked or queued, not failed).
 * A second run before the cool-down has passed spends no Mutation call finding out again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../../src/main/sim';
import type { JobLine } from '../../../src/main/headless/ndjson';
import { makePng, simMarker, writeFixture } from '../../helpers/media-fixtures';
import { ensureCliBuilt } from './cli-build';
import { ndjson, runCli } from './run-cli';

const CLIENT_ID = 'quota-once-client';
const SECRET = 'quota-once-secret-51c0de';

let dir: string;
let sim: Simulator;

beforeAll(async () => {
  ensureCliBuilt();
  dir = await mkdtemp(join(tmpdir(), 'authenta-quota-once-'));
  // Processing takes long enough that both files sent are still waiting for their verdicts when
  // the third POST meets the exhausted quota.
  sim = await startSimulator({
    processingMs: 2_500,
    credentials: [{ clientId: CLIENT_ID, clientSecret: SECRET }],
    quota: { mutation: 2 },
  });
}, 240_000);

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface ReportRow {
  name: string;
  state: string;
  verdict: string | null;
  errorCode: string | null;
}

describe('AA001 on the Mutation quota during --once', () => {
  it('collects the verdicts of the files already sent, exits 4, and a second run spends no Mutation', async () => {
    const watchDir = join(dir, 'watch');
    const dataDir = join(dir, 'data');
    for (const [i, name] of ['a.png', 'b.png', 'c.png', 'd.png'].entries())
      await writeFixture(join(watchDir, name), makePng({ marker: simMarker('fake'), padding: 100 + i }));
    const args = [
      '--once',
      '--json',
      '--base-url',
      sim.url,
      '--data-dir',
      dataDir,
      '--stability',
      '50',
      '--concurrency',
      '1',
      watchDir,
    ];
    const env = { AUTHENTA_CLIENT_ID: CLIENT_ID, AUTHENTA_CLIENT_SECRET: SECRET };

    const first = await runCli(args, { env, timeoutMs: 90_000 });
    expect(first.code, first.stderr).toBe(4);
    const lines = ndjson(first.stdout);
    expect(lines.some((l) => l.type === 'block' && l.code === 'AA001')).toBe(true);
    const last = new Map<string, JobLine>();
    for (const l of lines) if (l.type === 'job') last.set(l.name, l);
    // The two files sent got their verdicts in this run (Query calls still worked). Which two
    // were sent first depends on which file's check ended first (two are checked at once), not on
    // their names: they are the ones that had a record made (uploading or later).
    const wasSent = (l: (typeof lines)[number]): boolean =>
      l.type === 'job' && ['uploading', 'finalizing', 'processing', 'done'].includes(l.state);
    const sent = [...new Set(lines.filter(wasSent).map((l) => (l as JobLine).name))].sort();
    expect(sent).toHaveLength(2);
    for (const name of sent)
      expect(last.get(name), name).toMatchObject({ state: 'done', verdict: { label: 'fake' } });
    const notSent = ['a.png', 'b.png', 'c.png', 'd.png'].filter((n) => !sent.includes(n));

    const report = async (): Promise<ReportRow[]> => {
      const r = await runCli(['report', '--format', 'json', '--data-dir', dataDir]);
      return (JSON.parse(r.stdout) as { jobs: ReportRow[] }).jobs;
    };
    const left = (await report()).filter((r) => r.state !== 'done');
    expect(left.map((r) => r.name).sort()).toEqual(notSent);
    expect(left.every((r) => r.state === 'blocked' || r.state === 'queued')).toBe(true);

    // The cool-down (15 minutes by default) has not passed: the quota is known to be used up.
    const mutationsBefore = sim.counts().mutation;
    const second = await runCli(args, { env, timeoutMs: 90_000 });
    expect(second.code, second.stderr).toBe(4);
    expect(sim.counts().mutation).toBe(mutationsBefore);
    const block = ndjson(second.stdout).find((l) => l.type === 'block');
    expect(block).toMatchObject({ code: 'AA001', kind: 'quota-mutation' });
    const after = await report();
    expect(
      after
        .filter((r) => r.state === 'done')
        .map((r) => r.name)
        .sort(),
    ).toEqual(sent);
    expect(after.filter((r) => r.state === 'failed')).toEqual([]);
  }, 200_000);
});
