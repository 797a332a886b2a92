import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '../../../../src/shared/contract';
import { eventMethod } from '../../../../src/shared/contract-bridge';
import type { EngineStatus, JobChange, UploadProgress } from '../../../../src/shared/domain';
import type { JobRecord, NewJob } from '../../../../src/main/core/ledger/ledger';
import { SqliteLedger } from '../../../../src/main/core/ledger/sqlite-ledger';
import { createLogger, MemoryLogSink } from '../../../../src/main/core/logger';
import { EventHub } from '../../../../src/main/core/services/event-hub';
import { ManualClock } from '../../main/manual-clock';

const PROFILE = { profileId: 'p1', simulated: false, generation: 'media-client' as const };
const STATUS = { paused: false } as EngineStatus;

let clock: ManualClock;
let ledger: SqliteLedger;
let logs: MemoryLogSink;
let statusAsked: number;
let flushed: number;
let hub: EventHub;

function newJob(name: string, size = 1_000): NewJob {
  return {
    path: `/in/${name}`,
    name,
    folderId: 'f1',
    size,
    mtimeMs: 1,
    profileId: 'p1',
    simulated: false,
    state: 'queued',
  };
}

beforeEach(() => {
  clock = new ManualClock();
  ledger = SqliteLedger.open({ file: ':memory:', now: () => clock.now() });
  logs = new MemoryLogSink();
  statusAsked = 0;
  flushed = 0;
  hub = new EventHub({
    clock,
    logger: createLogger({ sinks: [logs] }),
    status: async () => {
      statusAsked++;
      return STATUS;
    },
    onFlushed: () => flushed++,
    eventIntervalMs: 100,
    progressIntervalMs: 250,
  });
  hub.start();
});
afterEach(async () => {
  hub.dispose();
  await ledger.close();
});

/** Lets the status promise settle. */
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('EventHub', () => {
  it('sends each changed row once per batch, as it last stood, without what only the engine may know', async () => {
    const batches: JobChange[][] = [];
    hub.onJobsChanged((c) => batches.push(c));
    const a = await ledger.insert(newJob('a.png'));
    const b = await ledger.insert(newJob('b.png'));
    hub.jobChanged(a);
    hub.jobChanged(b);
    const claimed = (await ledger.claimNextQueued(clock.now(), [], PROFILE)) as JobRecord;
    hub.jobChanged(
      (await ledger.update(claimed.id, { uploadUrl: 'https://s3.example/put?sig=secret' })) as JobRecord,
    );
    expect(hub.hasPendingChanges).toBe(true);
    clock.advance(99);
    expect(batches).toHaveLength(0);
    clock.advance(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((c) => (c.type === 'upsert' ? [c.job.name, c.job.state] : c))).toEqual([
      ['a.png', 'creating'],
      ['b.png', 'queued'],
    ]);
    expect(JSON.stringify(batches)).not.toContain('sig=secret');
    expect(hub.hasPendingChanges).toBe(false);
    expect(flushed).toBe(1);
  });

  it('sends upload progress at most every interval, with a smoothed rate, and one last time when the upload ends', async () => {
    const sent: UploadProgress[][] = [];
    hub.onProgress((p) => sent.push(p));
    const job = (await ledger.insert(newJob('v.mp4', 10_000)))!;
    hub.progress(job.id, 0, 10_000);
    clock.advance(200);
    hub.progress(job.id, 2_000, 10_000);
    expect(hub.uploadBytesPerSecond).toBe(10_000);
    clock.advance(50);
    expect(sent).toEqual([
      [{ id: job.id, bytesSent: 2_000, size: 10_000, bytesPerSecond: 10_000, phase: 'uploading' }],
    ]);
    clock.advance(200);
    hub.progress(job.id, 4_000, 10_000);
    // The job left uploading: its last figures go out once, then it is forgotten.
    const uploading = (await ledger.claimNextQueued(clock.now(), [], PROFILE))!;
    hub.jobChanged((await ledger.transition(uploading.id, 'creating', 'uploading'))!);
    hub.jobChanged((await ledger.transition(uploading.id, 'uploading', 'processing'))!);
    expect(hub.uploadBytesPerSecond).toBe(0);
    clock.advance(250);
    expect(sent).toHaveLength(2);
    expect(sent[1]![0]).toMatchObject({ bytesSent: 4_000 });
    clock.advance(1_000);
    expect(sent).toHaveLength(2);
  });

  it('sends the status at most every 250 ms, only once started and never after close', async () => {
    const statuses: EngineStatus[] = [];
    const fresh = new EventHub({
      clock,
      logger: createLogger({ sinks: [logs] }),
      status: async () => STATUS,
    });
    fresh.onStatus((s) => statuses.push(s));
    fresh.statusChanged();
    clock.advance(1_000);
    await settle();
    expect(statuses).toHaveLength(0);
    fresh.start();
    fresh.statusChanged();
    fresh.statusChanged();
    clock.advance(250);
    await settle();
    expect(statuses).toHaveLength(1);
    fresh.close();
    fresh.statusChanged();
    clock.advance(1_000);
    await settle();
    expect(statuses).toHaveLength(1);
    fresh.dispose();
  });

  it('a listener that throws is logged and the others still hear the event', async () => {
    const heard: number[] = [];
    hub.onOpenJob(() => heard.push(1));
    hub.onJobsChanged(() => {
      throw new Error('listener broke');
    });
    const seen: JobChange[][] = [];
    hub.onJobsChanged((c) => seen.push(c));
    hub.jobChanged(await ledger.insert(newJob('a.png')));
    clock.advance(100);
    expect(seen).toHaveLength(1);
    expect(logs.records.some((r) => r.msg === 'an event listener failed')).toBe(true);
    hub.openJob(7);
    expect(heard).toEqual([1]);
  });

  it('an unsubscribed listener hears nothing more, and dispose stops every timer', async () => {
    const seen: JobChange[][] = [];
    const off = hub.onJobsChanged((c) => seen.push(c));
    off();
    hub.jobChanged(await ledger.insert(newJob('a.png')));
    hub.progress(1, 10, 100);
    hub.dispose();
    expect(clock.pending()).toBe(0);
    expect(seen).toHaveLength(0);
    expect(statusAsked).toBe(0);
  });
});

describe('EventHub.eventApi: the contract’s on... methods, derived from its EVENTS table', () => {
  it('has one method per event, and each hears its own event until unsubscribed', async () => {
    const api = hub.eventApi();
    expect(Object.keys(api).sort()).toEqual(EVENT_NAMES.map((n) => eventMethod(n)).sort());
    const opened: number[] = [];
    const changed: JobChange[][] = [];
    const stopOpen = api.onOpenJob((id) => opened.push(id));
    api.onJobsChanged((c) => changed.push(c));
    hub.openJob(7);
    stopOpen();
    hub.openJob(8);
    hub.jobChanged(await ledger.insert(newJob('a.png')));
    clock.advance(100);
    await settle();
    expect(opened).toEqual([7]);
    expect(changed.flat().map((c) => (c.type === 'upsert' ? c.job.name : c.id))).toEqual(['a.png']);
  });
});
