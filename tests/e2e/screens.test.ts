/**
 * Every main screen of the app in the Sandbox (`--simulate`), with a queue of photos and videos
 * that got every kind of verdict: what each shows, a screenshot of it in light and dark colours
 * (test-artifacts/e2e/screen-*.png, looked at after a run), and an axe-core check of each in both
 * colour schemes with no serious or critical finding. The empty state is covered by drop.test.ts,
 * error banners by banners.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeJpeg, makeMp4, makePng, simMarker } from '../helpers/media-fixtures';
import { launchChromium, openApp, screenshot, startHeadless, type HeadlessHost } from './harness';
import {
  axeInBothSchemes,
  goTo,
  openDetails,
  screenshotsInBothSchemes,
  waitForRows,
  waitForText,
} from './ui';

const FILES: Record<string, Buffer> = {
  'press-conference.mp4': makeMp4({ marker: simMarker('faces=3,fakes=1'), padding: 300_000 }),
  'ceo-statement.mp4': makeMp4({ marker: simMarker('real'), padding: 1_800_000 }),
  'empty-hallway.mp4': makeMp4({ marker: simMarker('noface'), padding: 650_000 }),
  'viral-photo.png': makePng({ marker: simMarker('fake'), padding: 420_000 }),
  'protest-crowd.jpg': makeJpeg({ marker: simMarker('real'), padding: 2_300_000 }),
  'blurry-screenshot.png': makePng({ marker: simMarker('suspect'), padding: 95_000 }),
  'damaged-upload.jpg': makeJpeg({ marker: simMarker('fail'), padding: 51_000 }),
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
    (rs) =>
      Object.keys(FILES).every((n) => rs.some((r) => r.name === n && ['done', 'failed'].includes(r.state))),
    'every file of the Sandbox to finish',
    150_000,
  );
  // The status bar catches up with the rows.
  await waitForText(page, 'status-waiting', /Waiting for verdicts 0$/);
  await waitForText(page, 'status-pending', /To send 0$/);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('the main screens', () => {
  it('the queue: every verdict with its badge, the failed file with its code', async () => {
    await expect(page.getByTestId('sandbox-badge').isVisible()).resolves.toBe(true);
    const shown = await waitForRows(page, (rs) => rs.length === Object.keys(FILES).length, 'all rows');
    const verdicts = Object.fromEntries(shown.map((r) => [r.name, r.verdict || r.state]));
    expect(verdicts).toEqual({
      'press-conference.mp4': 'fake',
      'ceo-statement.mp4': 'authentic',
      'empty-hallway.mp4': 'inconclusive',
      'viral-photo.png': 'fake',
      'protest-crowd.jpg': 'authentic',
      'blurry-screenshot.png': 'suspect',
      'damaged-upload.jpg': 'failed',
    });
    await screenshotsInBothSchemes(page, 'screen-queue');
    expect(await axeInBothSchemes(page)).toEqual([]);
    // A shorter window for the README, without the empty space under the rows.
    await page.setViewportSize({ width: 1280, height: 440 });
    await screenshot(page, 'readme-queue');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('the details of a video: its faces, file facts and timeline', async () => {
    await openDetails(page, 'press-conference.mp4');
    // The toolbar wraps when the panel opens: move the mouse off the list so no row shows hover.
    await page.mouse.move(0, 0);
    const panel = page.getByTestId('job-details');
    await expect(panel.getByTestId('participant-row').count()).resolves.toBe(3);
    await expect(panel.getByTestId('simulated-tag').textContent()).resolves.toMatch(/judged by the Sandbox/);
    await expect(panel.getByTestId('timeline-entry').last().getAttribute('data-state')).resolves.toBe('done');
    await screenshotsInBothSchemes(page, 'screen-details');
    expect(await axeInBothSchemes(page)).toEqual([]);
  });

  it('the details of a failed file: what went wrong and what to do', async () => {
    await openDetails(page, 'damaged-upload.jpg');
    const panel = page.getByTestId('job-details');
    await panel.getByTestId('job-error').waitFor();
    await panel.getByTestId('job-retry').waitFor();
    await screenshotsInBothSchemes(page, 'screen-details-failed');
    expect(await axeInBothSchemes(page)).toEqual([]);
    await page.getByTestId('job-details-close').click();
    await panel.waitFor({ state: 'detached' });
  });

  it('the folders: the watched folder, healthy, with its settings', async () => {
    await goTo(page, 'folders');
    const folder = page.locator('[data-testid="folder-item"][data-health="watching"]');
    await expect(folder.locator('h3').textContent()).resolves.toBe(host.watchDir);
    await folder.getByTestId('folder-settings').locator('summary').click();
    await folder.getByTestId('folder-save').waitFor();
    await screenshotsInBothSchemes(page, 'screen-folders');
    expect(await axeInBothSchemes(page)).toEqual([]);
  });

  it('the account: the Sandbox profile in use, and a new profile form', async () => {
    await goTo(page, 'account');
    await page.locator('[data-testid="profile-item"][data-profile-id="sandbox"]').click();
    await page.getByTestId('sandbox-note').waitFor();
    await screenshotsInBothSchemes(page, 'screen-account');
    expect(await axeInBothSchemes(page)).toEqual([]);
    await page.getByTestId('account-new').click();
    await page.getByTestId('account-base-url').waitFor();
    expect(await axeInBothSchemes(page)).toEqual([]);
  });

  it('the queue paused by hand: an information banner with Resume', async () => {
    await goTo(page, 'queue');
    await page.getByTestId('pause-all').click();
    const paused = page.getByTestId('banner-paused');
    await paused.waitFor();
    await paused.getByTestId('banner-resume').waitFor();
    await screenshotsInBothSchemes(page, 'screen-paused');
    expect(await axeInBothSchemes(page)).toEqual([]);
    await paused.getByTestId('banner-resume').click();
    await paused.waitFor({ state: 'detached' });
  });
});
