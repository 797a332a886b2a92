import { describe, expect, it } from 'vitest';
import type { HostCapabilities } from '../../../../src/shared/contract';
import { DetailsState } from '../../../../src/renderer/src/state/details-state.svelte';
import { FakeApi, makeJob } from '../fake-api';

function setup(capabilities: Partial<HostCapabilities> = {}) {
  const api = new FakeApi();
  const opened: string[] = [];
  const copied: string[] = [];
  let popupsBlocked = false;
  const effects = {
    openUrl: (url: string) => {
      opened.push(url);
      return !popupsBlocked;
    },
    copyText: async (text: string) => {
      copied.push(text);
    },
  };
  const caps: HostCapabilities = { ...api.capabilities, ...capabilities };
  const details = new DetailsState(api, effects, () => caps);
  return { api, details, opened, copied, blockPopups: () => (popupsBlocked = true) };
}

describe('DetailsState', () => {
  it('shows a job with its timeline, raw record and hint', async () => {
    const { api, details } = setup();
    api.jobs = [makeJob({ id: 4, state: 'failed', errorCode: 'IAM001', remoteId: 'mid-4' })];
    api.details.set(4, {
      timeline: [
        { state: 'queued', at: 1, note: null },
        { state: 'failed', at: 2, note: 'IAM001' },
      ],
      raw: { code: 'IAM001' },
      hint: 'Check the client ID and secret.',
    });
    await details.open(4);
    expect(details.details?.timeline).toHaveLength(2);
    expect(details.details?.hint).toBe('Check the client ID and secret.');
    expect(details.canRetry).toBe(true);
    expect(details.canCancel).toBe(false);
    expect(details.canDeleteRemote).toBe(true);
    expect(details.canReveal).toBe(false);
  });

  it('offers reveal only where the host can show files', async () => {
    const { api, details } = setup({ revealInFolder: true });
    api.jobs = [makeJob({ id: 1, state: 'processing' })];
    await details.open(1);
    expect(details.canReveal).toBe(true);
    expect(details.canCancel).toBe(true);
    expect(details.canRetry).toBe(false);
    expect(details.canDeleteRemote).toBe(false);
    await details.reveal();
    expect(api.callsOf('revealJob')[0]?.args).toEqual([1]);
  });

  it('runs actions on the open job and says what happened', async () => {
    const { api, details } = setup();
    api.jobs = [makeJob({ id: 2, state: 'failed', remoteId: 'm2' })];
    await details.open(2);
    expect(await details.retry()).toBe(true);
    expect(details.notice).toEqual({ tone: 'ok', text: 'Queued again.' });
    api.failures.set('deleteRemote', 'IAM002: this key may not delete.');
    expect(await details.deleteRemote()).toBe(false);
    expect(details.notice).toEqual({
      tone: 'error',
      text: 'Delete failed: IAM002: this key may not delete.',
    });
    expect(details.busy).toBe(false);
  });

  it('copies the mid', async () => {
    const { api, details, copied } = setup();
    api.jobs = [makeJob({ id: 2, remoteId: 'abc-123' })];
    await details.open(2);
    await details.copyMid();
    expect(copied).toEqual(['abc-123']);
    expect(details.notice?.text).toBe('Copied abc-123.');
  });

  it('asks for a fresh link every time and opens it in the browser', async () => {
    const { api, details, opened, blockPopups } = setup();
    api.jobs = [makeJob({ id: 3, state: 'done', remoteId: 'm3' })];
    await details.open(3);
    await details.openLink('heatmap', 'p0');
    await details.openLink('heatmap', 'p0');
    expect(api.callsOf('openLink').map((c) => c.args[0])).toEqual([
      { id: 3, kind: 'heatmap', participantId: 'p0' },
      { id: 3, kind: 'heatmap', participantId: 'p0' },
    ]);
    expect(opened).toHaveLength(2);
    blockPopups();
    await details.openLink('result');
    expect(details.blockedUrl).toBe(api.linkUrl);
  });

  it('lets Electron open links itself', async () => {
    const { api, details, opened } = setup({ host: 'electron' });
    api.jobs = [makeJob({ id: 3, state: 'done', remoteId: 'm3' })];
    await details.open(3);
    expect(await details.openLink('result')).toBe(api.linkUrl);
    expect(opened).toEqual([]);
  });

  it('refreshes when the engine changes the open job and closes when it is removed', async () => {
    const { api, details } = setup();
    const job = makeJob({ id: 5, state: 'uploading' });
    api.jobs = [job, makeJob({ id: 6 })];
    await details.open(5);
    const before = api.callsOf('getJob').length;
    details.onJobsChanged([{ type: 'upsert', job: makeJob({ id: 6 }) }]);
    expect(api.callsOf('getJob')).toHaveLength(before);
    api.jobs[0] = { ...job, state: 'processing' };
    details.onJobsChanged([{ type: 'upsert', job: api.jobs[0] }]);
    await details.refresh();
    expect(details.details?.job.state).toBe('processing');
    details.onJobsChanged([{ type: 'removed', id: 5 }]);
    expect(details.openId).toBeNull();
    expect(details.details).toBeNull();
  });

  it('collapses a burst of changes into few fetches', async () => {
    const { api, details } = setup();
    api.jobs = [makeJob({ id: 5 })];
    await details.open(5);
    const before = api.callsOf('getJob').length;
    for (let i = 0; i < 20; i += 1) details.onJobsChanged([{ type: 'upsert', job: api.jobs[0]! }]);
    await details.refresh();
    expect(api.callsOf('getJob').length - before).toBeLessThanOrEqual(2);
  });

  it('says when the details cannot be loaded', async () => {
    const { details } = setup();
    await details.open(404);
    expect(details.error).toBe('The details could not be loaded: No job 404.');
  });
});
