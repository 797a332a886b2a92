/**
 * The case report: from the details panel (one file) or the toolbar (the current filter), a
 * printable page with the picture, the verdict and its explanation, the faces, the file's facts,
 * the model and API, the Authenta record and the raw scores. The browser prints it; the desktop
 * saves a PDF through savePdf.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeApi, makeJob } from '../fake-api';
import { mountApp, seriousA11yProblems, unmountAll, type Harness } from '../harness';
import type { ProvenanceReport } from '../../../../src/shared/provenance';

vi.setConfig({ testTimeout: 60_000 });

let harness: Harness | undefined;
afterEach(() => {
  unmountAll(harness);
  harness = undefined;
  vi.restoreAllMocks();
});

const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
const T0 = 1_700_000_000_000;
const SHA = 'ab'.repeat(32);

const image = makeJob({
  id: 7,
  name: 'protest-crowd.jpg',
  size: 2_411_724,
  sha256: SHA,
  state: 'done',
  model: 'AC-1',
  generation: 'media-client',
  remoteId: 'mid-7f3a',
  verdict: { label: 'fake', confidence: 0.93 },
  doneAt: T0 + 30_000,
});
const video = makeJob({
  id: 8,
  name: 'speech.mp4',
  contentType: 'video/mp4',
  kind: 'video',
  sha256: 'cd'.repeat(32),
  state: 'done',
  model: 'DF-1',
  generation: 'jobs-v1',
  remoteId: 'job-8',
  desk: 'ben@news-2 (b2c3d4)',
  verdict: {
    label: 'fake',
    faces: 2,
    deepFakes: 1,
    participants: [
      { id: 'p1', fake: true },
      { id: 'p2', fake: false },
    ],
  },
  doneAt: T0 + 90_000,
});

function apiWithJobs(): FakeApi {
  const api = new FakeApi();
  api.jobs = [image, video];
  api.details.set(7, {
    timeline: [
      { state: 'queued', at: T0, note: null },
      { state: 'uploading', at: T0 + 5_000, note: null },
      { state: 'processing', at: T0 + 12_000, note: null },
      { state: 'done', at: T0 + 30_000, note: null },
    ],
    raw: { result: 'FAKE', score: 0.93, mid: 'mid-7f3a' },
  });
  api.details.set(8, {
    timeline: [
      { state: 'queued', at: T0, note: null },
      { state: 'finalizing', at: T0 + 40_000, note: null },
      { state: 'done', at: T0 + 90_000, note: null },
    ],
    raw: { status: 'completed', faces: [{ id: 'p1', fake: true }] },
  });
  return api;
}

function provenance(
  credentials: Partial<ProvenanceReport['credentials']>,
  metadata: ProvenanceReport['metadata'] = null,
): ProvenanceReport {
  return {
    sha256: SHA,
    credentials: {
      state: 'none',
      signedBy: null,
      signedAt: null,
      madeWith: null,
      title: null,
      actions: [],
      problems: [],
      earlierManifests: 0,
      ...credentials,
    },
    metadata,
    metadataNote: null,
    readAt: T0,
  };
}

async function openFromDetails(api: FakeApi, name: string): Promise<HTMLElement> {
  harness = await mountApp(api, { now: T0 + 100_000 });
  const row = (await screen.findAllByTestId('job-row')).find((r) => text(r).includes(name))!;
  await fireEvent.click(row);
  await fireEvent.click(await screen.findByTestId('job-report'));
  const report = await screen.findByTestId('case-report');
  await waitFor(() => expect(within(report).getAllByTestId('report-case')).toHaveLength(1));
  return report;
}

describe('the case report', () => {
  it("an image's report holds its picture, verdict, explanation, facts, record id and raw scores", async () => {
    const report = await openFromDetails(apiWithJobs(), 'protest-crowd.jpg');
    const field = (id: string) => text(within(report).getByTestId(id));
    expect(field('report-name')).toBe('protest-crowd.jpg');
    expect(field('report-verdict')).toBe('Fake');
    expect(field('report-explanation')).toMatch(/fake/i);
    expect(field('report-explanation')).toMatch(/93%/);
    expect(field('report-size')).toContain('2,411,724 bytes');
    expect(field('report-sha256')).toBe(SHA);
    expect(field('report-model')).toContain('AC-1');
    // The model by its name, its code once ("AI-generated image (AC-1) (AC-1)" was seen).
    expect(field('report-model').match(/AC-1/g)).toHaveLength(1);
    expect(field('report-api')).toBe('Media API');
    expect(field('report-remote-id')).toBe('mid-7f3a');
    expect(field('report-seen')).not.toBe('—');
    expect(field('report-uploaded')).not.toBe('—');
    expect(field('report-judged')).not.toBe('—');
    expect(field('report-faces')).toBe('—');
    // One desk alone (no desk known): no desk line.
    expect(within(report).queryByTestId('report-desk')).toBeNull();
    expect(JSON.parse(within(report).getByTestId('report-raw').textContent!)).toEqual({
      result: 'FAKE',
      score: 0.93,
      mid: 'mid-7f3a',
    });
    const picture = within(report).getByTestId('report-picture') as HTMLImageElement;
    expect(picture.getAttribute('src')).toBe('/media/test-key/original/7');
    // The app's header and queue are not part of the page.
    expect(screen.queryByTestId('job-list')).toBeNull();
    expect(await seriousA11yProblems(harness!.container)).toEqual([]);
  });

  it("a video's report shows its poster thumbnail, faces and the Jobs API", async () => {
    const report = await openFromDetails(apiWithJobs(), 'speech.mp4');
    const field = (id: string) => text(within(report).getByTestId(id));
    expect(field('report-faces')).toBe('2 (1 judged fake)');
    // On a team ledger: the desk that handled the file.
    expect(field('report-desk')).toBe('ben@news-2 (b2c3d4)');
    expect(field('report-api')).toBe('Jobs API v1');
    expect(field('report-remote-id')).toBe('job-8');
    expect(field('report-model')).toContain('DF-1');
    expect(field('report-model').match(/DF-1/g)).toHaveLength(1);
    expect(field('report-explanation')).toMatch(/face/i);
    expect(within(report).getByTestId('report-picture').getAttribute('src')).toBe('/media/test-key/thumb/8');
    expect(within(report).getByTestId('report-raw').textContent).toContain('"status": "completed"');
  });

  it('prints in the browser, saves a PDF on the desktop, and goes back to the queue', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    const api = apiWithJobs();
    await openFromDetails(api, 'protest-crowd.jpg');
    await fireEvent.click(screen.getByTestId('report-print'));
    expect(print).toHaveBeenCalledTimes(1);
    expect(api.calls.some((c) => c.name === 'savePdf')).toBe(false);
    await fireEvent.click(screen.getByTestId('report-close'));
    await screen.findAllByTestId('job-row');
    unmountAll(harness);

    const desktop = apiWithJobs();
    desktop.capabilities = { ...desktop.capabilities, host: 'electron', pdf: true };
    await openFromDetails(desktop, 'speech.mp4');
    await fireEvent.click(screen.getByTestId('report-print'));
    await waitFor(() =>
      expect(screen.getByTestId('report-message').textContent).toContain('/home/desk/case.pdf'),
    );
    expect(desktop.calls.filter((c) => c.name === 'savePdf').map((c) => c.args[0])).toEqual([
      'Case report: speech.mp4',
    ]);
    expect(print).toHaveBeenCalledTimes(1);
  });

  it('the toolbar makes one report of the files the current filter shows', async () => {
    harness = await mountApp(apiWithJobs(), { now: T0 + 100_000 });
    await screen.findAllByTestId('job-row');
    await fireEvent.click(screen.getByTestId('report-filtered'));
    const report = await screen.findByTestId('case-report');
    await waitFor(() => expect(within(report).getAllByTestId('report-case')).toHaveLength(2));
    expect(text(within(report).getByRole('heading', { level: 2 }))).toBe('Case report: 2 files');
    const names = within(report)
      .getAllByTestId('report-name')
      .map((el) => text(el))
      .sort();
    expect(names).toEqual(['protest-crowd.jpg', 'speech.mp4']);
  });

  it("prints each file's Provenance in the details' words: signer and edits, INVALID as such, and none said plainly", async () => {
    const api = apiWithJobs();
    const third = makeJob({ id: 9, name: 'plain.jpg', sha256: 'ef'.repeat(32), state: 'done' });
    api.jobs = [...api.jobs, third];
    api.provenance.set(
      7,
      provenance(
        {
          state: 'valid',
          signedBy: 'Test Newsroom (Camera 7)',
          actions: [
            { action: 'c2pa.cropped', label: 'Cropped', when: null, softwareAgent: 'Editor 5', source: null },
          ],
        },
        { make: 'TestCam', model: 'TC-100', capturedAt: null, software: null, gps: true },
      ),
    );
    api.provenance.set(
      8,
      provenance({ state: 'invalid', problems: ['The file changed after it was signed.'] }),
    );
    api.provenance.set(9, provenance({ state: 'none' }));
    harness = await mountApp(api, { now: T0 + 100_000 });
    await screen.findAllByTestId('job-row');
    await fireEvent.click(screen.getByTestId('report-filtered'));
    const report = await screen.findByTestId('case-report');
    await waitFor(() => expect(within(report).getAllByTestId('report-case')).toHaveLength(3));
    const caseOf = (id: number) => report.querySelector(`[data-job-id="${id}"]`) as HTMLElement;

    const signed = within(caseOf(7)).getByTestId('report-provenance');
    expect(text(within(signed).getByTestId('report-credentials'))).toContain(
      'Content Credentials: intact, signer not on a trust list',
    );
    expect(text(within(signed).getByTestId('report-provenance-signer'))).toBe('Test Newsroom (Camera 7)');
    expect(text(within(signed).getByTestId('report-provenance-actions'))).toBe('Cropped with Editor 5');
    expect(text(signed)).toContain('TestCam TC-100');
    expect(text(signed)).toContain('Location recorded (not shown)');

    const tampered = within(caseOf(8)).getByTestId('report-provenance');
    expect(within(tampered).getByTestId('report-credentials').getAttribute('data-state')).toBe('invalid');
    expect(text(within(tampered).getByTestId('report-credentials'))).toContain(
      'Content Credentials: INVALID',
    );
    expect(text(tampered)).not.toMatch(/intact|valid,/);
    expect(text(within(tampered).getByTestId('report-credential-problems'))).toBe(
      'The file changed after it was signed.',
    );

    const plain = within(caseOf(9)).getByTestId('report-provenance');
    expect(text(within(plain).getByTestId('report-credentials'))).toContain('No Content Credentials');
    expect(text(within(plain).getByTestId('report-no-metadata'))).toBe('No camera metadata in this file.');
    expect(await seriousA11yProblems(harness!.container)).toEqual([]);
  });

  it('a file whose provenance cannot be read still prints, saying so', async () => {
    const api = apiWithJobs();
    api.getProvenance = () => Promise.reject(new Error('the file is gone'));
    const report = await openFromDetails(api, 'protest-crowd.jpg');
    expect(text(within(report).getByTestId('report-provenance'))).toContain(
      'Provenance could not be read: the file is gone',
    );
    expect(text(within(report).getByTestId('report-verdict'))).toBe('Fake');
  });
});
