/**
 * Where the desktop's updates come from and how they start: the feed (a deployment's variable or
 * the package's app-update.yml), electron-updater loaded lazily only when there is one, and the
 * native question dialog the updater asks through (see updater.ts and update-policy.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialog } from 'electron';
import type { Clock, Logger } from '../core/ports';
import { DesktopUpdater, type UpdaterPort } from './updater';

/** Overrides the feed written into the package's app-update.yml (a deployment's own mirror, tests). */
export const UPDATE_FEED_ENV = 'AUTHENTA_UPDATE_FEED';

/**
 * The update feed this installation uses: AUTHENTA_UPDATE_FEED when set, else the `url` that
 * electron-builder wrote into resources/app-update.yml from electron-builder.yml's `publish`
 * entry; null when neither exists (updates are then off, see update-policy.ts updateFeed).
 */
export function configuredUpdateFeed(env: NodeJS.ProcessEnv, appUpdateYml: string | null): string | null {
  const fromEnv = env[UPDATE_FEED_ENV]?.trim();
  if (fromEnv) return fromEnv;
  const line = appUpdateYml?.match(/^url:\s*['"]?([^'"\r\n]+?)['"]?\s*$/m);
  return line?.[1] ?? null;
}

/** What starting the updates needs from the app. */
export interface DesktopUpdatesOptions {
  env: NodeJS.ProcessEnv;
  /** The packaged app's resources folder (holds app-update.yml); undefined when not packaged. */
  resourcesPath: string | undefined;
  /** Loads electron-updater; absent where it must not be imported (tests, the CLI). */
  loadUpdater?: () => Promise<UpdaterPort>;
  clock: Clock;
  logger: Logger;
  /** Called just before the updater quits the app to install. */
  beforeInstall(): void;
  /** False once the app is quitting or gone: a late-loaded updater is then not started. */
  stillWanted(): boolean;
  /** Runs work in the background, logging its failure (the app's own helper). */
  background(what: string, work: Promise<unknown>): void;
}

/**
 * The updater of this installation, started (check at once, then daily) when a feed is
 * configured; otherwise off, with the reason logged. The caller disposes of it on quit.
 */
export function startDesktopUpdates(options: DesktopUpdatesOptions): DesktopUpdater {
  const resources = options.resourcesPath;
  const ymlPath = resources ? join(resources, 'app-update.yml') : null;
  const yml = ymlPath && existsSync(ymlPath) ? readFileSync(ymlPath, 'utf8') : null;
  const { logger, loadUpdater } = options;
  const feedUrl = loadUpdater ? configuredUpdateFeed(options.env, yml) : null;
  let port: UpdaterPort | null = null;
  // The port is loaded lazily below; until then (and when off) nothing is called on it.
  const lazyPort: UpdaterPort = {
    set autoDownload(v: boolean) {
      if (port) port.autoDownload = v;
    },
    get autoDownload() {
      return port?.autoDownload ?? false;
    },
    set autoInstallOnAppQuit(v: boolean) {
      if (port) port.autoInstallOnAppQuit = v;
    },
    get autoInstallOnAppQuit() {
      return port?.autoInstallOnAppQuit ?? false;
    },
    setFeedURL: (o) => port?.setFeedURL(o),
    checkForUpdates: async () => port?.checkForUpdates(),
    downloadUpdate: async () => port?.downloadUpdate(),
    quitAndInstall: () => {
      options.beforeInstall();
      port?.quitAndInstall();
    },
    on: (event, listener) => port?.on(event, listener),
  };
  const updater = new DesktopUpdater({
    updater: lazyPort,
    feedUrl,
    clock: options.clock,
    logger,
    ask: async ({ message, detail, yes, no }) => {
      const answer = await dialog.showMessageBox({
        type: 'question',
        title: 'Authenta Watch update',
        message,
        ...(detail ? { detail } : {}),
        buttons: [yes, no],
        defaultId: 0,
        cancelId: 1,
      });
      return answer.response === 0;
    },
    // Not read from the window yet: meteredFrom(null) proves nothing, so every download is asked.
    connection: async () => null,
  });
  const status = updater.status;
  if (status.state === 'off' || !loadUpdater) {
    logger.info(status.message);
    return updater;
  }
  options.background(
    'start the update check',
    loadUpdater().then((loaded) => {
      if (!options.stillWanted()) return;
      port = loaded;
      updater.start();
      logger.info(status.message);
    }),
  );
  return updater;
}
