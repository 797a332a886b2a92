/**
 * The settings file: written by conf (the headless host) and by electron-store (the desktop,
 * run here for real in a child process with a fake `electron`), read by the same schema module
 * (src/shared/settings.ts). One file, whoever wrote it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfSettingsStore,
  settingsFileOptions,
  SETTINGS_FILE_NAME,
} from '../../../src/main/core/settings/conf-settings-store';
import {
  defaultSettings,
  migrateSettings,
  SANDBOX_PROFILE_ID,
  SETTINGS_VERSION,
  SettingsError,
  type Settings,
} from '../../../src/shared/settings';

const run = promisify(execFile);
const HERE = resolve('tests/integration/settings');
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aw-settings-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** ElectronSettingsStore in a child Node process (electron-store cannot load beside Vitest's mocks). */
async function electronStore(dir: string, mode: 'read' | 'write', settings?: Settings) {
  const args = [
    '--import',
    'tsx',
    '--import',
    join(HERE, 'register-fake-electron.mjs'),
    join(HERE, 'electron-store-child.ts'),
    dir,
    mode,
  ];
  if (settings) args.push(JSON.stringify(settings));
  const { stdout } = await run(process.execPath, args, {
    env: { ...process.env, FAKE_ELECTRON_USER_DATA: join(dir, 'userData') },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as { path?: string; settings?: Settings; error?: string };
}

function changed(): Settings {
  const s = defaultSettings();
  s.activeProfileId = SANDBOX_PROFILE_ID;
  s.folders.push({
    id: 'f-1',
    path: '/srv/Incoming',
    paused: false,
    recursive: true,
    images: true,
    videos: false,
    imageModel: 'AC-1',
    videoModel: 'DF-1',
    stabilityMs: 3000,
    usePolling: true,
    pollIntervalMs: 5000,
    ignore: ['**/*.tmp'],
    after: 'sidecar',
    forceRecheck: false,
  });
  s.preferences.concurrency = 5;
  s.preferences.window = { x: 10, y: 20, width: 1000, height: 700, maximized: false };
  return s;
}

describe('the settings file', () => {
  it('conf writes exactly the Settings object, which the schema module reads back', async () => {
    const dir = tempDir();
    const store = new ConfSettingsStore(dir);
    expect(store.path).toBe(join(dir, `${SETTINGS_FILE_NAME}.json`));
    await store.save(changed());
    const onDisk = JSON.parse(readFileSync(store.path, 'utf8')) as unknown;
    expect(onDisk).toEqual(changed());
    expect(migrateSettings(onDisk)).toEqual(changed());
    expect(await new ConfSettingsStore(dir).load()).toEqual(changed());
  });

  it('a first start has the defaults and the Sandbox profile', async () => {
    const settings = await new ConfSettingsStore(tempDir()).load();
    expect(settings).toEqual(defaultSettings());
    expect(settings.profiles.map((p) => p.id)).toEqual([SANDBOX_PROFILE_ID]);
  });

  it('a file without a version is migrated', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ preferences: { concurrency: 2 } }));
    const settings = await new ConfSettingsStore(dir).load();
    expect(settings.version).toBe(SETTINGS_VERSION);
    expect(settings.preferences.concurrency).toBe(2);
  });

  it('a file from a newer app or one that is not JSON is reported, never replaced', async () => {
    const dir = tempDir();
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ version: SETTINGS_VERSION + 1 }));
    await expect(new ConfSettingsStore(dir).load()).rejects.toThrow(/newer Authenta Watch.*update the app/);
    writeFileSync(file, '{ "version": 1, ');
    const error = await new ConfSettingsStore(dir).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain('move it aside');
    expect(readFileSync(file, 'utf8')).toBe('{ "version": 1, ');
  });

  it('refuses to write settings that break the schema', async () => {
    const store = new ConfSettingsStore(tempDir());
    const bad = { ...changed(), preferences: { ...changed().preferences, concurrency: 99 } };
    await expect(store.save(bad)).rejects.toThrow();
  });

  it('electron-store reads what conf wrote, and conf reads what electron-store wrote', async () => {
    const dir = tempDir();
    await new ConfSettingsStore(dir).save(changed());
    const read = await electronStore(dir, 'read');
    expect(read.error).toBeUndefined();
    expect(read.path).toBe(join(dir, 'settings.json'));
    expect(read.settings).toEqual(changed());

    const next = changed();
    next.preferences.notifications = false;
    next.folders = [];
    const written = await electronStore(dir, 'write', next);
    expect(written.settings).toEqual(next);
    expect(await new ConfSettingsStore(dir).load()).toEqual(next);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual(next);
  });

  it('electron-store reports a broken file the same way', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), 'not json');
    const result = await electronStore(dir, 'read');
    expect(result.error).toContain('could not be read');
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe('not json');
  });

  it('both are opened with the same options', () => {
    expect(settingsFileOptions('/d')).toEqual({
      cwd: '/d',
      configName: 'settings',
      fileExtension: 'json',
      clearInvalidConfig: false,
      accessPropertiesByDotNotation: false,
      watch: false,
    });
  });
});
