/**
 * The desktop host around the real engine (real SQLite, real chokidar, the Sandbox simulator on
 * 127.0.0.1), driven through the real preload as the window would. Only Electron is fake.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthentaWatchApi } from '../../../src/shared/contract';
import type { JobChange } from '../../../src/shared/domain';
import { Engine } from '../../../src/main/core/engine';
import { runDesktop, type DesktopApp } from '../../../src/main/desktop/app';
import { AUTOSTART_FILE } from '../../../src/main/desktop/login-item';
import type { DropResult } from '../../../src/shared/contract';
import { makeJpeg, simMarker } from '../../helpers/media-fixtures';
import { ENGINE_ADAPTERS } from '../../helpers/engine-harness';
import {
  FakeBrowserWindow,
  FakeNotification,
  FakeTray,
  fake,
  makeAppDir,
  resetFakeElectron,
} from './fake-electron';
import { InMemorySecretStore, InMemorySettingsStore } from './in-memory-stores';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const TIMEOUT = 60_000;
let base = '';
let desktop: DesktopApp | null = null;
let engine: Engine | null = null;

beforeEach(() => {
  resetFakeElectron();
  base = mkdtempSync(join(tmpdir(), 'aw-desktop-engine-'));
  // Outside `base`, which a test searches file by file for a secret.
  fake.app.appPath = makeAppDir(mkdtempSync(join(tmpdir(), 'aw-desktop-app-')));
});

afterEach(async () => {
  await desktop?.shutdown();
  desktop = null;
  rmSync(base, { recursive: true, force: true });
  rmSync(join(fake.app.appPath, '..'), { recursive: true, force: true });
});

/** Starts the host with a real engine and loads the preload into its window. */
async function start() {
  desktop = await runDesktop({
    createEngine: (deps) => (engine = new Engine({ ...deps, ...ENGINE_ADAPTERS, sandboxProcessingMs: 100 })),
    createSettingsStore: () => new InMemorySettingsStore(),
    createSecretStore: () => new InMemorySecretStore(),
    dataDir: join(base, 'data'),
    platform: 'linux',
    argv: ['/opt/aw/authenta-watch'],
    cwd: base,
    env: { XDG_CONFIG_HOME: join(base, 'config') },
    defaultApp: false,
    resourcesPath: '/nonexistent',
  });
  const contents = FakeBrowserWindow.instances[0]!.webContents;
  contents.renderer = fake.ipcRenderer;
  fake.ipcRenderer.target = { contents };
  vi.resetModules();
  await import('../../../src/preload/index');
  return {
    api: fake.exposed.get('authenta') as AuthentaWatchApi,
    drop: fake.exposed.get('authentaDrop') as (files: File[]) => Promise<DropResult>,
  };
}

