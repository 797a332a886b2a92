/**
 * The tray icon: applies the pure tray model (tray-model.ts) to an Electron Tray, and only when
 * something visible changed, because status events arrive often and Linux rebuilds the whole
 * menu on every setContextMenu.
 */
import { join } from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { EngineStatus } from '../../shared/domain';
import type { Disposable, Logger } from '../core/ports';
import {
  trayIconFile,
  trayIconState,
  trayMenu,
  trayTooltip,
  type TrayAction,
  type TrayIconState,
  type TrayMenuItem,
} from './tray-model';

/** Turns the menu model into Electron's template; each action calls `onAction`. */
export function toMenuTemplate(
  items: readonly TrayMenuItem[],
  onAction: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'info':
        return { label: item.label, enabled: false };
      case 'submenu':
        return { label: item.label, submenu: toMenuTemplate(item.items, onAction) };
      case 'action':
        return { label: item.label, click: () => onAction(item.action) };
    }
  });
}

export interface TrayControllerOptions {
  /** Folder holding tray-<state>[Template][@2x].png. */
  iconDir: string;
  platform: NodeJS.Platform;
  onAction(action: TrayAction): void;
  logger: Logger;
}

/** Owns the Tray; `update` shows a status, `dispose` removes the icon. */
export class TrayController implements Disposable {
  private readonly tray: Tray;
  private iconState: TrayIconState | null = null;
  private tooltip = '';
  private menuKey = '';

  constructor(private readonly options: TrayControllerOptions) {
    this.tray = new Tray(this.image('idle'));
    this.iconState = 'idle';
    // Windows and most Linux panels: a left click opens the window; the menu has the same item.
    this.tray.on('click', () => options.onAction({ type: 'open' }));
    this.update(null);
  }

  /** Shows the icon, tooltip and menu for this status (null: the engine is starting). */
  update(status: EngineStatus | null): void {
    if (this.tray.isDestroyed()) return;
    const state = trayIconState(status);
    if (state !== this.iconState) {
      this.tray.setImage(this.image(state));
      this.iconState = state;
    }
    const tooltip = trayTooltip(status);
    if (tooltip !== this.tooltip) {
      this.tray.setToolTip(tooltip);
      this.tooltip = tooltip;
    }
    const menu = trayMenu(status);
    const key = JSON.stringify(menu);
    if (key !== this.menuKey) {
      this.tray.setContextMenu(Menu.buildFromTemplate(toMenuTemplate(menu, this.options.onAction)));
      this.menuKey = key;
    }
  }

  dispose(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private image(state: TrayIconState): Electron.NativeImage {
    const file = join(this.options.iconDir, trayIconFile(state, this.options.platform));
    const image = nativeImage.createFromPath(file);
    if (image.isEmpty()) this.options.logger.warn('Tray icon missing', { file });
    if (this.options.platform === 'darwin') image.setTemplateImage(true);
    return image;
  }
}
