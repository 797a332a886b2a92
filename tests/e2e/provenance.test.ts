/**
 * Issue 14, provenance beside the verdict, in real Chromium through the web host (the Sandbox):
 * real sample files (a JPEG signed with a C2PA manifest by the CAI's builder and a test
 * certificate, a tampered copy, a photo with camera EXIF and GPS) are judged, and each file's
 * details show its Provenance section as a desk must read it. Screenshot:
 * test-artifacts/e2e/provenance-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { exifJpeg, signedJpeg, tamper } from '../helpers/provenance-samples';
import { launchChromium, openApp, screenshot, startHeadless, type HeadlessHost } from './harness';
import { openDetails, waitForRows } from './ui';

let host: HeadlessHost;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const signed = await signedJpeg(await exifJpeg({ gps: true }));
  host = await startHeadless({
    files: {
      'signed.jpg': signed,
      'tampered.jpg': tamper(signed),
      'camera.jpg': await exifJpeg({ gps: true }),
    },
  });
  browser = await launchChromium();
  ({ page } = await openApp(browser, host));
  await waitForRows(
    page,
    (rs) => rs.length === 3 && rs.every((r) => r.state === 'done'),
    'three judged photos',
    150_000,
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const section = (): ReturnType<Page['getByTestId']> => page.getByTestId('provenance');

describe('the Provenance section', { timeout: 60_000 }, () => {
  it('shows a signed photo’s signer, edit history and camera, GPS as present but not where', async () => {
    await openDetails(page, 'signed.jpg');
    const state = section().getByTestId('provenance-state');
    await state.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await state.getAttribute('data-state')).toBe('valid');
    expect(await state.textContent()).toMatch(/intact, signer not on a trust list/);
    expect(await section().getByTestId('provenance-signer').textContent()).toBe(
      'Authenta Watch Test Signer (Test Newsroom Camera)',
    );
    expect(await section().getByTestId('provenance-actions').textContent()).toMatch(
      /Created[\s\S]*Colour adjusted/,
    );
    const metadata = (await section().getByTestId('provenance-metadata').textContent()) ?? '';
    expect(metadata).toMatch(/TestCam TC-100 Mark II/);
    expect(metadata).toMatch(/Location recorded \(not shown\)/);
    await section().scrollIntoViewIfNeeded();
    await screenshot(page, 'provenance-signed');
  });

  it('shows the tampered copy as INVALID with the reason, never as valid', async () => {
    await openDetails(page, 'tampered.jpg');
    const state = section().getByTestId('provenance-state');
    await state.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await state.getAttribute('data-state')).toBe('invalid');
    expect(await section().getByTestId('provenance-problems').textContent()).toMatch(
      /changed after it was signed/,
    );
    await section().scrollIntoViewIfNeeded();
    await screenshot(page, 'provenance-tampered');
  });

  it('says plainly that an unsigned photo has no Content Credentials', async () => {
    await openDetails(page, 'camera.jpg');
    const state = section().getByTestId('provenance-state');
    await state.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await state.textContent()).toMatch(/No Content Credentials/);
  });
});

describe('the queue’s Content Credentials mark', { timeout: 60_000 }, () => {
  it('marks the signed photo’s row valid, the tampered one invalid, and the plain photo not at all', async () => {
    const row = (name: string) => page.getByTestId('job-row').filter({ hasText: name });
    const signed = row('signed.jpg').getByTestId('credential-mark');
    await signed.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await signed.getAttribute('aria-label')).toBe('Content Credentials: valid');
    const tampered = row('tampered.jpg').getByTestId('credential-mark');
    await tampered.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await tampered.getAttribute('aria-label')).toBe('Content Credentials: invalid');
    expect(await row('camera.jpg').getByTestId('credential-mark').count()).toBe(0);
  });

  it('shows the tampered photo’s thumbnail like the others (its bytes changed, it is still a photo)', async () => {
    for (const name of ['signed.jpg', 'tampered.jpg']) {
      const img = page.getByTestId('job-row').filter({ hasText: name }).getByTestId('thumb-img');
      await img.waitFor({ state: 'visible', timeout: 30_000 });
      await expect
        .poll(
          () =>
            img.evaluate((el) => {
              const i = el as unknown as { complete: boolean; naturalWidth: number };
              return i.complete ? i.naturalWidth : 0;
            }),
          {
            timeout: 30_000,
          },
        )
        .toBeGreaterThan(0);
    }
  });
});
