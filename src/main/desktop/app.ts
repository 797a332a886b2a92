/**
 * The desktop host: builds the window, tray, IPC, notifications, power and login handling around
 * an engine, and shuts them down in order. The adapters (engine, settings file, keychain) come
 * from the composition root (src/main/index.ts), so tests hand in any AuthentaWatchApi.
 */
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { app, dialog, Notification, powerMonitor, protocol, session, shell } from 'electron';
import { parseArgs, type AuthentaWatchApi, type HostCapabilities } from '../../shared/contract';
import type { EngineStatus } from '../../shared/domain';
import { createLogger, FileLogSink, type RedactingLogger } from '../core/logger';
import type { MediaResponder } from '../core/media/media-files';
import {
  systemClock,
  type Clock,
  type Credentials,
  type Logger,
  type SecretStore,
  type SettingsStore,
} from '../core/ports';
import { credentialsFromEnv, RememberingSecretStore, secretValues } from '../common/credentials';
import { defaultDataDir } from '../common/data-dir';
import { forwardEvents, registerCommands } from '../ipc';
import {
  answerAfterStart,
  createDesktopApi,
  ELECTRON_CAPABILITIES,
  type DesktopApi,
  type NativeHost,
} from './host-api';
import { LoginItem, startsHidden } from './login-item';
import { handleMediaProtocol, registerMediaScheme } from './media-protocol';
import { MainWindow } from './main-window';
import { createNativeNotifier, Notifier } from './notifications';
import { appPaths, type AppPaths } from './paths';
import { PowerCoordinator, type PowerAwareEngine } from './power';
import { appTarget, applySessionPolicy, guardWebContents, isTrustedSender, type AppTarget } from './security';
import { SettingsHub } from './settings-hub';
import { desktopLedgerConnection, desktopTeamLedger, type DesktopTeamLedger } from './team-ledger';
import type { LedgerConnectionWatch } from '../core/ledger/ledger-connection';
import { ledgerUrlSecrets } from '../core/ledger/ledger-url';
import type { LedgerPasswordStore } from '../core/secrets/team-ledger-password';
import { handedOverPaths, pathsFromArgv, type HandoverData } from './single-instance';
import { TrayController } from './tray';
import type { TrayAction } from './tray-model';
import { placementFor } from './window-state';
import { electronProxyResolver } from './electron-proxy';
import type { ProxyResolver } from '../core/api/proxy';
import type { DesktopUpdater, UpdaterPort, UpdateStatus } from './updater';
import { pickFiles, pickFolder, savePdf } from './dialogs';
import { startDesktopUpdates } from './update-setup';
import { createDataDir, LOG_FILE_NAME, showStartFailure, startedOrAway } from './startup';

export { pdfFileName } from './dialogs';
export { defaultLogFile, showStartFailure, START_FAILURE_TITLE } from './startup';
export { configuredUpdateFeed, UPDATE_FEED_ENV } from './update-setup';

/** What the desktop hands the engine it builds. */
export interface DesktopEngineDeps {
  dataDir: string;
  clock: Clock;
  logger: Logger;
  settings: SettingsStore;
  secrets: SecretStore;
  /** AUTHENTA_CLIENT_ID/AUTHENTA_CLIENT_SECRET or AUTHENTA_API_KEY: they override the keychain. */
  envCredentials: Credentials | null;
  capabilities: HostCapabilities;
  /** The proxy of each call and upload: Electron's session settings, PAC included (electron-proxy.ts). */
  proxy: ProxyResolver;
  /** A better-sqlite3 binary built for this Electron (development only, see scripts/start.mjs). */
  nativeBinding?: string;
  /** The team ledger chosen in Settings (its URL holds the keychain's password); absent: SQLite. */
  teamLedger?: DesktopTeamLedger;
  /** With a team ledger: whether its server answers (the opener tells it, the window's banner follows it). */
  ledgerConnection?: LedgerConnectionWatch;
  /** The keychain's team ledger passwords (Settings, Team ledger). */
  ledgerPasswords?: LedgerPasswordStore;
}

