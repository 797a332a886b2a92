/**
 * The main flow of issue 5, seen by a user in Chromium on the real headless host (`authenta-watch
 * --ui`: built CLI, engine, web host, built renderer) against a simulator this test controls:
 * watch a folder typed into the UI, copy photos and videos into it, see each verdict with its
 * badge, confidence and faces, open a video's details (timeline, faces), export a CSV, delete a
 * remote record, retry a failed file, pause and resume the queue.
 *
 * The flow runs once per API generation. The media API runs with client credentials; the Jobs API
 * (v1) runs with an API key and a profile of that generation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ApiGeneration } from '../../src/shared/domain';
import type { Simulator } from '../../src/main/sim';
import { makeJpeg, makeMp4, makePng, simMarker, type SimOutcome } from '../helpers/media-fixtures';
import { launchChromium, openApp, startHeadless, waitUntil, type HeadlessHost } from './harness';
import {
  axeInBothSchemes,
  clientEnv,
  csvRecords,
  goTo,
  openDetails,
  rowOf,
  screenshotsInBothSchemes,
  startTestSimulator,
  waitForRow,
  waitForRows,
  waitForText,
} from './ui';

interface Variant {
  generation: ApiGeneration;
  /** The route of the record-creating POST and of a remote delete, as the simulator logs them. */
  createRoute: string;
  deleteRoute: string;
  /** The states a watched file's timeline passes through, in order. */
  timeline: string[];
}

const VARIANTS: Variant[] = [
  {
    generation: 'media-client',
    createRoute: '/media',
    deleteRoute: '/media/:mid',
    timeline: ['waiting', 'queued', 'creating', 'uploading', 'processing', 'done'],
  },
  {
    generation: 'jobs-v1',
    createRoute: '/v1/jobs',
    deleteRoute: '/v1/jobs/:id',
    timeline: ['waiting', 'queued', 'creating', 'uploading', 'finalizing', 'processing', 'done'],
  },
];

/** The files copied into the watched folder and what the user must see for each. */
const FILES: {
  name: string;
  bytes: Buffer;
  verdict: string;
  badge: string;
  confidence?: [number, number];
  faces?: string;
}[] = [
  {
    name: 'portrait.png',
    bytes: makePng({ marker: simMarker('fake'), padding: 11 }),
    verdict: 'fake',
    badge: 'Fake',
    confidence: [85, 99],
  },
  {
    name: 'street.jpg',
    bytes: makeJpeg({ marker: simMarker('real'), padding: 12 }),
    verdict: 'authentic',
    badge: 'Authentic',
    confidence: [85, 99],
  },
  {
    name: 'blurry.png',
    bytes: makePng({ marker: simMarker('suspect'), padding: 13 }),
    verdict: 'suspect',
    badge: 'Suspect',
    confidence: [51, 60],
  },
  {
    name: 'empty-room.mp4',
    bytes: makeMp4({ marker: simMarker('noface'), padding: 14 }),
    verdict: 'inconclusive',
    badge: 'Inconclusive',
    faces: 'no face',
  },
  {
    name: 'interview.mp4',
    bytes: makeMp4({ marker: simMarker('faces=3,fakes=1'), padding: 15 }),
    verdict: 'fake',
    badge: 'Fake',
    faces: '1/3 faces fake',
  },
];

const percent = (text: string): number => Number(/^(\d+)%$/.exec(text)?.[1] ?? NaN);
const image = (outcome: SimOutcome, n: number): Buffer =>
  makePng({ marker: simMarker(outcome), padding: 100 + n });

