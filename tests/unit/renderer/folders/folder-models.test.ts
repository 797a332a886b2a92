import { describe, expect, it } from 'vitest';
import {
  formFor,
  kindsOffered,
  modelOptions,
  optionText,
} from '../../../../src/renderer/src/folders/folder-models';
import { fromForm } from '../../../../src/renderer/src/state/folders-state.svelte';
import { makeFolder } from '../fake-api';

describe('the models a folder offers', () => {
  it.each([
    ['media-client', ['image', 'video']],
    ['media-apikey', ['image', 'video']],
    ['jobs-v1', ['image', 'video', 'audio', 'document']],
  ] as const)('%s offers models for %j', (generation, kinds) => {
    expect(kindsOffered(generation)).toEqual(kinds);
  });

  it.each([
    ['media-client', 'image', ['AC-1', 'FD-1']],
    ['media-client', 'video', ['DF-1']],
    ['jobs-v1', 'image', ['1', '5', '6']],
    ['jobs-v1', 'video', ['3', '4']],
    ['jobs-v1', 'audio', ['2']],
    ['jobs-v1', 'document', ['6']],
  ] as const)('%s, %s: %j', (generation, kind, values) => {
    const current = values[0];
    expect(modelOptions(generation, kind, current).map((o) => o.value)).toEqual(values);
  });

  it('keeps a choice the API lacks, saying so, instead of changing it silently', () => {
    const options = modelOptions('media-client', 'image', '6');
    expect(options.map((o) => o.value)).toEqual(['AC-1', 'FD-1', '6']);
    expect(options.at(-1)?.label).toBe('Document forgery (task 6): not offered by this API');
  });

  it('names each option with what it takes', () => {
    expect(optionText(modelOptions('jobs-v1', 'video', '4')[1]!)).toBe(
      'Face swap (task 4) · MP4, MOV or WebM',
    );
  });
});

describe('formFor', () => {
  it('spells the saved models for the Jobs API and turns audio and PDF on by default', () => {
    const form = formFor(makeFolder(), 'jobs-v1');
    expect(form).toMatchObject({
      imageModel: '1',
      videoModel: '4',
      audio: true,
      documents: true,
      audioModel: '2',
      documentModel: '6',
    });
    expect(fromForm(form)).toMatchObject({ imageModel: '1', audioModel: '2', documents: true });
  });

  it('spells task types as media codes for the media API and leaves audio and PDF out', () => {
    const form = formFor(makeFolder({ imageModel: '5', videoModel: '4', audio: false }), 'media-client');
    expect(form).toMatchObject({ imageModel: 'FD-1', videoModel: 'DF-1' });
    expect(form.audio).toBeUndefined();
    const options = fromForm(form);
    expect(options).not.toHaveProperty('audio');
    expect(options).not.toHaveProperty('audioModel');
  });

  it('keeps a folder switched off for audio switched off', () => {
    expect(formFor(makeFolder({ audio: false, audioModel: '2' }), 'jobs-v1')).toMatchObject({ audio: false });
  });

  it('accepts a folder that checks only audio under the Jobs API', () => {
    const form = { ...formFor(makeFolder(), 'jobs-v1'), images: false, videos: false, documents: false };
    expect(fromForm(form)).toMatchObject({ images: false, videos: false, audio: true });
    expect(() => fromForm({ ...form, audio: false })).toThrow('Choose at least one kind of file to check.');
  });
});
