import { beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emptyCounts } from '../../../src/shared/domain';
import { createLogger, MemoryLogSink } from '../../../src/main/core/logger';
import { TrayController } from '../../../src/main/desktop/tray';
import { TRAY_ICON_STATES, trayIconFile, type TrayAction } from '../../../src/main/desktop/tray-model';
import { FakeTray, fake, resetFakeElectron } from './fake-electron';
import { makeFolder, makeStatus } from './fake-engine';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const ICON_DIR = resolve('assets/tray');

function setup(platform: NodeJS.Platform = 'linux') {
  resetFakeElectron();
  fake.app.becomeReady();
  const actions: TrayAction[] = [];
  const sink = new MemoryLogSink();
  const controller = new TrayController({
    iconDir: ICON_DIR,
    platform,
    onAction: (a) => actions.push(a),
    logger: createLogger({ sinks: [sink] }),
  });
  const tray = FakeTray.instances[0]!;
  return { controller, tray, actions, sink };
}

describe('TrayController', () => {
  beforeEach(() => resetFakeElectron());

  it('ships an icon for every state on every platform', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      for (const state of TRAY_ICON_STATES) {
        expect(existsSync(join(ICON_DIR, trayIconFile(state, platform))), `${platform} ${state}`).toBe(true);
      }
    }
    // Electron picks the @2x sibling on HiDPI screens.
    expect(existsSync(join(ICON_DIR, 'tray-idle@2x.png'))).toBe(true);
    expect(existsSync(join(ICON_DIR, 'tray-idleTemplate@2x.png'))).toBe(true);
  });

  it('starts idle with a menu that opens, adds a folder and quits', () => {
    const { tray, sink } = setup();
    expect(tray.image.path).toBe(join(ICON_DIR, 'tray-idle@2x.png'));
    expect(tray.tooltip).toBe('Authenta Watch: starting');
    expect(tray.labels()).toContain('Open Authenta Watch');
    expect(tray.labels()).toContain('Quit Authenta Watch');
    expect(sink.text()).not.toContain('Tray icon missing');
  });

  it('shows the engine state: icon, tooltip and menu', () => {
    const { controller, tray } = setup();
    controller.update(makeStatus({ counts: { ...emptyCounts(), uploading: 3, processing: 12 } }));
    expect(tray.image.path).toBe(join(ICON_DIR, 'tray-working@2x.png'));
    expect(tray.tooltip).toBe('Authenta Watch: 3 uploading, 12 waiting for verdicts');
    expect(tray.labels()).toContain('Pause all');
    controller.update(
      makeStatus({
        paused: true,
        folders: [
          makeFolder({ health: { state: 'unavailable', message: 'Share offline.', lastEventAt: null } }),
        ],
      }),
    );
    expect(tray.image.path).toBe(join(ICON_DIR, 'tray-attention@2x.png'));
    expect(tray.labels()).toContain('Resume all');
  });

  it('uses template images on macOS', () => {
    const { tray } = setup('darwin');
    expect(tray.image.path).toBe(join(ICON_DIR, 'tray-idleTemplate.png'));
    expect(tray.image.template).toBe(true);
  });

  it('runs the action of a clicked item, and opens the window on an icon click', () => {
    const { controller, tray, actions } = setup();
    controller.update(makeStatus({ folders: [makeFolder({ id: 'inbox', path: '/srv/Inbox' })] }));
    tray.click('Pause all');
    tray.click('Pause watching');
    tray.click('Open the logs folder');
    tray.click('Quit Authenta Watch');
    tray.emit('click');
    expect(actions).toEqual([
      { type: 'pauseAll' },
      { type: 'pauseFolder', folderId: 'inbox' },
      { type: 'openLogs' },
      { type: 'quit' },
      { type: 'open' },
    ]);
  });

  it('rebuilds the menu only when it changes', () => {
    const { controller, tray } = setup();
    const status = makeStatus({ uploads: { inFlight: 1, bytesPerSecond: 100 } });
    controller.update(status);
    const menu = tray.menu;
    controller.update({ ...status, uploads: { inFlight: 1, bytesPerSecond: 999 } });
    expect(tray.menu).toBe(menu);
  });

  it('says when an icon file is missing, and removes the icon when disposed', () => {
    resetFakeElectron();
    fake.app.becomeReady();
    const sink = new MemoryLogSink();
    const controller = new TrayController({
      iconDir: '/nonexistent',
      platform: 'linux',
      onAction: () => undefined,
      logger: createLogger({ sinks: [sink] }),
    });
    expect(sink.text()).toContain('Tray icon missing');
    controller.dispose();
    expect(FakeTray.instances[0]!.destroyed).toBe(true);
    controller.update(makeStatus());
  });
});