describe.each(VARIANTS)('the main flow on $generation', (v) => {
  let sim: Simulator;
  let host: HeadlessHost;
  let browser: Browser;
  let page: Page;
  /** Our own temp folder: the watched folder and, for the Jobs API, a data folder with its profile. */
  let root: string;
  let incoming: string;
  const requests = (method: string, route: string) =>
    sim.requests.filter((r) => r.method === method && r.route === route);

  beforeAll(async () => {
    sim = await startTestSimulator();
    root = await mkdtemp(join(tmpdir(), 'authenta-e2e-flow-'));
    incoming = join(root, 'Incoming');
    await mkdir(incoming);
    let args = ['--base-url', sim.url];
    let env = clientEnv(sim);
    if (v.generation === 'jobs-v1') {
      // No flag picks the Jobs API: a profile of that generation in the settings does, and the key keeps it.
      const dataDir = join(root, 'data');
      await mkdir(dataDir);
      await writeFile(
        join(dataDir, 'settings.json'),
        JSON.stringify({
          version: 1,
          profiles: [
            { id: 'default', name: 'Authenta', baseUrl: sim.url, generation: 'jobs-v1', simulated: false },
          ],
          activeProfileId: 'default',
        }),
      );
      args = ['--data-dir', dataDir, ...args];
      env = { AUTHENTA_API_KEY: sim.apiKey };
    }
    host = await startHeadless({ replaceArgs: true, noFolder: true, args, env });
    browser = await launchChromium();
    ({ page } = await openApp(browser, host));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await sim?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('starts empty and watches a folder typed into the path field', async () => {
    await page.getByTestId('empty-state').waitFor();
    await expect(page.getByTestId('empty-state').textContent()).resolves.toContain(
      'Screen photos and videos for deepfakes',
    );
    await page.getByTestId('add-folder-path').fill(incoming);
    await page.getByTestId('add-folder-button').click();
    await page.getByText('Watching 1 folder').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('sandbox-badge').count()).toBe(0);

    await goTo(page, 'folders');
    const folder = page.getByTestId('folder-item');
    await expect(folder.locator('h3').textContent()).resolves.toBe(incoming);
    await page.locator('[data-testid="folder-item"][data-health="watching"]').waitFor({ timeout: 30_000 });
    await goTo(page, 'queue');
  });

  it('judges every photo and video copied into the folder, with badge, confidence and faces', async () => {
    const staging = join(root, 'camera-card');
    await mkdir(staging);
    for (const f of FILES) await writeFile(join(staging, f.name), f.bytes);
    for (const f of FILES) await copyFile(join(staging, f.name), join(incoming, f.name));

    const shown = await waitForRows(
      page,
      (rs) => FILES.every((f) => rs.some((r) => r.name === f.name && r.state === 'done')),
      'a verdict for every file',
      150_000,
    );
    for (const f of FILES) {
      const row = shown.find((r) => r.name === f.name)!;
      expect(row, f.name).toMatchObject({ verdict: f.verdict, badge: f.badge });
      if (f.confidence) {
        const pct = percent(row.confidence);
        expect(pct, `${f.name} confidence ${row.confidence}`).toBeGreaterThanOrEqual(f.confidence[0]);
        expect(pct, `${f.name} confidence ${row.confidence}`).toBeLessThanOrEqual(f.confidence[1]);
      }
      expect(row.faces, f.name).toBe(f.faces ?? '');
    }
    await expect(page.getByTestId('job-count').textContent()).resolves.toMatch(/^\s*5\s+jobs\s*$/);
    // One record per file, no file sent twice.
    expect(requests('POST', v.createRoute)).toHaveLength(FILES.length);
    await waitForText(page, 'status-waiting', /Waiting for verdicts 0$/);
    await waitForText(page, 'status-calls', /[1-9]\d* look-ups? · [1-9]\d* sends?/);
    await screenshotsInBothSchemes(page, `flow-${v.generation}-queue`);
    expect(await axeInBothSchemes(page)).toEqual([]);
  }, 180_000);

  it("shows a video's timeline and the result of each face", async () => {
    await openDetails(page, 'interview.mp4');
    const panel = page.getByTestId('job-details');
    await expect(panel.getByTestId('verdict-badge').textContent()).resolves.toContain('Fake');
    await expect(panel.getByTestId('verdict-faces').textContent()).resolves.toBe('1/3 faces fake');

    const states = await panel
      .getByTestId('timeline-entry')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
    // Each state once, in order (notes may repeat a state: only the changes count here).
    expect(states.filter((s, i) => s !== states[i - 1])).toEqual(v.timeline);

    const faces = await panel
      .getByTestId('participant-row')
      .evaluateAll((els) => els.map((el) => ({ fake: el.getAttribute('data-fake'), text: el.textContent })));
    expect(faces).toHaveLength(3);
    expect(faces.filter((f) => f.fake === 'true')).toHaveLength(1);
    expect(faces.filter((f) => /Not fake/.test(f.text ?? ''))).toHaveLength(2);
    await expect(panel.getByTestId('job-mid').textContent()).resolves.toMatch(/\S{6,}/);
    await screenshotsInBothSchemes(page, `flow-${v.generation}-details`);
    expect(await axeInBothSchemes(page)).toEqual([]);
    await page.getByTestId('job-details-close').click();
    await page.getByTestId('job-details').waitFor({ state: 'detached' });
  });

  it('exports a CSV report with one row per job and its verdict', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByTestId('export-csv').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^authenta-report-\d{4}-\d\d-\d\d-\d{4}\.csv$/);
    const file = await download.path();
    const records = csvRecords(await readFile(file, 'utf8'));
    expect(records.map((r) => r.name).sort()).toEqual(FILES.map((f) => f.name).sort());
    for (const f of FILES) {
      const r = records.find((x) => x.name === f.name)!;
      expect(r, f.name).toMatchObject({
        path: join(incoming, f.name),
        state: 'done',
        verdict: f.verdict,
        generation: v.generation,
      });
      expect(r.remoteId, f.name).not.toBe('');
      expect(r.sha256, f.name).toMatch(/^[0-9a-f]{64}$/);
      if (f.confidence) {
        // The report keeps the fraction; the screen shows it as a percent.
        const shown = percent((await rowOf(page, f.name))!.confidence);
        expect(Math.round(Number(r.confidence) * 100), f.name).toBe(shown);
      }
    }
    expect(records.find((r) => r.name === 'interview.mp4')).toMatchObject({ faces: '3', deepFakes: '1' });
    expect(records.find((r) => r.name === 'empty-room.mp4')).toMatchObject({ faces: '0' });
  });

  it('deletes the remote record of a job after a confirmation; the verdict stays', async () => {
    await openDetails(page, 'portrait.png');
    const panel = page.getByTestId('job-details');
    const mid = (await panel.getByTestId('job-mid').textContent())!.trim();
    expect(requests('DELETE', v.deleteRoute)).toHaveLength(0);
    await panel.getByTestId('job-delete-remote').click();
    // Nothing is deleted until the user confirms.
    expect(requests('DELETE', v.deleteRoute)).toHaveLength(0);
    await panel.getByTestId('job-delete-remote-confirm').click();
    await expect(
      panel
        .getByTestId('job-notice')
        .textContent({ timeout: 30_000 })
        .then((t) => t?.trim()),
    ).resolves.toBe('The record was deleted on Authenta; the verdict stays here.');
    const deletes = requests('DELETE', v.deleteRoute);
    expect(deletes).toHaveLength(1);
    expect(deletes[0]).toMatchObject({ mid, status: v.generation === 'jobs-v1' ? 204 : 200 });
    expect(await rowOf(page, 'portrait.png')).toMatchObject({ state: 'done', verdict: 'fake' });
    await page.getByTestId('job-details-close').click();
  });

  it('shows a failed file with what went wrong, and sends it again on Retry', async () => {
    await writeFile(join(incoming, 'damaged.png'), image('fail', 1));
    await waitForRow(page, 'damaged.png', ['failed'], 90_000);
    await openDetails(page, 'damaged.png');
    const panel = page.getByTestId('job-details');
    await expect(panel.getByTestId('job-error').textContent()).resolves.toMatch(/could not be analysed/);
    const before = requests('POST', v.createRoute).length;
    const creatingEntries = () =>
      panel
        .getByTestId('timeline-entry')
        .evaluateAll((els) => els.filter((el) => el.getAttribute('data-state') === 'creating').length);
    expect(await creatingEntries()).toBe(1);

    await panel.getByTestId('job-retry').click();
    // The file goes again: a new record is made, and the simulator (deterministic) fails it again.
    await waitUntil(
      () => requests('POST', v.createRoute).length === before + 1,
      'a new record for the retry',
    );
    await waitUntil(
      async () => (await creatingEntries()) === 2,
      'the second attempt in the timeline',
      90_000,
    );
    await waitForRow(page, 'damaged.png', ['failed'], 90_000);
    await page.getByTestId('job-details-close').click();
  });

  it('Pause all keeps new files queued; Resume all sends them', async () => {
    await page.getByTestId('pause-all').click();
    await page.getByTestId('banner-paused').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('banner-paused').textContent()).resolves.toContain('Queue paused');
    const posts = requests('POST', v.createRoute).length;

    await writeFile(join(incoming, 'later-1.png'), image('real', 2));
    await waitForRow(page, 'later-1.png', ['queued']);
    await writeFile(join(incoming, 'later-2.png'), image('fake', 3));
    await waitForRow(page, 'later-2.png', ['queued']);
    // The first file has been queued for a whole stability window by now: nothing was sent.
    expect((await rowOf(page, 'later-1.png'))?.state).toBe('queued');
    expect(requests('POST', v.createRoute)).toHaveLength(posts);
    await waitForText(page, 'status-pending', /To send 2$/);

    await page.getByTestId('resume-all').click();
    await page.getByTestId('banner-paused').waitFor({ state: 'detached', timeout: 30_000 });
    await waitForRow(page, 'later-1.png', ['done']);
    await waitForRow(page, 'later-2.png', ['done']);
    expect(await rowOf(page, 'later-1.png')).toMatchObject({ verdict: 'authentic' });
    expect(await rowOf(page, 'later-2.png')).toMatchObject({ verdict: 'fake' });
    expect(requests('POST', v.createRoute)).toHaveLength(posts + 2);
    await page.getByTestId('pause-all').waitFor();
  }, 180_000);
});
