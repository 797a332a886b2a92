/**
 * Issue 12 in real Chromium through the web host (the Sandbox): verdicts people can read (badge
 * tooltips, the gauge), words for people instead of engine codes, duplicates as good news, a way
 * to add work from the toolbar, the tab's title and favicon, and a layout that fits 800x700,
 * 1024x768 and 1280x800 in light and dark, with and without the details panel. Screenshots go to
 * test-artifacts/e2e/media-*.png; axe finds no serious or critical issue on any of these screens.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { makeJpeg, realMp4, simMarker } from '../helpers/media-fixtures';
import { picture } from '../helpers/pictures';
import { launchChromium, openApp, screenshot, startHeadless, waitUntil, type HeadlessHost } from './harness';
import { axeInBothSchemes, openDetails, rowOf, waitForRow, waitForRows } from './ui';

// Pictures that look like the photos a desk checks: the queue's thumbnails and the README's
// screenshots show them (the marker tells the Sandbox what to answer).
const SUSPECT = await picture('crowd', 'png', { marker: simMarker('suspect'), blur: 6 });
const FILES: Record<string, Buffer> = {
  // A real H.264 clip: the player decodes it and the queue draws its poster frame.
  'press-conference-with-a-long-name-from-the-wire.mp4': realMp4({
    marker: simMarker('faces=3,fakes=1'),
    padding: 300_000,
  }),
  'viral-photo.png': await picture('podium', 'png', { marker: simMarker('fake') }),
  'protest-crowd.jpg': await picture('crowd', 'jpeg', { marker: simMarker('real') }),
  'blurry-screenshot.png': SUSPECT,
  'damaged-upload.jpg': makeJpeg({ marker: simMarker('fail'), padding: 51_000 }),
};
const SIZES = [
  { width: 800, height: 700 },
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
] as const;

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
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/** Elements that stick out of the window on the right or bottom, or a page that scrolls sideways. */
async function overflowing(p: Page): Promise<string[]> {
  // A string: the e2e tests are compiled without the DOM's types.
  return p.evaluate(`(() => {
    const out = [];
    const w = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > w)
      out.push('page scrolls sideways (' + document.documentElement.scrollWidth + ' > ' + w + ')');
    const selectors = [
      'header button',
      'header .tag',
      'header nav',
      '[data-testid="job-details"] .head',
      '.toolbar-wrap',
      '.verdict-counts',
      '.toolbar > *',
      '.export button',
      '[data-testid="job-list"]',
    ];
    for (const sel of selectors) {
      for (const el of document.querySelectorAll(sel)) {
        const r = el.getBoundingClientRect();
        if (r.width === 0) continue;
        if (r.right > w + 0.5)
          out.push(sel + ' "' + (el.textContent || '').trim().slice(0, 30) + '" ends at ' + Math.round(r.right) + ' > ' + w);
      }
    }
    // Nothing cut off inside its own box either: the toolbar, the list's header, its rows and the
    // count of jobs ("7 j…" says nothing).
    for (const sel of ['.toolbar', '.list > .header', '[data-testid="job-row"]', '[data-testid="job-count"]']) {
      for (const el of document.querySelectorAll(sel)) {
        if (el.scrollWidth > el.clientWidth + 1)
          out.push(sel + ' is cut off (' + el.scrollWidth + ' > ' + el.clientWidth + ')');
      }
    }
    // A percentage or a duplicate's words cut in a row read wrong ("9." for 90%, "Already chec").
    for (const sel of ['[data-testid="verdict-confidence"]', '[data-testid="duplicate-tag"]']) {
      for (const el of document.querySelectorAll(sel)) {
        const clip = el.closest('.figures') || el.closest('.cell');
        if (!clip || el.getBoundingClientRect().width === 0) continue;
        if (el.getBoundingClientRect().right > clip.getBoundingClientRect().right + 0.5)
          out.push(sel + ' "' + (el.textContent || '').trim() + '" is cut off');
      }
    }
    return out;
  })()`);
}

