import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobState } from '../../../../src/shared/domain';
import { JobStore } from '../../../../src/main/core/ledger/job-store';
import type { NewJob } from '../../../../src/main/core/ledger/ledger';
import { SqliteLedger } from '../../../../src/main/core/ledger/sqlite-ledger';
import { isKnownVersion, KnownFiles } from '../../../../src/main/core/services/known-files';

describe('which rows make their file version known (the watcher skips it)', () => {
  it.each<[JobState, string | null, boolean]>([
    ['waiting', null, false],
    ['queued', null, true],
    ['creating', null, true],
    ['uploading', null, true],
    ['processing', null, true],
    ['done', null, true],
    ['blocked', 'AA001', true],
    ['skipped', 'DUPLICATE', true],
    ['skipped', 'TOO_LARGE', true],
    ['failed', 'CANCELLED', true],
    // Nothing was learned about these bytes: the file is looked at again when it is seen again.
    ['skipped', 'VANISHED', false],
    ['skipped', 'FOLDER_REMOVED', false],
    ['failed', 'CHANGED', false],
    ['failed', 'UNREADABLE', false],
  ])('%s with %s: %s', (state, errorCode, known) => {
    expect(isKnownVersion({ state, errorCode })).toBe(known);
  });
});

describe('KnownFiles fed from the job store', () => {
  let dir: string;
  let store: JobStore;
  let known: KnownFiles;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aw-known-'));
    store = new JobStore(SqliteLedger.open({ file: join(dir, 'ledger.sqlite'), now: () => 1_000 }));
    known = new KnownFiles();
    store.onChange((changes) => known.hear(changes));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const waiting = (name: string): NewJob => ({
    path: `/in/${name}`,
    name,
    folderId: 'f1',
    size: 100,
    mtimeMs: 5_000,
    profileId: 'p1',
    simulated: false,
    state: 'waiting',
  });

  it('marks a file once its row leaves waiting, by whichever write, and a moved file at its new path', async () => {
    const a = await store.insert(waiting('a.png'));
    expect(known.has('/in/a.png', 100, 5_000)).toBe(false);
    await store.transition(a.id, 'waiting', 'queued', { sha256: 'h', model: 'AC-1' });
    expect(known.has('/in/a.png', 100, 5_000)).toBe(true);
    expect(known.has('/in/a.png', 101, 5_000)).toBe(false);

    await store.update(a.id, { path: '/in/_fake/a.png' });
    expect(known.has('/in/_fake/a.png', 100, 5_000)).toBe(true);
  });

  it('leaves an unreadable or vanished file unknown, so it is read again when seen again', async () => {
    const b = await store.insert(waiting('b.png'));
    await store.transition(b.id, 'waiting', 'failed', { errorCode: 'UNREADABLE', errorKind: 'local' });
    const c = await store.insert(waiting('c.png'));
    await store.transition(c.id, 'waiting', 'skipped', { errorCode: 'VANISHED', errorKind: 'local' });
    const d = await store.insert(waiting('d.png'));
    await store.transition(d.id, 'waiting', 'skipped', { errorCode: 'TOO_LARGE', errorKind: 'local' });
    expect(known.has('/in/b.png', 100, 5_000)).toBe(false);
    expect(known.has('/in/c.png', 100, 5_000)).toBe(false);
    expect(known.has('/in/d.png', 100, 5_000)).toBe(true);
  });

  it('knows after the writes exactly what the ledger gives the next start', async () => {
    const rows = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => store.insert(waiting(`${n}.png`))));
    await store.transition(rows[0]!.id, 'waiting', 'queued', { sha256: 'h', model: 'AC-1' });
    await store.transition(rows[1]!.id, 'waiting', 'failed', { errorCode: 'UNREADABLE', errorKind: 'local' });
    await store.transition(rows[2]!.id, 'waiting', 'skipped', { errorCode: 'DUPLICATE', errorKind: null });
    await store.transition(rows[3]!.id, 'waiting', 'skipped', {
      errorCode: 'FOLDER_REMOVED',
      errorKind: 'local',
    });
    const atStart = new KnownFiles();
    atStart.load(await store.knownFileKeys());
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      expect(known.has(`/in/${name}.png`, 100, 5_000)).toBe(atStart.has(`/in/${name}.png`, 100, 5_000));
    }
    expect(['a', 'b', 'c', 'd', 'e'].filter((n) => known.has(`/in/${n}.png`, 100, 5_000))).toEqual([
      'a',
      'c',
    ]);
  });
});
