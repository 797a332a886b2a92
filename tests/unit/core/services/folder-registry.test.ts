import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../../src/shared/settings';
import type { JobRecord } from '../../../../src/main/core/ledger/ledger';
import { JobStore } from '../../../../src/main/core/ledger/job-store';
import { SqliteLedger } from '../../../../src/main/core/ledger/sqlite-ledger';
import { createLogger, MemoryLogSink } from '../../../../src/main/core/logger';
import { systemClock } from '../../../../src/main/core/ports';
import { EngineSettings } from '../../../../src/main/core/services/engine-settings';
import {
  FolderRegistry,
  KnownFiles,
  type FolderIntake,
} from '../../../../src/main/core/services/folder-registry';
import { InMemorySettingsStore } from '../../../../src/main/core/settings/in-memory-settings-store';
import type { FileCandidate } from '../../../../src/main/core/watch/folder-watcher';

let root: string;
let ledger: JobStore;
let store: InMemorySettingsStore;
let settings: EngineSettings;
let known: KnownFiles;
let registry: FolderRegistry;
let stable: FileCandidate[];
let kicks: number;
let changed: JobRecord[];

async function waitFor<T>(fn: () => T | undefined | false, what: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - started > 20_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeEach(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'aw-folders-')));
  // The rows the registry changes reach the UI through the job store's stream (state changes only here).
  ledger = new JobStore(SqliteLedger.open({ file: ':memory:', now: Date.now }));
  ledger.onChange((cs) => changed.push(...cs.filter((c) => c.cause === 'transition').map((c) => c.row)));
  store = new InMemorySettingsStore(defaultSettings());
  settings = new EngineSettings(store);
  await settings.load();
  known = new KnownFiles();
  stable = [];
  kicks = 0;
  changed = [];
  const intake: FolderIntake = {
    seen: () => undefined,
    stable: (c) => stable.push(c),
    gone: () => undefined,
    kick: () => kicks++,
  };
  registry = new FolderRegistry({
    settings,
    ledger,
    known,
    intake,
    clock: systemClock,
    logger: createLogger({ sinks: [new MemoryLogSink()] }),
    watcher: { healthCheckMs: 1_000 },
    onChange: () => undefined,
    onWatcherStarted: () => undefined,
  });
});
afterEach(async () => {
  await registry.dispose();
  await ledger.close();
  rmSync(root, { recursive: true, force: true });
});

describe('FolderRegistry', () => {
  it('refuses a folder that is missing, a file, or one already watched, saying what to do', async () => {
    await expect(registry.add({ path: join(root, 'nope') })).rejects.toMatchObject({
      code: 'FOLDER_UNAVAILABLE',
      message: expect.stringMatching(/does not exist\. Check the path/),
    });
    writeFileSync(join(root, 'a.txt'), 'x');
    await expect(registry.add({ path: join(root, 'a.txt') })).rejects.toMatchObject({ code: 'NOT_A_FOLDER' });
    mkdirSync(join(root, 'in'));
    await registry.add({ path: join(root, 'in') });
    await expect(registry.add({ path: join(root, 'in') })).rejects.toMatchObject({ code: 'ALREADY_WATCHED' });
    expect(settings.current.folders).toHaveLength(1);
  });

  it('watches an added folder (saved in the settings) and hands finished files to the intake, skipping known ones', async () => {
    mkdirSync(join(root, 'in'));
    writeFileSync(join(root, 'in', 'old.png'), 'old');
    const old = statSync(join(root, 'in', 'old.png'));
    known.add(join(root, 'in', 'old.png'), old.size, old.mtimeMs);
    const folder = await registry.add({ path: join(root, 'in'), options: { stabilityMs: 100 } });
    expect(store.saves).toBe(1);
    expect(folder.health.state).toBe('starting');
    await waitFor(() => registry.activity()[0]?.started, 'the first scan');
    writeFileSync(join(root, 'in', 'new.png'), 'new');
    await waitFor(() => stable.find((c) => c.path.endsWith('new.png')), 'the new file');
    expect(stable.map((c) => c.path)).toEqual([join(root, 'in', 'new.png')]);
    expect(registry.statuses()[0]!.health.state).toBe('watching');
  });

  it('a paused folder shows paused and its id is among the paused; resuming looks for work', async () => {
    mkdirSync(join(root, 'in'));
    const { id } = await registry.add({ path: join(root, 'in') });
    await registry.pause(id);
    expect(registry.statuses()[0]!.health.state).toBe('paused');
    expect(registry.pausedIds()).toEqual([id]);
    expect(registry.activity()).toEqual([]);
    await registry.resume(id);
    expect(registry.pausedIds()).toEqual([]);
    expect(kicks).toBe(1);
    await expect(registry.pause('f-none')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('removing a folder skips its files not yet sent, with a message, and leaves other jobs alone', async () => {
    mkdirSync(join(root, 'in'));
    const { id } = await registry.add({ path: join(root, 'in') });
    const mine = await ledger.insert({
      path: join(root, 'in', 'a.png'),
      name: 'a.png',
      folderId: id,
      size: 1,
      mtimeMs: 1,
      profileId: 'p',
      simulated: false,
      state: 'queued',
    });
    const other = await ledger.insert({
      path: '/elsewhere/b.png',
      name: 'b.png',
      folderId: null,
      size: 1,
      mtimeMs: 1,
      profileId: 'p',
      simulated: false,
      state: 'queued',
    });
    await registry.remove(id);
    expect(settings.current.folders).toEqual([]);
    expect(await ledger.get(mine.id)).toMatchObject({
      state: 'skipped',
      errorMessage: `a.png was not sent: its folder ${join(root, 'in')} is no longer watched.`,
    });
    expect((await ledger.get(other.id))!.state).toBe('queued');
    expect(changed.map((j) => j.id)).toEqual([mine.id]);
  });
});
