/**
 * The team ledger's password in a real Secret Service (gnome-keyring on a private D-Bus session:
 * run under scripts/with-keyring.sh, as `npm test` does; skipped with the reason otherwise): kept
 * per database (user, host, port and database name), read back, deleted; a URL that names another
 * server gets nothing. The URL Settings keep holds no password (splitLedgerPassword).
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  KeytarLedgerPasswordStore,
  ledgerPasswordAccount,
  splitLedgerPassword,
  withLedgerPassword,
} from '../../../src/main/core/secrets/team-ledger-password';

const HAS_SECRET_SERVICE = process.env.AUTHENTA_TEST_SECRET_SERVICE === '1';

describe('the ledger URL and its password', () => {
  it('Settings keep the URL without the password; the connection gets it back', () => {
    const split = splitLedgerPassword('postgres://desk:s3cr%40t@db.example:6543/news?sslmode=require');
    expect(split).toEqual({
      url: 'postgres://desk@db.example:6543/news?sslmode=require',
      password: 's3cr@t',
    });
    expect(withLedgerPassword(split.url, split.password)).toBe(
      'postgres://desk:s3cr%40t@db.example:6543/news?sslmode=require',
    );
    expect(splitLedgerPassword('postgres://desk@h/db?password=pw')).toEqual({
      url: 'postgres://desk@h/db',
      password: 'pw',
    });
    expect(ledgerPasswordAccount('postgres://desk@h/db')).toBe('team-ledger:desk@h:5432/db');
  });
});

describe.skipIf(!HAS_SECRET_SERVICE)('KeytarLedgerPasswordStore on the Secret Service', () => {
  const service = `Authenta Watch test ${process.pid}`;
  const store = new KeytarLedgerPasswordStore({ service });
  const url = `postgres://desk@127.0.0.1:5432/news_${process.pid}`;
  afterAll(async () => {
    await store.delete(url);
  });

  it('keeps the password per database and forgets it when asked', async () => {
    expect(await store.get(url)).toBeNull();
    await store.set(url, 'horse-battery-staple');
    expect(await store.get(url)).toBe('horse-battery-staple');
    expect(await new KeytarLedgerPasswordStore({ service }).get(url)).toBe('horse-battery-staple');
    // Another server or database never gets this password.
    expect(await store.get(url.replace('127.0.0.1', 'db.elsewhere'))).toBeNull();
    expect(await store.get(`${url}_other`)).toBeNull();
    await store.delete(url);
    expect(await store.get(url)).toBeNull();
  });
});

describe('KeytarLedgerPasswordStore without a keychain', () => {
  it('reads nothing and refuses to store, saying what to do instead', async () => {
    const store = new KeytarLedgerPasswordStore({
      load: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
    });
    expect(await store.get('postgres://desk@h/db')).toBeNull();
    await expect(store.set('postgres://desk@h/db', 'pw')).rejects.toThrow(/keychain cannot be used.*pgpass/);
  });
});
