import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOB_STATES, type JobState } from '../../../../src/shared/domain';
import { createLogger, MemoryLogSink } from '../../../../src/main/core/logger';
import {
  DroppedFiles,
  droppedFileFate,
  type DroppedFileFate,
} from '../../../../src/main/headless/web/dropped-files';
import { job } from '../job-fixture';

describe('droppedFileFate', () => {
  const expected: Record<JobState, DroppedFileFate> = {
    waiting: 'keep',
    queued: 'keep',
    creating: 'keep',
    uploading: 'keep',
    finalizing: 'keep',
    processing: 'keep',
    blocked: 'keep',
    done: 'forget',
    failed: 'forget',
    skipped: 'keep',
  };
  it.each(JOB_STATES.map((s) => [s, expected[s]] as const))('%s, no duplicate: %s', (state, fate) => {
    expect(droppedFileFate({ state, duplicateOf: null })).toBe(fate);
  });

  it('deletes a skipped duplicate of a checked file', () => {
    expect(droppedFileFate({ state: 'skipped', duplicateOf: 12 })).toBe('delete');
  });

  it('keeps a duplicate the engine has not skipped yet', () => {
    expect(droppedFileFate({ state: 'queued', duplicateOf: 12 })).toBe('keep');
  });
});

describe('DroppedFiles', () => {
  let dir: string;
  let sink: MemoryLogSink;
  let dropped: DroppedFiles;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dropped-'));
    sink = new MemoryLogSink();
    dropped = new DroppedFiles(createLogger({ sinks: [sink] }));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const until = async (check: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('removes a dropped file the engine skipped as a duplicate, and only that one', async () => {
    const copy = join(dir, 'clip.mp4');
    const other = join(dir, 'other.mp4');
    const notDropped = join(dir, 'watched.mp4');
    for (const f of [copy, other, notDropped]) await writeFile(f, 'x');
    dropped.add(copy);
    dropped.add(other);
    dropped.onJobsChanged([
      { type: 'upsert', job: job({ id: 2, path: copy, state: 'skipped', duplicateOf: 1 }) },
      { type: 'upsert', job: job({ id: 3, path: other, state: 'queued' }) },
      { type: 'upsert', job: job({ id: 4, path: notDropped, state: 'skipped', duplicateOf: 1 }) },
      { type: 'removed', id: 3 },
    ]);
    await until(async () => !(await readdir(dir)).includes('clip.mp4'));
    expect((await readdir(dir)).sort()).toEqual(['other.mp4', 'watched.mp4']);
    expect(sink.text()).toContain('removed a dropped duplicate');
  });

  it('keeps a checked file and stops tracking it', async () => {
    const file = join(dir, 'photo.jpg');
    await writeFile(file, 'x');
    dropped.add(file);
    dropped.onJobsChanged([{ type: 'upsert', job: job({ path: file, state: 'done' }) }]);
    // Once forgotten, a later change to the same path (a user's own copy) is not the host's to delete.
    dropped.onJobsChanged([{ type: 'upsert', job: job({ path: file, state: 'skipped', duplicateOf: 9 }) }]);
    await new Promise((r) => setTimeout(r, 50));
    expect(await readdir(dir)).toEqual(['photo.jpg']);
  });
});
