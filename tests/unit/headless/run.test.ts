/**
 * A `--once` run's NDJSON ends with what the ledger holds. The engine sends job changes in
 * batches (every 100 ms); a run that stops because a block holds every job left (AA001 after the
 * files already sent got their verdicts) decides from the ledger, so it could exit while the batch
 * with the last verdicts had not gone out yet, and those files' last line said `processing`
 * (seen in tests/integration/cli/quota-once.test.ts on a loaded machine).
 */
import { describe, expect, it } from 'vitest';
import {
  JOB_STATES,
  type Block,
  type EngineStatus,
  type Job,
  type JobChange,
} from '../../../src/shared/domain';
import type { JobQuery } from '../../../src/shared/contract';
import { HeadlessRun, type HeadlessEngine } from '../../../src/main/headless/run';
import type { JobLine } from '../../../src/main/headless/ndjson';
import { job } from './job-fixture';

const quotaBlock: Block = {
  kind: 'quota-mutation',
  code: 'AA001',
  message: 'The Mutation quota is used up.',
  action: 'Wait for the cool-down.',
  since: 1,
  retryAt: 2,
};

/** An engine whose ledger already holds the verdicts while their change batch has not gone out. */
function engineWithUnsentBatch(): { engine: HeadlessEngine; emit: (c: JobChange[]) => void } {
  // At the start a.png waits for its verdict; right after, the ledger has it (the batch is not out).
  const rows: Job[] = [
    job({ id: 1, name: 'a.png', state: 'processing' }),
    job({ id: 2, name: 'c.png', state: 'queued' }),
  ];
  const verdictArrives = (): void => {
    rows[0] = {
      ...rows[0]!,
      state: 'done',
      verdict: { label: 'fake', reason: null } as unknown as Job['verdict'],
    };
  };
  let jobsListener: (c: JobChange[]) => void = () => undefined;
  const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as EngineStatus['counts'];
  const status = {
    blocks: [quotaBlock],
    counts,
    uploads: { inFlight: 0, bytesPerSecond: 0 },
  } as unknown as EngineStatus;
  const engine = {
    start: () => Promise.resolve(),
    whenIdle: () => new Promise<void>(() => undefined),
    dispose: () => Promise.resolve(),
    getStatus: () => Promise.resolve(status),
    onStatus: () => () => undefined,
    onJobsChanged: (l: (c: JobChange[]) => void) => {
      jobsListener = l;
      return () => {
        jobsListener = () => undefined;
      };
    },
    listJobs: (q: JobQuery) => {
      const jobs = rows.filter(
        (r) => (!q.folderId || r.folderId === q.folderId) && (!q.states || q.states.includes(r.state)),
      );
      if (!q.folderId) setTimeout(verdictArrives, 0); // after the start's read of every job
      return Promise.resolve({ jobs: (q.offset ?? 0) > 0 ? [] : jobs, total: jobs.length });
    },
  } as unknown as HeadlessEngine;
  return { engine, emit: (c) => jobsListener(c) };
}

describe('HeadlessRun --once', () => {
  it('ends with each job as the ledger holds it, also when a block stops the run before the last batch went out', async () => {
    const { engine } = engineWithUnsentBatch();
    let out = '';
    const run = new HeadlessRun({
      engine,
      once: true,
      json: true,
      folderIds: ['f1'],
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: () => undefined },
      logger: { debug() {}, info() {}, warn() {}, error() {} } as never,
      // a.png changed since the run started: its 'processing' is reported at the start.
      now: () => 1_600_000_000_000,
      recheckMs: 10,
    });
    const code = await run.done;
    expect(code).toBe(4);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JobLine & { type: string });
    const last = new Map<string, JobLine>();
    for (const l of lines) if (l.type === 'job') last.set(l.name, l);
    expect(last.get('a.png')).toMatchObject({ state: 'done', verdict: { label: 'fake' } });
  });
});
