/**
 * The desktop starting while its team ledger's PostgreSQL is down (issue 11), through the fake
 * `electron` module with the real engine and a real throwaway PostgreSQL: the app does not quit
 * and shows no start-failure dialog; the window opens and hears that the team ledger cannot be
 * reached (the banner's event), and Settings' team ledger commands answer meanwhile; once the
 * server is back, the window hears the ledger answers (the banner goes), and the engine's
 * commands answer. No password in any event or log line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../../../src/shared/settings';
import type { TeamLedgerState } from '../../../src/shared/team-ledger';
import { runDesktop, type DesktopApp } from '../../../src/main/desktop/app';
import { openDesktopTeamLedger } from '../../../src/main/desktop/team-ledger';
import { Engine } from '../../../src/main/core/engine';
import { systemClock } from '../../../src/main/core/ports';
import { InMemoryLedgerPasswordStore } from '../../../src/main/core/secrets/team-ledger-password';
import { commandChannel, eventChannel } from '../../../src/main/ipc-channels';
import { startPostgres, type PostgresCluster, type TestDatabase } from '../../helpers/postgres';
import { fake, FakeBrowserWindow, makeAppDir, resetFakeElectron } from './fake-electron';
import { InMemorySecretStore, InMemorySettingsStore } from './in-memory-stores';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

let cluster: PostgresCluster;
let db: TestDatabase;
let base: string;
let running: DesktopApp | null = null;

beforeAll(async () => {
  cluster = await startPostgres();
  db = await cluster.createDatabase('aw_desk_away');
}, 120_000);
afterAll(async () => {
  await db?.drop().catch(() => undefined);
  await cluster?.dispose();
});
beforeEach(() => {
  resetFakeElectron();
  base = mkdtempSync(join(tmpdir(), 'aw-desktop-away-'));
  fake.app.appPath = makeAppDir(base);
});
afterEach(async () => {
  await running?.shutdown();
  running = null;
  rmSync(base, { recursive: true, force: true });
});

/** Poll until `check` passes (no fixed sleeps: the machine may be slow). */
async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitForAsync(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The team ledger events the window got, in order. */
function teamLedgerEvents(): TeamLedgerState[] {
  const contents = FakeBrowserWindow.instances[0]?.webContents;
  return (contents?.sent ?? [])
    .filter((m) => m.channel === eventChannel('teamLedger'))
    .map((m) => m.payload as TeamLedgerState);
}

describe('the desktop starting while the team ledger server is down', () => {
  it('stays open with the team ledger shown as away, and says so again when it is back', async () => {
    const url = new URL(db.url);
    const password = decodeURIComponent(url.password);
    url.password = '';
    const setting = url.toString();
    const settings = defaultSettings();
    settings.teamLedger = { url: setting, desk: 'Photo desk' };
    const passwords = new InMemoryLedgerPasswordStore();
    await passwords.set(setting, password);
    const dataDir = join(base, 'data');

    await cluster.stop();
    running = await runDesktop({
      createEngine: ({ teamLedger, nativeBinding: _, ...deps }) =>
        new Engine({
          ...deps,
          openLedger: openDesktopTeamLedger(teamLedger!, deps.logger, deps.ledgerConnection, {
            retryMs: 200,
          }),
          simulatorFactory: () => Promise.reject(new Error('no Sandbox in this test')),
        }),
      createSettingsStore: () => new InMemorySettingsStore(settings),
      createSecretStore: () => new InMemorySecretStore(),
      createLedgerPasswordStore: () => passwords,
      dataDir,
      platform: 'linux',
      argv: ['/opt/Authenta Watch/authenta-watch'],
      cwd: '/home/desk',
      env: { XDG_CONFIG_HOME: join(base, 'config') },
      defaultApp: false,
      resourcesPath: '/nonexistent/resources',
      execPath: '/opt/Authenta Watch/authenta-watch',
      clock: systemClock,
    });

    // Open, no quit, no start-failure dialog; the window is there and heard the server is away.
    expect(fake.dialog.errorBoxes).toEqual([]);
    expect(running).not.toBeNull();
    expect(fake.app.exitCode).toBeNull();
    expect(fake.app.quitCalls).toBe(0);
    expect(fake.dialog.errorBoxes).toEqual([]);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    // What the window asks when it opens (its banner and Settings), answered while the engine waits.
    const ask = async (): Promise<TeamLedgerState> => {
      const reply = (await fake.ipcMain.invoke(commandChannel('getTeamLedger'), contents, [])) as {
        ok: boolean;
        value: TeamLedgerState;
      };
      expect(reply.ok).toBe(true);
      return reply.value;
    };
    let away = await ask();
    await waitForAsync(async () => (away = await ask()).connection === 'away', 30_000);
    expect(away).toMatchObject({
      url: setting,
      desk: 'Photo desk',
      inUse: setting,
      hasPassword: true,
      restartNeeded: false,
    });
    expect(away.message).toMatch(/Cannot reach the team ledger's PostgreSQL at 127\.0\.0\.1:\d+/);
    // The engine's own commands wait for it meanwhile instead of failing.
    let statusAnswered = false;
    const statusReply = fake.ipcMain
      .invoke(commandChannel('getStatus'), contents, [])
      .then((r) => ((statusAnswered = true), r as { ok: boolean }));

    expect(statusAnswered).toBe(false);
    await cluster.start();
    // The window hears it is back (the banner goes), and the waiting command answers.
    await waitFor(() => teamLedgerEvents().at(-1)?.connection === 'connected', 60_000);
    expect((await statusReply).ok).toBe(true);
    expect(await ask()).toMatchObject({ connection: 'connected', message: null });
    expect(fake.app.exitCode).toBeNull();

    await running!.shutdown();
    running = null;
    const log = readFileSync(join(dataDir, 'logs', 'authenta-watch.log'), 'utf8');
    expect(log).toMatch(/cannot be reached/);
    expect(log).not.toContain(password);
    expect(JSON.stringify(teamLedgerEvents())).not.toContain(password);
  }, 120_000);

  it('quits cleanly while still waiting for the server', async () => {
    const settings = defaultSettings();
    settings.teamLedger = { url: 'postgres://desk@127.0.0.1:1/authenta', desk: '' };
    running = await runDesktop({
      createEngine: ({ teamLedger, nativeBinding: _, ...deps }) =>
        new Engine({
          ...deps,
          openLedger: openDesktopTeamLedger(teamLedger!, deps.logger, deps.ledgerConnection, {
            retryMs: 200,
          }),
          simulatorFactory: () => Promise.reject(new Error('no Sandbox in this test')),
        }),
      createSettingsStore: () => new InMemorySettingsStore(settings),
      createSecretStore: () => new InMemorySecretStore(),
      createLedgerPasswordStore: () => new InMemoryLedgerPasswordStore(),
      dataDir: join(base, 'data'),
      platform: 'linux',
      argv: ['/opt/Authenta Watch/authenta-watch'],
      cwd: '/home/desk',
      env: { XDG_CONFIG_HOME: join(base, 'config') },
      defaultApp: false,
      resourcesPath: '/nonexistent/resources',
      execPath: '/opt/Authenta Watch/authenta-watch',
      clock: systemClock,
    });
    expect(running).not.toBeNull();
    const contents = FakeBrowserWindow.instances[0]!.webContents;
    await waitForAsync(async () => {
      const reply = (await fake.ipcMain.invoke(commandChannel('getTeamLedger'), contents, [])) as {
        value: TeamLedgerState;
      };
      return reply.value.connection === 'away';
    }, 30_000);
    await running!.shutdown();
    running = null;
    expect(fake.dialog.errorBoxes).toEqual([]);
  }, 60_000);
});
