/**
 * Start at login (preferences.startAtLogin, off by default), opening hidden in the tray. macOS
 * and Windows have app.setLoginItemSettings; Linux has no such API, so an XDG autostart entry is
 * written instead (https://specifications.freedesktop.org/autostart-spec/latest/).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from 'electron';
import type { Logger } from '../core/ports';

/** The switch a login start passes, so the app opens in the tray without a window. */
export const HIDDEN_FLAG = '--hidden';

/** The autostart entry's file name under ~/.config/autostart. */
export const AUTOSTART_FILE = 'authenta-watch.desktop';

/** Whether this launch should stay in the tray: started with --hidden, or opened at login on macOS. */
export function startsHidden(argv: readonly string[], wasOpenedAtLogin: boolean): boolean {
  return wasOpenedAtLogin || argv.includes(HIDDEN_FLAG);
}

/** Quotes an argument for the Exec key of a desktop entry (reserved characters escaped). */
export function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `"${arg.replace(/([\\"`$])/g, '\\$1')}"`;
}

/** The XDG autostart entry that starts `execPath --hidden` at login. */
export function autostartEntry(execPath: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Authenta Watch',
    'Comment=Screens new photos and videos in watched folders for deepfakes',
    `Exec=${quoteExecArg(execPath)} ${HIDDEN_FLAG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * The program a Linux login should start: the AppImage file itself when running from one (its
 * execPath is a temporary mount), else the executable.
 */
export function linuxLaunchPath(execPath: string, env: NodeJS.ProcessEnv): string {
  return env.APPIMAGE && env.APPIMAGE.length > 0 ? env.APPIMAGE : execPath;
}

export interface LoginItemOptions {
  app: Pick<App, 'setLoginItemSettings' | 'isPackaged'>;
  platform: NodeJS.Platform;
  execPath: string;
  env: NodeJS.ProcessEnv;
  /** ~/.config (XDG_CONFIG_HOME) on Linux. */
  configDir: string;
  logger: Logger;
}

/** Applies the start-at-login setting; only a packaged app registers itself. */
export class LoginItem {
  private applied: boolean | null = null;
  /** The last apply: one runs at a time, so a slow removal cannot undo a later registration. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: LoginItemOptions) {}

  /** Registers or removes the start at login; calls run in order, each after the one before. */
  apply(enabled: boolean): Promise<void> {
    const run = this.queue.then(() => this.applyNow(enabled));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(enabled: boolean): Promise<void> {
    if (enabled === this.applied) return;
    const { app, platform, logger } = this.options;
    if (!app.isPackaged) {
      if (enabled) logger.info('Start at login is only registered for the installed app, not in development');
      this.applied = enabled;
      return;
    }
    if (platform === 'linux') {
      const dir = join(this.options.configDir, 'autostart');
      const file = join(dir, AUTOSTART_FILE);
      if (enabled) {
        await mkdir(dir, { recursive: true });
        await writeFile(
          file,
          autostartEntry(linuxLaunchPath(this.options.execPath, this.options.env)),
          'utf8',
        );
      } else {
        await rm(file, { force: true });
      }
    } else {
      app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
    }
    this.applied = enabled;
    logger.info(enabled ? 'Start at login turned on' : 'Start at login turned off');
  }
}
