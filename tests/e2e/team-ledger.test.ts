/**
 * Settings, Team ledger (issue 11) in Chromium through the web host, against a real throwaway
 * PostgreSQL: a wrong password gets the server's refusal in words and nothing is saved; the right
 * one is tested and saved, with the password in the OS keychain only (not in the settings file,
 * not in the page after a reload, not in any log, not on the wire back to the browser); Leave team
 * takes the setting and the keychain's password away. The keychain part needs a real Secret
 * Service (scripts/with-keyring.sh, as `npm test` runs it). A screenshot of the section goes to
 * test-artifacts/e2e/settings-team-ledger.png.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { KeytarLedgerPasswordStore } from '../../src/main/core/secrets/team-ledger-password';
import { startPostgres, type PostgresCluster, type TestDatabase } from '../helpers/postgres';
import {
  launchChromium,
  openApp,
  screenshot,
  startHeadless,
  waitUntil,
  type HeadlessHost,
  type WireLog,
} from './harness';
import { axeInBothSchemes, waitForText } from './ui';

const HAS_SECRET_SERVICE = process.env.AUTHENTA_TEST_SECRET_SERVICE === '1';

let cluster: PostgresCluster;
let db: TestDatabase;
let host: HeadlessHost;
let browser: Browser;
let page: Page;
let wire: WireLog;
/** The database URL without its password (what the user types in the URL field), and the password. */
let url: string;
let password: string;

beforeAll(async () => {
  cluster = await startPostgres();
  db = await cluster.createDatabase('aw_settings');
  const parsed = new URL(db.url);
  password = decodeURIComponent(parsed.password);
  parsed.password = '';
  url = parsed.toString();
  host = await startHeadless();
  browser = await launchChromium();
  ({ page, wire } = await openApp(browser, host));
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('team-ledger').waitFor({ timeout: 30_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  if (HAS_SECRET_SERVICE && url) await new KeytarLedgerPasswordStore().delete(url).catch(() => undefined);
  await db?.drop().catch(() => undefined);
  await cluster?.dispose();
});

function settingsFile(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(host.dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;
}

function logs(): string {
  const dir = join(host.dataDir, 'logs');
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

async function fill(testid: string, value: string): Promise<void> {
  await page.getByTestId(testid).fill(value);
}

describe('Settings, Team ledger', () => {
  it('says what it means, and that this host uses its own ledger', async () => {
    const section = page.getByTestId('team-ledger');
    await expect(section.textContent()).resolves.toMatch(
      /Every desk pointed at the same PostgreSQL database\s+shares one list of files: each file is checked, and paid for, once/,
    );
    await waitForText(page, 'team-ledger-now', /uses the ledger on this computer/);
    expect(await page.getByTestId('team-ledger-leave').count()).toBe(0);
    expect(await axeInBothSchemes(page)).toEqual([]);
  });

  it('a bad URL and a wrong password: a clear message, nothing saved', async () => {
    await fill('team-ledger-url', 'mysql://desk@127.0.0.1/news');
    await page.getByTestId('team-ledger-test').click();
    await waitForText(page, 'team-ledger-message', /must start with postgres:\/\//);

    await fill('team-ledger-url', url);
    await fill('team-ledger-password', 'not-the-password');
    await page.getByTestId('team-ledger-test').click();
    await waitForText(page, 'team-ledger-message', /refused the password of/);
    await page.getByTestId('team-ledger-save').click();
    await waitForText(page, 'team-ledger-message', /^Not saved: .*refused the password of/);
    expect(settingsFile()['teamLedger']).toBeUndefined();

    // A database that is not there is named, with what to do.
    await fill('team-ledger-url', url.replace(/\/[^/]+$/, '/no_such_db'));
    await fill('team-ledger-password', password);
    await page.getByTestId('team-ledger-test').click();
    await waitForText(page, 'team-ledger-message', /There is no database no_such_db/);
  });

  it.skipIf(!HAS_SECRET_SERVICE)(
    'the right password: saved to the keychain only; not in the settings file, the page after a reload, the logs or the wire',
    async () => {
      await fill('team-ledger-url', url);
      await fill('team-ledger-password', password);
      await fill('team-ledger-desk', 'Photo desk');
      await page.getByTestId('team-ledger-test').click();
      await waitForText(page, 'team-ledger-message', /^Connected to aw_settings/);
      await page.getByTestId('team-ledger-save').click();
      await waitForText(
        page,
        'team-ledger-message',
        /^Saved\. Connected to .*Quit and start Authenta Watch again/,
      );
      // The form forgets the password; the keychain keeps it.
      await expect(page.getByTestId('team-ledger-password').inputValue()).resolves.toBe('');
      expect(await new KeytarLedgerPasswordStore().get(url)).toBe(password);

      expect(settingsFile()['teamLedger']).toEqual({ url, desk: 'Photo desk' });
      expect(readFileSync(join(host.dataDir, 'settings.json'), 'utf8')).not.toContain(password);

      await page.reload();
      await page.getByTestId('nav-settings').click();
      await page.getByTestId('team-ledger').waitFor({ timeout: 30_000 });
      await expect(page.getByTestId('team-ledger-url').inputValue()).resolves.toBe(url);
      await expect(page.getByTestId('team-ledger-desk').inputValue()).resolves.toBe('Photo desk');
      await expect(page.getByTestId('team-ledger-password').getAttribute('placeholder')).resolves.toBe(
        'kept in the keychain',
      );
      await waitForText(
        page,
        'team-ledger-now',
        /Quit and start Authenta Watch again to switch to the team ledger/,
      );
      await page.getByTestId('team-ledger').scrollIntoViewIfNeeded();
      await screenshot(page, 'settings-team-ledger');
      expect(await page.content()).not.toContain(password);
      expect(JSON.stringify(wire.received)).not.toContain(password);
      expect(logs()).not.toContain(password);
      expect(host.stdout() + host.stderr()).not.toContain(password);

      // Test again without typing it: the keychain's password is used, never shown.
      await page.getByTestId('team-ledger-test').click();
      await waitForText(page, 'team-ledger-message', /^Connected to aw_settings/);

      await page.getByTestId('team-ledger-leave').click();
      await waitForText(page, 'team-ledger-message', /^Left the team/);
      await waitUntil(() => settingsFile()['teamLedger'] === undefined, 'the setting to go');
      expect(await new KeytarLedgerPasswordStore().get(url)).toBeNull();
      expect(await page.getByTestId('team-ledger-leave').count()).toBe(0);
      expect(logs()).not.toContain(password);
    },
    120_000,
  );
});