/** The engine as the desktop drives it. */
export type DesktopEngine = AuthentaWatchApi &
  PowerAwareEngine & {
    /** The local media (after start), served through the authenta-media scheme. */
    readonly media?: MediaResponder;
    /** Loopback origins heatmaps may play from (the Sandbox simulator's). */
    mediaOrigins?(): string[];
    start(): Promise<void>;
    dispose(): void | Promise<void>;
  };

export interface DesktopOptions {
  createEngine(deps: DesktopEngineDeps): DesktopEngine;
  createSettingsStore(dataDir: string): SettingsStore;
  createSecretStore(): SecretStore;
  /** Where the team ledger's password is kept (the OS keychain); without it, no team ledger is opened. */
  createLedgerPasswordStore?(): LedgerPasswordStore;
  /** Default: the folder the headless CLI uses too (see common/data-dir.ts). */
  dataDir?: string;
  platform?: NodeJS.Platform;
  argv?: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** True when run as `electron .` (process.defaultApp). */
  defaultApp?: boolean;
  resourcesPath?: string;
  execPath?: string;
  clock?: Clock;
  /**
   * electron-updater's autoUpdater, loaded only once a feed is configured: the module reads
   * Electron's app when imported, so tests and the headless CLI never load it.
   */
  loadUpdater?(): Promise<UpdaterPort>;
}

/** electron-builder.yml's appId. */
export const APP_ID = 'ai.authenta.watch';

/** The env variable scripts/start.mjs uses to hand over the Electron build of better-sqlite3. */
export const NATIVE_BINDING_ENV = 'AUTHENTA_SQLITE_BINDING';

/** What each tray action does, for an error message ("Could not pause the queue: ..."). */
const TRAY_ACTION_WORDS: Readonly<Record<TrayAction['type'], string>> = {
  open: 'open the window',
  pauseAll: 'pause the queue',
  resumeAll: 'resume the queue',
  pauseFolder: 'pause the folder',
  resumeFolder: 'resume the folder',
  showFolder: 'show the folder',
  addFolder: 'add the folder',
  openLogs: 'open the logs folder',
  quit: 'quit',
};

/** The once-only notice when closing hides the window. */
export const CLOSE_TO_TRAY_NOTICE = {
  title: 'Authenta Watch is still running',
  body: 'It keeps watching your folders from the tray. To stop it, choose Quit Authenta Watch in the tray menu.',
};

/**
 * Starts the desktop app, or hands this launch's paths to the instance already running and
 * quits (null). Resolves once the engine runs and the tray is up. When it cannot start, it says
 * why in a native dialog (with the log's path), exits with code 1 and resolves null: a console
 * line alone is invisible to someone who double-clicked the app.
 */
export async function runDesktop(options: DesktopOptions): Promise<DesktopApp | null> {
  const argv = options.argv ?? process.argv;
  const cwd = options.cwd ?? process.cwd();
  const defaultApp = options.defaultApp ?? process.defaultApp === true;
  // One data folder for the desktop and the CLI (the same settings file, ledger and logs).
  const dataDir =
    options.dataDir ??
    defaultDataDir(options.platform ?? process.platform, options.env ?? process.env, homedir());
  const logsDir = join(dataDir, 'logs');
  let desktop: DesktopApp | null = null;
  try {
    // Electron's setPath throws for a folder that does not exist (electron.d.ts, app.setPath):
    // on a first start nothing has created it yet. Set before the single-instance lock, which
    // Chromium keeps in this folder, and before ready, when the session's data goes there.
    createDataDir(dataDir);
    app.setPath('userData', dataDir);
    app.setAppLogsPath(logsDir);
    // The media scheme's privileges can only be declared before ready (media-protocol.ts).
    registerMediaScheme(protocol);
    // Windows shows notifications only for the AppUserModelID of the installed shortcut (the appId).
    if ((options.platform ?? process.platform) === 'win32') app.setAppUserModelId(APP_ID);
    const paths = pathsFromArgv(argv, cwd, defaultApp);
    const handover: HandoverData = { paths };
    if (!app.requestSingleInstanceLock(handover)) {
      app.quit();
      return null;
    }
    const started = new DesktopApp(options);
    desktop = started;
    app.on('second-instance', (_event, otherArgv, workingDirectory, additionalData) => {
      started.handOver(handedOverPaths(additionalData, otherArgv, workingDirectory, defaultApp));
    });
    await app.whenReady();
    await started.start(paths);
    return started;
  } catch (error) {
    desktop?.logStartFailure(error);
    await desktop?.shutdown();
    await showStartFailure(error, join(logsDir, LOG_FILE_NAME));
    app.exit(1);
    return null;
  }
}

