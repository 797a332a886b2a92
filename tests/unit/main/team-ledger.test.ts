/**
 * The desktop's team ledger (issue 11) through the fake `electron` module: with a team ledger in
 * Settings (URL without the password, a desk name) and its password in the keychain, the
 * composition root hands the engine the connection URL with the password, logs only the redacted
 * URL (the password is cut from every log line), and never puts the password in the settings;
 * without a setting, the SQLite ledger stays. The ledger opener waits for a server that cannot be
 * reached at start, saying so with what to do (the window's banner), until the app quits.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings, SettingsSchema, type Settings } from '../../../src/shared/settings';
import { runDesktop, type DesktopApp, type DesktopEngineDeps } from '../../../src/main/desktop/app';
import { desktopLedgerConnection, openDesktopTeamLedger } from '../../../src/main/desktop/team-ledger';
import { LedgerProblem } from '../../../src/main/core/ledger/postgres-errors';
import { createLogger, MemoryLogSink } from '../../../src/main/core/logger';
import { InMemoryLedgerPasswordStore } from '../../../src/main/core/secrets/team-ledger-password';
import { fake, makeAppDir, resetFakeElectron } from './fake-electron';
import { FakeEngine } from './fake-engine';
import { InMemorySecretStore, InMemorySettingsStore } from './in-memory-stores';
import { ManualClock } from './manual-clock';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const PASSWORD = 'tr0ub4dor&3@%41-ledger';
const URL_SETTING = 'postgres://desk@db.newsroom.example:5432/authenta';

let base: string;
let dirs: { userData: string; logs: string; config: string };
let engineDeps: DesktopEngineDeps | null;
let running: DesktopApp | null = null;

beforeEach(() => {
  resetFakeElectron();
  base = mkdtempSync(join(tmpdir(), 'aw-desktop-team-'));
  dirs = { userData: join(base, 'data'), logs: join(base, 'data', 'logs'), config: join(base, 'config') };
  fake.app.appPath = makeAppDir(base);
  engineDeps = null;
});
afterEach(async () => {
  await running?.shutdown();
  running = null;
  rmSync(base, { recursive: true, force: true });
});

async function start(
  settings: Settings,
  passwords: InMemoryLedgerPasswordStore,
): Promise<InMemorySettingsStore> {
  const store = new InMemorySettingsStore(settings);
  running = await runDesktop({
    createEngine: (deps) => {
      engineDeps = deps;
      return new FakeEngine();
    },
    createSettingsStore: () => store,
    createSecretStore: () => new InMemorySecretStore(),
    createLedgerPasswordStore: () => passwords,
    dataDir: dirs.userData,
    platform: 'linux',
    argv: ['/opt/Authenta Watch/authenta-watch'],
    cwd: '/home/desk',
    env: { XDG_CONFIG_HOME: dirs.config },
    defaultApp: false,
    resourcesPath: '/nonexistent/resources',
    execPath: '/opt/Authenta Watch/authenta-watch',
    clock: new ManualClock(),
  });
  return store;
}

describe('the desktop with a team ledger in Settings', () => {
  it('opens it with the keychain password, which reaches no log and no setting', async () => {
    const settings = defaultSettings();
    settings.teamLedger = { url: URL_SETTING, desk: 'Photo desk' };
    const passwords = new InMemoryLedgerPasswordStore();
    await passwords.set(URL_SETTING, PASSWORD);
    const store = await start(settings, passwords);

    expect(engineDeps?.teamLedger).toEqual({
      url: `postgres://desk:${encodeURIComponent(PASSWORD)}@db.newsroom.example:5432/authenta`,
      redacted: 'postgres://desk@db.newsroom.example:5432/authenta',
      desk: 'Photo desk',
      hasPassword: true,
    });
    // The engine's logger cuts the password from any line, even one that quotes the whole URL.
    engineDeps!.logger.warn('driver said', { detail: `could not use ${engineDeps!.teamLedger!.url}` });
    await running!.shutdown();
    running = null;
    const log = readFileSync(join(dirs.logs, 'authenta-watch.log'), 'utf8');
    expect(log).toContain('team ledger');
    expect(log).toContain('Photo desk');
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toContain(encodeURIComponent(PASSWORD));
    expect(JSON.stringify(store.settings)).not.toContain(PASSWORD);
  });

  it('names the desk after the computer when no name is given', async () => {
    const settings = defaultSettings();
    settings.teamLedger = { url: URL_SETTING, desk: '' };
    await start(settings, new InMemoryLedgerPasswordStore());
    expect(engineDeps?.teamLedger).toMatchObject({ desk: hostname(), hasPassword: false, url: URL_SETTING });
  });

  it('keeps the SQLite ledger without the setting', async () => {
    await start(defaultSettings(), new InMemoryLedgerPasswordStore());
    expect(engineDeps).not.toBeNull();
    expect(engineDeps!.teamLedger).toBeUndefined();
  });

  it('refuses a setting that holds the password', () => {
    const settings = {
      ...defaultSettings(),
      teamLedger: { url: `postgres://desk:${PASSWORD}@h/db`, desk: '' },
    };
    const parsed = SettingsSchema.safeParse(settings);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(/must not hold the password/);
  });
});

describe('openDesktopTeamLedger', () => {
  it('a server that cannot be reached at start: waited for, shown as away with a clear message, logged without the password', async () => {
    const logs = new MemoryLogSink();
    const teamLedger = {
      url: `postgres://desk:${PASSWORD}@127.0.0.1:1/authenta`,
      redacted: 'postgres://desk:***@127.0.0.1:1/authenta',
      desk: 'Photo desk',
      hasPassword: true,
    };
    const connection = desktopLedgerConnection(teamLedger);
    const open = openDesktopTeamLedger(teamLedger, createLogger({ sinks: [logs] }), connection, {
      retryMs: 100,
    });
    const opening = Promise.resolve(open({ dataDir: base, now: Date.now })).catch((e: unknown) => e);
    await vi.waitFor(() => expect(connection.state.connection).toBe('away'), { timeout: 20_000 });
    expect(connection.state.message).toMatch(
      /Cannot reach the team ledger's PostgreSQL at 127\.0\.0\.1:1.*start the server/,
    );
    expect(connection.state.message).not.toContain(PASSWORD);
    // The app quits: the wait ends with the problem instead of keeping the process alive.
    connection.dispose();
    const failure = await opening;
    expect(failure).toBeInstanceOf(LedgerProblem);
    expect((failure as LedgerProblem).kind).toBe('unreachable');
    expect(logs.text()).toMatch(/cannot be reached/);
    expect(logs.text()).not.toContain(PASSWORD);
  });
});
