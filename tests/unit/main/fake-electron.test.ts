/**
 * The fake `electron` module's own rules (issue 15): each is one Electron documents (see the
 * electron.d.ts line cited next to it in fake-electron.ts), so code that breaks it fails here as
 * it would on a real desktop.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as electron from 'electron';
import { FakeBrowserWindow, FakeTray, fake, resetFakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

let base: string;

beforeEach(() => {
  resetFakeElectron();
  base = mkdtempSync(join(tmpdir(), 'aw-fake-electron-'));
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

const image = () => electron.nativeImage.createFromPath('/nonexistent/icon.png');

describe('the fake app', () => {
  it('starts not ready; whenReady makes it ready and emits ready once', async () => {
    const ready = vi.fn();
    electron.app.on('ready', ready);
    expect(electron.app.isReady()).toBe(false);
    await electron.app.whenReady();
    await electron.app.whenReady();
    expect(electron.app.isReady()).toBe(true);
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('setPath throws for a folder that does not exist (the old first-start order)', () => {
    const dataDir = join(base, 'data');
    expect(() => electron.app.setPath('userData', dataDir)).toThrow('Failed to set path');
    writeFileSync(join(base, 'file'), 'x');
    expect(() => electron.app.setPath('userData', join(base, 'file'))).toThrow('Failed to set path');
    mkdirSync(dataDir);
    electron.app.setPath('userData', dataDir);
    expect(electron.app.getPath('userData')).toBe(dataDir);
  });

  it('setPath for userData and sessionData throws after ready', async () => {
    await electron.app.whenReady();
    expect(() => electron.app.setPath('userData', base)).toThrow(/before the app is ready/);
    expect(() => electron.app.setPath('sessionData', base)).toThrow(/before the app is ready/);
    electron.app.setPath('downloads', base);
    expect(electron.app.getPath('downloads')).toBe(base);
  });

  it('userData cannot move after the single-instance lock was taken in it', () => {
    const other = join(base, 'other');
    mkdirSync(other);
    electron.app.setPath('userData', base);
    expect(electron.app.requestSingleInstanceLock({ paths: [] })).toBe(true);
    electron.app.setPath('userData', base);
    expect(() => electron.app.setPath('userData', other)).toThrow(/after requestSingleInstanceLock/);
  });

  it('requestSingleInstanceLock throws after ready', async () => {
    await electron.app.whenReady();
    expect(() => electron.app.requestSingleInstanceLock()).toThrow(/before the app is ready/);
  });
});

describe('error boxes', () => {
  it('before ready, an error box shows no window (Linux prints it to stderr); after ready it does', async () => {
    electron.dialog.showErrorBox('Early', 'before ready');
    expect(fake.dialog.errorBoxes).toEqual([]);
    expect(fake.dialog.errorBoxesBeforeReady).toEqual([{ title: 'Early', content: 'before ready' }]);
    await electron.app.whenReady();
    electron.dialog.showErrorBox('Later', 'after ready');
    expect(fake.dialog.errorBoxes).toEqual([{ title: 'Later', content: 'after ready' }]);
  });
});

describe('what needs ready', () => {
  it('BrowserWindow, Tray, screen, powerMonitor listeners and the default session throw before it', () => {
    expect(() => new electron.BrowserWindow({})).toThrow('Cannot create BrowserWindow before app is ready');
    expect(() => new electron.Tray(image())).toThrow('Cannot create Tray before app is ready');
    expect(() => electron.screen.getAllDisplays()).toThrow(/'screen' module can't be used before/);
    expect(() => electron.powerMonitor.on('suspend', () => undefined)).toThrow(
      /'powerMonitor' module can't be used before/,
    );
    expect(() => electron.session.defaultSession).toThrow('Session can only be received when app is ready');
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(FakeTray.instances).toHaveLength(0);
  });

  it('all work once ready', async () => {
    await electron.app.whenReady();
    new electron.BrowserWindow({});
    new electron.Tray(image());
    expect(electron.screen.getAllDisplays()).toEqual(fake.displays);
    const suspended = vi.fn();
    electron.powerMonitor.on('suspend', suspended);
    fake.powerMonitor.emit('suspend');
    expect(suspended).toHaveBeenCalledTimes(1);
    expect(electron.session.defaultSession).toBe(fake.session);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(FakeTray.instances).toHaveLength(1);
  });
});

describe('loading a page', () => {
  it('loadFile of a missing file rejects as Chromium does and never finishes loading', async () => {
    await electron.app.whenReady();
    const win = new electron.BrowserWindow({}) as unknown as FakeBrowserWindow;
    const finished = vi.fn();
    const failed = vi.fn();
    win.webContents.on('did-finish-load', finished);
    win.webContents.on('did-fail-load', failed);
    const missing = join(base, 'out', 'renderer', 'index.html');
    await expect(win.loadFile(missing)).rejects.toMatchObject({
      message: `ERR_FILE_NOT_FOUND (-6) loading '${pathToFileURL(missing).href}'`,
      errno: -6,
      code: 'ERR_FILE_NOT_FOUND',
    });
    await new Promise((r) => setImmediate(r));
    expect(failed).toHaveBeenCalledTimes(1);
    expect(finished).not.toHaveBeenCalled();
    expect(win.loaded).toBeNull();
  });

  it('loadFile of a page that exists loads it', async () => {
    await electron.app.whenReady();
    const page = join(base, 'index.html');
    writeFileSync(page, '<!doctype html>');
    const win = new electron.BrowserWindow({}) as unknown as FakeBrowserWindow;
    const finished = new Promise((r) => win.webContents.once('did-finish-load', r));
    await win.loadFile(page);
    await finished;
    expect(win.loaded).toBe(pathToFileURL(page).href);
  });
});

describe('custom protocols', () => {
  it('schemes are registered as privileged before ready, once; not after', async () => {
    electron.protocol.registerSchemesAsPrivileged([{ scheme: 'aw-media', privileges: { stream: true } }]);
    expect(fake.protocol.privileged).toEqual([{ scheme: 'aw-media', privileges: { stream: true } }]);
    expect(() => electron.protocol.registerSchemesAsPrivileged([{ scheme: 'other' }])).toThrow(/only once/);
    resetFakeElectron();
    await electron.app.whenReady();
    expect(() => electron.protocol.registerSchemesAsPrivileged([{ scheme: 'aw-media' }])).toThrow(
      'protocol.registerSchemesAsPrivileged should be called before app is ready',
    );
  });

  it('handle needs ready, takes one handler per scheme, and answers the page', async () => {
    const handler = (request: Request) => new Response(`served ${new URL(request.url).pathname}`);
    expect(() => electron.protocol.handle('aw-media', handler)).toThrow(
      'Session can only be received when app is ready',
    );
    await electron.app.whenReady();
    electron.protocol.handle('aw-media', handler);
    expect(() => electron.protocol.handle('aw-media', handler)).toThrow(
      'Failed to register protocol: aw-media',
    );
    expect(electron.protocol.isProtocolHandled('aw-media')).toBe(true);
    const response = await fake.protocol.request('aw-media://media/clip.mp4');
    expect(await response.text()).toBe('served /clip.mp4');
    electron.protocol.unhandle('aw-media');
    await expect(fake.protocol.request('aw-media://media/clip.mp4')).rejects.toThrow(
      /ERR_UNKNOWN_URL_SCHEME/,
    );
  });
});
