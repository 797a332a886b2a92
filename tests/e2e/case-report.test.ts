/**
 * Issue 12, the case report in real Chromium through the web host (the Sandbox): opened from a
 * file's details, it shows the picture served from the media route, the verdict and its
 * explanation, the file's facts, the Authenta record and the raw scores; under print media the
 * app's header, banners and status bar are gone, and Chromium's own PDF printer makes a real PDF
 * of it. Screenshots: test-artifacts/e2e/case-report*.png; the PDF: test-artifacts/e2e/case-report.pdf.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { simMarker } from '../helpers/media-fixtures';
import { picture } from '../helpers/pictures';
import {
  ARTIFACTS_DIR,
  launchChromium,
  openApp,
  screenshot,
  startHeadless,
  type HeadlessHost,
} from './harness';
import { openDetails, waitForRows } from './ui';

const NAME = 'viral-photo.jpg';
const FILES: Record<string, Buffer> = {
  // A picture that looks like a photo, so the report's screenshot shows one.
  [NAME]: await picture('podium', 'jpeg', { marker: simMarker('fake') }),
};

let host: HeadlessHost;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  host = await startHeadless({ files: FILES });
  browser = await launchChromium();
  ({ page } = await openApp(browser, host));
  await waitForRows(
    page,
    (rs) => rs.some((r) => r.name === NAME && r.state === 'done'),
    'the photo to be judged',
    150_000,
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const field = async (testId: string): Promise<string> =>
  ((await page.getByTestId('case-report').getByTestId(testId).textContent()) ?? '').trim();

describe('the case report', () => {
  it("shows a judged photo's picture, verdict, facts, record id and raw scores", async () => {
    await openDetails(page, NAME);
    await page.getByTestId('job-report').click();
    await page.getByTestId('report-case').waitFor({ state: 'visible', timeout: 30_000 });

    expect(await field('report-name')).toBe(NAME);
    expect(await field('report-verdict')).toBe('Fake');
    expect(await field('report-explanation')).toMatch(/fake/i);
    expect(await field('report-size')).toContain(`${FILES[NAME]!.length.toLocaleString('en-US')} bytes`);
    expect(await field('report-sha256')).toMatch(/^[0-9a-f]{64}$/);
    expect(await field('report-model')).toContain('AC-1');
    expect(await field('report-api')).toMatch(/API/);
    expect(await field('report-remote-id')).not.toBe('—');
    for (const t of ['report-seen', 'report-uploaded', 'report-judged']) expect(await field(t)).not.toBe('—');
    const raw = JSON.parse(await field('report-raw')) as unknown;
    expect(raw).not.toBeNull();

    // The picture is the original, served by the media route, and it decodes.
    const picture = page.getByTestId('report-picture');
    expect(await picture.getAttribute('src')).toMatch(/^\/media\/[^/]+\/original\/\d+$/);
    await page.waitForFunction(
      `(() => { const i = document.querySelector('[data-testid="report-picture"]'); return !!i && i.complete && i.naturalWidth > 0; })()`,
      undefined,
      { timeout: 20_000 },
    );
    await screenshot(page, 'case-report');
  });

  it('prints without the app around it, to a real PDF', async () => {
    await page.emulateMedia({ media: 'print' });
    const shown = async (testId: string): Promise<boolean> =>
      page
        .getByTestId(testId)
        .first()
        .isVisible()
        .catch(() => false);
    expect(await shown('app-header')).toBe(false);
    // Nothing of the app around the report takes room on paper (the status bar, banners).
    const chrome = await page.evaluate(
      `Array.from(document.querySelectorAll('.app > :not(.content)')).filter((el) => el.getBoundingClientRect().height > 0).map((el) => el.className)`,
    );
    expect(chrome).toEqual([]);
    expect(await shown('report-print')).toBe(false);
    expect(await shown('report-name')).toBe(true);
    expect(await shown('report-picture')).toBe(true);
    await screenshot(page, 'case-report-print');

    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await writeFile(join(ARTIFACTS_DIR, 'case-report.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(1);
    // The picture is embedded (an image XObject), so the printed page is more than text.
    expect(pdf.toString('latin1')).toMatch(/\/Subtype\s*\/Image/);
    await page.emulateMedia({ media: 'screen' });
    expect(await shown('app-header')).toBe(true);
  });
});
