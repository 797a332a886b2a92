import { describe, expect, it } from 'vitest';
import {
  chooseModel,
  folderModelFor,
  kindWanted,
  sniffableTypes,
} from '../../../../src/main/core/pipeline/intake';
import type { ApiGeneration, MediaKind } from '../../../../src/shared/domain';

const folder = { imageModel: 'AC-1', videoModel: 'DF-1' };

describe('the model a file is sent with', () => {
  it.each<[ApiGeneration, MediaKind, string, Record<string, string>, string]>([
    ['media-client', 'image', 'image/png', {}, 'AC-1'],
    ['media-client', 'video', 'video/mp4', {}, 'DF-1'],
    ['media-client', 'image', 'image/jpeg', { imageModel: '5' }, 'FD-1'],
    ['jobs-v1', 'image', 'image/png', {}, '1'],
    ['jobs-v1', 'video', 'video/mp4', {}, '4'],
    ['jobs-v1', 'video', 'video/webm', {}, '4'],
    ['jobs-v1', 'image', 'image/jpeg', { imageModel: 'FD-1' }, '5'],
    ['jobs-v1', 'audio', 'audio/mpeg', {}, '2'],
    ['jobs-v1', 'document', 'application/pdf', {}, '6'],
    ['jobs-v1', 'document', 'application/pdf', { documentModel: 'document' }, '6'],
  ])('%s, %s %s with %j: %s', (generation, kind, contentType, over, model) => {
    expect(chooseModel({ name: 'f', kind, contentType }, { ...folder, ...over }, generation)).toEqual({
      ok: true,
      model,
    });
  });

  it.each<[ApiGeneration, MediaKind, string, Record<string, string>, string, RegExp]>([
    // A task type the media API has no model for.
    [
      'media-client',
      'image',
      'image/png',
      { imageModel: '6' },
      'MODEL_UNAVAILABLE',
      /Choose AI-generated image \(AC-1\) or Image forgery \(FD-1\)/,
    ],
    // AI-generated video takes MP4 and MOV, not WebM; face swap does.
    ['jobs-v1', 'video', 'video/webm', { videoModel: '3' }, 'UNSUPPORTED_TYPE', /WebM.*Face swap \(task 4\)/],
    // No model at all for audio under the media API.
    ['media-client', 'audio', 'audio/mpeg', {}, 'MODEL_UNAVAILABLE', /no model is set/],
  ])('%s, %s %s with %j: refused (%s)', (generation, kind, contentType, over, code, message) => {
    const choice = chooseModel({ name: 'f.x', kind, contentType }, { ...folder, ...over }, generation);
    expect(choice).toMatchObject({ ok: false, code, kind: 'unsupported' });
    expect(!choice.ok && choice.message).toMatch(message);
  });

  it('takes the generation’s default for kinds a folder has no choice for', () => {
    expect(folderModelFor('audio', null, 'jobs-v1')).toBe('2');
    expect(folderModelFor('document', folder, 'jobs-v1')).toBe('6');
    expect(folderModelFor('audio', folder, 'media-client')).toBeNull();
    expect(folderModelFor('image', null, 'jobs-v1')).toBe('AC-1');
  });

  it.each<[Record<string, boolean>, MediaKind, boolean]>([
    [{ images: false }, 'image', false],
    [{ videos: false }, 'video', false],
    [{}, 'audio', true],
    [{ audio: false }, 'audio', false],
    [{}, 'document', true],
    [{ documents: false }, 'document', false],
  ])('a folder with %j wants %s: %s', (switches, kind, wanted) => {
    expect(kindWanted({ images: true, videos: true, ...switches }, kind)).toBe(wanted);
  });
});

describe('what is sniffed for', () => {
  it('the media API: JPEG, PNG and MP4 only', () => {
    expect([...sniffableTypes('media-client').keys()]).toEqual(['image/jpeg', 'image/png', 'video/mp4']);
  });

  it('the Jobs API: also MOV, WebM, audio and PDF, named for messages (no unnamed aliases)', () => {
    const types = sniffableTypes('jobs-v1');
    expect(types.get('video/quicktime')).toBe('video');
    expect(types.get('audio/wav')).toBe('audio');
    expect(types.get('application/pdf')).toBe('document');
    expect(types.has('audio/x-wav')).toBe(false);
  });
});
