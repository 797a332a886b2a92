/**
 * A small typed fake of the `electron` module, for the desktop host's unit tests (Electron's
 * binary cannot run on the build machines). Each part records what the code under test did
 * with it and lets a test play the user or the OS (click the tray, close the window, suspend).
 *
 *   vi.mock('electron', async () => (await import('./fake-electron')).electronModule());
 *
 * Tests read and drive the same instance through `fake` and call `resetFakeElectron()` first.
 *
 * The fake is as strict as Electron 45 where the host depends on it (issue 15): each rule below
 * cites the line of node_modules/electron/electron.d.ts (45.5.0) that states it. Where the .d.ts
 * only links the docs page, the comment says so and quotes the page. A few rules are stricter
 * than Electron, which would not throw but silently do the wrong thing; their comments say so.
 * The app starts "not ready": `app.whenReady()` makes it ready (as Electron does once it has
 * initialised); tests of a single part that needs ready call `fake.app.becomeReady()` first.
 * The rules themselves are tested in fake-electron.test.ts.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
    // electron.d.ts:4655 only links docs/api/browser-window.md, whose first rule is "You cannot
    // use this module until the ready event of the app module is emitted"; Electron throws.
    requireReady('Cannot create BrowserWindow before app is ready');
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    FakeBrowserWindow.instances.push(this);
    fake.app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }

  /**
   * electron.d.ts:6317-6318: "the promise will resolve when the page has finished loading (see
   * `did-finish-load`), and rejects if the page fails to load (see `did-fail-load`)". A missing
   * file fails as Chromium does: ERR_FILE_NOT_FOUND (-6), and no did-finish-load.
   */
  loadFile(path: string): Promise<void> {
    const url = pathToFileURL(path).href;
    if (!isFile(path)) return this.failLoad(url, -6, 'ERR_FILE_NOT_FOUND');
    return this.finishLoad(url);
  }
  loadURL(url: string): Promise<void> {
    if (url.startsWith('file:') && !isFile(fileURLToPath(url)))
      return this.failLoad(url, -6, 'ERR_FILE_NOT_FOUND');
    return this.finishLoad(url);
  }
  private failLoad(url: string, errorCode: number, errorDescription: string): Promise<void> {
    this.loaded = null;
    setImmediate(() => {
      if (this.destroyed) return;
      this.webContents.emit('did-fail-load', new FakeEvent(), errorCode, errorDescription, url, true);
    });
    // The error Electron's webContents.loadURL rejects with (lib/browser/api/web-contents.ts).
    const error = Object.assign(new Error(`${errorDescription} (${errorCode}) loading '${url}'`), {
      errno: errorCode,
      code: errorDescription,
      url,
    });
    return Promise.reject(error);
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

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Throws `message` unless the app is ready, as Electron's native modules do. */
function requireReady(message: string): void {
  if (!fake.app.isReady()) throw new Error(message);
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  private ready = false;
  private lockedUserData: string | null = null;
  appPath = '/nonexistent/app';
  readonly paths = new Map<string, string>();
  singleInstanceLock = true;
  lockData: unknown = undefined;
  readonly loginItemCalls: E.Settings[] = [];
  wasOpenedAtLogin = false;
  quitCalls = 0;
  quitted = false;
  exitCode: number | null = null;

  /**
   * electron.d.ts:1719-1725: the lock "is scoped to the application's user data directory";
   * to change that directory, "set [it] using `app.setPath('userData', newPath)` before calling
   * `app.requestSingleInstanceLock()`" (enforced in setPath). Stricter than Electron: the fake
   * throws after ready, because a lock taken then lets a second instance build its windows and
   * engine before it learns it must quit.
   */
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    if (this.ready)
      throw new Error('FakeApp: requestSingleInstanceLock must be called before the app is ready');
    this.lockData = additionalData;
    this.lockedUserData = this.paths.get('userData') ?? null;
    return this.singleInstanceLock;
  }
  /** electron.d.ts:1620-1623: "`true` if Electron has finished initializing". */
  isReady(): boolean {
    return this.ready;
  }
  /** electron.d.ts:2116: fulfilled when Electron is initialised (here: at once, asynchronously). */
  whenReady(): Promise<void> {
    return Promise.resolve().then(() => this.becomeReady());
  }
  /** Electron finished initialising: emits 'ready' once. For tests of parts that need ready. */
  becomeReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.emit('ready', new FakeEvent(), {});
  }
  getAppPath(): string {
    return this.appPath;
  }
  /**
   * electron.d.ts:1975-1977: "If the path specifies a directory that does not exist, an `Error`
   * is thrown." Electron's message is "Failed to set path".
   * electron.d.ts:1981-1983: `sessionData` (under userData by default) must be overridden "before
   * the `ready` event". Stricter than Electron, which would not throw but keep the cookies and
   * caches in the old folder: the fake throws for userData and sessionData after ready.
   * electron.d.ts:1723-1725: userData must be set before requestSingleInstanceLock.
   */
  setPath(name: string, path: string): void {
    if (!isDirectory(path)) throw new Error('Failed to set path');
    if ((name === 'userData' || name === 'sessionData') && this.ready)
      throw new Error(`FakeApp: setPath('${name}') must be called before the app is ready`);
    if (name === 'userData' && this.lockedUserData !== null && this.lockedUserData !== path)
      throw new Error(
        "FakeApp: setPath('userData') after requestSingleInstanceLock: the lock is in the old folder",
      );
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
    // electron.d.ts:15836 only links docs/api/tray.md; Electron's Tray constructor throws before
    // ready (shell/browser/api/electron_api_tray.cc).
    requireReady('Cannot create Tray before app is ready');
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
  /** What resolveProxy answers (a PAC string, as Chromium gives it); tests set it. */
  proxyAnswer: (url: string) => string | Promise<string> = () => 'DIRECT';
  /** electron.d.ts Session.resolveProxy: the proxy Chromium would use for `url`. */
  resolveProxy(url: string): Promise<string> {
    return Promise.resolve(this.proxyAnswer(url));
  }
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

/**
 * powerMonitor. electron.d.ts:11574 only links docs/api/power-monitor.md ("You should not use
 * this module until the `ready` event of the `app` module is emitted"): Electron creates the
 * native monitor on the first listener, so the fake throws for a listener added before ready.
 */
export class FakePowerMonitor extends EventEmitter {
  constructor() {
    super();
    this.on('newListener', (event: string | symbol) => {
      if (event !== 'newListener' && event !== 'removeListener')
        requireReady("The 'powerMonitor' module can't be used before the app 'ready' event");
    });
  }
}

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

/** protocol: privileged schemes before ready, handlers after. */
export class FakeProtocol {
  privileged: E.CustomScheme[] | null = null;
  readonly handlers = new Map<string, ProtocolHandler>();

  /**
   * electron.d.ts:12404-12405: "This method can only be used before the `ready` event of the
   * `app` module gets emitted and can be called only once." Electron throws after ready; the
   * fake also throws on a second call (Electron would keep only one of them).
   */
  registerSchemesAsPrivileged(customSchemes: E.CustomScheme[]): void {
    if (fake.app.isReady())
      throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    if (this.privileged) throw new Error('FakeProtocol: registerSchemesAsPrivileged can be called only once');
    this.privileged = customSchemes.map((s) => ({ ...s, privileges: { ...s.privileges } }));
  }
  /**
   * electron.d.ts:12284-12299 (protocol.handle) registers on the default session, which is
   * "available after `app.whenReady`" (electron.d.ts:13306-13309), so it throws before ready.
   * A second handler for one scheme throws, as in Electron.
   */
  handle(scheme: string, handler: ProtocolHandler): void {
    requireReady('Session can only be received when app is ready');
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }
  unhandle(scheme: string): void {
    this.handlers.delete(scheme);
  }
  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }
  /** The page requests `url` (an <img>, a <video>, fetch): the handler's answer. */
  async request(url: string, init?: RequestInit): Promise<Response> {
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = this.handlers.get(scheme);
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME loading '${url}'`);
    return handler(new Request(url, init));
  }
}

/** Everything the fake module holds, for tests to drive and inspect. */
export const fake = {
  app: new FakeApp(),
  ipcMain: new FakeIpcMain(),
  ipcRenderer: new FakeIpcRenderer(),
  powerMonitor: new FakePowerMonitor(),
  session: new FakeSession(),
  protocol: new FakeProtocol(),
  exposed: new Map<string, unknown>(),
  /** webUtils.getPathForFile answers from here; files not in it have no path (''). */
  filePaths: new WeakMap<object, string>(),
  dialog: {
    openDialogAnswer: { canceled: true, filePaths: [] as string[] },
    openDialogCalls: 0,
    errorBoxes: [] as { title: string; content: string }[],
    /** Error boxes asked for before ready: on Linux only stderr sees them (no window). */
    errorBoxesBeforeReady: [] as { title: string; content: string }[],
    messageBoxes: [] as E.MessageBoxOptions[],
  },
  shell: {
    shownItems: [] as string[],
    openedExternal: [] as string[],
    openedPaths: [] as string[],
  },
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
};

/**
 * An app folder as `app.getAppPath()` would give in development: the built page (loadFile
 * fails without it, as in Electron) and the repository's icons. Returns its path.
 */
export function makeAppDir(parent: string): string {
  const dir = join(parent, 'app');
  mkdirSync(join(dir, 'out', 'renderer'), { recursive: true });
  writeFileSync(join(dir, 'out', 'renderer', 'index.html'), '<!doctype html><title>Authenta Watch</title>');
  symlinkSync(resolve('assets'), join(dir, 'assets'));
  return dir;
}

/** Back to a fresh fake (call in beforeEach). */
export function resetFakeElectron(): void {
  fake.app = new FakeApp();
  fake.ipcMain = new FakeIpcMain();
  fake.ipcRenderer = new FakeIpcRenderer();
  fake.powerMonitor = new FakePowerMonitor();
  fake.session = new FakeSession();
  fake.protocol = new FakeProtocol();
  fake.exposed = new Map();
  fake.filePaths = new WeakMap();
  fake.dialog = {
    openDialogAnswer: { canceled: true, filePaths: [] },
    openDialogCalls: 0,
    errorBoxes: [],
    errorBoxesBeforeReady: [],
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
    get protocol() {
      return fake.protocol;
    },
    session: {
      /** electron.d.ts:13306-13309: "available after `app.whenReady` is called". */
      get defaultSession() {
        requireReady('Session can only be received when app is ready');
        return fake.session;
      },
    },
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: { buildFromTemplate: (template: E.MenuItemConstructorOptions[]) => ({ template }) },
    nativeImage: { createFromPath: (path: string) => new FakeNativeImage(path) },
    /**
     * electron.d.ts:12883 only links docs/api/screen.md ("This module cannot be used until the
     * `ready` event of the `app` module is emitted"); Electron throws on first use.
     */
    get screen() {
      requireReady("The 'screen' module can't be used before the app 'ready' event");
      return { getAllDisplays: () => fake.displays };
    },
    dialog: {
      showOpenDialog: async () => {
        fake.dialog.openDialogCalls += 1;
        return fake.dialog.openDialogAnswer;
      },
      /**
       * electron.d.ts:8235-8238: "If called before the app `ready` event on Linux, the message
       * will be emitted to stderr, and no GUI dialog will appear." The fake follows Linux: a box
       * asked for before ready is not among the boxes the user saw.
       */
      showErrorBox: (title: string, content: string) =>
        (fake.app.isReady() ? fake.dialog.errorBoxes : fake.dialog.errorBoxesBeforeReady).push({
          title,
          content,
        }),
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
