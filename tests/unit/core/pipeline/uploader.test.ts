import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings, type ProfileRecord } from '../../../../src/shared/settings';
import { createServiceForGeneration } from '../../../../src/main/core/api/detect-generation';
import { JobStore } from '../../../../src/main/core/ledger/job-store';
import type { JobRecord } from '../../../../src/main/core/ledger/ledger';
import { SqliteLedger } from '../../../../src/main/core/ledger/sqlite-ledger';
import { createLogger, MemoryLogSink } from '../../../../src/main/core/logger';
import { BlockBoard } from '../../../../src/main/core/pipeline/blocks';
import { recordWhatWasSent } from '../../../../src/main/core/pipeline/upload-checks';
import { Uploader, type UploaderDeps, type UploadOutcome } from '../../../../src/main/core/pipeline/uploader';
import type { ActiveService } from '../../../../src/main/core/pipeline/views';
import { systemClock } from '../../../../src/main/core/ports';
import { startSimulator, type Simulator } from '../../../../src/main/sim';
import { makePng } from '../../../helpers/media-fixtures';

let dir: string;
let sim: Simulator;
let store: JobStore;
let board: BlockBoard;
let uploader: Uploader;
let routed: UploadOutcome[];
let deps: UploaderDeps;
const logger = createLogger({ sinks: [new MemoryLogSink()] });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aw-uploader-'));
  sim = await startSimulator({ processingMs: 60_000 });
  store = new JobStore(SqliteLedger.open({ file: join(dir, 'ledger.sqlite'), now: () => Date.now() }));
  board = new BlockBoard(systemClock);
  const profile: ProfileRecord = { ...defaultSettings().profiles[0]!, id: 'p1', baseUrl: sim.url };
  const active: ActiveService = {
    profile,
    service: createServiceForGeneration('media-apikey', {
      baseUrl: sim.url,
      credentials: { kind: 'apikey', apiKey: sim.apiKey },
    }),
    simulated: false,
  };
  routed = [];
  deps = {
    ledger: store,
    clock: systemClock,
    logger,
    random: () => 0.5,
    blocks: board,
    profile: { active: () => active },
    settings: {
      folder: () => null,
      preferences: () => defaultSettings().preferences,
      paused: () => false,
      pausedFolderIds: () => [],
    },
    progress: { report: () => undefined },
  };
  uploader = new Uploader(deps, async (outcome) => {
    routed.push(outcome);
  });
});
afterEach(async () => {
  await uploader.dispose();
  board.dispose();
  await store.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A checked file, queued for the active profile. */
async function queued(name: string): Promise<JobRecord> {
  const path = join(dir, name);
  const bytes = makePng({ marker: name });
  writeFileSync(path, bytes);
  const st = statSync(path);
  return store.insert({
    path,
    name,
    folderId: null,
    size: st.size,
    mtimeMs: st.mtimeMs,
    profileId: 'p1',
    simulated: false,
    state: 'queued',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    contentType: 'image/png',
    kind: 'image',
    model: 'AC-1',
  });
}

async function settle(id: number): Promise<void> {
  for (let i = 0; i < 200 && !uploader.isInFlight(id); i++) await new Promise((r) => setTimeout(r, 10));
  await uploader.settled(id);
}

describe('Uploader: returns what it decided, to be routed by the Pipeline', () => {
  it('a job sent and in processing is handed on as a `processing` outcome', async () => {
    const job = await queued('a.png');
    uploader.pump();
    await settle(job.id);
    expect(routed).toHaveLength(1);
    expect(routed[0]).toMatchObject({ type: 'processing', job: { id: job.id, state: 'processing' } });
    expect((await store.get(job.id))?.state).toBe('processing');
    expect(sim.counts().put).toBe(1);
  });

  it('a file changed since it was checked is handed on as an unsent `new-version`; nothing is sent', async () => {
    const job = await queued('b.png');
    utimesSync(job.path, new Date(), new Date(job.mtimeMs + 60_000));
    uploader.pump();
    await settle(job.id);
    expect(routed).toEqual([
      { type: 'new-version', job: expect.objectContaining({ id: job.id }), unsent: true },
    ]);
    expect(sim.counts().posts).toBe(0);
    // The row waits for the route, which queues the new version first and then fails this one naming it.
    expect((await store.get(job.id))?.state).toBe('creating');
  });
});

describe('recordWhatWasSent', () => {
  it('other bytes sent than checked: the job keeps what was sent, and the new version is decided', async () => {
    const job = await queued('c.png');
    const run = { outcomes: [] as UploadOutcome[] };
    const row = await recordWhatWasSent({ ledger: store, logger }, run, job, {
      sha256: 'sent-bytes',
      bytes: job.size,
    });
    expect(row?.sha256).toBe('sent-bytes');
    expect(run.outcomes).toEqual([
      { type: 'new-version', job: expect.objectContaining({ id: job.id }), unsent: false },
    ]);
  });

  it('the bytes checked were sent: nothing else to decide', async () => {
    const job = await queued('d.png');
    const run = { outcomes: [] as UploadOutcome[] };
    const sent = { sha256: job.sha256 ?? '', bytes: job.size };
    expect(await recordWhatWasSent({ ledger: store, logger }, run, job, sent)).toBe(job);
    expect(run.outcomes).toEqual([]);
  });
});

describe('Uploader: disposed while a claim is on its way', () => {
  it('starts nothing with the row the claim returns after dispose (it stays claimed, for start-up)', async () => {
    const job = await queued('late.png');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let claim: Promise<JobRecord | null> | null = null;
    const slow = new Proxy(store, {
      get(target, key, receiver) {
        if (key !== 'claimNextQueued') return Reflect.get(target, key, receiver) as unknown;
        return (...args: Parameters<JobStore['claimNextQueued']>) =>
          (claim = held.then(() => target.claimNextQueued(...args)));
      },
    });
    const late = new Uploader({ ...deps, ledger: slow }, async () => undefined);
    late.pump();
    for (let i = 0; i < 200 && !claim; i++) await new Promise((r) => setTimeout(r, 10));
    expect(claim).not.toBeNull();
    await late.dispose();
    release();
    expect((await claim!)?.id).toBe(job.id);
    await new Promise((r) => setTimeout(r, 50));
    expect(late.inFlight).toBe(0);
    expect(sim.counts().posts).toBe(0);
    expect((await store.get(job.id))?.state).toBe('creating');
  });
});
