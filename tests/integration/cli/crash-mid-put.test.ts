/**
 * A SIGKILL in the middle of a PUT, on the Jobs API (issue 9, item 1): the real CLI is killed while
 * the storage holds its upload half-read, then run again. The job's status after the create says
 * nothing about the bytes (the simulator plays the reading of the docs where a new job is
 * `waiting_for_finalize` at once), so the second run must find out from finalize that the bytes
 * are missing, send them again and finalize: the file ends done, with one record and one credit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../../src/main/sim';
import { makeMp4, simMarker, writeFixture } from '../../helpers/media-fixtures';
import { ensureCliBuilt } from './cli-build';
import { runCli, spawnCli } from './run-cli';

const API_KEY = 'api_apikey_mid-put-test-7d1e0a';

let dir: string;
let sim: Simulator;

beforeAll(async () => {
  ensureCliBuilt();
  dir = await mkdtemp(join(tmpdir(), 'authenta-mid-put-'));
  sim = await startSimulator({ processingMs: 300, apiKeys: [{ key: API_KEY }], jobsWaitingAtCreate: true });
}, 240_000);

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface ReportRow {
  name: string;
  state: string;
  remoteId: string | null;
  verdict: string | null;
  errorCode: string | null;
  extraRecords: number;
}

describe('Jobs API: SIGKILL in the middle of a PUT', () => {
  it('the next run uploads again and finalizes: done, one record, one credit, exit 0', async () => {
    const watchDir = join(dir, 'watch');
    const dataDir = join(dir, 'data');
    // 4 MB: far more than one chunk, so the kill lands mid-body.
    await writeFixture(
      join(watchDir, 'clip.mp4'),
      makeMp4({ marker: simMarker('faces=2,fakes=1'), padding: 4 * 1024 * 1024 }),
    );
    const args = ['--once', '--json', '--api', 'jobs', '--base-url', sim.url, '--data-dir', dataDir];
    const env = { AUTHENTA_API_KEY: API_KEY };

    sim.faults.holdPuts = true;
    const first = spawnCli([...args, '--stability', '50', watchDir], { env });
    await expect
      .poll(() => sim.requests.some((r) => r.method === 'PUT' && r.bytes > 0), {
        timeout: 60_000,
        interval: 10,
      })
      .toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;
    sim.faults.holdPuts = false;
    const cut = sim.requests.find((r) => r.method === 'PUT')!;
    expect(cut.bytes).toBeLessThan(4 * 1024 * 1024);

    const second = await runCli([...args, '--stability', '50', watchDir], { env, timeoutMs: 60_000 });
    expect(second.code, second.stderr).toBe(0);

    const report = await runCli(['report', '--format', 'json', '--data-dir', dataDir]);
    const rows = (JSON.parse(report.stdout) as { jobs: ReportRow[] }).jobs;
    expect(rows.map((r) => [r.name, r.state, r.errorCode])).toEqual([['clip.mp4', 'done', null]]);
    expect(rows[0]!.verdict).toBe('fake');
    expect(sim.counts().posts).toBe(1);
    expect(rows[0]!.extraRecords).toBe(0);
    const okPuts = sim.requests.filter((r) => r.method === 'PUT' && r.status === 200);
    expect(okPuts.map((p) => p.mid)).toEqual([rows[0]!.remoteId]);
    expect(sim.usage().creditsSpent).toBe(1);
  }, 180_000);
});
