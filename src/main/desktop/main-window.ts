/**
 * The one app window: created hidden with the secure options of security.ts, shown when its
 * page is ready, hidden to the tray on close (when preferences.closeToTray says so), and its
 * size and place saved as it moves.
 */
import { BrowserWindow, screen, type WebContents } from 'electron';
import type { Clock, Disposable, Logger } from '../core/ports';
import { mainWindowOptions, type AppTarget, type WindowPlacement } from './security';
import { boundsChanged, boundsToSave, type SavedBounds } from './window-state';

export interface MainWindowOptions {
  preloadPath: string;
  target: AppTarget;
  iconPath: string | null;
  /** Where to open the window (see window-state.ts placementFor). */
  placement(workAreas: Electron.Rectangle[]): WindowPlacement & { maximized: boolean };
  saveBounds(bounds: SavedBounds): void;
  /** Asked on close: hide to the tray, or really close. */
  hideOnClose(): boolean;
  /** The window was hidden to the tray instead of closing. */
  onHiddenToTray(): void;
  /** The window really closed (close-to-tray off, or quitting). */
  onClosed(): void;
  /** The page could not be loaded (a damaged install, the dev server gone): tell the user. */
  onLoadFailed(error: unknown): void;
  clock: Clock;
  logger: Logger;
}

/** Saves are debounced while the window is dragged or resized. */
export const SAVE_BOUNDS_DELAY_MS = 500;

export class MainWindow implements Disposable {
  private window: BrowserWindow | null = null;
  private saveTimer: Disposable | null = null;
  private lastSaved: SavedBounds | undefined;
  private loaded: Promise<void> = Promise.resolve();
  private painted = false;
  private showWhenPainted = false;

  constructor(private readonly options: MainWindowOptions) {}

  /** The window's WebContents while it exists. */
  get webContents(): WebContents | null {
    return this.window && !this.window.isDestroyed() ? this.window.webContents : null;
  }

  /** The BrowserWindow while it exists (a parent for dialogs). */
  get browserWindow(): BrowserWindow | null {
    return this.window && !this.window.isDestroyed() ? this.window : null;
  }

  /** The id IPC trusts (see security.ts isTrustedSender); null without a window. */
  get webContentsId(): number | null {
    return this.webContents?.id ?? null;
  }

  /** Opens the window (creating it if needed), restores it if minimised, and focuses it. */
  show(): void {
    const win = this.ensure();
    if (!this.painted) {
      // The first paint happens hidden; ready-to-show then shows the window.
      this.showWhenPainted = true;
      return;
    }
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  /** Creates the window without showing it (start at login, hidden). */
  prepare(): void {
    this.ensure();
  }

  /** Settles once the page has loaded (events sent earlier would have no listener). */
  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  isVisible(): boolean {
    return !!this.window && !this.window.isDestroyed() && this.window.isVisible();
  }

  dispose(): void {
    this.flushBounds();
    this.saveTimer?.dispose();
    if (this.window && !this.window.isDestroyed()) this.window.destroy();
    this.window = null;
  }

  private ensure(): BrowserWindow {
    if (this.window && !this.window.isDestroyed()) return this.window;
    const { options } = this;
    const placement = options.placement(screen.getAllDisplays().map((d) => d.workArea));
    const win = new BrowserWindow(
      mainWindowOptions({ preloadPath: options.preloadPath, placement, iconPath: options.iconPath }),
    );
    this.window = win;
    if (placement.maximized) win.maximize();

    this.painted = false;
    win.once('ready-to-show', () => {
      this.painted = true;
      if (this.showWhenPainted && !win.isDestroyed()) {
        this.showWhenPainted = false;
        win.show();
        win.focus();
      }
    });
    const scheduleSave = (): void => {
      this.saveTimer?.dispose();
      this.saveTimer = options.clock.setTimeout(() => this.flushBounds(), SAVE_BOUNDS_DELAY_MS);
    };
    win.on('resize', scheduleSave);
    win.on('move', scheduleSave);
    win.on('maximize', scheduleSave);
    win.on('unmaximize', scheduleSave);
    win.on('close', (event) => {
      this.flushBounds();
      if (options.hideOnClose()) {
        event.preventDefault();
        win.hide();
        options.onHiddenToTray();
      }
    });
    win.on('closed', () => {
      this.saveTimer?.dispose();
      if (this.window === win) this.window = null;
      options.onClosed();
    });

    this.loaded = new Promise<void>((resolve) => {
      win.webContents.once('did-finish-load', () => resolve());
      win.once('closed', () => resolve());
    });
    const load =
      options.target.kind === 'file'
        ? win.loadFile(options.target.indexFile)
        : win.loadURL(options.target.url);
    load.catch((error: unknown) => {
      options.logger.error('The window could not load its page', { error });
      options.onLoadFailed(error);
    });
    return win;
  }

  private flushBounds(): void {
    this.saveTimer?.dispose();
    this.saveTimer = null;
    const win = this.window;
    if (!win || win.isDestroyed()) return;
    const bounds = boundsToSave(win.getNormalBounds(), win.isMaximized());
    if (!boundsChanged(this.lastSaved, bounds)) return;
    this.lastSaved = bounds;
    this.options.saveBounds(bounds);
  }
}