/** The running desktop host. */
export class DesktopApp {
  private readonly platform: NodeJS.Platform;
  private readonly env: NodeJS.ProcessEnv;
  private readonly clock: Clock;
  private logger: RedactingLogger | null = null;
  private logSink: FileLogSink | null = null;
  private hub: SettingsHub | null = null;
  private engine: DesktopEngine | null = null;
  private api: DesktopApi | null = null;
  private window: MainWindow | null = null;
  private tray: TrayController | null = null;
  private readonly disposables: { dispose(): void | Promise<void> }[] = [];
  private readonly pendingPaths: string[][] = [];
  private started = false;
  private quitting = false;
  private disposed = false;
  private shuttingDown: Promise<void> | null = null;
  private paths: AppPaths | null = null;
  private updater: DesktopUpdater | null = null;
  private ledgerConnection: LedgerConnectionWatch | null = null;

  constructor(private readonly options: DesktopOptions) {
    this.platform = options.platform ?? process.platform;
    this.env = options.env ?? process.env;
    this.clock = options.clock ?? systemClock;
  }

  /** The contract as the window sees it (after start). */
  get desktopApi(): DesktopApi | null {
    return this.api;
  }

  /** Where updates stand (after start): off and why, or checking, declined, downloading, ready. */
  get updateStatus(): UpdateStatus | null {
    return this.updater?.status ?? null;
  }

  /** The main window (after start). */
  get mainWindow(): MainWindow | null {
    return this.window;
  }

