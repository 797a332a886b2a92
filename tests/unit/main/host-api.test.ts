import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDesktopApi, ELECTRON_CAPABILITIES, type NativeHost } from '../../../src/main/desktop/host-api';
import { FakeEngine, makeJob } from './fake-engine';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(picked: string | null = '/home/desk/Incoming', pickedFiles: string[] = []) {
  const engine = new FakeEngine();
  const native = { shown: [] as string[], opened: [] as string[], printed: [] as string[] };
  const host: NativeHost = {
    pickFolder: async () => picked,
    pickFiles: async () => pickedFiles,
    savePdf: async (title) => {
      native.printed.push(title);
      return title === 'cancel' ? null : `/home/desk/${title}.pdf`;
    },
    showItemInFolder: (p) => void native.shown.push(p),
    openExternal: async (u) => void native.opened.push(u),
  };
  return { engine, native, api: createDesktopApi(engine, host) };
}

describe('createDesktopApi', () => {
  it('says what Electron can do', async () => {
    const { api } = setup();
    await expect(api.getCapabilities()).resolves.toEqual({
      host: 'electron',
      nativeFolderPicker: true,
      revealInFolder: true,
      dropUploads: false,
      nativeFilePicker: true,
      pdf: true,
    });
    expect(ELECTRON_CAPABILITIES.dropUploads).toBe(false);
  });

  it('answers pickFolder with the native picker', async () => {
    await expect(setup().api.pickFolder()).resolves.toBe('/home/desk/Incoming');
    await expect(setup(null).api.pickFolder()).resolves.toBeNull();
  });

  it('answers pickFiles with the native multi-file picker (empty when cancelled)', async () => {
    await expect(setup(null, ['/a.jpg', '/b.mp4']).api.pickFiles()).resolves.toEqual(['/a.jpg', '/b.mp4']);
    await expect(setup(null, []).api.pickFiles()).resolves.toEqual([]);
  });

  it('saves the window as a PDF where the user says, null when cancelled', async () => {
    const { api, native } = setup();
    await expect(api.savePdf('Case 12')).resolves.toBe('/home/desk/Case 12.pdf');
    await expect(api.savePdf('cancel')).resolves.toBeNull();
    expect(native.printed).toEqual(['Case 12', 'cancel']);
  });

  it('serves local media from its own privileged scheme', async () => {
    await expect(setup().api.getMediaBase()).resolves.toBe('authenta-media://local');
  });

  it('returns a heatmap link without opening the browser when the UI plays it inline', async () => {
    const { api, native, engine } = setup();
    await expect(api.openLink({ id: 3, kind: 'heatmap', open: false })).resolves.toBe(engine.linkUrl);
    expect(native.opened).toEqual([]);
  });

  it('reveals a job’s file in the file manager, or says it is gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-reveal-'));
    dirs.push(dir);
    const file = join(dir, 'clip.mp4');
    writeFileSync(file, 'x');
    const { api, engine, native } = setup();
    engine.jobs.set(1, makeJob({ id: 1, path: file }));
    engine.jobs.set(2, makeJob({ id: 2, path: join(dir, 'moved.mp4') }));
    await api.revealJob(1);
    expect(native.shown).toEqual([file]);
    await expect(api.revealJob(2)).rejects.toMatchObject({
      code: 'FILE_GONE',
      message: expect.stringContaining('moved or deleted'),
    });
  });

  it('opens the fresh https link in the browser and returns it', async () => {
    const { api, engine, native } = setup();
    await expect(api.openLink({ id: 3, kind: 'heatmap' })).resolves.toBe(engine.linkUrl);
    expect(engine.called('openLink')).toEqual([[{ id: 3, kind: 'heatmap' }]]);
    expect(native.opened).toEqual([engine.linkUrl]);
  });

  it('refuses to open a link that is not https', async () => {
    const { api, engine, native } = setup();
    engine.linkUrl = 'http://media.example/heatmap.png';
    await expect(api.openLink({ id: 3, kind: 'heatmap' })).rejects.toMatchObject({ code: 'UNSAFE_LINK' });
    engine.linkUrl = 'file:///etc/passwd';
    await expect(api.openLink({ id: 3, kind: 'result' })).rejects.toMatchObject({ code: 'UNSAFE_LINK' });
    expect(native.opened).toEqual([]);
  });

  it('passes every other command to the engine', async () => {
    const { api, engine } = setup();
    await api.retryJob(4);
    await api.addPaths(['/a']);
    await api.pauseFolder('f');
    expect(engine.calls).toEqual([
      ['retryJob', 4],
      ['addPaths', ['/a']],
      ['pauseFolder', 'f'],
    ]);
  });

  it('merges the host’s openJob into the engine’s event', () => {
    const { api } = setup();
    const seen: number[] = [];
    const unsubscribe = api.onOpenJob((id) => seen.push(id));
    api.emitOpenJob(12);
    unsubscribe();
    api.emitOpenJob(13);
    expect(seen).toEqual([12]);
  });
});
