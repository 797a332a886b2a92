/**
 * `authenta-watch history` against the simulator over loopback (issue 14): the real CLI reads
 * the account's records a page at a time, one Query call per page (the server sees exactly those
 * and nothing else), marks the records the data folder's ledger sent, and says what a refusal
 * means with the quota's exit code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../../src/main/sim';
import { makePng, simMarker, writeFixture } from '../../helpers/media-fixtures';
import { ensureCliBuilt } from './cli-build';
import { runCli } from './run-cli';

const CLIENT_ID = 'history-client';
const SECRET = 'history-secret-7a11c0de';
const env = { AUTHENTA_CLIENT_ID: CLIENT_ID, AUTHENTA_CLIENT_SECRET: SECRET };

let dir: string;
let sim: Simulator;

beforeAll(async () => {
  ensureCliBuilt();
  dir = await mkdtemp(join(tmpdir(), 'authenta-history-'));
  sim = await startSimulator({
    processingMs: 200,
    credentials: [{ clientId: CLIENT_ID, clientSecret: SECRET }],
  });
}, 240_000);

afterAll(async () => {
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface HistoryJson {
  total: number;
  pages: number;
  pagesRead: number[];
  queryCalls: number;
  records: {
    remoteId: string;
    name: string | null;
    verdict: { label: string } | null;
    local: { jobId: number } | null;
  }[];
}

describe('authenta-watch history', () => {
  it('pages through the account with one Query call a page and marks what this desk checked', async () => {
    const watchDir = join(dir, 'watch');
    const dataDir = join(dir, 'data');
    await writeFixture(join(watchDir, 'mine.png'), makePng({ marker: simMarker('fake') }));
    const run = await runCli(
      ['--once', '--json', '--base-url', sim.url, '--data-dir', dataDir, '--stability', '50', watchDir],
      { env, timeoutMs: 90_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    // Two records made elsewhere (another tool, straight on the API).
    for (const name of ['web-app-1.png', 'web-app-2.png']) {
      const res = await fetch(`${sim.url}/media`, {
        method: 'POST',
        headers: { 'x-client-id': CLIENT_ID, 'x-client-secret': SECRET, 'content-type': 'application/json' },
        body: JSON.stringify({ name, contentType: 'image/png', size: 10, modelType: 'AC-1' }),
      });
      expect(res.status).toBe(201);
    }

    const from = sim.requests.length;
    const json = await runCli(
      ['history', '--all', '--page-size', '1', '--json', '--base-url', sim.url, '--data-dir', dataDir],
      { env },
    );
    expect(json.code, json.stderr).toBe(0);
    const out = JSON.parse(json.stdout) as HistoryJson;
    expect(out).toMatchObject({ total: 3, pages: 3, pagesRead: [1, 2, 3], queryCalls: 3 });
    const seen = sim.requests.slice(from).map((r) => `${r.method} ${r.route}`);
    expect(seen).toEqual(['GET /media', 'GET /media', 'GET /media']);
    const mine = out.records.filter((r) => r.local);
    expect(mine.map((r) => [r.name, r.verdict?.label])).toEqual([['mine.png', 'fake']]);
    expect(
      out.records
        .filter((r) => !r.local)
        .map((r) => r.name)
        .sort(),
    ).toEqual(['web-app-1.png', 'web-app-2.png']);
    expect(json.stderr).toMatch(
      /pages 1-3 of 3, 3 of 3 records, 1 checked here, 2 from elsewhere; 3 Query calls\./,
    );

    // The table: one page, the verdict in words, where each record came from.
    const table = await runCli(
      ['history', '--page-size', '2', '--base-url', sim.url, '--data-dir', dataDir],
      { env },
    );
    expect(table.code, table.stderr).toBe(0);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^Created \(UTC\)\s+Name\s+Type\s+Verdict\s+Where from\s+Record$/);
    expect(rows).toHaveLength(3);
    expect(rows.slice(1).every((r) => /From elsewhere|Checked here \(job \d+\)/.test(r))).toBe(true);
    expect(table.stderr).toMatch(/page 1 of 2 \(--page 2 reads on\)/);
    // The secret never reaches the output.
    for (const r of [json, table]) expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('exits 4 and says what to do when the Query quota is used up', async () => {
    sim.setQuota({ query: 0 });
    try {
      const r = await runCli(['history', '--base-url', sim.url, '--data-dir', join(dir, 'data')], { env });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/Query quota is used up.*Wait for the quota window to reset/);
      expect(r.stdout).toBe('');
    } finally {
      sim.setQuota({});
    }
  });

  it('exits 3 when no credentials are found', async () => {
    const r = await runCli(['history', '--base-url', sim.url, '--data-dir', join(dir, 'empty')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no credentials for profile "default"/);
  });
});
