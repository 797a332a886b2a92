import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../../../../src/shared/domain';
import { StatusState } from '../../../../src/renderer/src/state/status-state.svelte';
import { FakeApi, makeFolder, makeStatus } from '../fake-api';

describe('StatusState', () => {
  it('loads capabilities and status, and takes later status events whole', async () => {
    const api = new FakeApi();
    const status = new StatusState(api);
    await status.load();
    expect(status.capabilities?.host).toBe('web');
    expect(status.simulated).toBe(false);
    status.apply(
      makeStatus({
        profile: {
          id: 'sandbox',
          name: 'Sandbox',
          baseUrl: 'sim://local',
          generation: 'media-client',
          simulated: true,
          hasSecret: true,
        },
        counts: { ...emptyCounts(), processing: 4, finalizing: 1, queued: 2, waiting: 1, blocked: 3 },
        folders: [
          makeFolder({ id: 'a', path: '/a' }),
          makeFolder({
            id: 'b',
            path: '/b',
            health: { state: 'polling', message: 'A network share.', lastEventAt: null },
          }),
          makeFolder({
            id: 'c',
            path: '/c',
            health: { state: 'unavailable', message: 'Gone.', lastEventAt: null },
          }),
        ],
      }),
    );
    expect(status.simulated).toBe(true);
    expect(status.waitingForVerdict).toBe(5);
    expect(status.pending).toBe(6);
    expect(status.watcherCounts).toEqual({ starting: 0, watching: 1, polling: 1, unavailable: 1, paused: 0 });
    expect(status.folderPaths).toEqual({ a: '/a', b: '/b', c: '/c' });
    expect(status.banners.map((b) => b.kind)).toEqual(['folder']);
  });

  it('pauses and resumes everything, then shows the new status', async () => {
    const api = new FakeApi();
    const status = new StatusState(api);
    await status.load();
    await status.pauseAll();
    expect(status.paused).toBe(true);
    await status.resumeAll();
    expect(status.paused).toBe(false);
    expect(api.calls.map((c) => c.name)).toContain('pauseAll');
  });

  it('says when the engine does not answer', async () => {
    const api = new FakeApi();
    api.failures.set('getStatus', 'socket closed');
    const status = new StatusState(api);
    await status.load();
    expect(status.error).toBe("Authenta Watch's engine did not answer: socket closed");
  });
});
