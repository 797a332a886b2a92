/**
 * The `authenta-watch` command as a user runs it (node bin/authenta-watch.js): --simulate --once
 * --json on real media files, exit codes for failures, credentials and credits against a
 * simulator started here (the media API, and the Jobs API v1 with `--api jobs` or detected),
 * `report --format csv`, watch mode stopped by SIGTERM, and no secret in any output, log,
 * settings file or ledger.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../../src/main/sim';
import type { JobLine, SummaryLine } from '../../../src/main/headless/ndjson';
import { makeGif, makeJpeg, makeMp4, makePng, simMarker, writeFixture } from '../../helpers/media-fixtures';
import { ensureCliBuilt } from './cli-build';
import { ndjson, runCli, spawnCli } from './run-cli';

const SECRET = 'cli-test-secret-7f3a9b1c5d';
const CLIENT_ID = 'cli-test-client';
const API_KEY = 'api_apikey_cli-test-2c9d4e7a01';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let dir: string;
let dataDir: string;
let watchDir: string;

beforeAll(() => ensureCliBuilt(), 240_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authenta-cli-'));
  dataDir = join(dir, 'data');
  watchDir = join(dir, 'watch');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every byte under `root`, as text, to search for secrets. */
async function everything(root: string): Promise<string> {
  let text = '';
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += (await readFile(join(entry.parentPath, entry.name))).toString('latin1');
  }
  return text;
}

const finalLines = (lines: ReturnType<typeof ndjson>): Map<string, JobLine> => {
  const byName = new Map<string, JobLine>();
  for (const l of lines) if (l.type === 'job') byName.set(l.name, l);
  return byName;
};

describe('usage', () => {
  it('prints help and exits 0; a bad option or no folder exits 2 with what to do', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: authenta-watch \[options\] <folder\.\.\.>/);
    const bad = await runCli(['--bogus', watchDir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option '--bogus'/);
    const none = await runCli(['--simulate']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Name at least one folder/);
  });
});

