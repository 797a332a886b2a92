import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings as LoginSettings } from 'electron';
import { createLogger } from '../../../src/main/core/logger';
import {
  AUTOSTART_FILE,
  HIDDEN_FLAG,
  LoginItem,
  autostartEntry,
  linuxLaunchPath,
  quoteExecArg,
  startsHidden,
} from '../../../src/main/desktop/login-item';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fakeApp(isPackaged: boolean) {
  const calls: LoginSettings[] = [];
  return { calls, app: { isPackaged, setLoginItemSettings: (s: LoginSettings) => void calls.push(s) } };
}

describe('start at login', () => {
  it.each([
    [['/opt/aw/authenta-watch'], false, false],
    [['/opt/aw/authenta-watch', HIDDEN_FLAG], false, true],
    [['/Applications/Authenta Watch.app/Contents/MacOS/Authenta Watch'], true, true],
  ])('startsHidden(%j, openedAtLogin=%s) = %s', (argv, atLogin, hidden) => {
    expect(startsHidden(argv, atLogin)).toBe(hidden);
  });

  it.each([
    ['/opt/aw/authenta-watch', '/opt/aw/authenta-watch'],
    ['/opt/Authenta Watch/authenta-watch', '"/opt/Authenta Watch/authenta-watch"'],
    ['/weird/$HOME/"q"`x`\\', '"/weird/\\$HOME/\\"q\\"\\`x\\`\\\\"'],
  ])('quotes %s for Exec', (arg, quoted) => {
    expect(quoteExecArg(arg)).toBe(quoted);
  });

  it('writes an XDG entry that starts hidden', () => {
    const entry = autostartEntry('/opt/Authenta Watch/authenta-watch');
    expect(entry).toContain('[Desktop Entry]\nType=Application');
    expect(entry).toContain('Exec="/opt/Authenta Watch/authenta-watch" --hidden');
  });

  it('starts the AppImage file, not its temporary mount', () => {
    expect(linuxLaunchPath('/tmp/.mount_x/authenta-watch', { APPIMAGE: '/home/d/Authenta.AppImage' })).toBe(
      '/home/d/Authenta.AppImage',
    );
    expect(linuxLaunchPath('/opt/aw/authenta-watch', {})).toBe('/opt/aw/authenta-watch');
  });

  it('on Linux adds and removes the autostart entry', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'aw-login-'));
    dirs.push(configDir);
    const { app, calls } = fakeApp(true);
    const item = new LoginItem({
      app,
      platform: 'linux',
      execPath: '/opt/aw/authenta-watch',
      env: {},
      configDir,
      logger: createLogger({ sinks: [] }),
    });
    const file = join(configDir, 'autostart', AUTOSTART_FILE);
    await item.apply(true);
    expect(readFileSync(file, 'utf8')).toContain('Exec=/opt/aw/authenta-watch --hidden');
    await item.apply(false);
    expect(existsSync(file)).toBe(false);
    expect(calls).toEqual([]);
  });

  it.each(['darwin', 'win32'] as const)('on %s asks the OS, opening hidden', async (platform) => {
    const { app, calls } = fakeApp(true);
    const item = new LoginItem({
      app,
      platform,
      execPath: 'x',
      env: {},
      configDir: '/nonexistent',
      logger: createLogger({ sinks: [] }),
    });
    await item.apply(true);
    await item.apply(true);
    await item.apply(false);
    expect(calls).toEqual([
      { openAtLogin: true, args: [HIDDEN_FLAG] },
      { openAtLogin: false, args: [HIDDEN_FLAG] },
    ]);
  });

  it('registers nothing in development', async () => {
    const { app, calls } = fakeApp(false);
    const item = new LoginItem({
      app,
      platform: 'win32',
      execPath: 'x',
      env: {},
      configDir: '/nonexistent',
      logger: createLogger({ sinks: [] }),
    });
    await item.apply(true);
    expect(calls).toEqual([]);
  });
});
