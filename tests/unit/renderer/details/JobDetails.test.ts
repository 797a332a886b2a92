/**
 * The details panel tells the truth about a job: what was simulated, how often a call failed, and
 * only the actions that can change its outcome.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../../src/shared/domain';
import { FakeApi, makeJob, makeStatus } from '../fake-api';
import { mountApp, seriousA11yProblems, unmountAll, type Harness } from '../harness';

vi.setConfig({ testTimeout: 60_000 });

let harness: Harness | undefined;
afterEach(() => {
  unmountAll(harness);
  harness = undefined;
});

const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
const NOW = 1_700_000_500_000;

const sandbox = makeStatus({
  profile: {
    id: 'sandbox',
    name: 'Sandbox',
    baseUrl: 'sim://local',
    generation: 'media-client',
    simulated: true,
    hasSecret: true,
  },
});

async function openOnly(job: Job, api = new FakeApi()): Promise<HTMLElement> {
  api.status = sandbox;
  api.jobs = [job];
  harness = await mountApp(api, { now: NOW });
  await fireEvent.click(screen.getByTestId('job-row'));
  const panel = await screen.findByTestId('job-details');
  await waitFor(() => expect(text(panel)).toContain(job.name));
  return panel;
}

describe('job details', () => {
  it('names the desk that handled the file (a team ledger), and no desk when none is known', async () => {
    const panel = await openOnly(
      makeJob({ id: 1, name: 'a.png', state: 'done', desk: 'anna@news-1 (a1b2c3)' }),
    );
    expect(text(within(panel).getByTestId('job-desk'))).toBe('anna@news-1 (a1b2c3)');
    unmountAll(harness);
    const other = await openOnly(makeJob({ id: 2, name: 'b.png', state: 'done' }));
    expect(within(other).queryByTestId('job-desk')).toBeNull();
  });

  it('a text file skipped in the Sandbox is not called simulated and offers no retry', async () => {
    const panel = await openOnly(
      makeJob({
        id: 1,
        name: 'notes.txt',
        simulated: true,
        state: 'skipped',
        kind: null,
        errorCode: 'UNSUPPORTED_TYPE',
        errorKind: 'unsupported',
        errorMessage: 'notes.txt is not an image or video Authenta can check.',
      }),
    );
    expect(within(panel).queryByTestId('simulated-tag')).toBeNull();
    expect(within(screen.getByTestId('job-row')).queryByTestId('simulated-tag')).toBeNull();
    expect(within(panel).queryByTestId('job-retry')).toBeNull();
    expect(within(panel).queryByTestId('job-recheck')).toBeNull();
    expect(text(within(panel).getByTestId('job-error'))).toContain('UNSUPPORTED_TYPE');
  });

  it('a simulated verdict says so, in the row and the panel', async () => {
    const panel = await openOnly(
      makeJob({ id: 2, simulated: true, state: 'done', verdict: { label: 'fake', confidence: 0.9 } }),
    );
    expect(text(within(panel).getByTestId('simulated-tag'))).toBe(
      'Simulated: judged by the Sandbox, not by Authenta',
    );
    expect(text(within(screen.getByTestId('job-row')).getByTestId('simulated-tag'))).toBe('Simulated');
  });

  it('offers Retry for a file that vanished before it was checked', async () => {
    const api = new FakeApi();
    const panel = await openOnly(
      makeJob({ id: 3, name: 'moved.jpg', state: 'skipped', errorCode: 'VANISHED', errorKind: 'local' }),
      api,
    );
    await fireEvent.click(within(panel).getByTestId('job-retry'));
    await waitFor(() => expect(api.callsOf('retryJob')[0]?.args).toEqual([3]));
  });

  it('offers no Retry for a file whose newer version is already its own job', async () => {
    const panel = await openOnly(
      makeJob({ id: 4, state: 'failed', errorCode: 'CHANGED', errorKind: 'local' }),
    );
    expect(within(panel).queryByTestId('job-retry')).toBeNull();
  });

  it('a duplicate offers a paid new check, asked twice', async () => {
    const api = new FakeApi();
    const panel = await openOnly(
      makeJob({
        id: 5,
        name: 'copy.jpg',
        state: 'skipped',
        duplicateOf: 2,
        errorCode: 'DUPLICATE',
        verdict: { label: 'authentic', confidence: 0.95 },
      }),
      api,
    );
    expect(within(panel).queryByTestId('job-retry')).toBeNull();
    await fireEvent.click(within(panel).getByTestId('job-recheck'));
    expect(api.callsOf('retryJob')).toHaveLength(0);
    expect(text(within(panel).getByTestId('job-recheck-note'))).toContain(
      'This spends a credit, although job #2 already has a verdict for the same bytes.',
    );
    await fireEvent.click(within(panel).getByTestId('job-recheck-confirm'));
    await waitFor(() => expect(api.callsOf('retryJob')[0]?.args).toEqual([5]));
    expect(text(await within(panel).findByTestId('job-notice'))).toBe('Queued for a new check.');
    expect(await seriousA11yProblems(harness!.container)).toEqual([]);
  });

  it('hides the failed tries of a job sent once, and counts them with the next try when there were some', async () => {
    const panel = await openOnly(makeJob({ id: 6, state: 'done', attempts: 0, size: 1 }));
    expect(within(panel).queryByTestId('job-failed-tries')).toBeNull();
    expect(text(panel)).not.toMatch(/Attempts/);
    expect(text(panel)).toContain('(1 byte)');
    unmountAll(harness);

    const retrying = await openOnly(
      makeJob({ id: 7, state: 'queued', attempts: 2, errorCode: 'HTTP_503', nextAttemptAt: NOW + 60_000 }),
    );
    const tries = within(retrying).getByTestId('job-failed-tries');
    expect(text(tries)).toMatch(/^2 · next automatic try at \d\d?:\d\d:\d\d/);
    expect(text(tries.previousElementSibling)).toBe('Failed tries');
  });
});

describe('issue 12: a verdict people can read', () => {
  it('a suspect image that leaned authentic: the gauge puts it in the suspect band, left of the middle', async () => {
    const panel = await openOnly(
      makeJob({
        id: 5,
        name: 'blurry.png',
        state: 'done',
        verdict: {
          label: 'suspect',
          leaning: 'authentic',
          confidence: 0.57,
          reason: 'The model leans towards authentic, with low confidence',
        },
      }),
    );
    const gauge = within(panel).getByTestId('verdict-gauge');
    expect(gauge.dataset.band).toBe('suspect');
    expect(text(within(gauge).getByTestId('gauge-words'))).toBe(
      'The model leaned authentic, with low confidence (57% confidence).',
    );
    expect(text(gauge)).toContain('Below 60% confidence an answer is shown as Suspect either way');
    // 57% sure of "authentic" sits left of the middle (no confidence), inside the suspect band.
    const left = parseFloat(within(gauge).getByTestId('gauge-marker').style.left);
    expect(left).toBeGreaterThan(20);
    expect(left).toBeLessThan(50);
    expect(await seriousA11yProblems(panel)).toEqual([]);
  });

  it('a duplicate is good news with a way to the earlier file, not an error', async () => {
    const api = new FakeApi();
    api.status = sandbox;
    const earlier = makeJob({
      id: 3,
      name: 'first.jpg',
      state: 'done',
      verdict: { label: 'authentic', confidence: 0.9 },
    });
    const dup = makeJob({
      id: 4,
      name: 'copy.jpg',
      state: 'skipped',
      duplicateOf: 3,
      errorCode: 'DUPLICATE',
      errorMessage: 'Same bytes as job #3.',
      verdict: { label: 'authentic', confidence: 0.9 },
    });
    api.jobs = [dup, earlier];
    harness = await mountApp(api, { now: NOW });
    const row = screen.getAllByTestId('job-row').find((r) => r.dataset.jobId === '4')!;
    expect(text(within(row).getByTestId('duplicate-tag'))).toBe('✓ Already checked');
    await fireEvent.click(row);
    const panel = await screen.findByTestId('job-details');
    await waitFor(() => expect(text(panel)).toContain('copy.jpg'));
    expect(within(panel).queryByTestId('job-error')).toBeNull();
    expect(text(within(panel).getByTestId('job-duplicate'))).toContain('Already checked, no credit spent.');
    await fireEvent.click(within(panel).getByTestId('job-open-earlier'));
    await waitFor(() =>
      expect(text(screen.getByTestId('job-details').querySelector('h2'))).toBe('first.jpg'),
    );
  });

  it('names the model instead of showing its bare code', async () => {
    const panel = await openOnly(
      makeJob({ id: 6, model: 'AC-1', generation: 'media-client', state: 'done' }),
    );
    expect(text(within(panel).getByTestId('job-model'))).toBe('AI-generated image (AC-1) · Media API');
  });
});