/** The width of the narrowest shortened file name on screen, in px. */
async function narrowestName(p: Page): Promise<number> {
  // A name shown whole counts as readable; a shortened one must keep at least this much room.
  return p.evaluate(`Math.min(...Array.from(document.querySelectorAll('[data-testid="job-row"] .file'), (el) =>
    el.scrollWidth <= el.clientWidth ? Infinity : el.getBoundingClientRect().width))`);
}

/** Whether an element shows all of its text inside its verdict's figures (not cut, not wrapped away). */
async function shownWhole(el: Locator): Promise<boolean> {
  return el.evaluate((e) => {
    const r = e.getBoundingClientRect();
    const box = e.closest('.figures')!.getBoundingClientRect();
    // On the first line (a baseline may sit it a pixel lower), not wrapped below it out of sight.
    const inside = r.top >= box.top - 1 && r.top < box.top + box.height / 2 && r.right <= box.right + 0.5;
    return r.width > 0 && e.scrollWidth <= e.clientWidth && inside;
  });
}

describe('a verdict people can read', () => {
  it('a suspect photo says which way the model leaned, in the row and in its tooltip', async () => {
    const row = await waitForRow(page, 'blurry-screenshot.png', ['done']);
    expect(row.badge).toBe('Suspect');
    const cell = page
      .locator('[data-testid="job-row"]', { hasText: 'blurry-screenshot.png' })
      .getByTestId('verdict-cell');
    const lean = (await cell.getByTestId('verdict-lean').textContent())!.trim();
    expect(lean).toMatch(/^leaned (authentic|fake) ·$/);
    // Whole on screen at 1280 px ("leaned fak…" said less than the tooltip), beside the percentage.
    expect(await shownWhole(cell.getByTestId('verdict-lean')), 'the lean in the row').toBe(true);
    const title = await cell.getAttribute('title');
    expect(title).toMatch(
      /^Suspect: The model leaned (authentic|fake), with low confidence \(\d+% confidence\)\.$/,
    );
    // Every badge in the queue explains itself.
    const titles = await page
      .locator('[data-testid="job-row"] [data-testid="verdict-cell"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    expect(titles.length).toBeGreaterThanOrEqual(4);
    for (const t of titles)
      expect(t).toMatch(/^(Fake|Suspect|Authentic|Inconclusive): The model|^Inconclusive: No verdict/);
  });

  it('the details of an image show the gauge with its bands and where the file falls', async () => {
    await openDetails(page, 'blurry-screenshot.png');
    const gauge = page.getByTestId('job-details').getByTestId('verdict-gauge');
    await expect(gauge.getAttribute('data-band')).resolves.toBe('suspect');
    const lean = page.getByTestId('job-details').getByTestId('verdict-lean');
    expect(await shownWhole(lean), 'the lean beside the large badge').toBe(true);
    const text = (await gauge.textContent())!.replace(/\s+/g, ' ');
    expect(text).toMatch(/Authentic.*Suspect.*Fake/);
    expect(text).toMatch(/Below 60% confidence an answer is shown as Suspect either way/);
    const left = parseFloat(
      (await gauge.getByTestId('gauge-marker').getAttribute('style'))!.replace(/[^\d.]/g, ''),
    );
    expect(left).toBeGreaterThan(20);
    expect(left).toBeLessThan(80);
    await screenshot(page, 'media-gauge');
    expect(await axeInBothSchemes(page)).toEqual([]);
    await page.getByTestId('job-details-close').click();
  });
});

describe('words for people', () => {
  it('a failed row says why in words, the details name the model and the record', async () => {
    const row = await rowOf(page, 'damaged-upload.jpg');
    expect(row?.state).toBe('failed');
    expect(row?.code).toBe('Authenta could not analyse it');
    const shown = await page.locator('[data-testid="job-row"]').allTextContents();
    for (const t of shown) expect(t).not.toMatch(/REMOTE_FAILED|\bAC-1\b|\bDF-1\b|\bmid\b/);
    await openDetails(page, 'viral-photo.png');
    const panel = page.getByTestId('job-details');
    await expect(panel.getByTestId('job-model').textContent()).resolves.toMatch(
      /AI-generated image \(AC-1\)/,
    );
    // The raw record is the API's own words; everything else on the panel is ours.
    const words = await page.evaluate(`(() => {
      const copy = document.querySelector('[data-testid="job-details"]').cloneNode(true);
      copy.querySelector('[data-testid="job-raw"]')?.remove();
      return copy.textContent;
    })()`);
    expect(String(words)).not.toMatch(/\bmid\b|mutation/);
    await page.getByTestId('job-details-close').click();
  });

  it('a duplicate is good news with a link to the earlier file', async () => {
    // The same bytes as blurry-screenshot.png under another name.
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${host.watchDir}/blurry-copy.png`, SUSPECT);
    await waitForRow(page, 'blurry-copy.png', ['skipped']);
    const row = page.locator('[data-testid="job-row"]', { hasText: 'blurry-copy.png' });
    await expect(row.getByTestId('duplicate-tag').textContent()).resolves.toMatch(/Already checked/);
    await openDetails(page, 'blurry-copy.png');
    const panel = page.getByTestId('job-details');
    await expect(panel.getByTestId('job-duplicate').textContent()).resolves.toMatch(/no credit spent/);
    await expect(panel.getByTestId('job-error').count()).resolves.toBe(0);
    await screenshot(page, 'media-duplicate');
    await panel.getByTestId('job-open-earlier').click();
    await page.locator('[data-testid="job-details"] h2', { hasText: 'blurry-screenshot.png' }).waitFor();
    await page.getByTestId('job-details-close').click();
  });
});

describe('always a way to add work', () => {
  it('"Add files…" in the toolbar uploads the chosen files like a drop', async () => {
    await expect(page.getByTestId('add-files').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('add-folder').isVisible()).resolves.toBe(true);
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('add-files').click();
    await (
      await chooser
    ).setFiles([
      {
        name: 'chosen.jpg',
        mimeType: 'image/jpeg',
        buffer: await picture('landscape', 'jpeg', { marker: simMarker('real') }),
      },
    ]);
    await waitForRow(page, 'chosen.jpg', ['done']);
  });

  it('the tab has a favicon and a title', async () => {
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toBeTruthy();
    const res = await page.request.get(new URL(icon!, page.url()).toString());
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/svg/);
    await expect(page.title()).resolves.toBe('Authenta Watch');
  });
});

describe('the media', () => {
  it("each row starts with a thumbnail of its image, and a video's poster frame drawn by the UI's decoder", async () => {
    const img = page
      .locator('[data-testid="job-row"]', { hasText: 'viral-photo.png' })
      .getByTestId('thumb-img');
    await img.waitFor();
    const id = await page
      .locator('[data-testid="job-row"]', { hasText: 'viral-photo.png' })
      .getAttribute('data-job-id');
    await waitUntil(
      () => loaded(`[data-testid="job-row"][data-job-id="${id}"] [data-testid="thumb-img"]`),
      'the thumbnail to load',
    );
    const box = await img.boundingBox();
    expect([box?.width, box?.height]).toEqual([40, 28]);
    await expect(img.getAttribute('loading')).resolves.toBe('lazy');
    // The clip is real video: the UI draws its poster frame, the engine caches it, the row shows it.
    const videoRow = page.locator('[data-testid="job-row"]', { hasText: 'press-conference' });
    const video = videoRow.getByTestId('thumb');
    await expect(video.getAttribute('data-kind')).resolves.toBe('video');
    const videoId = await videoRow.getAttribute('data-job-id');
    await waitUntil(
      () => loaded(`[data-testid="job-row"][data-job-id="${videoId}"] [data-testid="thumb-img"]`),
      "the video's poster frame",
      60_000,
    );
    const poster = await sharp(await video.getByTestId('thumb-img').screenshot())
      .raw()
      .toBuffer({ resolveWithObject: true });
    let warm = 0;
    for (let k = 0; k < poster.data.length; k += poster.info.channels)
      if (poster.data[k]! > 180 && poster.data[k + 2]! < 120) warm++;
    // The clip's warm blob is in the frame (not a blank or an icon).
    expect(warm).toBeGreaterThan(20);
    await page.setViewportSize({ width: 1280, height: 440 });
    await page.mouse.move(0, 0);
    await screenshot(page, 'readme-queue-thumbnails');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('the details show the image large, from the local file', async () => {
    await openDetails(page, 'viral-photo.png');
    const img = page.getByTestId('job-details').getByTestId('preview-image');
    await img.waitFor();
    await waitUntil(() => loaded('[data-testid="preview-image"]'), 'the preview to load');
    await expect(img.getAttribute('src')).resolves.toMatch(/^\/media\/[^/]+\/original\/\d+$/);
    await page.getByTestId('job-details-close').click();
  });

  it('a video plays in the details with each face’s heatmap beside it, fetched fresh', async () => {
    await openDetails(page, 'press-conference-with-a-long-name-from-the-wire.mp4');
    const panel = page.getByTestId('job-details');
    await expect(panel.getByTestId('preview-video').getAttribute('src')).resolves.toMatch(
      /^\/media\/[^/]+\/original\/\d+$/,
    );
    // The original (a real clip) decodes in the details' player.
    await waitUntil(
      () =>
        panel.getByTestId('preview-video').evaluate((v) => {
          const video = v as unknown as { readyState: number; videoWidth: number };
          return video.readyState >= 2 && video.videoWidth === 320;
        }),
      'the original to decode',
    );
    await panel.getByTestId('show-heatmaps').click();
    await waitUntil(async () => (await panel.getByTestId('heatmap').count()) === 3, 'three heatmaps');
    const sources = await panel
      .locator('[data-testid="heatmap"] video')
      .evaluateAll((els) => els.map((e) => e.getAttribute('src') ?? ''));
    // Each a pre-signed URL of the simulator's heatmap, asked for just now.
    for (const src of sources)
      expect(src).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*heatmap-\d\.webm\?.*X-Signature=/);
    // The heatmaps are real video: each player decodes its frames (size known, a frame drawn).
    await waitUntil(
      () =>
        panel.locator('[data-testid="heatmap"] video').evaluateAll((els) =>
          els.every((v) => {
            const video = v as unknown as { readyState: number; videoWidth: number };
            return video.readyState >= 2 && video.videoWidth === 160;
          }),
        ),
      'the heatmap players to decode a frame',
    );
    // A frame is drawn: the player's pixels (a screenshot: the clip is cross-origin, so the page
    // itself may not read them) show the clip's warm blob, not a blank or black box.
    const shot = await panel.locator('[data-testid="heatmap"] video').first().screenshot();
    const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
    let drawn = 0;
    for (let k = 0; k < data.length; k += info.channels) if (data[k]! > 180 && data[k + 2]! < 120) drawn++;
    // The clip's warm blob: many bright red-orange pixels.
    expect(drawn).toBeGreaterThan(200);
    await expect(panel.getByTestId('play-together').isVisible()).resolves.toBe(true);
    await page.mouse.move(0, 0);
    await screenshot(page, 'readme-details-heatmaps');
    expect(await axeInBothSchemes(page)).toEqual([]);
    await page.getByTestId('job-details-close').click();
  });
});

describe('triage', () => {
  it('counts per verdict above the queue, each a filter', async () => {
    const counts = page.getByTestId('verdict-counts');
    await waitUntil(
      async () => /\b2 Fake\b/.test(((await counts.textContent()) ?? '').replace(/\s+/g, ' ')),
      'the verdict counts',
    );
    const words = ((await counts.textContent()) ?? '')
      .replace(/\s+/g, ' ')
      .replace(/\s*·\s*[^\w\s]\s*/g, ' · ');
    expect(words).toMatch(/2 Fake · \d+ Suspect · \d+ Authentic · \d+ Inconclusive/);
    await page.getByTestId('verdict-count-fake').click();
    await waitForRows(page, (rs) => rs.length === 2 && rs.every((r) => r.verdict === 'fake'), 'only fakes');
    await expect(page.getByTestId('verdict-count-fake').getAttribute('aria-pressed')).resolves.toBe('true');
    await page.getByTestId('verdict-count-fake').click();
    await waitForRows(page, (rs) => rs.length >= 6, 'every row again');
  });

  it('sorts by verdict (most serious first) and by confidence', async () => {
    await page.getByTestId('sort-verdict').click();
    const byVerdict = await waitForRows(page, (rs) => rs[0]?.verdict === 'fake', 'fakes first');
    const order = byVerdict.map((r) => r.verdict || 'none');
    expect(order.slice(0, 2)).toEqual(['fake', 'fake']);
    expect(order.indexOf('suspect')).toBeLessThan(order.indexOf('authentic'));
    expect(order.at(-1)).toBe('none');
    await page.getByTestId('sort-confidence').click();
    const pctsOf = (rs: { confidence: string }[]): number[] =>
      rs.filter((r) => r.confidence).map((r) => Number(r.confidence.replace('%', '')));
    const byConfidence = await waitForRows(
      page,
      (rs) => {
        const p = pctsOf(rs);
        return p.length >= 3 && p.every((x, i) => i === 0 || p[i - 1]! >= x);
      },
      'rows sorted by confidence, highest first',
    );
    // Rows without a confidence (videos, the failed file) come last.
    const firstWithout = byConfidence.findIndex((r) => !r.confidence);
    expect(byConfidence.slice(firstWithout).every((r) => !r.confidence)).toBe(true);
    await page.getByTestId('sort-createdAt').click();
    // The list says when it is being loaded again: the next test acts on rows that stay put.
    await waitUntil(
      async () => (await page.getByTestId('job-list').getAttribute('aria-busy')) === 'false',
      'the list sorted by date again',
    );
  });

  it('sets a review from the keyboard, filters by it and shows it with its note in details', async () => {
    await expect(page.getByTestId('queue-keys').textContent()).resolves.toMatch(/C.*cleared.*E.*escalated/);
    const row = page.locator('[data-testid="job-row"]', { hasText: 'viral-photo.png' });
    await row.focus();
    expect(await page.evaluate('document.activeElement?.querySelector(".file")?.textContent')).toBe(
      'viral-photo.png',
    );
    await page.keyboard.press('e');
    await row.getByTestId('review-mark').waitFor();
    await expect(row.getByTestId('review-mark').textContent()).resolves.toMatch(/Escalated/);
    // At 1280 px the filters fold into the "Filters" popover.
    if (!(await page.getByTestId('filter-review').isVisible()))
      await page.getByTestId('filters-toggle').click();
    await page.getByTestId('filter-review').selectOption('escalated');
    await page.getByTestId('filter-review').press('Escape');
    await waitForRows(
      page,
      (rs) => rs.length === 1 && rs[0]!.name === 'viral-photo.png',
      'only the escalated file',
    );
    await openDetails(page, 'viral-photo.png');
    const box = page.getByTestId('job-details').getByTestId('review-box');
    await expect(box.getAttribute('data-review')).resolves.toBe('escalated');
    await box.getByTestId('review-note').fill('Same photo ran in 2019: ask the agency');
    await box.getByTestId('review-save-note').click();
    await waitUntil(
      async () => /Escalated since/.test((await box.getByTestId('review-when').textContent()) ?? ''),
      'the review time',
    );
    // The review time was already shown before the note: wait for the saved note to reach the row.
    await waitUntil(
      async () => /ask the agency/.test((await row.getByTestId('review-mark').getAttribute('title')) ?? ''),
      'the note in the row',
    );
    await expect(row.getByTestId('review-mark').getAttribute('title')).resolves.toBe(
      'Escalated: Same photo ran in 2019: ask the agency',
    );
    expect(await axeInBothSchemes(page)).toEqual([]);
    await page.getByTestId('job-details-close').click();
    if (!(await page.getByTestId('filter-review').isVisible()))
      await page.getByTestId('filters-toggle').click();
    await page.getByTestId('filter-review').selectOption('all');
    await page.getByTestId('filter-review').press('Escape');
    await waitForRows(page, (rs) => rs.length >= 6, 'every row again');
  });
});

describe('layout', () => {
  for (const size of SIZES) {
    it(`fits ${size.width}x${size.height}, with and without details, light and dark`, async () => {
      await page.setViewportSize(size);
      await page.mouse.move(0, 0);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        expect(await overflowing(page), `queue ${scheme}`).toEqual([]);
        await page.screenshot({ path: await shotPath(`media-queue-${size.width}x${size.height}-${scheme}`) });
      }
      await openDetails(page, 'press-conference-with-a-long-name-from-the-wire.mp4');
      await page.mouse.move(0, 0);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        expect(await overflowing(page), `details ${scheme}`).toEqual([]);
        // Names stay readable beside the panel (they used to shrink to one letter).
        expect(await narrowestName(page)).toBeGreaterThanOrEqual(90);
        await page.screenshot({
          path: await shotPath(`media-details-${size.width}x${size.height}-${scheme}`),
        });
      }
      await page.emulateMedia({ colorScheme: 'light' });
      expect(await axeInBothSchemes(page)).toEqual([]);
      await page.getByTestId('job-details-close').click();
      await waitUntil(
        async () => (await page.getByTestId('job-details').count()) === 0,
        'the panel to close',
      );
    });
  }

  it('the toolbar\'s two-word buttons read with one space ("Add files…", not "Add  files…")', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    // The room between the last letter of the first word and the first of the second, against the
    // width of a space in the button's font.
    const gaps = (await page.evaluate(`Array.from(document.querySelectorAll('.toolbar .btn'))
      .filter((b) => b.querySelector('.long-words'))
      .map((b) => {
        const first = b.querySelector('.long-words');
        const a = document.createRange();
        a.setStart(first.firstChild, 0);
        a.setEnd(first.firstChild, first.firstChild.textContent.trimEnd().length);
        const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
        let next = null;
        for (let n = walker.nextNode(); n; n = walker.nextNode())
          if (!first.contains(n) && n.textContent.trim()) { next = n; break; }
        const at = next.textContent.search(/\\S/);
        const z = document.createRange();
        z.setStart(next, at);
        z.setEnd(next, at + 1);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = getComputedStyle(b).font;
        const space = ctx.measureText(' ').width;
        return { text: b.textContent.trim(), ratio: (z.getBoundingClientRect().left - a.getBoundingClientRect().right) / space };
      })`)) as { text: string; ratio: number }[];
    expect(gaps.map((g) => g.text)).toEqual(['Add files…', 'Add folder…', 'Export CSV', 'Case report']);
    for (const g of gaps) expect(g.ratio, g.text).toBeLessThan(1.3);
  });
});

/** Whether every image matching `selector` has loaded a picture. */
async function loaded(selector: string): Promise<boolean> {
  return Boolean(
    await page.evaluate(`(() => {
      const imgs = Array.from(document.querySelectorAll(${JSON.stringify(selector)}));
      return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
    })()`),
  );
}

async function shotPath(name: string): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  const { ARTIFACTS_DIR } = await import('./harness');
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return `${ARTIFACTS_DIR}/${name}.png`;
}