  /** Builds everything; `paths` came on this launch's command line. */
  async start(paths: readonly string[]): Promise<void> {
    const env = this.env;
    this.paths = appPaths({
      appPath: app.getAppPath(),
      isPackaged: app.isPackaged,
      resourcesPath: this.options.resourcesPath ?? process.resourcesPath,
    });
    const target = appTarget({
      isPackaged: app.isPackaged,
      devServerUrl: env.ELECTRON_RENDERER_URL,
      rendererIndex: this.paths.rendererIndex,
    });

    // Every secret value the app comes to hold is cut out of every log line.
    const knownSecrets = new Set<string>();
    const fromEnv = credentialsFromEnv(env);
    const envCredentials = 'credentials' in fromEnv ? fromEnv.credentials : null;
    for (const secret of secretValues(envCredentials)) knownSecrets.add(secret);
    this.logSink = new FileLogSink({ dir: app.getPath('logs') });
    const logger = createLogger({ sinks: [this.logSink], secrets: () => [...knownSecrets] }).child({
      host: 'electron',
    });
    this.logger = logger;
    logger.info('Authenta Watch starting', { version: app.getVersion(), packaged: app.isPackaged });
    if ('problem' in fromEnv) logger.warn(`Environment credentials ignored: ${fromEnv.problem}`);

    this.harden(target, logger);
    this.registerAppEvents();

    const dataDir = app.getPath('userData');
    const hub = new SettingsHub(this.options.createSettingsStore(dataDir));
    this.hub = hub;
    await hub.load();

    const nativeBinding = app.isPackaged ? undefined : env[NATIVE_BINDING_ENV] || undefined;
    const passwords = this.options.createLedgerPasswordStore?.();
    const teamLedger = passwords ? await desktopTeamLedger(hub.current(), passwords, hostname()) : null;
    if (teamLedger) {
      for (const secret of ledgerUrlSecrets(teamLedger.url)) knownSecrets.add(secret);
      logger.info('team ledger', { url: teamLedger.redacted, desk: teamLedger.desk });
    }
    const ledgerConnection = teamLedger ? desktopLedgerConnection(teamLedger) : null;
    this.ledgerConnection = ledgerConnection;
    const engine = this.options.createEngine({
      dataDir,
      clock: this.clock,
      logger,
      settings: hub,
      secrets: new RememberingSecretStore(this.options.createSecretStore(), knownSecrets),
      envCredentials,
      capabilities: { ...ELECTRON_CAPABILITIES },
      proxy: electronProxyResolver(session.defaultSession),
      ...(nativeBinding ? { nativeBinding } : {}),
      ...(teamLedger && ledgerConnection ? { teamLedger, ledgerConnection } : {}),
      ...(passwords ? { ledgerPasswords: passwords } : {}),
    });
    this.engine = engine;
    // A team ledger whose server cannot be reached is waited for with the window open: the app
    // neither quits nor hangs before its window (issue 11). Otherwise the start is awaited as ever.
    const starting = engine.start();
    const startedNow = await startedOrAway(starting, ledgerConnection);

    const native: NativeHost = {
      pickFolder: () => pickFolder(this.window),
      pickFiles: () => pickFiles(this.window),
      savePdf: (title) => savePdf(this.window, title),
      showItemInFolder: (path) => shell.showItemInFolder(path),
      openExternal: (url) => shell.openExternal(url),
    };
    const api = startedNow
      ? createDesktopApi(engine, native)
      : answerAfterStart(createDesktopApi(engine, native), starting);
    this.api = api;
    // Before the engine has started (waiting for the team ledger) the media wait for it too.
    const media: MediaResponder | null = startedNow
      ? (engine.media ?? null)
      : {
          respond: async (request) => {
            await starting;
            const started = engine.media;
            if (!started) throw new Error('The engine serves no media.');
            return started.respond(request);
          },
        };
    this.disposables.push(handleMediaProtocol(protocol, media));

    const window = new MainWindow({
      preloadPath: this.paths.preload,
      target,
      iconPath: this.platform === 'linux' ? this.paths.appIcon : null,
      placement: (workAreas) => placementFor(hub.current().preferences.window, workAreas),
      saveBounds: (bounds) =>
        this.background('save the window bounds', hub.updateHostPreferences({ window: bounds })),
      hideOnClose: () => !this.quitting && hub.current().preferences.closeToTray,
      onHiddenToTray: () => this.noticeHiddenToTray(),
      onClosed: () => {
        if (!this.quitting) app.quit();
      },
      onLoadFailed: (error) => {
        const reason = error instanceof Error ? error.message : String(error);
        dialog.showErrorBox(
          'Authenta Watch could not open its window',
          `${reason}\n\nThe app's files may be damaged: reinstall Authenta Watch. ` +
            `It keeps watching your folders from the tray. Details are in the log: ${this.logSink?.file ?? app.getPath('logs')}`,
        );
      },
      clock: this.clock,
      logger,
    });
    this.window = window;
    this.disposables.push(window);

    this.disposables.push(
      registerCommands(
        api,
        (sender) => isTrustedSender(sender, { webContentsId: window.webContentsId, target }),
        logger,
      ),
      forwardEvents(api, () => window.webContents),
    );

    const tray = new TrayController({
      iconDir: this.paths.trayIconDir,
      platform: this.platform,
      onAction: (action) => this.background(TRAY_ACTION_WORDS[action.type], this.runTrayAction(action), true),
      logger,
    });
    this.tray = tray;
    this.disposables.push(tray);
    const unsubscribeStatus = api.onStatus((s: EngineStatus) => tray.update(s));
    this.disposables.push({ dispose: unsubscribeStatus });
    this.startLogin(logger);
    const argv = this.options.argv ?? process.argv;
    const openedAtLogin = this.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
    if (startsHidden(argv, openedAtLogin)) window.prepare();
    else window.show();
    this.startUpdates(logger);

    if (startedNow) {
      await this.afterEngineStart(paths);
      return;
    }
    logger.warn('the team ledger cannot be reached: the window opens and the engine waits for it');
    if (paths.length > 0) this.pendingPaths.push([...paths]);
    starting.then(
      () => this.background('finish starting once the team ledger answers', this.afterEngineStart([])),
      (error: unknown) => {
        if (!this.quitting) logger.error('the engine could not start', { error });
      },
    );
  }

