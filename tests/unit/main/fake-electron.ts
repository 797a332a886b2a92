/**
 * A small typed fake of the `electron` module, for the desktop host's unit tests (Electron's
 * binary cannot run on the build machines). Each part records what the code under test did
 * with it and lets a test play the user or the OS (click the tray, close the window, suspend).
 *
 *   vi.mock('electron', async () => (await import('./fake-electron')).electronModule());
 *
 * Tests read and drive the same instance through `fake` and call `resetFakeElectron()` first.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type * as E from 'electron';

/** An Electron event: preventDefault is recorded. */
export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly fields: Record<string, unknown> = {}) {
    Object.assign(this, fields);
  }
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** A frame of a page: what IPC's sender check looks at. */
export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

let nextWebContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly sent: { channel: string; payload: unknown }[] = [];
  readonly mainFrame: FakeFrame = { url: '', parent: null };
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  destroyed = false;
  /** The page's ipcRenderer, when a test wires the preload to this window. */
  renderer: EventEmitter | null = null;

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
    // Like IPC, the page gets a structured clone, with an event of its own.
    this.renderer?.emit(channel, { sender: null }, structuredClone(payload));
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  /** The page tries to navigate (a link without target, location.href = ...). */
  navigate(url: string, event = 'will-navigate'): FakeEvent {
    const e = new FakeEvent({ url, isMainFrame: true });
    this.emit(event, e, url);
    return e;
  }
  /** A sub-frame of the page tries to navigate. */
  navigateFrame(url: string): FakeEvent {
    const e = new FakeEvent({ url, isMainFrame: false });
    this.emit('will-frame-navigate', e);
    return e;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  visible = false;
  minimized = false;
  maximized = false;
  focused = false;
  destroyed = false;
  bounds: E.Rectangle;
  loaded: string | null = null;

  constructor(readonly options: E.BrowserWindowConstructorOptions) {
    super();
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    FakeBrowserWindow.instances.push(this);
    fake.app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }

  loadFile(path: string): Promise<void> {
    return this.finishLoad(pathToFileURL(path).href);
  }
  loadURL(url: string): Promise<void> {
    return this.finishLoad(url);
  }
  private finishLoad(url: string): Promise<void> {
    this.loaded = url;
    this.webContents.mainFrame.url = url;
    setImmediate(() => {
      if (this.destroyed) return;
      this.emit('ready-to-show');
      this.webContents.emit('did-finish-load');
    });
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  minimize(): void {
    this.minimized = true;
  }
  maximize(): void {
    this.maximized = true;
    this.emit('maximize');
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  getNormalBounds(): E.Rectangle {
    return { ...this.bounds };
  }
  /** The user moves or resizes the window. */
  setBounds(bounds: E.Rectangle): void {
    const moved = bounds.x !== this.bounds.x || bounds.y !== this.bounds.y;
    this.bounds = { ...bounds };
    this.emit(moved ? 'move' : 'resize');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The user clicks the close button. */
  close(): FakeEvent {
    const e = new FakeEvent();
    this.emit('close', e);
    if (!e.defaultPrevented) this.destroy();
    return e;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
}

type Handler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    // Electron throws on a second handler for one channel.
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** electron-store registers a synchronous listener; nothing here uses it. */
  on(): this {
    return this;
  }
  /** Calls a handler as a renderer would, from `contents` (its main frame unless `frame` is given). */
  async invoke(
    channel: string,
    contents: FakeWebContents,
    args: unknown[],
    frame?: FakeFrame | null,
  ): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const event = { sender: contents, senderFrame: frame === undefined ? contents.mainFrame : frame };
    return handler(event, ...args);
  }
}

class FakeIpcRenderer extends EventEmitter {
  /** Where invoke goes: the fake main process, as the window's page. */
  target: { contents: FakeWebContents } | null = null;
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    if (!this.target) throw new Error('FakeIpcRenderer: no target window');
    // IPC copies arguments with the structured clone algorithm.
    return structuredClone(await fake.ipcMain.invoke(channel, this.target.contents, structuredClone(args)));
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  appPath = '/nonexistent/app';
  readonly paths = new Map<string, string>();
  singleInstanceLock = true;
  lockData: unknown = undefined;
  readonly loginItemCalls: E.Settings[] = [];
  wasOpenedAtLogin = false;
  quitCalls = 0;
  quitted = false;
  exitCode: number | null = null;

  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    this.lockData = additionalData;
    return this.singleInstanceLock;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  getAppPath(): string {
    return this.appPath;
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }
  appUserModelId: string | null = null;
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  setAppLogsPath(path: string): void {
    this.paths.set('logs', path);
  }
  getPath(name: string): string {
    const path = this.paths.get(name);
    if (!path) throw new Error(`FakeApp: no path set for "${name}"`);
    return path;
  }
  getVersion(): string {
    return '0.1.0';
  }
  getName(): string {
    return 'Authenta Watch';
  }
  setLoginItemSettings(settings: E.Settings): void {
    this.loginItemCalls.push(settings);
  }
  getLoginItemSettings(): Pick<E.LoginItemSettings, 'openAtLogin' | 'wasOpenedAtLogin'> {
    return { openAtLogin: false, wasOpenedAtLogin: this.wasOpenedAtLogin };
  }
  /** Like Electron: before-quit may be prevented; otherwise the app is gone. */
  quit(): void {
    this.quitCalls += 1;
    const e = new FakeEvent();
    this.emit('before-quit', e);
    if (!e.defaultPrevented) {
      this.quitted = true;
      for (const win of FakeBrowserWindow.instances) win.destroy();
    }
  }
  exit(code = 0): void {
    this.exitCode = code;
    this.quitted = true;
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  tooltip = '';
  menu: E.MenuItemConstructorOptions[] = [];
  destroyed = false;
  constructor(public image: FakeNativeImage) {
    super();
    FakeTray.instances.push(this);
  }
  setImage(image: FakeNativeImage): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: { template: E.MenuItemConstructorOptions[] }): void {
    this.menu = menu.template;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** The labels of the menu, nested menus as arrays. */
  labels(items: E.MenuItemConstructorOptions[] = this.menu): unknown[] {
    return items.map((item) =>
      item.type === 'separator'
        ? '---'
        : Array.isArray(item.submenu)
          ? [item.label, this.labels(item.submenu)]
          : item.label,
    );
  }
  /** Clicks the menu item with this label (searching submenus). */
  click(label: string, items: E.MenuItemConstructorOptions[] = this.menu): void {
    const found = findItem(items, label);
    if (!found?.click)
      throw new Error(`No clickable menu item "${label}" in ${JSON.stringify(this.labels())}`);
    (found.click as () => void)();
  }
}

function findItem(items: E.MenuItemConstructorOptions[], label: string): E.MenuItemConstructorOptions | null {
  for (const item of items) {
    if (item.label === label) return item;
    if (Array.isArray(item.submenu)) {
      const inner = findItem(item.submenu, label);
      if (inner) return inner;
    }
  }
  return null;
}

export class FakeNativeImage {
  template = false;
  constructor(readonly path: string) {}
  isEmpty(): boolean {
    return !existsSync(this.path);
  }
  setTemplateImage(value: boolean): void {
    this.template = value;
  }
}

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  shown = false;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  constructor(readonly options: E.NotificationConstructorOptions) {
    super();
    FakeNotification.instances.push(this);
  }
  show(): void {
    this.shown = true;
  }
  /** The user clicks the notification. */
  click(): void {
    this.emit('click', new FakeEvent());
  }
}

type RequestListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: Record<string, unknown>) => void,
) => void;

