/**
 * The "Account history" view in Chromium through the web host (issue 14), against a simulator
 * this test controls: opening the view reads one page (one Query call the server sees, and no
 * more while it stays open), the files this desk checked are marked "Checked here" with their
 * verdicts, the records made straight on the API (as the vendor's web app would) "From elsewhere".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Simulator } from '../../src/main/sim';
import { makePng, simMarker } from '../helpers/media-fixtures';
import { launchChromium, openApp, startHeadless, waitUntil, type HeadlessHost } from './harness';
import { axeInBothSchemes, clientEnv, screenshotsInBothSchemes, startTestSimulator, waitForRow } from './ui';

let browser: Browser;
let sim: Simulator;
let host: HeadlessHost;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  sim = await startTestSimulator();
  host = await startHeadless({
    replaceArgs: true,
    args: ['--base-url', sim.url, '--stability', '100'],
    env: clientEnv(sim),
    files: {
      'desk-fake.png': makePng({ marker: simMarker('fake'), padding: 11 }),
      'desk-real.png': makePng({ marker: simMarker('real'), padding: 12 }),
    },
  });
  ({ page } = await openApp(browser, host));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await sim?.close();
});

const headers = (): Record<string, string> => ({
  'x-client-id': sim.credentials.clientId,
  'x-client-secret': sim.credentials.clientSecret,
  'content-type': 'application/json',
});

/** A record made straight on the API, as the vendor's web app would; uploaded when bytes are given. */
async function recordElsewhere(
  name: string,
  contentType: string,
  modelType: string,
  bytes?: Buffer,
): Promise<string> {
  const res = await fetch(`${sim.url}/media`, {
    method: 'POST',
    headers: headers(),
    body: JSON.stringify({ name, contentType, size: bytes?.length ?? 1000, modelType }),
  });
  const body = (await res.json()) as { mid: string; uploadUrl: string };
  if (bytes) {
    const put = await fetch(body.uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body: bytes,
    });
    expect(put.status).toBe(200);
  }
  return body.mid;
}

const listCalls = (): number => sim.requests.filter((r) => r.method === 'GET' && r.route === '/media').length;

describe('Account history', () => {
  it('reads one page when opened, tells this desk’s files from records made elsewhere, and never polls', async () => {
    await waitForRow(page, 'desk-fake.png', ['done']);
    await waitForRow(page, 'desk-real.png', ['done']);
    const judged = await recordElsewhere(
      'web-app-upload.png',
      'image/png',
      'AC-1',
      makePng({ marker: simMarker('fake'), padding: 13 }),
    );
    await recordElsewhere('other-tool-clip.mp4', 'video/mp4', 'DF-1');
    // Let the uploaded one reach its verdict, so the view shows a verdict from elsewhere too.
    await waitUntil(async () => {
      const res = await fetch(`${sim.url}/media/${judged}`, { headers: headers() });
      return ((await res.json()) as { status: string }).status === 'PROCESSED';
    }, 'the record from elsewhere to be processed');

    const before = listCalls();
    await page.getByTestId('nav-history').click();
    await page.getByTestId('history-row').nth(3).waitFor({ timeout: 20_000 });
    expect(listCalls() - before).toBe(1);

    const rows = await page.getByTestId('history-row').evaluateAll((els) =>
      els.map((el) => ({
        origin: el.getAttribute('data-origin'),
        name: el.querySelector('.file')?.textContent?.trim(),
        verdict: el.querySelector('[data-testid="verdict-badge"]')?.getAttribute('data-verdict') ?? null,
        status: el.querySelector('[data-testid="history-status"]')?.textContent?.trim() ?? null,
        where: el.querySelector('.origin')?.textContent?.trim(),
      })),
    );
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName['desk-fake.png']).toMatchObject({
      origin: 'local',
      verdict: 'fake',
      where: 'Checked here',
    });
    expect(byName['desk-real.png']).toMatchObject({ origin: 'local', verdict: 'authentic' });
    expect(byName['web-app-upload.png']).toMatchObject({
      origin: 'elsewhere',
      verdict: 'fake',
      where: 'From elsewhere',
    });
    expect(byName['other-tool-clip.mp4']).toMatchObject({
      origin: 'elsewhere',
      verdict: null,
      status: 'Waiting for its upload',
    });
    const summary = await page.getByTestId('history-summary').innerText();
    expect(summary).toMatch(
      /Showing 4 records of 4: 2 checked here, 2 from elsewhere · 1 Query call by this view/,
    );
    await expect(page.getByTestId('history-more').count()).resolves.toBe(0);

    await screenshotsInBothSchemes(page, 'account-history');
    expect(await axeInBothSchemes(page)).toEqual([]);

    // Open for a while: nothing more is read.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(listCalls() - before).toBe(1);

    // "Read again" is one more call; "Checked here" opens the file in the queue.
    await page.getByTestId('history-reload').click();
    await waitUntil(() => listCalls() - before === 2, 'the second read');
    await page
      .locator('[data-testid="history-row"][data-origin="local"] [data-testid="history-local"]')
      .first()
      .click();
    await page.locator('[data-testid="nav-queue"][aria-current="page"]').waitFor({ timeout: 30_000 });
  });
});