  /** What needs the engine running: the tray's status, notifications, power handling, handed-over paths. */
  private async afterEngineStart(paths: readonly string[]): Promise<void> {
    const api = this.api;
    const tray = this.tray;
    const window = this.window;
    const engine = this.engine;
    const hub = this.hub;
    const logger = this.logger;
    const appPaths = this.paths;
    if (!api || !tray || !window || !engine || !hub || !logger || !appPaths || this.quitting) return;
    const status = await api.getStatus();
    tray.update(status);

    const notifier = new Notifier({
      api,
      enabled: () => hub.current().preferences.notifications,
      show: createNativeNotifier({
        iconPath: appPaths.appIcon,
        onClick: (spec) => {
          window.show();
          const jobId = spec.jobId;
          if (jobId !== null) void window.whenLoaded().then(() => api.emitOpenJob(jobId));
        },
      }),
      clock: this.clock,
    });
    notifier.seed(status);
    this.disposables.push(notifier);

    this.disposables.push(new PowerCoordinator(powerMonitor, engine, logger));

    this.started = true;
    if (paths.length > 0) this.pendingPaths.push([...paths]);
    await this.drainPaths();
    logger.info('Authenta Watch started');
  }

  /** Start at login as the preferences say, now and whenever they change. */
  private startLogin(logger: Logger): void {
    const hub = this.hub;
    if (!hub) return;
    const env = this.env;
    const loginItem = new LoginItem({
      app,
      platform: this.platform,
      execPath: this.options.execPath ?? process.execPath,
      env,
      configDir: env.XDG_CONFIG_HOME || join(homedir(), '.config'),
      logger,
    });
    const applyLogin = (enabled: boolean): void =>
      this.background('apply start at login', loginItem.apply(enabled));
    applyLogin(hub.current().preferences.startAtLogin);
    this.disposables.push({ dispose: hub.onDidChange((s) => applyLogin(s.preferences.startAtLogin)) });
  }

  /** Starts the daily update check when a feed is configured; otherwise logs why updates are off. */
  private startUpdates(logger: Logger): void {
    this.updater = startDesktopUpdates({
      env: this.env,
      resourcesPath: this.options.resourcesPath ?? process.resourcesPath,
      loadUpdater: this.options.loadUpdater,
      clock: this.clock,
      logger,
      beforeInstall: () => (this.quitting = true),
      stillWanted: () => !this.disposed && !this.quitting,
      background: (what, work) => this.background(what, work),
    });
    this.disposables.push(this.updater);
  }

  /** Writes why the start failed to the log (when the log is open). */
  logStartFailure(error: unknown): void {
    this.logger?.error('Authenta Watch could not start', { error });
  }

  /** A second launch: show the window and add the paths it brought. */
  handOver(paths: string[]): void {
    if (paths.length > 0) this.pendingPaths.push(paths);
    if (!this.started) return;
    this.window?.show();
    this.background('add the files handed over by the second launch', this.drainPaths(), true);
  }

  /** Quits the app (the tray's Quit, or the OS). */
  quit(): void {
    this.quitting = true;
    app.quit();
  }

  /** Disposes everything in reverse order, then the engine; safe to call twice. */
  shutdown(): Promise<void> {
    this.shuttingDown ??= this.disposeAll();
    return this.shuttingDown;
  }

