import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderOptionsSchema, type FolderSettings, type JobState } from '../../../../src/shared/domain';
import { JobStore, type ChangeCause } from '../../../../src/main/core/ledger/job-store';
import type { JobRecord, NewJob } from '../../../../src/main/core/ledger/ledger';
import { SqliteLedger } from '../../../../src/main/core/ledger/sqlite-ledger';
import { createLogger, MemoryLogSink } from '../../../../src/main/core/logger';
import { reachedVerdict, VerdictFollowUp } from '../../../../src/main/core/pipeline/verdict-follow-up';
import { ManualClock } from '../../main/manual-clock';

describe('which change is a row reaching its verdict', () => {
  it.each<[ChangeCause, JobState, boolean]>([
    ['transition', 'done', true],
    ['transition', 'processing', false],
    ['transition', 'skipped', false],
    ['transition', 'failed', false],
    // A done row written again (moved, noted, reviewed) has had its follow-up already.
    ['update', 'done', false],
    ['note', 'done', false],
    ['review', 'done', false],
    // Another desk's verdict: that desk runs the after-action and shares it, once.
    ['remote', 'done', false],
  ])('%s into %s: %s', (cause, state, reached) => {
    expect(reachedVerdict({ cause, row: { state } as JobRecord })).toBe(reached);
  });
});

describe('VerdictFollowUp on the job store stream', () => {
  let dir: string;
  let store: JobStore;
  let folder: FolderSettings;
  let followUp: VerdictFollowUp;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aw-follow-up-'));
    mkdirSync(join(dir, 'in'));
    store = new JobStore(SqliteLedger.open({ file: join(dir, 'ledger.sqlite'), now: () => 1_000 }));
    folder = {
      ...FolderOptionsSchema.parse({}),
      id: 'f1',
      path: join(dir, 'in'),
      paused: false,
      after: 'sidecar',
    };
    followUp = new VerdictFollowUp({
      ledger: store,
      clock: new ManualClock(),
      logger: createLogger({ sinks: [new MemoryLogSink()] }),
      settings: { folder: (id) => (id === folder.id ? folder : null) },
    });
    store.onChange((changes) => followUp.hear(changes));
  });
  afterEach(async () => {
    await followUp.dispose();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function file(name: string, over: Partial<NewJob> = {}): NewJob {
    const path = join(dir, 'in', name);
    writeFileSync(path, 'bytes');
    return {
      path,
      name,
      folderId: 'f1',
      size: 5,
      mtimeMs: 5_000,
      profileId: 'p1',
      simulated: false,
      state: 'queued',
      sha256: 'same',
      model: 'AC-1',
      contentType: 'image/png',
      kind: 'image',
      ...over,
    };
  }

  /** A row in `processing`, the way the uploader leaves it (queued, failed, processing again). */
  async function sent(job: NewJob): Promise<JobRecord> {
    const row = await store.insert(job);
    await store.transition(row.id, 'queued', 'failed', {});
    return (await store.transition(row.id, 'failed', 'processing', {}))!;
  }

  async function judge(row: JobRecord): Promise<void> {
    await store.transition(row.id, 'processing', 'done', {
      verdict: { label: 'fake', confidence: 0.9 },
      raw: { status: 'PROCESSED' },
      doneAt: 2_000,
    });
    await followUp.settled();
  }

  it('writes the sidecar once the verdict is written, and notes it on the job', async () => {
    const a = await sent(file('a.png'));
    expect(existsSync(join(dir, 'in', 'a.png.authenta.json'))).toBe(false);
    await judge(a);
    const sidecar = JSON.parse(readFileSync(join(dir, 'in', 'a.png.authenta.json'), 'utf8')) as {
      verdict: unknown;
    };
    expect(sidecar.verdict).toEqual({ label: 'fake', confidence: 0.9 });
    const notes = (await store.timeline(a.id)).map((e) => e.note);
    expect(notes).toContain('verdict written beside the file (a.png.authenta.json)');
  });

  it('moves the file into _fake and records its new path', async () => {
    folder = { ...folder, after: 'move' };
    const a = await sent(file('a.png'));
    await judge(a);
    const row = await store.get(a.id);
    expect(row?.path).toBe(join(dir, 'in', '_fake', 'a.png'));
    expect(existsSync(join(dir, 'in', '_fake', 'a.png'))).toBe(true);
    expect(existsSync(join(dir, 'in', 'a.png'))).toBe(false);
  });

  it('a failed after-action is a note, and the verdict stands', async () => {
    folder = { ...folder, after: 'move' };
    const a = await sent(file('a.png'));
    rmSync(join(dir, 'in', 'a.png'));
    await judge(a);
    const row = await store.get(a.id);
    expect(row?.state).toBe('done');
    expect((await store.timeline(a.id)).map((e) => e.note).join('\n')).toMatch(/moving the file failed/);
  });

  it('queued twins share the verdict instead of being sent; a folder that rechecks keeps its own', async () => {
    const a = await sent(file('a.png'));
    const twin = await store.insert(file('b.png', { state: 'queued' }));
    const other = await store.insert(file('c.png', { state: 'queued', sha256: 'different' }));
    await judge(a);
    expect(await store.get(twin.id)).toMatchObject({
      state: 'skipped',
      duplicateOf: a.id,
      errorCode: 'DUPLICATE',
    });
    expect((await store.get(other.id))?.state).toBe('queued');

    folder = { ...folder, forceRecheck: true };
    const b = await sent(file('d.png'));
    const kept = await store.insert(file('e.png', { state: 'queued' }));
    await judge(b);
    expect((await store.get(kept.id))?.state).toBe('queued');
  });

  it('does nothing for a dropped file (no folder) and nothing after dispose', async () => {
    const dropped = await sent(file('a.png', { folderId: null }));
    await judge(dropped);
    expect(existsSync(join(dir, 'in', 'a.png.authenta.json'))).toBe(false);
    await followUp.dispose();
    const late = await sent(file('b.png'));
    await judge(late);
    expect(existsSync(join(dir, 'in', 'b.png.authenta.json'))).toBe(false);
  });
});