describe('the desktop host with the real engine', () => {
  it(
    'a dropped file reaches its verdict; the window hears of it and a notification says it looks fake',
    async () => {
      const { api, drop } = await start();
      await expect(api.getCapabilities()).resolves.toMatchObject({ host: 'electron', revealInFolder: true });
      expect((await api.getStatus()).profile).toMatchObject({ id: 'sandbox', simulated: true });

      const changes: JobChange[] = [];
      api.onJobsChanged((c) => changes.push(...c));
      const photo = join(base, 'photo.jpg');
      writeFileSync(photo, makeJpeg({ marker: simMarker('fake') }));
      const file = new File([], 'photo.jpg');
      fake.filePaths.set(file, photo);
      await expect(drop([file])).resolves.toEqual({ accepted: 1, rejected: [] });

      await vi.waitFor(
        () =>
          expect(FakeNotification.instances.map((n) => n.options.title)).toContain('Likely fake: photo.jpg'),
        { timeout: TIMEOUT, interval: 100 },
      );
      const done = changes.find((c) => c.type === 'upsert' && c.job.state === 'done');
      expect(done).toMatchObject({ job: { name: 'photo.jpg', simulated: true, verdict: { label: 'fake' } } });
      expect(FakeTray.instances[0]!.tooltip).toMatch(/^Authenta Watch: /);

      // The window shows the photo through the media scheme, by job id, from the real engine.
      const mediaBase = await api.getMediaBase();
      expect(mediaBase).toBe('authenta-media://local');
      const id = (done as { job: { id: number } }).job.id;
      const shown = await fake.protocol.request(`${mediaBase}/original/${id}`);
      expect(shown.status).toBe(200);
      expect(shown.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.from(await shown.arrayBuffer()).equals(readFileSync(photo))).toBe(true);
      expect((await fake.protocol.request(`${mediaBase}/original/${id + 1}`)).status).toBe(404);
    },
    TIMEOUT,
  );

  it(
    'adds a folder from the tray, holds the pipeline on suspend and picks up what arrived while asleep',
    async () => {
      const { api } = await start();
      const inbox = join(base, 'inbox');
      mkdirSync(inbox);
      fake.dialog.openDialogAnswer = { canceled: false, filePaths: [inbox] };
      FakeTray.instances[0]!.click('Add a folder…');
      await vi.waitFor(
        async () => expect((await api.getStatus()).folders.map((f) => f.path)).toEqual([inbox]),
        {
          timeout: TIMEOUT,
        },
      );

      // Sleep reaches the engine's own suspend (the user's pause stays as it was: the engine suite
      // checks that nothing is sent while asleep).
      const suspend = vi.spyOn(engine!, 'suspend');
      const resume = vi.spyOn(engine!, 'resume');
      fake.powerMonitor.emit('suspend');
      await vi.waitFor(() => expect(suspend).toHaveBeenCalledTimes(1), { timeout: TIMEOUT });
      expect((await api.getStatus()).paused).toBe(false);
      writeFileSync(join(inbox, 'while-asleep.jpg'), makeJpeg({ marker: simMarker('real') }));
      fake.powerMonitor.emit('resume');
      await vi.waitFor(() => expect(resume).toHaveBeenCalledTimes(1), { timeout: TIMEOUT });
      await vi.waitFor(
        async () => {
          const { jobs } = await api.listJobs({ search: 'while-asleep' });
          expect(jobs[0]).toMatchObject({ state: 'done', verdict: { label: 'authentic' } });
        },
        { timeout: TIMEOUT, interval: 100 },
      );
      expect((await api.getStatus()).paused).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'preferences changed in the window take effect at once: start at login, close to tray',
    async () => {
      fake.app.isPackaged = true;
      const { api } = await start();
      const entry = join(base, 'config', 'autostart', AUTOSTART_FILE);
      expect(existsSync(entry)).toBe(false);
      const saved = await api.updatePreferences({ startAtLogin: true, closeToTray: false, concurrency: 4 });
      expect(saved).toMatchObject({ startAtLogin: true, closeToTray: false, concurrency: 4 });
      expect(await api.getPreferences()).toEqual(saved);
      await vi.waitFor(() => expect(readFileSync(entry, 'utf8')).toContain('--hidden'), { timeout: TIMEOUT });
      await expect(api.updatePreferences({ closeToTrayNoticeShown: true } as never)).rejects.toThrow();

      await api.updatePreferences({ startAtLogin: false });
      await vi.waitFor(() => expect(existsSync(entry)).toBe(false), { timeout: TIMEOUT });

      // Close-to-tray is off now: closing the window quits instead of hiding it.
      expect(FakeBrowserWindow.instances[0]!.close().defaultPrevented).toBe(false);
      await vi.waitFor(() => expect(fake.app.quitted).toBe(true), { timeout: TIMEOUT });
      desktop = null;
    },
    TIMEOUT,
  );

  it(
    'a secret typed into the window goes to the keychain and never comes back over IPC, nor into the data folder',
    async () => {
      const SECRET = 'cs-very-secret-7f3a9c';
      const { api } = await start();
      const results: unknown[] = [];
      const record = async <T>(p: Promise<T>): Promise<T> => {
        const value = await p;
        results.push(value);
        return value;
      };
      // Nothing listens on port 9: the connection test fails, and its message must not carry the secret.
      const profile = await record(
        api.saveProfile({
          name: 'Production',
          baseUrl: 'http://127.0.0.1:9/api',
          generation: 'media-client',
        }),
      );
      await api.setSecret(profile.id, { clientId: 'client-42', clientSecret: SECRET });
      await record(api.listProfiles());
      await record(api.testConnection(profile.id));
      await api.selectProfile(profile.id);
      await record(api.getStatus());
      await record(api.exportReport({}, 'json'));

      const listed = (await api.listProfiles()).profiles.find((p) => p.id === profile.id);
      expect(listed).toMatchObject({ hasSecret: true });
      const contents = FakeBrowserWindow.instances[0]!.webContents;
      const traffic = JSON.stringify([results, contents.sent]);
      expect(traffic.length).toBeGreaterThan(100);
      expect(traffic).not.toContain(SECRET);

      await desktop!.shutdown();
      desktop = null;
      const files: string[] = [];
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const full = join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else files.push(full);
        }
      };
      walk(base);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(readFileSync(file).includes(SECRET), file).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'Quit disposes the engine and closes its ledger',
    async () => {
      await start();
      FakeTray.instances[0]!.click('Quit Authenta Watch');
      await vi.waitFor(() => expect(fake.app.quitted).toBe(true), { timeout: TIMEOUT });
      await expect(engine!.getStatus()).rejects.toThrow();
      desktop = null;
    },
    TIMEOUT,
  );
});
