/**
 * The notice after files are given to the window: it says how many the host received, then follows
 * their jobs to the outcome (the host cannot know at once that a text file will be skipped).
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DropResult } from '../../../../src/shared/contract';
import { FakeApi, makeJob } from '../fake-api';
import { mountApp, seriousA11yProblems, unmountAll, type Harness } from '../harness';

vi.setConfig({ testTimeout: 60_000 });

let harness: Harness | undefined;
afterEach(() => {
  unmountAll(harness);
  harness = undefined;
});

const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

function dropOn(target: EventTarget, names: string[]): void {
  const drop = new Event('drop', { bubbles: true, cancelable: true });
  const files = names.map((n) => new File([n], n));
  Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files } });
  target.dispatchEvent(drop);
}

describe('the drop notice', () => {
  it('follows the received files to their outcome, ignoring other jobs that change meanwhile', async () => {
    const api = new FakeApi();
    // An earlier drop and a watched folder's file: neither belongs to this drop.
    const earlier = makeJob({ id: 40, name: 'earlier.jpg', folderId: null, state: 'processing' });
    const watched = makeJob({ id: 41, name: 'watched.jpg', folderId: 'f1', state: 'queued' });
    api.jobs = [earlier, watched];
    let release: ((r: DropResult) => void) | undefined;
    harness = await mountApp(api, {
      drop: () => new Promise<DropResult>((resolve) => (release = resolve)),
    });
    dropOn(window, ['still.png', 'notes.txt']);
    // While the host still takes the files, the notice says so.
    await waitFor(() => expect(text(screen.getByTestId('drop-result'))).toContain('Handing over 2 files…'));
    await waitFor(() => expect(release).toBeDefined()); // the host has the files
    const still = makeJob({ id: 42, name: 'still.png', folderId: null, state: 'waiting' });
    const notes = makeJob({ id: 43, name: 'notes.txt', folderId: null, state: 'waiting' });
    api.emitJobs([
      { type: 'upsert', job: still },
      { type: 'upsert', job: notes },
    ]);
    release?.({ accepted: 2, rejected: [] });
    const notice = await screen.findByTestId('drop-progress');
    await waitFor(() => expect(text(notice)).toBe('2 still being checked'));
    expect(text(screen.getByTestId('drop-result'))).toContain('2 files received.');

    api.emitJobs([
      { type: 'upsert', job: { ...earlier, state: 'failed', errorCode: 'DEADLINE' } },
      { type: 'upsert', job: { ...watched, state: 'skipped', errorCode: 'UNSUPPORTED_TYPE' } },
      {
        type: 'upsert',
        job: { ...notes, state: 'skipped', errorCode: 'UNSUPPORTED_TYPE', errorKind: 'unsupported' },
      },
    ]);
    await waitFor(() => expect(text(notice)).toBe('1 skipped · 1 still being checked'));
    api.emitJobs([
      { type: 'upsert', job: { ...still, state: 'done', verdict: { label: 'suspect', confidence: 0.6 } } },
    ]);
    await waitFor(() => expect(text(notice)).toBe('1 with a verdict · 1 skipped'));
    const result = screen.getByTestId('drop-result');
    expect(text(within(result).getByTestId('drop-problems'))).toBe(
      'Skipped, not a type Authenta can check: notes.txt.',
    );
    expect(result.className).toContain('warning');
    expect(await seriousA11yProblems(harness.container)).toEqual([]);
    await fireEvent.click(within(result).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('drop-result')).toBeNull();
  });

  it('counts duplicates as already checked and failures with their reason', async () => {
    const api = new FakeApi();
    api.jobs = [makeJob({ id: 5, name: 'old.jpg', state: 'done' })];
    harness = await mountApp(api, {
      drop: async () => {
        api.emitJobs([
          {
            type: 'upsert',
            job: makeJob({ id: 6, name: 'copy.jpg', folderId: null, state: 'skipped', duplicateOf: 5 }),
          },
          {
            type: 'upsert',
            job: makeJob({
              id: 7,
              name: 'gone.jpg',
              folderId: null,
              state: 'skipped',
              errorCode: 'VANISHED',
            }),
          },
          {
            type: 'upsert',
            job: makeJob({
              id: 8,
              name: 'bad.mp4',
              folderId: null,
              state: 'failed',
              errorCode: 'REMOTE_FAILED',
            }),
          },
        ]);
        return { accepted: 3, rejected: [] };
      },
    });
    await fireEvent.click(screen.getByTestId('nav-queue'));
    dropOn(window, ['copy.jpg', 'gone.jpg', 'bad.mp4']);
    const notice = await screen.findByTestId('drop-progress');
    await waitFor(() =>
      expect(text(notice)).toBe('1 already checked (same bytes as an earlier file) · 1 skipped · 1 failed'),
    );
    expect(text(screen.getByTestId('drop-problems'))).toBe(
      'Skipped, the file was moved or deleted: gone.jpg. Failed, Authenta could not analyse it: bad.mp4.',
    );
    expect(screen.getByTestId('drop-result').className).toContain('error');
  });

  it('points to the queue when it cannot follow the files', async () => {
    const api = new FakeApi();
    harness = await mountApp(api, { drop: async () => ({ accepted: 1, rejected: [] }) });
    api.failures.set('listJobs', 'The engine is busy.');
    dropOn(window, ['a.jpg']);
    const result = await screen.findByTestId('drop-result');
    await waitFor(() => expect(text(result)).toContain('1 file received. See the queue for their status.'));
  });

  it('says when the host received nothing', async () => {
    harness = await mountApp(new FakeApi(), {
      drop: async () => ({
        accepted: 0,
        rejected: [{ path: 'a.jpg', reason: 'The upload was interrupted.' }],
      }),
    });
    dropOn(window, ['a.jpg']);
    const result = await screen.findByTestId('drop-result');
    await waitFor(() =>
      expect(text(result)).toContain('No files received. Not received: a.jpg: The upload was interrupted.'),
    );
    expect(result.className).toContain('error');
  });
});
