/**
 * The banners above the queue, on the real headless host against a simulator this test controls:
 * each appears when the simulator (or the file system) causes its trouble, says what happened and
 * what to do, and goes away once the cause is cleared, after which the waiting files get their
 * verdicts. Credentials come from the environment (AUTHENTA_CLIENT_ID/SECRET), as on a server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Simulator } from '../../src/main/sim';
import { makePng, simMarker } from '../helpers/media-fixtures';
import { launchChromium, openApp, startHeadless, waitUntil, type HeadlessHost } from './harness';
import {
  axeInBothSchemes,
  clientEnv,
  goTo,
  screenshotsInBothSchemes,
  startRelay,
  startTestSimulator,
  waitForRow,
  waitForText,
  type Relay,
} from './ui';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

let counter = 0;
/** A photo with bytes of its own (so no file is a duplicate of another). */
const photo = (): Buffer => makePng({ marker: simMarker('real'), padding: 1_000 + counter++ });

const banner = (page: Page, kind: string) => page.getByTestId(`banner-${kind}`);

describe('wrong credentials (IAM001)', () => {
  let sim: Simulator;
  let root: string;
  const hosts: HeadlessHost[] = [];
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.stop();
    await sim?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('stops everything and asks for the credentials; a restart with the right secret finishes the file', async () => {
    sim = await startTestSimulator();
    root = await mkdtemp(join(tmpdir(), 'authenta-e2e-iam-'));
    const dataDir = join(root, 'data');
    const folder = join(root, 'Incoming');
    await mkdir(folder);
    await writeFile(join(folder, 'a.png'), photo());
    const args = ['--data-dir', dataDir, '--base-url', sim.url, '--stability', '100', folder];
    const wrongSecret = 'not-the-secret-0123456789';
    const first = await startHeadless({
      replaceArgs: true,
      noFolder: true,
      args,
      env: clientEnv(sim, wrongSecret),
    });
    hosts.push(first);
    const { context, page } = await openApp(browser, first);

    const auth = banner(page, 'auth');
    await auth.waitFor({ timeout: 60_000 });
    const text = await waitForText(page, 'banner-auth', /IAM001/);
    expect(text).toContain('Credentials rejected');
    expect(text).toContain(
      'Check the client ID and secret (or API key) of this profile in Account, then choose Resume queue.',
    );
    await waitForRow(page, 'a.png', ['blocked']);
    // One call found out; nothing else was sent with the wrong secret.
    expect(sim.requests.filter((r) => r.code === 'IAM001')).toHaveLength(1);
    expect(sim.counts().put).toBe(0);
    // The banner leads to the account settings.
    await auth.getByTestId('banner-account').click();
    await page.locator('#account-heading').waitFor();
    await screenshotsInBothSchemes(page, 'banner-auth-account');
    await context.close();

    // The secret is fixed where it lives (the environment) and the app restarted on the same data.
    await first.stop();
    const second = await startHeadless({ replaceArgs: true, noFolder: true, args, env: clientEnv(sim) });
    hosts.push(second);
    const reopened = await openApp(browser, second);
    const row = await waitForRow(reopened.page, 'a.png', ['done']);
    expect(row.verdict).toBe('authentic');
    expect(await banner(reopened.page, 'auth').count()).toBe(0);
    await reopened.context.close();
  });
});