  private async disposeAll(): Promise<void> {
    this.quitting = true;
    this.started = false;
    for (const item of this.disposables.splice(0).reverse()) {
      try {
        await item.dispose();
      } catch (error) {
        this.logger?.error('Shutdown step failed', { error });
      }
    }
    // A start still waiting for the team ledger's server gives up (else it would keep the app alive).
    this.ledgerConnection?.dispose();
    try {
      await this.engine?.dispose();
    } catch (error) {
      this.logger?.error('The engine did not shut down cleanly', { error });
    }
    await this.hub?.flush();
    this.logger?.info('Authenta Watch stopped');
    this.logSink?.dispose();
    this.disposed = true;
  }

  private harden(target: AppTarget, logger: Logger): void {
    const openExternal = (url: string): void =>
      this.background('open a link in the browser', shell.openExternal(url));
    app.on('web-contents-created', (_event, contents) =>
      guardWebContents(contents, { target, openExternal, logger }),
    );
    applySessionPolicy(session.defaultSession, target, logger, () => this.engine?.mediaOrigins?.() ?? []);
  }

  private registerAppEvents(): void {
    app.on('before-quit', (event) => {
      this.quitting = true;
      if (this.disposed) return;
      event.preventDefault();
      if (!this.shuttingDown) void this.shutdown().finally(() => app.quit());
    });
    // The app lives in the tray: closing the last window does not quit it.
    app.on('window-all-closed', () => undefined);
    // macOS: a click on the Dock icon opens the window.
    app.on('activate', () => this.window?.show());
  }

  private async drainPaths(): Promise<void> {
    const api = this.api;
    if (!api) return;
    for (const paths of this.pendingPaths.splice(0)) {
      const [valid] = parseArgs('addPaths', [paths]);
      const result = await api.addPaths(valid);
      this.logger?.info('Paths handed over', { accepted: result.accepted, rejected: result.rejected.length });
    }
  }

  private async runTrayAction(action: TrayAction): Promise<void> {
    const api = this.api;
    if (!api) return;
    switch (action.type) {
      case 'open':
        return this.window?.show();
      case 'pauseAll':
        return api.pauseAll();
      case 'resumeAll':
        return api.resumeAll();
      case 'pauseFolder':
        return api.pauseFolder(action.folderId);
      case 'resumeFolder':
        return api.resumeFolder(action.folderId);
      case 'showFolder':
        return this.openPath(action.path);
      case 'addFolder': {
        const path = await api.pickFolder();
        if (path) await api.addFolder({ path });
        return;
      }
      case 'openLogs':
        return this.openPath(app.getPath('logs'));
      case 'quit':
        return this.quit();
    }
  }

  private async openPath(path: string): Promise<void> {
    const error = await shell.openPath(path);
    if (error) throw new Error(`${path} could not be opened: ${error}`);
  }

  private noticeHiddenToTray(): void {
    const hub = this.hub;
    if (!hub || hub.current().preferences.closeToTrayNoticeShown) return;
    if (Notification.isSupported()) {
      new Notification({ title: CLOSE_TO_TRAY_NOTICE.title, body: CLOSE_TO_TRAY_NOTICE.body }).show();
    } else {
      this.background(
        'show the close-to-tray notice',
        dialog.showMessageBox({
          type: 'info',
          message: CLOSE_TO_TRAY_NOTICE.title,
          detail: CLOSE_TO_TRAY_NOTICE.body,
        }),
      );
    }
    this.background(
      'remember the close-to-tray notice',
      hub.updateHostPreferences({ closeToTrayNoticeShown: true }),
    );
  }

  /** Runs a promise nobody awaits; a failure is logged and, when the user asked for it, shown. */
  private background(what: string, work: Promise<unknown> | void, tellUser = false): void {
    if (!work) return;
    work.catch((error: unknown) => {
      this.logger?.error(`Could not ${what}`, { error });
      if (tellUser) {
        const message = error instanceof Error ? error.message : String(error);
        dialog.showErrorBox('Authenta Watch', `Could not ${what}: ${message}`);
      }
    });
  }
}
