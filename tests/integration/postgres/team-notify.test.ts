/**
 * Another desk's verdict on this desk's screen (issue 11): desk B is a real engine (the harness:
 * real files, chokidar, the simulator on 127.0.0.1) on a real PostgreSQL, the way the CLI and the
 * desktop open a team ledger (waiting out a server that goes away), with the web host and the
 * browser's WebSocket client (src/renderer/src/lib/ws-api.ts) in front of it. Desk A is a second
 * ledger on the same database. What A writes reaches B's browser without anyone reloading, and B
 * takes A's work as known: a file A judged is not checked again when B comes across it.
 */
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitForTeamLedger } from '../../../src/main/core/ledger/ledger-away';
import { openPostgresLedger, PostgresLedger } from '../../../src/main/core/ledger/postgres-ledger';
import type { Logger } from '../../../src/main/core/ports';
import { startWebHost, type WebHost } from '../../../src/main/headless/web-host';
import { createWsApi, type SocketConstructor, type WsApi } from '../../../src/renderer/src/lib/ws-api';
import type { JobChange, Verdict } from '../../../src/shared/domain';
import { startHarness, type Harness } from '../../helpers/engine-harness';
import { makePng } from '../../helpers/media-fixtures';
import { usePostgresCluster, type TestDatabase } from '../../helpers/postgres';
import { waitFor } from '../headless/http-client';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const cluster = usePostgresCluster();
let db: TestDatabase | null = null;
let h: Harness | null = null;
let host: WebHost | null = null;
let api: WsApi | null = null;
let deskA: PostgresLedger | null = null;
let dir: string | null = null;

afterEach(async () => {
  api?.close();
  api = null;
  await host?.close();
  host = null;
  await h?.close();
  h = null;
  await deskA?.close();
  deskA = null;
  db = null;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

const VERDICT = { label: 'fake', confidence: 0.97, details: {} } as unknown as Verdict;

describe("another desk's verdict", () => {
  it("reaches desk B's browser, list and counts, and B does not check that file again", async () => {
    db = await cluster.databaseForTest('aw_notify_web');
    h = await startHarness({
      engine: {
        openLedger: waitForTeamLedger(openPostgresLedger({ url: db.url, connectTimeoutMs: 2_000 }), {
          retryMs: 500,
        }),
      },
    });
    // Desk B sends nothing of its own: the row desk A queues stays A's.
    await h.engine.pauseAll();
    dir = await mkdtemp(join(tmpdir(), 'aw-notify-web-'));
    await mkdir(join(dir, 'renderer'));
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
    const web = await startWebHost({
      api: h.engine,
      rendererDir: join(dir, 'renderer'),
      inboxDir: join(dir, 'inbox'),
      logger: quiet,
    });
    host = web;
    const Socket = class extends WebSocket {
      constructor(url: string, protocols?: string[]) {
        super(url, protocols ?? [], { origin: web.origin });
      }
    } as unknown as SocketConstructor;
    api = createWsApi({
      url: `ws://127.0.0.1:${web.port}/ws`,
      token: () => web.token,
      WebSocketImpl: Socket,
      backoff: { initialMs: 20, maxMs: 200 },
    });
    const seen: JobChange[] = [];
    api.onJobsChanged((changes) => seen.push(...changes));
    expect((await api.listJobs({})).total).toBe(0);

    // Desk A judges a file of the shared folder (here: the same path on both desks).
    const file = await h.write('shared/clip.png', makePng({ padding: 7 }));
    const { size, mtimeMs } = await stat(file);
    deskA = await PostgresLedger.open({ url: db.url, now: Date.now, desk: 'ana@newsroom (a1)' });
    const row = await deskA.insert({
      path: file,
      name: 'clip.png',
      folderId: null,
      size,
      mtimeMs,
      profileId: 'p',
      simulated: true,
      state: 'queued',
    });
    await deskA.claimNextQueued(Date.now(), [], {
      profileId: 'p',
      simulated: true,
      generation: 'media-client',
    });
    await deskA.transition(row.id, 'creating', 'uploading', { remoteId: 'mid-a' });
    await deskA.transition(row.id, 'uploading', 'processing', { uploadedAt: Date.now() });
    const judgedAt = Date.now();
    await deskA.transition(row.id, 'processing', 'done', { verdict: VERDICT, doneAt: Date.now() });

    await waitFor(
      () => seen.some((c) => c.type === 'upsert' && c.job.id === row.id && c.job.state === 'done'),
      "desk A's verdict in desk B's browser",
      30_000,
    );
    console.log(`desk A's verdict reached desk B's browser ${Date.now() - judgedAt} ms after it was written`);
    const last = seen.filter((c) => c.type === 'upsert' && c.job.id === row.id).at(-1);
    expect(last).toMatchObject({
      job: { state: 'done', desk: 'ana@newsroom (a1)', verdict: { label: 'fake' } },
    });
    const page = await api.listJobs({});
    expect(page.jobs.map((j) => [j.id, j.state])).toEqual([[row.id, 'done']]);
    const status = await api.getStatus();
    expect(status.counts.done).toBe(1);
    // The UI knows a team shares this ledger, and which desk this one is (rows tell theirs apart).
    expect(status.team?.desk).toMatch(/@/);
    expect(status.team?.desk).not.toBe('ana@newsroom (a1)');
    expect((await api.getJob(row.id)).job.desk).toBe('ana@newsroom (a1)');

    // Desk B comes across the file A judged: it is known, no second row, nothing sent.
    await h.watch('shared');
    await h.engine.whenIdle();
    expect((await h.jobs()).map((j) => j.id)).toEqual([row.id]);
    expect(h.creates()).toBe(0);
  });
});
