/**
 * Issue 12, the first rows: the page's first script holds the shell and the queue only. The other
 * screens (folders, account, history, settings), a file's details and the case report come in
 * scripts of their own, none of them fetched before the first rows are in the page, and each
 * shows when it is opened (src/renderer/src/lazy-parts.ts).
 */
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { makeJpeg, simMarker } from '../helpers/media-fixtures';
import { launchChromium, startHeadless, type HeadlessHost } from './harness';
import { goTo, openDetails, waitForRows } from './ui';

const NAME = 'viral-photo.jpg';

let host: HeadlessHost;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Taken inside the page (CSP does not govern init scripts): when the first job row is in the DOM. */
const FIRST_ROWS_MARK = `(() => {
  const observer = new MutationObserver(() => {
    if (document.querySelector('[data-testid="job-row"]')) {
      window.__firstRows = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true });
})()`;

beforeAll(async () => {
  host = await startHeadless({ files: { [NAME]: makeJpeg({ marker: simMarker('fake') }) } });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  await page.addInitScript(FIRST_ROWS_MARK);
  await page.goto(host.url);
  await waitForRows(
    page,
    (rs) => rs.some((r) => r.name === NAME && r.state === 'done'),
    'the photo',
    150_000,
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('the parts the first screen does not show', () => {
  it('come in scripts fetched after the first rows, and each shows when opened', async () => {
    await openDetails(page, NAME);
    await page.getByTestId('job-report').click();
    await page.getByTestId('report-case').waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('report-close').click();
    await page.getByTestId('job-details').waitFor({ state: 'visible', timeout: 30_000 });
    await goTo(page, 'folders');
    await page.getByTestId('folder-item').waitFor({ state: 'visible', timeout: 30_000 });
    await goTo(page, 'account');
    await page.getByTestId('profile-item').first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('nav-history').click();
    await page.getByTestId('history-view').waitFor({ state: 'visible', timeout: 30_000 });
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('pref-concurrency').waitFor({ state: 'visible', timeout: 30_000 });

    // A string: the e2e tests are compiled without the DOM's types.
    const { firstRows, scripts } = (await page.evaluate(`({
      firstRows: window.__firstRows,
      scripts: performance.getEntriesByType('resource')
        .filter((r) => new URL(r.name).pathname.endsWith('.js'))
        .map((r) => ({ name: new URL(r.name).pathname, start: r.startTime })),
    })`)) as { firstRows: number; scripts: { name: string; start: number }[] };
    expect(firstRows).toBeGreaterThan(0);
    const before = scripts.filter((s) => s.start < firstRows).map((s) => basename(s.name));
    const after = scripts.filter((s) => s.start >= firstRows).map((s) => basename(s.name));
    // Before the first rows: the early connection's script and the app's one script.
    expect(before.sort()).toEqual(['early-connect.js', expect.stringMatching(/^index-[\w-]+\.js$/)]);
    // The rest of the app came after them, in scripts of its own.
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((name) => !name.startsWith('index-'))).toBe(true);
  });
});