describe('--simulate --once --json', () => {
  it('checks every file, prints one line per state change and exits 0 when all have verdicts', async () => {
    await writeFixture(join(watchDir, 'fake.png'), makePng({ marker: simMarker('fake') }));
    await writeFixture(join(watchDir, 'real.jpg'), makeJpeg({ marker: simMarker('real') }));
    await writeFixture(join(watchDir, 'interview.mp4'), makeMp4({ marker: simMarker('faces=3,fakes=1') }));
    await writeFixture(
      join(watchDir, 'landscape.mp4'),
      makeMp4({ marker: simMarker('noface'), padding: 10 }),
    );
    await writeFixture(join(watchDir, 'animation.gif'), makeGif());
    const res = await runCli([
      '--simulate',
      '--once',
      '--json',
      '--data-dir',
      dataDir,
      '--stability',
      '100',
      watchDir,
    ]);
    expect(res.stderr).not.toMatch(/Error|TypeError/);
    expect(res.code).toBe(0);

    const lines = ndjson(res.stdout);
    const jobs = finalLines(lines);
    expect([...jobs.keys()].sort()).toEqual([
      'animation.gif',
      'fake.png',
      'interview.mp4',
      'landscape.mp4',
      'real.jpg',
    ]);
    expect(jobs.get('fake.png')).toMatchObject({
      state: 'done',
      verdict: { label: 'fake' },
      mid: expect.any(String),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      contentType: 'image/png',
      model: 'AC-1',
      simulated: true,
    });
    expect(jobs.get('real.jpg')).toMatchObject({ state: 'done', verdict: { label: 'authentic' } });
    expect(jobs.get('interview.mp4')).toMatchObject({
      state: 'done',
      model: 'DF-1',
      verdict: { label: 'fake', faces: 3, deepFakes: 1 },
    });
    expect(jobs.get('landscape.mp4')?.verdict?.label).toBe('inconclusive');
    expect(jobs.get('animation.gif')).toMatchObject({ state: 'skipped', mid: null });

    // Each line is a real change: the states of one job never repeat back to back.
    const seen = new Map<number, string>();
    for (const l of lines) {
      if (l.type !== 'job') continue;
      expect(l.state).not.toBe(seen.get(l.id));
      expect(l.previousState).toBe(seen.get(l.id) ?? l.previousState);
      seen.set(l.id, l.state);
    }
    const summary = lines.at(-1) as SummaryLine;
    expect(summary).toMatchObject({
      type: 'summary',
      exitCode: 0,
      counts: { done: 4, skipped: 1, failed: 0 },
    });
    // Progress went to stderr, in plain lines (not a terminal here).
    expect(res.stderr).toMatch(/done\s+.*fake\.png\s+fake/);
    expect(res.stderr).not.toContain('\x1b[');

    const csv = await runCli(['report', '--format', 'csv', '--data-dir', dataDir]);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trim().split('\r\n');
    expect(rows[0]).toBe(
      'path,name,sha256,size,contentType,model,generation,remoteId,state,verdict,confidence,faces,deepFakes,errorCode,errorMessage,createdAt,doneAt,duplicateOf,simulated,extraRecords,review,reviewNote,reviewedAt,contentCredentials,signedBy,editHistory,cameraMake,cameraModel,capturedAt,editingSoftware,gps,desk',
    );
    expect(rows).toHaveLength(6);
    const fakeRow = rows.find((r) => r.includes('fake.png'));
    expect(fakeRow).toContain(jobs.get('fake.png')?.sha256);
    expect(fakeRow).toContain(jobs.get('fake.png')?.mid);
    expect(fakeRow).toMatch(/,done,fake,/);
    const json = await runCli(['report', '--data-dir', dataDir]);
    expect(JSON.parse(json.stdout)).toMatchObject({ count: 5 });
  });

  it('exits 1 when a file fails, and says which', async () => {
    await writeFixture(join(watchDir, 'ok.png'), makePng({ marker: simMarker('real') }));
    await writeFixture(join(watchDir, 'broken.png'), makePng({ marker: simMarker('fail'), padding: 5 }));
    const res = await runCli([
      '--simulate',
      '--once',
      '--json',
      '--data-dir',
      dataDir,
      '--stability',
      '100',
      watchDir,
    ]);
    expect(res.code).toBe(1);
    const jobs = finalLines(ndjson(res.stdout));
    expect(jobs.get('broken.png')).toMatchObject({ state: 'failed', error: { message: expect.any(String) } });
    expect(jobs.get('ok.png')?.state).toBe('done');
    expect(res.stderr).toMatch(/failed\s+.*broken\.png/);
  });

  it('a second run over the same folder sends nothing again', async () => {
    await writeFixture(join(watchDir, 'a.png'), makePng({ marker: simMarker('fake') }));
    const args = ['--simulate', '--once', '--json', '--data-dir', dataDir, '--stability', '100', watchDir];
    expect((await runCli(args)).code).toBe(0);
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(ndjson(again.stdout).filter((l) => l.type === 'job')).toEqual([]);
  });
});

