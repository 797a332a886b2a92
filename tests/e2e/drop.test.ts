/**
 * Files given to the window instead of a folder, on the real headless host in the Sandbox
 * (`--simulate`): chosen with the empty state's "Choose files…" (the hidden file input behind
 * it) and dropped on the page with a real drop event carrying a DataTransfer. They stream through
 * POST /upload into the host's inbox, get queued and judged, and the queue says they were dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { makeJpeg, makeMp4, makePng, simMarker } from '../helpers/media-fixtures';
import { launchChromium, openApp, startHeadless, type HeadlessHost } from './harness';
import {
  axeInBothSchemes,
  openDetails,
  screenshotsInBothSchemes,
  waitForRow,
  waitForRows,
  waitForText,
} from './ui';

let host: HeadlessHost;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  host = await startHeadless({ noFolder: true });
  browser = await launchChromium();
  ({ page } = await openApp(browser, host));
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

describe('files given to the window', () => {
  it('shows the empty state of a first start, in the Sandbox', async () => {
    await page.getByTestId('empty-state').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('sandbox-badge').textContent()).resolves.toContain('simulated results');
    await expect(page.getByTestId('drop-zone').textContent()).resolves.toContain(
      'Drop photos or videos here',
    );
    await page.getByTestId('choose-files').waitFor();
    await page.getByTestId('add-folder-path').waitFor();
    await waitForText(page, 'status-watchers', /no folders/);
    await screenshotsInBothSchemes(page, 'empty-state');
    expect(await axeInBothSchemes(page)).toEqual([]);
  });

  it('queues and judges files chosen with "Choose files…"', async () => {
    await page.getByTestId('choose-files-input').setInputFiles([
      {
        name: 'from reporter.jpg',
        mimeType: 'image/jpeg',
        buffer: makeJpeg({ marker: simMarker('fake'), padding: 21 }),
      },
      {
        name: 'clip.mp4',
        mimeType: 'video/mp4',
        buffer: makeMp4({ marker: simMarker('real'), padding: 22 }),
      },
    ]);
    await waitForText(page, 'drop-result', /2 files received/);
    const shown = await waitForRows(
      page,
      (rs) =>
        ['from reporter.jpg', 'clip.mp4'].every((n) => rs.some((r) => r.name === n && r.state === 'done')),
      'verdicts for the chosen files',
    );
    expect(shown.find((r) => r.name === 'from reporter.jpg')).toMatchObject({
      verdict: 'fake',
      badge: 'Fake',
    });
    expect(shown.find((r) => r.name === 'clip.mp4')).toMatchObject({
      verdict: 'authentic',
      badge: 'Authentic',
      faces: '0/1 face fake',
    });
    // Dropped files say so in the folder column, and Sandbox verdicts are marked as simulated.
    const row = page.locator('[data-testid="job-row"]', { hasText: 'clip.mp4' });
    await expect(row.locator('.folder').textContent()).resolves.toBe('Dropped');
    await expect(row.getByTestId('simulated-tag').textContent()).resolves.toBe('Simulated');
    expect((await readdir(host.inboxDir)).sort()).toEqual(['clip.mp4', 'from reporter.jpg']);
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByTestId('drop-result').waitFor({ state: 'detached' });
  });

  it('queues and judges a file dropped on the page, and says why a text file was not sent', async () => {
    await page.getByTestId('job-list').waitFor();
    const png = makePng({ marker: simMarker('suspect'), padding: 23 }).toString('base64');
    // A real drag and drop: dragover shows the drop overlay, drop hands the files to the page.
    await page.evaluate(`(() => {
      const bytes = Uint8Array.from(atob(${JSON.stringify(png)}), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'dropped still.png', { type: 'image/png' }));
      data.items.add(new File(['meeting notes'], 'notes.txt', { type: 'text/plain' }));
      window.__drop = data;
      document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    await page.getByText('Drop to check these files').waitFor({ timeout: 30_000 });
    await page.evaluate(`document.body.dispatchEvent(
      new DragEvent('drop', { dataTransfer: window.__drop, bubbles: true, cancelable: true }))`);
    await page.getByText('Drop to check these files').waitFor({ state: 'detached', timeout: 30_000 });

    await waitForText(page, 'drop-result', /^2 files received/);
    const row = await waitForRow(page, 'dropped still.png', ['done']);
    expect(row).toMatchObject({ verdict: 'suspect', badge: 'Suspect' });
    expect(await waitForRow(page, 'notes.txt', ['skipped'])).toMatchObject({ verdict: '' });
    // The notice follows the received files to their outcome: the host could not know the text file would be skipped.
    await waitForText(
      page,
      'drop-result',
      /1 with a verdict · 1 skipped.*Skipped, not a type Authenta can check: notes\.txt\./,
    );
    await openDetails(page, 'notes.txt');
    // The details say why it was not sent, and what to do.
    const problem = page.getByTestId('job-details').getByTestId('job-error');
    // Issue 12: the message first, in words; the code after it, for a support ticket.
    await expect(problem.textContent()).resolves.toMatch(/not an image or video.*\(code UNSUPPORTED_TYPE\)/);
    await expect(problem.getByTestId('job-hint').textContent()).resolves.toMatch(/JPEG, PNG and MP4/);
    await page.getByTestId('job-details-close').click();
  });
});
