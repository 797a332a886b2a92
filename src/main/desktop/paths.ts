/**
 * Where the desktop app finds its own files, in development and packaged: the built preload and
 * page under out/ (inside app.asar once packaged) and the icons (assets/ in the repository,
 * resources/assets once packaged, see electron-builder.yml extraResources).
 */
import { join } from 'node:path';

export interface AppPaths {
  /** The sandboxed CommonJS preload electron-vite emits. */
  preload: string;
  rendererIndex: string;
  /** Holds icon.png and tray/. */
  assetsDir: string;
  trayIconDir: string;
  appIcon: string;
}

/** The app's own files, from app.getAppPath() and process.resourcesPath. */
export function appPaths(input: { appPath: string; isPackaged: boolean; resourcesPath: string }): AppPaths {
  const assetsDir = input.isPackaged ? join(input.resourcesPath, 'assets') : join(input.appPath, 'assets');
  return {
    preload: join(input.appPath, 'out', 'preload', 'index.cjs'),
    rendererIndex: join(input.appPath, 'out', 'renderer', 'index.html'),
    assetsDir,
    trayIconDir: join(assetsDir, 'tray'),
    appIcon: join(assetsDir, 'icon.png'),
  };
}