describe('against an Authenta server', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      processingMs: 150,
      credentials: [{ clientId: CLIENT_ID, clientSecret: SECRET }],
    });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.setCredits(null);
  });

  const args = (): string[] => [
    '--once',
    '--json',
    '--base-url',
    sim.url,
    '--data-dir',
    dataDir,
    '--stability',
    '100',
    watchDir,
  ];

  it('checks files with the environment’s credentials and never writes the secret anywhere', async () => {
    await writeFixture(join(watchDir, 'photo.jpg'), makeJpeg({ marker: simMarker('fake') }));
    const res = await runCli(args(), {
      env: { AUTHENTA_CLIENT_ID: CLIENT_ID, AUTHENTA_CLIENT_SECRET: SECRET },
    });
    expect(res.code).toBe(0);
    const jobs = finalLines(ndjson(res.stdout));
    // A real profile's verdicts are not labelled simulated, whatever server answers.
    expect(jobs.get('photo.jpg')).toMatchObject({
      state: 'done',
      simulated: false,
      verdict: { label: 'fake' },
    });
    expect(res.stdout + res.stderr).not.toContain(SECRET);
    const stored = await everything(dataDir);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).not.toContain(SECRET);
    expect(stored).toContain('photo.jpg'); // the search can find what is there
  });

  it('exits 3 on a wrong secret (IAM001) and 4 without credits (U007)', async () => {
    await writeFixture(join(watchDir, 'photo.jpg'), makeJpeg({ marker: simMarker('real') }));
    const wrong = await runCli(args(), {
      env: { AUTHENTA_CLIENT_ID: CLIENT_ID, AUTHENTA_CLIENT_SECRET: 'not-the-secret-at-all' },
    });
    expect(wrong.code).toBe(3);
    expect(wrong.stdout + wrong.stderr).not.toContain('not-the-secret-at-all');
    expect(ndjson(wrong.stdout).some((l) => l.type === 'block' && l.code === 'IAM001')).toBe(true);

    sim.setCredits(0);
    const broke = await runCli(args(), {
      env: { AUTHENTA_CLIENT_ID: CLIENT_ID, AUTHENTA_CLIENT_SECRET: SECRET },
    });
    expect(broke.code).toBe(4);
    expect(broke.stderr).toMatch(/credits/i);
  });

  it('exits 3 with what to do when there are no credentials at all', async () => {
    await writeFixture(join(watchDir, 'photo.jpg'), makeJpeg());
    const before = sim.requests.length;
    const res = await runCli(args());
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/AUTHENTA_CLIENT_ID.*login/s);
    expect(sim.requests.length).toBe(before);
  });

  it('stops cleanly on SIGTERM in the middle of the uploads; the next run finishes without paying twice', async () => {
    for (let i = 0; i < 12; i++) {
      await writeFixture(
        join(watchDir, `p${i}.png`),
        makePng({ marker: simMarker('real'), padding: 50_000 + i }),
      );
    }
    const env = { AUTHENTA_CLIENT_ID: CLIENT_ID, AUTHENTA_CLIENT_SECRET: SECRET };
    const putsBefore = sim.requests.filter((r) => r.method === 'PUT' && r.status === 200).length;
    const watch = [
      '--json',
      '--base-url',
      sim.url,
      '--data-dir',
      dataDir,
      '--stability',
      '100',
      '--concurrency',
      '2',
      watchDir,
    ];
    const cli = spawnCli(watch, { env });
    await expect
      .poll(() => ndjson(cli.stdout()).some((l) => l.type === 'job' && l.state === 'processing'), {
        timeout: 60_000,
        interval: 5,
      })
      .toBe(true);
    cli.child.kill('SIGTERM');
    const stopped = await cli.exited;
    expect(stopped.code, stopped.stderr).toBe(0);

    const rest = await runCli(args(), { env });
    expect(rest.code, rest.stderr).toBe(0);
    const report = await runCli(['report', '--data-dir', dataDir]);
    const rows = (JSON.parse(report.stdout) as { jobs: { state: string; remoteId: string }[] }).jobs;
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.state === 'done')).toBe(true);
    const puts = sim.requests.filter((r) => r.method === 'PUT' && r.status === 200).slice(putsBefore);
    expect(puts).toHaveLength(12);
    expect(new Set(puts.map((p) => p.mid))).toEqual(new Set(rows.map((r) => r.remoteId)));
  });

  it.skipIf(!process.env.AUTHENTA_TEST_SECRET_SERVICE)(
    'login stores piped credentials in the keychain without printing them; logout removes them',
    async () => {
      await writeFixture(join(watchDir, 'photo.png'), makePng({ marker: simMarker('real') }));
      const profile = `cli-test-${process.pid}`;
      const login = await runCli(
        ['login', '--profile', profile, '--base-url', sim.url, '--data-dir', dataDir],
        { input: `${CLIENT_ID}\n${SECRET}\n` },
      );
      expect(login.stderr).toMatch(/Stored the credentials of profile/);
      expect(login.code).toBe(0);
      expect(login.stdout + login.stderr).not.toContain(SECRET);

      // No --base-url and no environment: the profile stored by login has both.
      const run = await runCli([
        '--profile',
        profile,
        '--once',
        '--data-dir',
        dataDir,
        '--stability',
        '100',
        watchDir,
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(await everything(dataDir)).not.toContain(SECRET);

      const logout = await runCli(['logout', '--profile', profile, '--data-dir', dataDir]);
      expect(logout.code).toBe(0);
      await writeFile(join(watchDir, 'second.png'), makePng({ marker: simMarker('fake'), padding: 3 }));
      const after = await runCli([
        '--profile',
        profile,
        '--once',
        '--data-dir',
        dataDir,
        '--stability',
        '100',
        watchDir,
      ]);
      expect(after.code).toBe(3);
    },
  );
});

