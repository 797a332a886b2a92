/**
 * Settings, Team ledger in the engine (issue 11) with a real PostgreSQL: Save refuses a wrong
 * password and keeps nothing; a server that does not answer now is saved with the reason (the desk
 * waits for it at start); a keychain that cannot be used is said, and nothing is saved; a password
 * written into the URL goes to the keychain, never to Settings; a changed URL takes the old
 * password out of the keychain; Leave team removes the setting and its password. Every change is
 * told to the UI, and no answer, event or log line holds a password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../../src/shared/settings';
import type { TeamLedgerState } from '../../../../src/shared/team-ledger';
import { createLogger, MemoryLogSink } from '../../../../src/main/core/logger';
import { EngineSettings } from '../../../../src/main/core/services/engine-settings';
import { TeamLedgerService } from '../../../../src/main/core/services/team-ledger-service';
import { InMemorySettingsStore } from '../../../../src/main/core/settings/in-memory-settings-store';
import {
  InMemoryLedgerPasswordStore,
  KeytarLedgerPasswordStore,
  type LedgerPasswordStore,
} from '../../../../src/main/core/secrets/team-ledger-password';
import { startPostgres, type PostgresCluster, type TestDatabase } from '../../../helpers/postgres';

let cluster: PostgresCluster;
let db: TestDatabase;
let url: string;
let password: string;

beforeAll(async () => {
  cluster = await startPostgres();
  db = await cluster.createDatabase('aw_team_service');
  const parsed = new URL(db.url);
  password = decodeURIComponent(parsed.password);
  parsed.password = '';
  url = parsed.toString();
}, 120_000);
afterAll(async () => {
  await db?.drop().catch(() => undefined);
  await cluster?.dispose();
});

function service(passwords: LedgerPasswordStore | null = new InMemoryLedgerPasswordStore()) {
  const store = new InMemorySettingsStore(defaultSettings());
  const logs = new MemoryLogSink();
  const told: TeamLedgerState[] = [];
  const team = new TeamLedgerService({
    settings: new EngineSettings(store),
    passwords,
    connection: null,
    logger: createLogger({ sinks: [logs] }),
    onChange: (state) => told.push(state),
  });
  const saved = async (): Promise<Settings> => store.load();
  return { team, saved, logs, told, passwords };
}

describe('TeamLedgerService', () => {
  it('refuses a wrong password and keeps nothing', async () => {
    const { team, saved, passwords } = service();
    const result = await team.save({ url, password: 'not-it', desk: 'Photo desk' });
    expect(result.saved).toBe(false);
    expect(result.test).toMatchObject({ ok: false, problem: 'auth' });
    expect(result.test.message).toMatch(/refused the password of/);
    expect((await saved()).teamLedger).toBeUndefined();
    expect(await passwords!.get(url)).toBeNull();
  });

  it('saves the right one: the URL and desk in Settings, the password (even written in the URL) in the keychain', async () => {
    const { team, saved, passwords, told, logs } = service();
    const inUrl = db.url; // postgres://user:password@host:port/db, as someone may paste it
    const result = await team.save({ url: inUrl, desk: ' Photo desk ' });
    expect(result).toMatchObject({ saved: true, test: { ok: true, problem: null } });
    expect(result.state).toMatchObject({
      url,
      desk: 'Photo desk',
      hasPassword: true,
      inUse: null,
      connection: 'local',
      restartNeeded: true,
    });
    expect((await saved()).teamLedger).toEqual({ url, desk: 'Photo desk' });
    expect(await passwords!.get(url)).toBe(password);
    expect(told.at(-1)).toEqual(result.state);
    // Test again without a password: the keychain's is used.
    await expect(team.test({ url })).resolves.toMatchObject({ ok: true });
    for (const text of [
      JSON.stringify(result),
      JSON.stringify(told),
      JSON.stringify(await saved()),
      logs.text(),
    ])
      expect(text).not.toContain(password);

    const left = await team.leave();
    expect(left).toMatchObject({ url: null, hasPassword: false, restartNeeded: false });
    expect((await saved()).teamLedger).toBeUndefined();
    expect(await passwords!.get(url)).toBeNull();
    expect(told.at(-1)).toEqual(left);
  });

  it('saves a server that does not answer now, saying so; a changed URL drops the old password', async () => {
    const { team, passwords } = service();
    await team.save({ url, password, desk: '' });
    const away = 'postgres://desk@127.0.0.1:1/authenta';
    const result = await team.save({ url: away, password: 'other', desk: '' });
    expect(result.saved).toBe(true);
    expect(result.test).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(result.test.message).toMatch(/Cannot reach the team ledger's PostgreSQL at 127\.0\.0\.1:1/);
    expect(await passwords!.get(away)).toBe('other');
    expect(await passwords!.get(url)).toBeNull();
  });

  it('says when the keychain cannot keep the password, and saves nothing', async () => {
    const noKeychain = new KeytarLedgerPasswordStore({
      load: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
    });
    const { team, saved } = service(noKeychain);
    const result = await team.save({ url, password, desk: '' });
    expect(result.saved).toBe(false);
    expect(result.test).toMatchObject({ ok: false, problem: 'keychain' });
    expect(result.test.message).toMatch(/keychain cannot be used.*~\/\.pgpass/);
    expect((await saved()).teamLedger).toBeUndefined();
  });

  it('a URL that is not PostgreSQL: what to write instead, nothing tried', async () => {
    const { team } = service();
    await expect(team.test({ url: 'mysql://desk@h/db', password: 'x' })).resolves.toMatchObject({
      ok: false,
      problem: 'bad-url',
      message: expect.stringMatching(/must start with postgres:\/\//),
    });
  });
});
