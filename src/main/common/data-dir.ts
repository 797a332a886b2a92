/**
 * Where the app keeps its data when nobody says otherwise: one folder for the desktop app and the
 * CLI (the same settings file, ledger and logs), so both hosts see the same queue.
 */
import { join } from 'node:path';

/** The environment variables that move the default data folder. */
export interface DataDirEnv {
  APPDATA?: string;
  XDG_CONFIG_HOME?: string;
}

/**
 * The app data folder: `~/.config/authenta-watch` on Linux (or under XDG_CONFIG_HOME),
 * `~/Library/Application Support/Authenta Watch` on macOS, `%APPDATA%\Authenta Watch` on Windows.
 */
export function defaultDataDir(platform: NodeJS.Platform, env: DataDirEnv, homeDir: string): string {
  if (platform === 'darwin') return join(homeDir, 'Library', 'Application Support', 'Authenta Watch');
  if (platform === 'win32') return join(env.APPDATA || join(homeDir, 'AppData', 'Roaming'), 'Authenta Watch');
  return join(env.XDG_CONFIG_HOME || join(homeDir, '.config'), 'authenta-watch');
}