describe('against an Authenta server with an API key: the Jobs API v1', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ processingMs: 150, apiKeys: [{ key: API_KEY }] });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.setCredits(null);
  });

  const args = (...extra: string[]): string[] => [
    '--once',
    '--json',
    '--base-url',
    sim.url,
    '--data-dir',
    dataDir,
    '--stability',
    '100',
    ...extra,
    watchDir,
  ];
  const env = { AUTHENTA_API_KEY: API_KEY };

  it('--api jobs: checks every file through the Jobs API; the lines and the report carry the jobId', async () => {
    await writeFixture(join(watchDir, 'photo.jpg'), makeJpeg({ marker: simMarker('fake') }));
    await writeFixture(join(watchDir, 'clip.mp4'), makeMp4({ marker: simMarker('faces=2,fakes=0') }));
    const before = sim.requests.length;
    const res = await runCli(args('--api', 'jobs'), { env });
    expect(res.code, res.stderr).toBe(0);
    const jobs = finalLines(ndjson(res.stdout));
    expect(jobs.get('photo.jpg')).toMatchObject({
      state: 'done',
      generation: 'jobs-v1',
      model: '1',
      mid: null,
      jobId: expect.stringMatching(UUID),
      verdict: { label: 'fake' },
      simulated: false,
    });
    expect(jobs.get('clip.mp4')).toMatchObject({
      state: 'done',
      model: '4',
      verdict: { label: 'authentic', faces: 2, deepFakes: 0 },
    });
    // Every call went to the Jobs API under the same .../api address; no detection was needed.
    const routes = new Set(sim.requests.slice(before).map((r) => `${r.method} ${r.route}`));
    expect([...routes].filter((r) => r.includes('/media'))).toEqual([]);
    expect(routes).toContain('POST /v1/jobs/:id/finalize');
    expect(res.stderr).not.toMatch(/speaks/);

    const report = await runCli(['report', '--data-dir', dataDir]);
    const rows = (
      JSON.parse(report.stdout) as { jobs: { name: string; remoteId: string; generation: string }[] }
    ).jobs;
    expect(rows.find((r) => r.name === 'photo.jpg')).toMatchObject({
      generation: 'jobs-v1',
      remoteId: jobs.get('photo.jpg')?.jobId,
    });
    const csv = await runCli(['report', '--format', 'csv', '--data-dir', dataDir]);
    expect(csv.stdout).toContain(`,jobs-v1,${jobs.get('clip.mp4')?.jobId},done,`);
    expect(res.stdout + res.stderr + report.stdout).not.toContain(API_KEY);
    expect(await everything(dataDir)).not.toContain(API_KEY);
  });

  it('without --api: asks the server once, keeps its answer in the profile; --api media switches', async () => {
    await writeFixture(join(watchDir, 'a.png'), makePng({ marker: simMarker('real') }));
    const first = await runCli(args(), { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/speaks the Jobs API v1; the profile uses it from now on/);
    expect(finalLines(ndjson(first.stdout)).get('a.png')).toMatchObject({ generation: 'jobs-v1' });

    await writeFixture(join(watchDir, 'b.png'), makePng({ marker: simMarker('fake'), padding: 3 }));
    const second = await runCli(args(), { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/speaks/);
    expect(finalLines(ndjson(second.stdout)).get('b.png')).toMatchObject({ generation: 'jobs-v1' });

    await writeFixture(join(watchDir, 'c.png'), makePng({ marker: simMarker('fake'), padding: 5 }));
    const media = await runCli(args('--api', 'media'), { env });
    expect(media.code, media.stderr).toBe(0);
    expect(finalLines(ndjson(media.stdout)).get('c.png')).toMatchObject({
      generation: 'media-apikey',
      model: 'AC-1',
      mid: expect.any(String),
      jobId: null,
    });
  });

  it('exits 3 for a rejected key (INVALID_API_KEY) and 4 without credits (INSUFFICIENT_BALANCE)', async () => {
    await writeFixture(join(watchDir, 'photo.jpg'), makeJpeg({ marker: simMarker('real') }));
    const wrong = await runCli(args('--api', 'jobs'), {
      env: { AUTHENTA_API_KEY: 'api_apikey_not-this-one' },
    });
    expect(wrong.code).toBe(3);
    expect(ndjson(wrong.stdout).some((l) => l.type === 'block' && l.code === 'INVALID_API_KEY')).toBe(true);
    expect(wrong.stdout + wrong.stderr).not.toContain('api_apikey_not-this-one');

    sim.setCredits(0);
    const broke = await runCli(args('--api', 'jobs'), { env });
    expect(broke.code).toBe(4);
    expect(ndjson(broke.stdout).some((l) => l.type === 'block' && l.code === 'INSUFFICIENT_BALANCE')).toBe(
      true,
    );
  });

  it('--api jobs with a client ID and secret exits 3 saying an API key is needed, without a call', async () => {
    await writeFixture(join(watchDir, 'photo.jpg'), makeJpeg());
    const before = sim.requests.length;
    const res = await runCli(args('--api', 'jobs'), {
      env: { AUTHENTA_CLIENT_ID: CLIENT_ID, AUTHENTA_CLIENT_SECRET: SECRET },
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/takes an API key.*AUTHENTA_API_KEY/);
    expect(sim.requests.length).toBe(before);
  });
});

describe('watch mode', () => {
  it('checks files as they arrive and stops cleanly on SIGTERM', async () => {
    await writeFixture(join(watchDir, 'first.png'), makePng({ marker: simMarker('real') }));
    const cli = spawnCli(['--simulate', '--json', '--data-dir', dataDir, '--stability', '100', watchDir]);
    const done = (name: string): boolean =>
      ndjson(cli.stdout()).some((l) => l.type === 'job' && l.name === name && l.state === 'done');
    await expect.poll(() => done('first.png'), { timeout: 60_000, interval: 100 }).toBe(true);
    await writeFile(join(watchDir, 'second.png'), makePng({ marker: simMarker('fake'), padding: 7 }));
    await expect.poll(() => done('second.png'), { timeout: 60_000, interval: 100 }).toBe(true);
    cli.child.kill('SIGTERM');
    const res = await cli.exited;
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/SIGTERM: finishing/);
    expect(ndjson(res.stdout).at(-1)).toMatchObject({ type: 'summary', exitCode: 0, counts: { done: 2 } });
  });
});

