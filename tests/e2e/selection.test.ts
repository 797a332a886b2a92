/**
 * Issue 12, a selection of rows in real Chromium through the web host (the Sandbox): click,
 * Shift+click, Ctrl+click, Shift+Arrow, Ctrl+A and Escape select rows as a desktop list does
 * (aria-selected on each, the count shown); the selection survives scrolling the virtual list and
 * a filter keeps only the selected rows it still shows; "Report for selected" opens one printable
 * page with each selected file's case report, and one click sets the review status of every
 * selected file (stored: it is still there after a reload). Screenshot:
 * test-artifacts/e2e/selection.png; axe finds no serious or critical issue with rows selected.
 * A file arriving while a row has focus moves the rows down; focus moves with the focused file,
 * so E marks it and not the file that took its place on screen.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeJpeg, makePng, simMarker } from '../helpers/media-fixtures';
import { launchChromium, openApp, screenshot, startHeadless, waitUntil, type HeadlessHost } from './harness';
import { axeInBothSchemes, waitForRows } from './ui';

/** Six judged photos; newest first in the list, so the order on screen is the reverse of this. */
const NAMES = ['a-fake.jpg', 'b-real.jpg', 'c-fake.png', 'd-real.png', 'e-fake.jpg', 'f-real.jpg'];
const FILES: Record<string, Buffer> = Object.fromEntries(
  NAMES.map((name, i) => {
    const marker = simMarker(name.includes('fake') ? 'fake' : 'real');
    const padding = 20_000 + i * 1_000;
    return [name, name.endsWith('.png') ? makePng({ marker, padding }) : makeJpeg({ marker, padding })];
  }),
);

