import { describe, expect, it } from 'vitest';
import { FoldersState, fromForm, toForm } from '../../../../src/renderer/src/state/folders-state.svelte';
import { StatusState } from '../../../../src/renderer/src/state/status-state.svelte';
import { FakeApi, makeFolder } from '../fake-api';

async function setup(picker = false) {
  const api = new FakeApi();
  api.capabilities = { ...api.capabilities, nativeFolderPicker: picker };
  const status = new StatusState(api);
  await status.load();
  return { api, status, folders: new FoldersState(api, status) };
}

describe('folder settings form', () => {
  const folder = makeFolder({
    stabilityMs: 2500,
    pollIntervalMs: 1000,
    ignore: ['*.tmp', '**/cache/**'],
    after: 'sidecar',
  });

  it('round-trips every option', () => {
    const form = toForm(folder);
    expect(form).toMatchObject({
      stabilitySeconds: 2.5,
      pollIntervalSeconds: 1,
      ignoreText: '*.tmp\n**/cache/**',
    });
    const { id: _id, path: _path, paused: _paused, health: _health, ...options } = folder;
    expect(fromForm(form)).toEqual(options);
  });

  it('drops blank ignore lines and trims them', () => {
    expect(fromForm({ ...toForm(folder), ignoreText: '  *.part \n\n  \n~$*' }).ignore).toEqual([
      '*.part',
      '~$*',
    ]);
  });

  it.each([
    [{ stabilitySeconds: -1 }, 'The settle time must be between 0 and 600 seconds.'],
    [{ stabilitySeconds: 601 }, 'The settle time must be between 0 and 600 seconds.'],
    [{ pollIntervalSeconds: 0.05 }, 'The polling interval must be between 0.1 and 600 seconds.'],
    [{ pollIntervalSeconds: Number.NaN }, 'The polling interval must be between 0.1 and 600 seconds.'],
    [{ images: false, videos: false }, 'Choose images, videos or both.'],
  ])('refuses %o with a sentence', (patch, message) => {
    expect(() => fromForm({ ...toForm(folder), ...patch })).toThrow(message);
  });
});

describe('FoldersState', () => {
  it('adds a typed path and shows the folder from the engine', async () => {
    const { api, folders } = await setup();
    expect(folders.hasPicker).toBe(false);
    expect(await folders.add('  /srv/drop  ')).toBe(true);
    expect(api.callsOf('addFolder')[0]?.args).toEqual([{ path: '/srv/drop' }]);
    expect(folders.folders.map((f) => f.path)).toEqual(['/srv/drop']);
  });

  it('asks for a path instead of sending an empty one, and shows the engine refusing', async () => {
    const { api, folders } = await setup();
    expect(await folders.add('   ')).toBe(false);
    expect(folders.addError).toBe('Type the full path of a folder to watch.');
    expect(api.callsOf('addFolder')).toHaveLength(0);
    api.failures.set('addFolder', 'The folder does not exist.');
    expect(await folders.add('/nope')).toBe(false);
    expect(folders.addError).toBe('The folder could not be added: The folder does not exist.');
  });

  it('uses the native picker where there is one; a cancelled pick adds nothing', async () => {
    const { api, folders } = await setup(true);
    expect(folders.hasPicker).toBe(true);
    expect(await folders.pickAndAdd()).toBe(true);
    expect(api.callsOf('addFolder')[0]?.args).toEqual([{ path: '/picked/folder' }]);
    api.pickedFolder = null;
    expect(await folders.pickAndAdd()).toBe(false);
    expect(api.callsOf('addFolder')).toHaveLength(1);
  });

  it('pauses, resumes, saves and removes a folder, with a message per folder', async () => {
    const { api, folders } = await setup();
    api.status = { ...api.status, folders: [makeFolder({ id: 'f1' })] };
    await folders.pause('f1');
    await folders.resume('f1');
    expect(await folders.save('f1', { ...toForm(makeFolder()), after: 'move' })).toBe(true);
    expect(folders.messages.get('f1')).toEqual({ tone: 'ok', text: 'Settings saved.' });
    expect(await folders.save('f1', { ...toForm(makeFolder()), stabilitySeconds: 9999 })).toBe(false);
    expect(folders.messages.get('f1')?.tone).toBe('error');
    expect(api.callsOf('updateFolder')).toHaveLength(1);
    api.failures.set('removeFolder', 'Busy.');
    expect(await folders.remove('f1')).toBe(false);
    expect(folders.messages.get('f1')).toEqual({ tone: 'error', text: 'Busy.' });
    expect(await folders.remove('f1')).toBe(true);
    expect(folders.folders).toEqual([]);
    expect(folders.busy.size).toBe(0);
    expect(api.calls.map((c) => c.name).filter((n) => n.endsWith('Folder'))).toEqual([
      'pauseFolder',
      'resumeFolder',
      'updateFolder',
      'removeFolder',
      'removeFolder',
    ]);
  });
});