describe('a server that echoes the secret back in its error messages', () => {
  it('the secret reaches neither the NDJSON, stderr, the ledger, the log nor the CSV report', async () => {
    // A hostile or buggy server: every answer is a 400 quoting the credentials it was sent.
    const server = createServer((req, res) => {
      req.resume();
      const echoed = `${String(req.headers['x-client-secret'])} ${String(req.headers['authorization'])}`;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'BAD_REQUEST', message: `Refused credentials ${echoed}` }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await writeFixture(join(watchDir, 'photo.jpg'), makeJpeg({ marker: simMarker('real') }));
      const run = await runCli(
        ['--once', '--json', '--base-url', url, '--data-dir', dataDir, '--stability', '100', watchDir],
        { env: { AUTHENTA_CLIENT_ID: CLIENT_ID, AUTHENTA_CLIENT_SECRET: SECRET } },
      );
      expect(run.code).toBe(1);
      const photo = finalLines(ndjson(run.stdout)).get('photo.jpg');
      // The message still says what the server answered, minus the secret.
      expect(photo).toMatchObject({
        state: 'failed',
        error: { message: expect.stringMatching(/Refused credentials/) },
      });
      const csv = await runCli(['report', '--format', 'csv', '--data-dir', dataDir]);
      expect(csv.stdout).toMatch(/photo\.jpg.*Refused credentials/);
      const shown = run.stdout + run.stderr + csv.stdout + csv.stderr;
      expect(shown).not.toContain(SECRET);
      expect(await everything(dataDir)).not.toContain(SECRET);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