describe('one host through every other trouble', () => {
  const reader = { clientId: 'desk-reader', clientSecret: 'desk-reader-secret-0123456789' };
  let sim: Simulator;
  let relay: Relay;
  let host: HeadlessHost;
  let page: Page;
  const posts = () => sim.requests.filter((r) => r.method === 'POST' && r.route === '/media');
  const drop = async (name: string): Promise<void> => writeFile(join(host.watchDir, name), photo());

  beforeAll(async () => {
    sim = await startTestSimulator();
    // The key the desk was given can read but not write.
    sim.addCredentials({ ...reader, permissions: ['read'] });
    relay = await startRelay(sim);
    host = await startHeadless({
      replaceArgs: true,
      args: ['--base-url', relay.url, '--stability', '100'],
      env: { AUTHENTA_CLIENT_ID: reader.clientId, AUTHENTA_CLIENT_SECRET: reader.clientSecret },
    });
    ({ page } = await openApp(browser, host));
  });

  afterAll(async () => {
    await host?.stop();
    await relay?.close();
    await sim?.close();
  });

  it('IAM002: a key without write permission stops the queue; with the permission granted, Resume all sends it', async () => {
    await drop('b.png');
    const text = await waitForText(page, 'banner-permission', /IAM002/, 60_000);
    expect(text).toContain('Permission missing');
    expect(text).toContain('Give this key read and write permission in the Authenta console');
    await banner(page, 'permission').getByTestId('banner-account').waitFor();
    await waitForRow(page, 'b.png', ['blocked']);

    // The admin grants write permission; the permission banner offers no resume of its own, so
    // the user pauses and resumes the queue.
    sim.addCredentials({ ...reader });
    await page.getByTestId('pause-all').click();
    await page.getByTestId('resume-all').click();
    await banner(page, 'permission').waitFor({ state: 'detached', timeout: 30_000 });
    expect((await waitForRow(page, 'b.png', ['done'])).verdict).toBe('authentic');
  });

  it('AA001: the Mutation quota used up pauses uploads until the quota is raised and the user resumes', async () => {
    sim.setQuota({ mutation: sim.usage().mutation });
    await drop('c.png');
    const quota = banner(page, 'quota-mutation');
    const text = await waitForText(page, 'banner-quota-mutation', /AA001/, 60_000);
    expect(text).toContain('Upload quota reached: new uploads are paused');
    expect(text).toContain('raise the quota in the Authenta console and resume');
    // It will try once more by itself after the cool-down, and says when.
    await expect(quota.getByTestId('banner-retry-at').textContent()).resolves.toMatch(
      /Next automatic try at .+ \(in 1[45] min/,
    );
    await waitForRow(page, 'c.png', ['blocked']);
    await screenshotsInBothSchemes(page, 'banner-quota');
    expect(await axeInBothSchemes(page)).toEqual([]);

    sim.setQuota({});
    await quota.getByTestId('banner-resume').click();
    await quota.waitFor({ state: 'detached', timeout: 30_000 });
    expect((await waitForRow(page, 'c.png', ['done'])).verdict).toBe('authentic');
  });

  it('U007: no credits left stops new files until credits are bought and the user resumes', async () => {
    sim.setCredits(0);
    await drop('d.png');
    const credits = banner(page, 'credits');
    const text = await waitForText(page, 'banner-credits', /U007/, 60_000);
    expect(text).toContain('Credits exhausted: no new files are sent');
    expect(text).toContain('Buy credits in the Authenta console, then resume.');
    await waitForRow(page, 'd.png', ['blocked']);
    const before = posts().length;
    // A file arriving meanwhile waits without a call.
    await drop('e.png');
    await waitForRow(page, 'e.png', ['queued']);
    expect(posts()).toHaveLength(before);
    await screenshotsInBothSchemes(page, 'banner-credits');

    sim.setCredits(100);
    await credits.getByTestId('banner-resume').click();
    await credits.waitFor({ state: 'detached', timeout: 30_000 });
    expect((await waitForRow(page, 'd.png', ['done'])).verdict).toBe('authentic');
    expect((await waitForRow(page, 'e.png', ['done'])).verdict).toBe('authentic');
  });

  it('offline: with Authenta out of reach the banner gives the next try; it clears when the network is back', async () => {
    await relay.goOffline();
    await drop('f.png');
    const offline = banner(page, 'offline');
    await offline.waitFor({ timeout: 60_000 });
    const text = await waitForText(page, 'banner-offline', /Authenta cannot be reached/);
    expect(text).toContain('Everything waits for the network');
    await expect(offline.getByTestId('banner-retry-at').textContent()).resolves.toMatch(
      /Next automatic try at \d\d:\d\d:\d\d|Trying again now/,
    );
    expect(await offline.getByTestId('banner-resume').count()).toBe(0);
    await screenshotsInBothSchemes(page, 'banner-offline');

    await relay.goOnline();
    await offline.waitFor({ state: 'detached', timeout: 90_000 });
    expect((await waitForRow(page, 'f.png', ['done'])).verdict).toBe('authentic');
  });

  it('server errors: a burst of 500s is retried by itself and the file still gets its verdict', async () => {
    const before = sim.requests.length;
    sim.faults.serverErrorBurst = 2;
    await drop('g.png');
    expect((await waitForRow(page, 'g.png', ['done'], 120_000)).verdict).toBe('authentic');
    const refused = sim.requests.slice(before).filter((r) => r.status === 500);
    expect(refused).toHaveLength(2);
    // A passing burst is no reason for a banner.
    expect(await page.locator('[data-testid^="banner-"]').count()).toBe(0);
  });

  it('a watched folder that disappears gets a banner; recreated, it is watched again', async () => {
    await rm(host.watchDir, { recursive: true, force: true });
    const folderBanner = banner(page, 'folder');
    await folderBanner.waitFor({ timeout: 60_000 });
    await expect(folderBanner.textContent()).resolves.toContain(`Folder unavailable: ${host.watchDir}`);
    await waitForText(page, 'status-watchers', /1 unavailable/);
    await folderBanner.getByTestId('banner-folders').click();
    await page.locator('[data-testid="folder-item"][data-health="unavailable"]').waitFor({ timeout: 30_000 });
    await screenshotsInBothSchemes(page, 'banner-folder');

    await mkdir(host.watchDir);
    await folderBanner.waitFor({ state: 'detached', timeout: 90_000 });
    await page.locator('[data-testid="folder-item"][data-health="watching"]').waitFor({ timeout: 30_000 });
    await goTo(page, 'queue');
    await drop('h.png');
    expect((await waitForRow(page, 'h.png', ['done'])).verdict).toBe('authentic');
    await waitUntil(async () => (await page.locator('[data-testid^="banner-"]').count()) === 0, 'no banner');
  });
});