class FakeSession {
  beforeRequest: RequestListener | null = null;
  headersReceived: RequestListener | null = null;
  permissionRequest:
    | ((
        wc: FakeWebContents,
        permission: string,
        cb: (ok: boolean) => void,
        details: { requestingUrl: string },
      ) => void)
    | null = null;
  permissionCheck:
    | ((
        wc: FakeWebContents | null,
        permission: string,
        origin: string,
        details: { requestingUrl?: string },
      ) => boolean)
    | null = null;
  readonly webRequest = {
    onBeforeRequest: (listener: RequestListener) => {
      this.beforeRequest = listener;
    },
    onHeadersReceived: (listener: RequestListener) => {
      this.headersReceived = listener;
    },
  };
  setPermissionRequestHandler(handler: FakeSession['permissionRequest']): void {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheck']): void {
    this.permissionCheck = handler;
  }
  /** Whether a request for `url` would go out. */
  allows(url: string): boolean {
    let cancel = true;
    this.beforeRequest?.({ url }, (r) => (cancel = r.cancel === true));
    return !cancel;
  }
  /** The headers a response for `url` would arrive with. */
  headersFor(url: string, responseHeaders: Record<string, string[]> = {}): Record<string, string[]> {
    let out: Record<string, string[]> = {};
    this.headersReceived?.(
      { url, responseHeaders },
      (r) => (out = r.responseHeaders as Record<string, string[]>),
    );
    return out;
  }
}

