import { beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_ARGS, EVENT_METHODS, type AuthentaWatchApi } from '../../../src/shared/contract';
import { createLogger } from '../../../src/main/core/logger';
import { forwardEvents, registerCommands } from '../../../src/main/ipc';
import { isTrustedSender } from '../../../src/main/desktop/security';
import type { DropResult } from '../../../src/shared/contract';
import { FakeEngine, makeStatus } from './fake-engine';
import { FakeWebContents, fake, resetFakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const APP_URL = 'file:///app/out/renderer/index.html';

/** Loads the preload as the window would, wired to a main process serving `engine`. */
async function loadPreload(engine: FakeEngine) {
  resetFakeElectron();
  const contents = new FakeWebContents();
  contents.mainFrame.url = APP_URL;
  contents.renderer = fake.ipcRenderer;
  fake.ipcRenderer.target = { contents };
  const target = { kind: 'file' as const, indexFile: '/app/out/renderer/index.html' };
  registerCommands(
    engine,
    (s) => isTrustedSender(s, { webContentsId: contents.id, target }),
    createLogger({ sinks: [] }),
  );
  forwardEvents(engine, () => contents as unknown as Electron.WebContents);
  vi.resetModules();
  await import('../../../src/preload/index');
  return {
    api: fake.exposed.get('authenta') as AuthentaWatchApi,
    drop: fake.exposed.get('authentaDrop') as (files: File[]) => Promise<DropResult>,
    contents,
  };
}

describe('the preload', () => {
  let engine: FakeEngine;
  beforeEach(() => {
    engine = new FakeEngine();
  });

  it('exposes exactly the contract as window.authenta, and authentaDrop', async () => {
    const { api, drop } = await loadPreload(engine);
    expect([...fake.exposed.keys()].sort()).toEqual(['authenta', 'authentaDrop']);
    const expected = [...Object.keys(COMMAND_ARGS), ...Object.values(EVENT_METHODS)].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    for (const key of expected)
      expect(typeof (api as unknown as Record<string, unknown>)[key]).toBe('function');
    expect(typeof drop).toBe('function');
    expect(Object.keys(api)).not.toContain('invoke');
  });

  it('calls the engine and answers with its result', async () => {
    const { api } = await loadPreload(engine);
    await api.retryJob(7);
    expect(engine.called('retryJob')).toEqual([[7]]);
    await expect(api.addPaths(['/a.jpg'])).resolves.toEqual({ accepted: 1, rejected: [] });
    await expect(api.getStatus()).resolves.toEqual(makeStatus());
  });

  it('rejects with {message, code} that survive the context bridge', async () => {
    const { api } = await loadPreload(engine);
    await expect(api.testConnection('sandbox')).rejects.toEqual({
      name: 'AuthentaWatchError',
      message: 'Authenta refused the client ID and secret.',
      code: 'IAM001',
    });
    await expect(api.retryJob('7' as unknown as number)).rejects.toMatchObject({ code: 'INVALID_ARGS' });
    expect(engine.called('retryJob')).toEqual([]);
  });

  it('delivers events to subscribers until they unsubscribe', async () => {
    const { api } = await loadPreload(engine);
    const seen: unknown[] = [];
    const unsubscribe = api.onStatus((s) => seen.push(s.paused));
    const unsubscribeJobs = api.onJobsChanged((c) => seen.push(c));
    engine.emitStatus(makeStatus({ paused: true }));
    engine.emitJobs([{ type: 'removed', id: 1 }]);
    unsubscribe();
    engine.emitStatus(makeStatus({ paused: false }));
    unsubscribeJobs();
    engine.emitJobs([{ type: 'removed', id: 2 }]);
    expect(seen).toEqual([true, [{ type: 'removed', id: 1 }]]);
    expect(fake.ipcRenderer.eventNames()).toEqual([]);
  });

  it('turns dropped files into paths and hands them to addPaths', async () => {
    const { drop } = await loadPreload(engine);
    const onDisk = new File(['x'], 'clip.mp4');
    const fromWeb = new File(['y'], 'pasted.png');
    fake.filePaths.set(onDisk, '/home/desk/clip.mp4');
    await expect(drop([onDisk, fromWeb])).resolves.toEqual({
      accepted: 1,
      rejected: [
        { path: 'pasted.png', reason: 'It is not a file on this computer; save it first, then drop it.' },
      ],
    });
    expect(engine.called('addPaths')).toEqual([[['/home/desk/clip.mp4']]]);
  });

  it('sends nothing when no dropped file has a path', async () => {
    const { drop } = await loadPreload(engine);
    const result = await drop([new File(['y'], 'pasted.png')]);
    expect(result.accepted).toBe(0);
    expect(engine.called('addPaths')).toEqual([]);
  });
});
