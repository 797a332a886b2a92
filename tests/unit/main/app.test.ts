import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultSettings } from '../../../src/shared/settings';
import { commandChannel, eventChannel } from '../../../src/main/ipc-channels';
import { EventEmitter } from 'node:events';
import type { UpdaterPort } from '../../../src/main/desktop/updater';
import {
  CLOSE_TO_TRAY_NOTICE,
  configuredUpdateFeed,
  runDesktop,
  type DesktopApp,
  type DesktopEngineDeps,
} from '../../../src/main/desktop/app';
import { secureWebPreferences } from '../../../src/main/desktop/security';
import {
  FakeBrowserWindow,
  FakeEvent,
  FakeNotification,
  FakeTray,
  fake,
  makeAppDir,
  resetFakeElectron,
} from './fake-electron';
import { FakeEngine, makeFolder, makeJob, makeStatus } from './fake-engine';
import { InMemorySecretStore, InMemorySettingsStore } from './in-memory-stores';
import { ManualClock } from './manual-clock';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const EXE = '/opt/Authenta Watch/authenta-watch';
let dirs: { userData: string; logs: string; config: string };
/** The app's own files: the built page (Electron's loadFile fails without it) and the icons. */
let ROOT: string;
let base: string;
let engine: FakeEngine;
let engineDeps: DesktopEngineDeps | null;
let settings: InMemorySettingsStore;
let clock: ManualClock;
let running: DesktopApp | null = null;

beforeEach(() => {
  resetFakeElectron();
  base = mkdtempSync(join(tmpdir(), 'aw-desktop-'));
  // The data folder does not exist yet: a first start on a new machine.
  dirs = { userData: join(base, 'data'), logs: join(base, 'data', 'logs'), config: join(base, 'config') };
  ROOT = makeAppDir(base);
  fake.app.appPath = ROOT;
  engine = new FakeEngine();
  engineDeps = null;
  settings = new InMemorySettingsStore();
  clock = new ManualClock();
});

afterEach(async () => {
  await running?.shutdown();
  running = null;
  rmSync(base, { recursive: true, force: true });
});

async function start(
  argv: string[] = [EXE],
  extra: {
    platform?: NodeJS.Platform;
    env?: NodeJS.ProcessEnv;
    loadUpdater?: () => Promise<UpdaterPort>;
    resourcesPath?: string;
  } = {},
) {
  running = await runDesktop({
    createEngine: (deps) => {
      engineDeps = deps;
      return engine;
    },
    createSettingsStore: () => settings,
    createSecretStore: () => new InMemorySecretStore(),
    dataDir: dirs.userData,
    platform: extra.platform ?? 'linux',
    argv,
    cwd: '/home/desk',
    env: { XDG_CONFIG_HOME: dirs.config, ...extra.env },
    defaultApp: false,
    resourcesPath: extra.resourcesPath ?? '/nonexistent/resources',
    execPath: EXE,
    clock,
    ...(extra.loadUpdater ? { loadUpdater: extra.loadUpdater } : {}),
  });
  return running;
}

const window = () => FakeBrowserWindow.instances[0]!;
const tray = () => FakeTray.instances[0]!;
const painted = () => new Promise((r) => setImmediate(r));