/** Everything the fake module holds, for tests to drive and inspect. */
export const fake = {
  app: new FakeApp(),
  ipcMain: new FakeIpcMain(),
  ipcRenderer: new FakeIpcRenderer(),
  powerMonitor: new EventEmitter(),
  session: new FakeSession(),
  exposed: new Map<string, unknown>(),
  /** webUtils.getPathForFile answers from here; files not in it have no path (''). */
  filePaths: new WeakMap<object, string>(),
  dialog: {
    openDialogAnswer: { canceled: true, filePaths: [] as string[] },
    openDialogCalls: 0,
    errorBoxes: [] as { title: string; content: string }[],
    messageBoxes: [] as E.MessageBoxOptions[],
  },
  shell: {
    shownItems: [] as string[],
    openedExternal: [] as string[],
    openedPaths: [] as string[],
  },
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
};

/** Back to a fresh fake (call in beforeEach). */
export function resetFakeElectron(): void {
  fake.app = new FakeApp();
  fake.ipcMain = new FakeIpcMain();
  fake.ipcRenderer = new FakeIpcRenderer();
  fake.powerMonitor = new EventEmitter();
  fake.session = new FakeSession();
  fake.exposed = new Map();
  fake.filePaths = new WeakMap();
  fake.dialog = {
    openDialogAnswer: { canceled: true, filePaths: [] },
    openDialogCalls: 0,
    errorBoxes: [],
    messageBoxes: [],
  };
  fake.shell = { shownItems: [], openedExternal: [], openedPaths: [] };
  fake.displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  FakeNotification.instances = [];
  FakeNotification.supported = true;
}

/**
 * The module `vi.mock('electron')` answers with. Getters read `fake` at call time, so
 * `resetFakeElectron()` swaps the parts under code that already imported them.
 */
export function electronModule(): Record<string, unknown> {
  const module = {
    get app() {
      return fake.app;
    },
    get ipcMain() {
      return fake.ipcMain;
    },
    get ipcRenderer() {
      return fake.ipcRenderer;
    },
    get powerMonitor() {
      return fake.powerMonitor;
    },
    session: {
      get defaultSession() {
        return fake.session;
      },
    },
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: { buildFromTemplate: (template: E.MenuItemConstructorOptions[]) => ({ template }) },
    nativeImage: { createFromPath: (path: string) => new FakeNativeImage(path) },
    screen: { getAllDisplays: () => fake.displays },
    dialog: {
      showOpenDialog: async () => {
        fake.dialog.openDialogCalls += 1;
        return fake.dialog.openDialogAnswer;
      },
      showErrorBox: (title: string, content: string) => fake.dialog.errorBoxes.push({ title, content }),
      showMessageBox: async (options: E.MessageBoxOptions) => {
        fake.dialog.messageBoxes.push(options);
        return { response: 0, checkboxChecked: false };
      },
    },
    shell: {
      showItemInFolder: (path: string) => fake.shell.shownItems.push(path),
      openExternal: async (url: string) => {
        fake.shell.openedExternal.push(url);
      },
      openPath: async (path: string) => {
        fake.shell.openedPaths.push(path);
        return '';
      },
    },
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => fake.exposed.set(key, api),
    },
    webUtils: {
      getPathForFile: (file: object) => fake.filePaths.get(file) ?? '',
    },
  };
  // Not spread: the getters must stay live.
  return Object.assign(module, { default: module });
}
