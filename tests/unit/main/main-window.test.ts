import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLogger } from '../../../src/main/core/logger';
import {
  MainWindow,
  SAVE_BOUNDS_DELAY_MS,
  type MainWindowOptions,
} from '../../../src/main/desktop/main-window';
import { secureWebPreferences } from '../../../src/main/desktop/security';
import type { SavedBounds } from '../../../src/main/desktop/window-state';
import { placementFor } from '../../../src/main/desktop/window-state';
import { FakeBrowserWindow, fake, makeAppDir, resetFakeElectron } from './fake-electron';
import { ManualClock } from './manual-clock';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const APP_DIR = makeAppDir(mkdtempSync(join(tmpdir(), 'aw-main-window-')));
const INDEX = join(APP_DIR, 'out', 'renderer', 'index.html');

function setup(overrides: Partial<MainWindowOptions> = {}, saved?: SavedBounds) {
  resetFakeElectron();
  fake.app.becomeReady();
  const clock = new ManualClock();
  const savedBounds: SavedBounds[] = [];
  const events: string[] = [];
  let hide = true;
  const window = new MainWindow({
    preloadPath: '/app/out/preload/index.cjs',
    target: { kind: 'file', indexFile: INDEX },
    iconPath: null,
    placement: (areas) => placementFor(saved, areas),
    saveBounds: (b) => savedBounds.push(b),
    hideOnClose: () => hide,
    onHiddenToTray: () => events.push('hidden-to-tray'),
    onClosed: () => events.push('closed'),
    onLoadFailed: (error) => events.push(`load failed: ${(error as Error).message}`),
    clock,
    logger: createLogger({ sinks: [] }),
    ...overrides,
  });
  return { window, clock, savedBounds, events, setHide: (v: boolean) => (hide = v) };
}

afterAll(() => rmSync(join(APP_DIR, '..'), { recursive: true, force: true }));

const painted = () => new Promise((resolve) => setImmediate(resolve));

describe('MainWindow', () => {
  beforeEach(() => resetFakeElectron());

  it('opens one secure window on the app page, shown once painted', async () => {
    const { window } = setup();
    window.show();
    window.show();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options.show).toBe(false);
    expect(win.options.webPreferences).toEqual(secureWebPreferences('/app/out/preload/index.cjs'));
    expect(win.loaded).toBe(pathToFileURL(INDEX).href);
    expect(win.visible).toBe(false);
    await painted();
    expect(win.visible).toBe(true);
    await window.whenLoaded();
    expect(window.webContentsId).toBe(win.webContents.id);
  });

  it('opens where it was left, maximised if it was', () => {
    const { window } = setup({}, { x: 40, y: 30, width: 1000, height: 700, maximized: true });
    window.prepare();
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.options).toMatchObject({ x: 40, y: 30, width: 1000, height: 700 });
    expect(win.maximized).toBe(true);
    expect(win.visible).toBe(false);
  });

  it('hides to the tray on close when asked to, and really closes otherwise', async () => {
    const { window, events, setHide } = setup();
    window.show();
    await painted();
    const win = FakeBrowserWindow.instances[0]!;
    expect(win.close().defaultPrevented).toBe(true);
    expect(win.visible).toBe(false);
    expect(win.destroyed).toBe(false);
    expect(events).toEqual(['hidden-to-tray']);

    window.show();
    expect(win.visible).toBe(true);
    setHide(false);
    win.close();
    expect(win.destroyed).toBe(true);
    expect(events).toEqual(['hidden-to-tray', 'closed']);
    expect(window.webContents).toBeNull();
  });

  it('brings back a minimised window', async () => {
    const { window } = setup();
    window.show();
    await painted();
    const win = FakeBrowserWindow.instances[0]!;
    win.minimize();
    window.show();
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(true);
  });

  it('saves its size and place once the user stops moving it, and on close', async () => {
    const { window, clock, savedBounds, setHide } = setup();
    window.show();
    await painted();
    const win = FakeBrowserWindow.instances[0]!;
    win.setBounds({ x: 10, y: 10, width: 900, height: 600 });
    win.setBounds({ x: 20, y: 20, width: 900, height: 600 });
    clock.advance(SAVE_BOUNDS_DELAY_MS - 1);
    expect(savedBounds).toEqual([]);
    clock.advance(1);
    expect(savedBounds).toEqual([{ x: 20, y: 20, width: 900, height: 600, maximized: false }]);
    win.setBounds({ x: 20, y: 20, width: 1000, height: 650 });
    setHide(false);
    win.close();
    expect(savedBounds.at(-1)).toEqual({ x: 20, y: 20, width: 1000, height: 650, maximized: false });
    expect(clock.pending()).toBe(0);
  });

  it('tells when its page cannot be loaded', async () => {
    const missing = join(APP_DIR, 'out', 'renderer', 'missing.html');
    const { window, events } = setup({ target: { kind: 'file', indexFile: missing } });
    window.show();
    await vi.waitFor(() =>
      expect(events).toEqual([
        `load failed: ERR_FILE_NOT_FOUND (-6) loading '${pathToFileURL(missing).href}'`,
      ]),
    );
  });

  it('makes a new window after the old one closed', async () => {
    const { window, setHide } = setup();
    window.show();
    setHide(false);
    FakeBrowserWindow.instances[0]!.close();
    window.show();
    expect(FakeBrowserWindow.instances).toHaveLength(2);
    window.dispose();
    expect(FakeBrowserWindow.instances[1]!.destroyed).toBe(true);
  });
});
