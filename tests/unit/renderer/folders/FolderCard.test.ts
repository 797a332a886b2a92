/**
 * The folder settings offer the models of the active profile's API: the media API's codes, or
 * the Jobs API's task types for every kind they take (audio and PDF included), and follow a
 * profile switch.
 */
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import FoldersView from '../../../../src/renderer/src/folders/FoldersView.svelte';
import { FoldersState } from '../../../../src/renderer/src/state/folders-state.svelte';
import { StatusState } from '../../../../src/renderer/src/state/status-state.svelte';
import type { ApiGeneration } from '../../../../src/shared/domain';
import { FakeApi, makeFolder, makeStatus } from '../fake-api';
import { seriousA11yProblems } from '../harness';

afterEach(() => cleanup());

async function mount(generation: ApiGeneration) {
  const api = new FakeApi();
  const base = makeStatus();
  api.status = makeStatus({ folders: [makeFolder()], profile: { ...base.profile!, generation } });
  const status = new StatusState(api);
  await status.load();
  const folders = new FoldersState(api, status);
  const view = render(FoldersView, { folders, now: 1_700_000_500_000 });
  const item = await screen.findByTestId('folder-item');
  return { api, status, folders, view, item };
}

const optionsOf = (select: HTMLElement) =>
  [...(select as HTMLSelectElement).options].map((o) => [o.value, o.textContent?.trim()]);

describe('folder settings', () => {
  it('offer the media API’s models under a media profile, and no audio or PDF', async () => {
    const { item } = await mount('media-client');
    expect(optionsOf(within(item).getByTestId('folder-image-model'))).toEqual([
      ['AC-1', 'AI-generated image (AC-1) · JPEG or PNG'],
      ['FD-1', 'Image forgery (FD-1) · JPEG or PNG'],
    ]);
    expect(optionsOf(within(item).getByTestId('folder-video-model'))).toEqual([
      ['DF-1', 'Face swap (DF-1) · MP4'],
    ]);
    expect(within(item).queryByTestId('folder-audio-model')).toBeNull();
    expect(within(item).queryByTestId('folder-documents')).toBeNull();
  });

  it('offer the Jobs API’s task types for each kind, audio and PDF included, and save them', async () => {
    const { api, item } = await mount('jobs-v1');
    const image = within(item).getByTestId('folder-image-model') as HTMLSelectElement;
    expect(image.value).toBe('1');
    expect(optionsOf(image).map(([v]) => v)).toEqual(['1', '5', '6']);
    expect(optionsOf(within(item).getByTestId('folder-video-model'))).toEqual([
      ['3', 'AI-generated video (task 3) · MP4 or MOV'],
      ['4', 'Face swap (task 4) · MP4, MOV or WebM'],
    ]);
    expect((within(item).getByTestId('folder-video-model') as HTMLSelectElement).value).toBe('4');
    expect(optionsOf(within(item).getByTestId('folder-audio-model'))).toEqual([
      ['2', 'AI-generated audio (task 2) · MP3, WAV or M4A'],
    ]);
    expect(optionsOf(within(item).getByTestId('folder-document-model'))).toEqual([
      ['6', 'Document forgery (task 6) · JPEG, PNG or PDF'],
    ]);
    expect((within(item).getByTestId('folder-audio') as HTMLInputElement).checked).toBe(true);

    await fireEvent.change(image, { target: { value: '5' } });
    await fireEvent.change(within(item).getByTestId('folder-video-model'), { target: { value: '3' } });
    await fireEvent.click(within(item).getByTestId('folder-documents'));
    expect((within(item).getByTestId('folder-document-model') as HTMLSelectElement).disabled).toBe(true);
    await fireEvent.click(within(item).getByTestId('folder-save'));
    await waitFor(() => expect(api.callsOf('updateFolder')).toHaveLength(1));
    expect(api.callsOf('updateFolder')[0]?.args[1]).toMatchObject({
      imageModel: '5',
      videoModel: '3',
      audio: true,
      audioModel: '2',
      documents: false,
      documentModel: '6',
    });
    expect(await seriousA11yProblems(document.body)).toEqual([]);
  });

  it('follow a switch to a profile of another API', async () => {
    const { api, status } = await mount('media-client');
    expect(screen.queryByTestId('folder-audio-model')).toBeNull();
    const base = makeStatus();
    api.status = { ...api.status, profile: { ...base.profile!, generation: 'jobs-v1' } };
    await status.refresh();
    const item = await screen.findByTestId('folder-item');
    await waitFor(() => expect(within(item).getByTestId('folder-audio-model')).toBeTruthy());
    expect((within(item).getByTestId('folder-image-model') as HTMLSelectElement).value).toBe('1');
  });
});
