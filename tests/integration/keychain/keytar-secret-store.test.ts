/**
 * The keychain against a real Secret Service (gnome-keyring on a private D-Bus session, see
 * scripts/with-keyring.sh, which `npm test` wraps around Vitest). Without that session the
 * tests that need it are skipped with the reason printed; the "no Secret Service" tests run
 * everywhere.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/main/core/engine';
import { createLogger, FileLogSink } from '../../../src/main/core/logger';
import {
  ENVIRONMENT_ADVICE,
  KEYCHAIN_SERVICE,
  KeytarSecretStore,
  keychainFailureReason,
} from '../../../src/main/core/secrets/keytar-secret-store';
import { ConfSettingsStore } from '../../../src/main/core/settings/conf-settings-store';
import { startSimulator } from '../../../src/main/sim';
import type { Simulator } from '../../../src/main/sim/types';
import { makeJpeg, simMarker } from '../../helpers/media-fixtures';
import { ENGINE_ADAPTERS } from '../../helpers/engine-harness';

const run = promisify(execFile);
const HAS_SECRET_SERVICE = process.env.AUTHENTA_TEST_SECRET_SERVICE === '1';
if (!HAS_SECRET_SERVICE) {
  console.warn(
    'keychain tests skipped: AUTHENTA_TEST_SECRET_SERVICE is not set. Run them under scripts/with-keyring.sh ' +
      '(npm test does), which starts gnome-keyring on a private D-Bus session.',
  );
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe.skipIf(!HAS_SECRET_SERVICE)('KeytarSecretStore on the Secret Service', () => {
  const store = new KeytarSecretStore();
  const profiles: string[] = [];
  const profile = (name: string) => {
    const id = `test-${name}-${process.pid}`;
    profiles.push(id);
    return id;
  };
  afterAll(async () => {
    for (const id of profiles) await store.delete(id);
  });

  it('is available', async () => {
    await expect(store.availability()).resolves.toEqual({ available: true, message: null });
  });

  it('keeps client credentials and an API key, one entry per profile, across instances', async () => {
    const a = profile('client');
    const b = profile('apikey');
    await store.set(a, { kind: 'client', clientId: 'desk-id', clientSecret: 'client-secret-abc123' });
    await store.set(b, { kind: 'apikey', apiKey: 'api-key-def456' });
    const later = new KeytarSecretStore();
    await expect(later.get(a)).resolves.toEqual({
      kind: 'client',
      clientId: 'desk-id',
      clientSecret: 'client-secret-abc123',
    });
    await expect(later.get(b)).resolves.toEqual({ kind: 'apikey', apiKey: 'api-key-def456' });
    const keytar = (await import('keytar')).default;
    expect(JSON.parse((await keytar.getPassword(KEYCHAIN_SERVICE, a))!)).toEqual({
      kind: 'client',
      clientId: 'desk-id',
      clientSecret: 'client-secret-abc123',
    });
  });

  it('replaces and deletes', async () => {
    const a = profile('replace');
    await store.set(a, { kind: 'apikey', apiKey: 'first-key-111' });
    await store.set(a, { kind: 'apikey', apiKey: 'second-key-222' });
    await expect(store.get(a)).resolves.toEqual({ kind: 'apikey', apiKey: 'second-key-222' });
    await store.delete(a);
    await expect(store.get(a)).resolves.toBeNull();
    await store.delete(a);
  });

  it('says an entry it cannot read must be set again, without showing it', async () => {
    const a = profile('corrupt');
    const keytar = (await import('keytar')).default;
    await keytar.setPassword(KEYCHAIN_SERVICE, a, 'plain-text-leftover-333');
    const error = await store.get(a).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `The keychain entry of profile "${a}" is unreadable; set its secret again in Settings.`,
    );
  });

  describe('the secret stays in the keychain', () => {
    const SECRET = `desk-client-secret-${process.pid}-x9Q`;
    let sim: Simulator | null = null;
    let dataDir = '';
    let engine: Engine | null = null;
    afterEach(async () => {
      await engine?.dispose();
      await sim?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('is used to sign real requests and appears in no file of the data folder or the log', async () => {
      sim = await startSimulator({
        credentials: [{ clientId: 'desk-client', clientSecret: SECRET }],
        processingMs: 50,
      });
      dataDir = mkdtempSync(join(tmpdir(), 'aw-keychain-'));
      const sink = new FileLogSink({ dir: join(dataDir, 'logs') });
      // No secret is registered with the logger: nothing may rely on redaction here.
      const logger = createLogger({ sinks: [sink], level: 'debug' });
      engine = new Engine({
        ...ENGINE_ADAPTERS,
        dataDir,
        logger,
        settings: new ConfSettingsStore(dataDir),
        secrets: new KeytarSecretStore(),
      });
      await engine.start();
      const saved = await engine.saveProfile({ name: 'Desk', baseUrl: sim.url, generation: 'media-client' });
      profiles.push(saved.id);
      await engine.setSecret(saved.id, { clientId: 'desk-client', clientSecret: SECRET });
      await engine.selectProfile(saved.id);
      await expect(engine.testConnection(saved.id)).resolves.toMatchObject({ ok: true });

      mkdirSync(join(dataDir, 'drop'));
      const photo = join(dataDir, 'drop', 'photo.jpg');
      writeFileSync(photo, makeJpeg({ marker: simMarker('fake') }));
      await engine.addPaths([photo]);
      await expect
        .poll(async () => (await engine!.listJobs({})).jobs[0]?.state, { timeout: 30_000, interval: 100 })
        .toBe('done');

      const ui = JSON.stringify([
        await engine.listProfiles(),
        await engine.getStatus(),
        await engine.listJobs({}),
      ]);
      expect(ui).toContain('"hasSecret":true');
      expect(ui).not.toContain(SECRET);
      expect(sim.requests.some((r) => r.auth === 'client' && r.code === null)).toBe(true);

      await engine.dispose();
      engine = null;
      sink.dispose();
      const files = filesUnder(dataDir);
      expect(files.some((f) => f.endsWith('.log'))).toBe(true);
      expect(files.some((f) => f.endsWith('settings.json'))).toBe(true);
      for (const file of files) {
        const bytes = readFileSync(file);
        expect(bytes.includes(Buffer.from(SECRET, 'utf8')), file).toBe(false);
        expect(bytes.includes(Buffer.from(SECRET, 'utf16le')), file).toBe(false);
      }
      await expect(new KeytarSecretStore().get(saved.id)).resolves.toEqual({
        kind: 'client',
        clientId: 'desk-client',
        clientSecret: SECRET,
      });
    });
  });
});

describe('without a Secret Service', () => {
  it('says so plainly, points to the environment, and stores nothing anywhere', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    delete env.DISPLAY;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', resolve('tests/integration/keychain/unavailable-child.ts')],
      { env, timeout: 60_000 },
    );
    const result = JSON.parse(stdout) as {
      availability: { available: boolean; message: string };
      get: unknown;
      set: { name: string; code: string; message: string };
    };
    expect(result.availability.available).toBe(false);
    expect(result.availability.message).toContain('no Secret Service (GNOME Keyring or KWallet) is running');
    expect(result.availability.message).toContain('AUTHENTA_CLIENT_ID and AUTHENTA_CLIENT_SECRET');
    expect(result.availability.message).toContain('AUTHENTA_API_KEY');
    expect(result.get).toBeNull();
    expect(result.set).toMatchObject({ name: 'KeychainUnavailableError', code: 'KEYCHAIN_UNAVAILABLE' });
    expect(result.set.message).toContain(ENVIRONMENT_ADVICE);
    expect(stdout.match(/never-stored-key-789/g)).toBeNull();
  });

  it('says so when keytar itself cannot be loaded', async () => {
    const store = new KeytarSecretStore({
      load: () => Promise.reject(new Error("Cannot find module 'keytar'")),
      platform: 'linux',
    });
    const availability = await store.availability();
    expect(availability.available).toBe(false);
    expect(availability.message).toBe(
      `The system keychain cannot be used: the keychain module (keytar) could not be loaded: Cannot find module 'keytar'. ${ENVIRONMENT_ADVICE}`,
    );
    await expect(store.get('p')).resolves.toBeNull();
    await expect(store.set('p', { kind: 'apikey', apiKey: 'k' })).rejects.toThrow(/AUTHENTA_API_KEY/);
    await expect(store.delete('p')).resolves.toBeUndefined();
  });

  it.each([
    ['The name org.freedesktop.secrets was not provided by any .service files', 'linux', /no Secret Service/],
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'linux', /no Secret Service/],
    ['Could not connect: No such file or directory', 'linux', /no Secret Service/],
    ['User canceled the operation.', 'darwin', /the keychain answered: User canceled/],
  ] as const)('explains "%s" on %s', (message, platform, expected) => {
    expect(keychainFailureReason(new Error(message), platform)).toMatch(expected);
  });
});