let host: HeadlessHost;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  host = await startHeadless({ files: FILES });
  browser = await launchChromium();
  ({ page } = await openApp(browser, host));
  await waitForRows(
    page,
    (rs) => NAMES.every((n) => rs.some((r) => r.name === n && r.state === 'done')),
    'every photo to be judged',
    150_000,
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const row = (name: string) =>
  page.locator('[data-testid="job-row"]', { has: page.locator(`.file:text-is("${name}")`) });

/** The names of the rows marked selected (aria-selected), in the list's order. */
function selectedNames(): Promise<string[]> {
  return page
    .locator('[data-testid="job-row"][aria-selected="true"] .file')
    .evaluateAll((els) => els.map((el) => el.textContent?.trim() ?? ''));
}

/** The names of every row in the list's order. */
function shownNames(): Promise<string[]> {
  return page
    .locator('[data-testid="job-row"] .file')
    .evaluateAll((els) => els.map((el) => el.textContent?.trim() ?? ''));
}

async function countText(): Promise<string | null> {
  const bar = page.getByTestId('selection-count');
  return (await bar.count()) === 0 ? null : ((await bar.textContent()) ?? '').trim();
}

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

describe('selecting several rows', () => {
  it('selects with click, Shift+click, Ctrl+click, Shift+Arrow, Ctrl+A and clears with Escape', async () => {
    const order = await shownNames();
    expect([...order].sort()).toEqual([...NAMES].sort());
    expect(await page.getByTestId('job-list').getAttribute('aria-multiselectable')).toBe('true');

    // A plain click: that row alone (and its details open, as before).
    await row(order[1]!).click();
    expect(await selectedNames()).toEqual([order[1]]);
    expect(await countText()).toBeNull();
    await page.getByTestId('job-details').waitFor();

    // Shift+click: the range from the clicked row.
    await row(order[3]!).click({ modifiers: ['Shift'] });
    expect(await selectedNames()).toEqual(order.slice(1, 4));
    expect(await countText()).toBe('3 selected');

    // Ctrl/Cmd+click: one more, then one out.
    await row(order[5]!).click({ modifiers: [mod] });
    expect(await selectedNames()).toEqual([...order.slice(1, 4), order[5]]);
    await row(order[2]!).click({ modifiers: [mod] });
    expect(await selectedNames()).toEqual([order[1], order[3], order[5]]);
    expect(await countText()).toBe('3 selected');
    expect(await page.getByTestId('selection-status').textContent()).toBe('3 selected');

    // The keyboard: a row, then Shift+ArrowDown twice extends from it.
    await row(order[0]!).click();
    await row(order[0]!).press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    expect(await selectedNames()).toEqual(order.slice(0, 3));
    // Focus moved with it, onto the last row of the range.
    expect(await page.evaluate('document.activeElement?.querySelector(".file")?.textContent')).toBe(order[2]);
    // Shift+ArrowUp shrinks the same range.
    await page.keyboard.press('Shift+ArrowUp');
    expect(await selectedNames()).toEqual(order.slice(0, 2));

    // Ctrl/Cmd+A: every row the list shows; the page's text is not selected.
    await page.keyboard.press(`${mod}+a`);
    expect(await selectedNames()).toEqual(order);
    expect(await countText()).toBe(`${NAMES.length} selected`);
    expect(await page.evaluate('String(window.getSelection())')).toBe('');
    await screenshot(page, 'selection');
    const findings = await axeInBothSchemes(page);
    expect(findings, JSON.stringify(findings, null, 2)).toEqual([]);

    // Escape clears the selection (and closes the details).
    await page.keyboard.press('Escape');
    expect(await selectedNames()).toEqual([]);
    expect(await countText()).toBeNull();
    expect(await page.getByTestId('job-details').count()).toBe(0);
  });

  it('keeps the selection by file through a filter: hidden rows leave it, shown ones stay', async () => {
    const order = await shownNames();
    await row(order[0]!).click();
    await page.keyboard.press(`${mod}+a`);
    expect(await countText()).toBe(`${NAMES.length} selected`);
    await page.getByTestId('verdict-count-fake').click();
    await waitUntil(async () => (await shownNames()).every((n) => n.includes('fake')), 'only fake rows');
    await waitUntil(async () => (await countText()) === '3 selected', 'the count to follow the filter');
    expect(await selectedNames()).toEqual(await shownNames());
    // Showing every verdict again brings no hidden file back into the selection.
    await page.getByTestId('verdict-count-fake').click();
    await waitUntil(async () => (await shownNames()).length === NAMES.length, 'every row again');
    expect((await selectedNames()).sort()).toEqual(NAMES.filter((n) => n.includes('fake')).sort());
    await page.keyboard.press('Escape');
    await page.getByTestId('selection-clear').count();
  });

  it('sets the review of every selected file at once, and it is stored', async () => {
    const order = await shownNames();
    await row(order[0]!).click();
    await row(order[2]!).click({ modifiers: ['Shift'] });
    await page.getByTestId('selection-review-escalated').click();
    await waitUntil(
      async () =>
        (await page.locator('[data-testid="job-row"]:has([data-review="escalated"]) .file').count()) === 3,
      'three rows marked escalated',
    );
    const escalated = await page
      .locator('[data-testid="job-row"]:has([data-review="escalated"]) .file')
      .evaluateAll((els) => els.map((el) => el.textContent?.trim() ?? ''));
    expect(escalated).toEqual(order.slice(0, 3));
    // The keyboard's E/C/N act on the whole selection too, when pressed on a selected row.
    await row(order[1]!).press('c');
    await waitUntil(
      async () => (await page.locator('[data-testid="job-row"]:has([data-review="cleared"])').count()) === 3,
      'three rows marked cleared',
    );
    // Stored in the ledger: a reload shows the same marks.
    await page.reload();
    await waitForRows(page, (rs) => rs.length === NAMES.length, 'the rows after a reload');
    await waitUntil(
      async () => (await page.locator('[data-testid="job-row"]:has([data-review="cleared"])').count()) === 3,
      'the cleared marks after a reload',
    );
    const cleared = await page
      .locator('[data-testid="job-row"]:has([data-review="cleared"]) .file')
      .evaluateAll((els) => els.map((el) => el.textContent?.trim() ?? ''));
    expect(cleared).toEqual(order.slice(0, 3));
  });

  it('makes one printable report holding each selected file, in the list order', async () => {
    const order = await shownNames();
    await row(order[1]!).click();
    await row(order[4]!).click({ modifiers: [mod] });
    await row(order[5]!).click({ modifiers: [mod] });
    expect(await countText()).toBe('3 selected');
    await page.getByTestId('selection-report').click();
    const report = page.getByTestId('case-report');
    await report.waitFor({ state: 'visible', timeout: 30_000 });
    await waitUntil(
      async () => (await report.getByTestId('report-case').count()) === 3,
      'three cases in the report',
    );
    const names = await report
      .getByTestId('report-name')
      .evaluateAll((els) => els.map((el) => el.textContent?.trim() ?? ''));
    expect(names).toEqual([order[1], order[4], order[5]]);
    expect(((await report.locator('#report-heading').textContent()) ?? '').trim()).toBe(
      'Case report: 3 files',
    );
    for (const testId of ['report-verdict', 'report-sha256', 'report-remote-id']) {
      expect(await report.getByTestId(testId).count()).toBe(3);
    }
    // Chromium's PDF printer makes one document of it, each case on its own page.
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(3);
    await page.getByTestId('report-close').click();
  });

  it('a file arriving while a row has focus: focus stays on that file, and E marks it, not its neighbour', async () => {
    const order = await shownNames();
    const chosen = order[4]!;
    await row(chosen).click();
    await page.getByTestId('job-details-close').click();
    await row(chosen).focus();
    // A new file, newest first: every row moves down one under the focused one.
    await writeFile(
      join(host.watchDir, 'g-late.jpg'),
      makeJpeg({ marker: simMarker('real'), padding: 31_000 }),
    );
    await waitUntil(async () => (await shownNames())[0] === 'g-late.jpg', 'the new file at the top');
    expect(await page.evaluate('document.activeElement?.querySelector(".file")?.textContent')).toBe(chosen);
    await page.keyboard.press('e');
    await waitUntil(
      async () => (await row(chosen).locator('[data-review="escalated"]').count()) === 1,
      `${chosen} marked escalated`,
    );
    expect(await row(order[3]!).locator('[data-review="escalated"]').count()).toBe(0);
  });
});