describe('the desktop host', () => {
  it('starts the engine with the Electron adapters and opens one secure window', async () => {
    const desktop = await start();
    expect(desktop).not.toBeNull();
    expect(engine.started).toBe(true);
    expect(engineDeps).toMatchObject({
      dataDir: dirs.userData,
      clock,
      envCredentials: null,
      capabilities: { host: 'electron', nativeFolderPicker: true },
    });
    expect(fake.app.getPath('userData')).toBe(dirs.userData);
    expect(fake.app.getPath('logs')).toBe(join(dirs.userData, 'logs'));
    expect(engineDeps!.nativeBinding).toBeUndefined();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(window().options.webPreferences).toEqual(
      secureWebPreferences(join(ROOT, 'out', 'preload', 'index.cjs')),
    );
    expect(window().loaded).toBe(pathToFileURL(join(ROOT, 'out', 'renderer', 'index.html')).href);
    await painted();
    expect(window().visible).toBe(true);
    expect(fake.session.headersFor(window().loaded!)['Content-Security-Policy']).toHaveLength(1);
    expect(fake.session.allows('https://cdn.example/x.js')).toBe(false);
  });

  it('answers the window over IPC, as Electron', async () => {
    await start();
    const reply = await fake.ipcMain.invoke(commandChannel('getCapabilities'), window().webContents, []);
    expect(reply).toEqual({
      ok: true,
      value: {
        host: 'electron',
        nativeFolderPicker: true,
        revealInFolder: true,
        dropUploads: false,
        nativeFilePicker: true,
        pdf: true,
      },
    });
  });

  it('answers pickFiles over IPC with the native multi-file picker, empty when cancelled', async () => {
    await start();
    fake.dialog.openDialogAnswer = { canceled: false, filePaths: ['/home/desk/a.jpg', '/home/desk/b.mp4'] };
    expect(await fake.ipcMain.invoke(commandChannel('pickFiles'), window().webContents, [])).toEqual({
      ok: true,
      value: ['/home/desk/a.jpg', '/home/desk/b.mp4'],
    });
    fake.dialog.openDialogAnswer = { canceled: true, filePaths: [] };
    expect(await fake.ipcMain.invoke(commandChannel('pickFiles'), window().webContents, [])).toEqual({
      ok: true,
      value: [],
    });
  });

  it('declares the media scheme privileged before ready and serves it after, until shutdown', async () => {
    const desktop = await start();
    expect(fake.protocol.privileged?.map((s) => s.scheme)).toEqual(['authenta-media']);
    expect(fake.protocol.isProtocolHandled('authenta-media')).toBe(true);
    await desktop!.shutdown();
    running = null;
    expect(fake.protocol.isProtocolHandled('authenta-media')).toBe(false);
  });

  it('guards the window: no navigation away, no new window', async () => {
    await start();
    const contents = window().webContents;
    expect(contents.navigate('https://evil.example/').defaultPrevented).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://platform.authenta.ai/' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(fake.shell.openedExternal).toContain('https://platform.authenta.ai/'));
  });

  it('hands the engine a proxy resolver that asks the default session (system settings, PAC)', async () => {
    for (const k of ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) vi.stubEnv(k, '');
    await start();
    fake.session.proxyAnswer = (url) =>
      url.startsWith('https://api.authenta.ai/') ? 'PROXY desk-proxy:3128' : 'DIRECT';
    expect(await engineDeps!.proxy(new URL('https://api.authenta.ai/api/media'))).toBe(
      'http://desk-proxy:3128',
    );
    expect(await engineDeps!.proxy(new URL('https://s3.example/bucket/key'))).toBeNull();
    vi.unstubAllEnvs();
  });

  it('writes its log to the logs folder', async () => {
    await start();
    const log = readFileSync(join(dirs.logs, 'authenta-watch.log'), 'utf8');
    expect(log).toContain('Authenta Watch started');
  });

  it('hands environment credentials to the engine and keeps every secret out of the log', async () => {
    const secret = 'env-secret-value-123';
    await start([EXE], { env: { AUTHENTA_CLIENT_ID: 'desk-id', AUTHENTA_CLIENT_SECRET: secret } });
    expect(engineDeps!.envCredentials).toEqual({ kind: 'client', clientId: 'desk-id', clientSecret: secret });
    await engineDeps!.secrets.set('p1', { kind: 'apikey', apiKey: 'keychain-api-key-456' });
    engineDeps!.logger.info(`a careless line with ${secret} and keychain-api-key-456`);
    const log = readFileSync(join(dirs.logs, 'authenta-watch.log'), 'utf8');
    expect(log).toContain('a careless line with [redacted] and [redacted]');
    expect(log).not.toContain(secret);
    expect(log).not.toContain('keychain-api-key-456');
  });

  it('uses the Electron build of better-sqlite3 that npm start made, in development only', async () => {
    await start([EXE], {
      env: { AUTHENTA_SQLITE_BINDING: '/repo/.native/electron-45.5.0/better_sqlite3.node' },
    });
    expect(engineDeps!.nativeBinding).toBe('/repo/.native/electron-45.5.0/better_sqlite3.node');
    await running!.shutdown();
    resetFakeElectron();
    fake.app.appPath = ROOT;
    fake.app.isPackaged = true;
    engine = new FakeEngine();
    await start([EXE], { env: { AUTHENTA_SQLITE_BINDING: '/tmp/evil.node' } });
    expect(engineDeps!.nativeBinding).toBeUndefined();
  });

  it('a second launch hands its paths to the first and quits', async () => {
    fake.app.singleInstanceLock = false;
    const desktop = await start([EXE, 'clip.mp4', '/media/card/DCIM']);
    expect(desktop).toBeNull();
    expect(fake.app.lockData).toEqual({ paths: ['/home/desk/clip.mp4', '/media/card/DCIM'] });
    expect(fake.app.quitCalls).toBe(1);
    expect(engineDeps).toBeNull();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('the first instance shows itself and adds what a second launch handed over', async () => {
    await start();
    await painted();
    window().hide();
    fake.app.emit('second-instance', new FakeEvent(), [EXE, 'ignored.jpg'], '/w', {
      paths: ['/home/desk/clip.mp4'],
    });
    await vi.waitFor(() => expect(engine.called('addPaths')).toEqual([[['/home/desk/clip.mp4']]]));
    expect(window().visible).toBe(true);
    fake.app.emit('second-instance', new FakeEvent(), [EXE], '/w', undefined);
    expect(engine.called('addPaths')).toHaveLength(1);
  });

  it('adds the paths of its own command line', async () => {
    await start([EXE, '/home/desk/a.jpg']);
    expect(engine.called('addPaths')).toEqual([[['/home/desk/a.jpg']]]);
  });

  it('closing keeps it in the tray, with a notice the first time only', async () => {
    await start();
    await painted();
    expect(window().close().defaultPrevented).toBe(true);
    expect(window().visible).toBe(false);
    expect(FakeNotification.instances.map((n) => n.options.title)).toEqual([CLOSE_TO_TRAY_NOTICE.title]);
    await vi.waitFor(() => expect(settings.settings.preferences.closeToTrayNoticeShown).toBe(true));
    tray().click('Open Authenta Watch');
    expect(window().visible).toBe(true);
    window().close();
    expect(FakeNotification.instances).toHaveLength(1);
    expect(engine.disposed).toBe(false);
  });

  it('closing quits when close-to-tray is off, and quitting disposes everything', async () => {
    settings.settings = {
      ...defaultSettings(),
      preferences: { ...defaultSettings().preferences, closeToTray: false },
    };
    await start();
    window().close();
    await vi.waitFor(() => expect(fake.app.quitted).toBe(true));
    expect(engine.disposed).toBe(true);
    expect(engine.listenerCount()).toBe(0);
    expect(fake.ipcMain.handlers.size).toBe(0);
    expect(tray().destroyed).toBe(true);
  });

  it('Quit in the tray menu shuts the engine down cleanly', async () => {
    await start();
    tray().click('Quit Authenta Watch');
    await vi.waitFor(() => expect(fake.app.quitted).toBe(true));
    expect(engine.disposed).toBe(true);
    expect(window().destroyed).toBe(true);
    expect(readFileSync(join(dirs.logs, 'authenta-watch.log'), 'utf8')).toContain('Authenta Watch stopped');
  });

  it('remembers the window size and place in preferences.window', async () => {
    await start();
    await painted();
    window().setBounds({ x: 50, y: 60, width: 1100, height: 750 });
    clock.advance(1_000);
    await vi.waitFor(() =>
      expect(settings.settings.preferences.window).toEqual({
        x: 50,
        y: 60,
        width: 1100,
        height: 750,
        maximized: false,
      }),
    );
  });

  it('pauses on suspend and continues on resume', async () => {
    await start();
    fake.powerMonitor.emit('suspend');
    await vi.waitFor(() => expect(engine.called('pauseAll')).toHaveLength(1));
    fake.powerMonitor.emit('resume');
    await vi.waitFor(() => expect(engine.called('resumeAll')).toHaveLength(1));
  });

  it('the tray follows the engine and its menu drives it', async () => {
    fake.dialog.openDialogAnswer = { canceled: false, filePaths: ['/srv/Inbox'] };
    await start();
    engine.emitStatus(makeStatus({ counts: { ...makeStatus().counts, uploading: 2 } }));
    expect(tray().tooltip).toBe('Authenta Watch: 2 uploading');
    tray().click('Pause all');
    tray().click('Add a folder…');
    tray().click('Open the logs folder');
    await vi.waitFor(() => expect(engine.called('addFolder')).toEqual([[{ path: '/srv/Inbox' }]]));
    expect(engine.called('pauseAll')).toHaveLength(1);
    expect(fake.shell.openedPaths).toEqual([dirs.logs]);
  });

  it('a tray action that fails says so', async () => {
    await start();
    engine.pauseAll = async () => {
      throw new Error('The engine is busy.');
    };
    tray().click('Pause all');
    await vi.waitFor(() =>
      expect(fake.dialog.errorBoxes).toEqual([
        { title: 'Authenta Watch', content: 'Could not pause the queue: The engine is busy.' },
      ]),
    );
  });

  it('notifies a fake verdict; a click opens the window on that job', async () => {
    await start();
    await painted();
    window().hide();
    engine.emitJobs([
      { type: 'upsert', job: makeJob({ id: 42, name: 'clip.mp4', doneAt: clock.now() + 1 }) },
    ]);
    const notification = FakeNotification.instances.find((n) => n.options.title === 'Likely fake: clip.mp4');
    expect(notification?.shown).toBe(true);
    notification!.click();
    expect(window().visible).toBe(true);
    await vi.waitFor(() =>
      expect(window().webContents.sent).toContainEqual({ channel: eventChannel('openJob'), payload: 42 }),
    );
  });

  it('notifies a blocked queue and an unavailable folder', async () => {
    await start();
    engine.emitStatus(
      makeStatus({
        blocks: [
          {
            kind: 'credits',
            code: 'INSUFFICIENT_BALANCE',
            message: 'Out of credits.',
            action: 'Buy more.',
            since: 0,
            retryAt: null,
          },
        ],
        folders: [
          makeFolder({
            path: '/media/card',
            health: { state: 'unavailable', message: 'The card was removed.', lastEventAt: null },
          }),
        ],
      }),
    );
    expect(FakeNotification.instances.map((n) => n.options.title)).toEqual([
      'Checking stopped: out of credits',
      'Folder unavailable: card',
    ]);
  });

  it('stays silent when notifications are off', async () => {
    settings.settings = {
      ...defaultSettings(),
      preferences: { ...defaultSettings().preferences, notifications: false },
    };
    await start();
    engine.emitStatus(
      makeStatus({
        blocks: [{ kind: 'auth', code: 'IAM001', message: 'x', action: 'y', since: 0, retryAt: null }],
      }),
    );
    engine.emitJobs([{ type: 'upsert', job: makeJob({ id: 42, doneAt: clock.now() + 1 }) }]);
    expect(FakeNotification.instances).toEqual([]);
  });

  it('starts hidden in the tray when started at login', async () => {
    await start([EXE, '--hidden']);
    await painted();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(window().visible).toBe(false);
    expect(engine.called('addPaths')).toEqual([]);
  });

  it('registers start at login when the setting is on (installed app)', async () => {
    fake.app.isPackaged = true;
    settings.settings = {
      ...defaultSettings(),
      preferences: { ...defaultSettings().preferences, startAtLogin: true },
    };
    await start([EXE], { platform: 'win32' });
    expect(fake.app.appUserModelId).toBe('ai.authenta.watch');
    await vi.waitFor(() =>
      expect(fake.app.loginItemCalls).toEqual([{ openAtLogin: true, args: ['--hidden'] }]),
    );
    const changed = await engineDeps!.settings.load();
    changed.preferences.startAtLogin = false;
    await engineDeps!.settings.save(changed);
    await vi.waitFor(() =>
      expect(fake.app.loginItemCalls.at(-1)).toEqual({ openAtLogin: false, args: ['--hidden'] }),
    );
  });

  it('says why it could not start, and where the log is, and exits', async () => {
    engine.start = async () => {
      throw new Error('The ledger at /data is locked by another program.');
    };
    expect(await start()).toBeNull();
    const logFile = join(dirs.logs, 'authenta-watch.log');
    expect(fake.dialog.errorBoxes).toEqual([
      {
        title: 'Authenta Watch could not start',
        content: `The ledger at /data is locked by another program.\n\nDetails are in the log: ${logFile}`,
      },
    ]);
    expect(readFileSync(logFile, 'utf8')).toContain('The ledger at /data is locked by another program.');
    expect(fake.app.exitCode).toBe(1);
  });

  it('says so when the window cannot load its page (a damaged install), instead of showing nothing', async () => {
    rmSync(join(ROOT, 'out', 'renderer', 'index.html'));
    await start();
    await vi.waitFor(() => expect(fake.dialog.errorBoxes).toHaveLength(1));
    const box = fake.dialog.errorBoxes[0]!;
    expect(box.title).toBe('Authenta Watch could not open its window');
    expect(box.content).toContain('ERR_FILE_NOT_FOUND');
    expect(box.content).toContain('reinstall');
    expect(box.content).toContain(join(dirs.logs, 'authenta-watch.log'));
    expect(readFileSync(join(dirs.logs, 'authenta-watch.log'), 'utf8')).toContain('ERR_FILE_NOT_FOUND');
  });

  it('on a first start, creates the data folder before Electron is told to use it', async () => {
    expect(existsSync(dirs.userData)).toBe(false);
    expect(await start()).not.toBeNull();
    expect(existsSync(dirs.userData)).toBe(true);
    expect(fake.app.getPath('userData')).toBe(dirs.userData);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('says so in a dialog when the data folder cannot be created, and exits', async () => {
    // A file where the data folder's parent should be: mkdir fails (ENOTDIR or EEXIST).
    writeFileSync(join(base, 'blocker'), 'not a folder');
    dirs.userData = join(base, 'blocker', 'data');
    expect(await start()).toBeNull();
    expect(engineDeps).toBeNull();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(fake.dialog.errorBoxes).toHaveLength(1);
    const box = fake.dialog.errorBoxes[0]!;
    expect(box.title).toBe('Authenta Watch could not start');
    expect(box.content).toContain(`could not create that folder`);
    expect(box.content).toContain(dirs.userData);
    expect(box.content).toContain(
      `No log could be written (it would be at ${join(dirs.userData, 'logs', 'authenta-watch.log')})`,
    );
    expect(fake.app.exitCode).toBe(1);
  });
});

/** electron-updater's autoUpdater as the desktop drives it; the feed itself is tested in update-feed.test.ts. */
class FakeAutoUpdater extends EventEmitter implements UpdaterPort {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  feed: unknown = null;
  checks = 0;
  downloads = 0;
  installs = 0;
  setFeedURL(options: unknown): void {
    this.feed = options;
  }
  async checkForUpdates(): Promise<unknown> {
    this.checks += 1;
    return null;
  }
  async downloadUpdate(): Promise<unknown> {
    this.downloads += 1;
    return [];
  }
  quitAndInstall(): void {
    this.installs += 1;
  }
}

describe('updates in the desktop app', () => {
  it('with a feed set, checks at start and daily, asks before the download and before the restart', async () => {
    const updater = new FakeAutoUpdater();
    let loads = 0;
    const desktop = await start([EXE], {
      env: { AUTHENTA_UPDATE_FEED: 'https://updates.example.com/aw/' },
      loadUpdater: async () => {
        loads += 1;
        return updater;
      },
    });
    await painted();
    expect(loads).toBe(1);
    expect(updater.feed).toEqual({ provider: 'generic', url: 'https://updates.example.com/aw/' });
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(desktop!.updateStatus).toMatchObject({ state: 'idle' });
    expect(desktop!.updateStatus!.message).toContain('https://updates.example.com/aw/');

    clock.advance(0);
    expect(updater.checks).toBe(1);
    await painted(); // the next check is scheduled once this one has answered
    clock.advance(24 * 60 * 60 * 1000);
    expect(updater.checks).toBe(2);

    // The fake dialog answers with the first button: Download, then Restart now.
    updater.emit('update-available', { version: '2.0.0', releaseNotes: '<p>Faster <b>uploads</b></p>' });
    await painted();
    await painted();
    expect(fake.dialog.messageBoxes[0]).toMatchObject({ type: 'question', buttons: ['Download', 'Not now'] });
    expect(fake.dialog.messageBoxes[0]!.message).toContain('2.0.0');
    expect(fake.dialog.messageBoxes[0]!.detail).toContain('Faster uploads');
    expect(updater.downloads).toBe(1);
    expect(updater.installs).toBe(0);

    updater.emit('update-downloaded', { version: '2.0.0', releaseNotes: 'Faster uploads' });
    await painted();
    expect(fake.dialog.messageBoxes[1]).toMatchObject({
      buttons: ['Restart now', 'Later'],
      detail: 'Faster uploads',
    });
    expect(updater.installs).toBe(1);

    await desktop!.shutdown();
    running = null;
    clock.advance(24 * 60 * 60 * 1000);
    expect(updater.checks).toBe(2);
  });

  it('reads the feed electron-builder wrote into resources/app-update.yml', async () => {
    const resources = join(base, 'resources');
    mkdirSync(resources);
    writeFileSync(
      join(resources, 'app-update.yml'),
      'provider: generic\nurl: https://dl.example.org/watch\n',
    );
    const updater = new FakeAutoUpdater();
    await start([EXE], { resourcesPath: resources, loadUpdater: async () => updater });
    await painted();
    expect(updater.feed).toEqual({ provider: 'generic', url: 'https://dl.example.org/watch' });
  });

  it('without a feed, never loads electron-updater and says updates are off and why', async () => {
    let loads = 0;
    const desktop = await start([EXE], {
      loadUpdater: async () => {
        loads += 1;
        return new FakeAutoUpdater();
      },
    });
    await painted();
    expect(loads).toBe(0);
    expect(desktop!.updateStatus).toEqual({
      state: 'off',
      message: 'Updates are off: this installation has no update feed configured.',
    });
    expect(readFileSync(join(dirs.logs, 'authenta-watch.log'), 'utf8')).toContain(
      'Updates are off: this installation has no update feed configured.',
    );
  });

  it('a plain http feed elsewhere than this machine leaves updates off', async () => {
    let loads = 0;
    const desktop = await start([EXE], {
      env: { AUTHENTA_UPDATE_FEED: 'http://updates.example.com/aw' },
      loadUpdater: async () => {
        loads += 1;
        return new FakeAutoUpdater();
      },
    });
    await painted();
    expect(loads).toBe(0);
    expect(desktop!.updateStatus!.message).toBe(
      'Updates are off: the update feed must be an https:// address.',
    );
  });

  it.each([
    [{}, null, null],
    [{}, 'provider: generic\nurl: "https://a.example/x"\n', 'https://a.example/x'],
    [{ AUTHENTA_UPDATE_FEED: ' https://b.example/y ' }, 'url: https://a.example/x\n', 'https://b.example/y'],
    [{ AUTHENTA_UPDATE_FEED: '' }, 'provider: github\nowner: x\n', null],
  ])('configuredUpdateFeed(%j, %j) is %j', (env, yml, expected) => {
    expect(configuredUpdateFeed(env, yml)).toBe(expected);
  });
});
