import { describe, expect, it } from 'vitest';
import { API_GENERATIONS, MEDIA_KINDS, type ApiGeneration, type MediaKind } from '../../../src/shared/domain';
import {
  defaultModel,
  fits,
  modelFor,
  modelForJobs,
  modelForMedia,
  modelLabel,
  modelsFor,
  normaliseContentType,
  supportedContentTypes,
  TASK_TYPES,
} from '../../../src/shared/models';
import { TASK_TYPES as SIM_TASK_TYPES, UNSIMULATED_TASK_TYPES } from '../../../src/main/sim/jobs';

describe('modelForJobs', () => {
  it.each<[string | number, number | null]>([
    ['AC-1', 1],
    ['DF-1', 4],
    ['FD-1', 5],
    ['ac-1', 1],
    [' df-1 ', 4],
    ['1', 1],
    ['6', 6],
    ['11', 11],
    [2, 2],
    ['faceswap', 4],
    ['AI-Audio', 2],
    ['document', 6],
    ['FI-1', null],
    ['0', null],
    ['12', null],
    [12, null],
    [1.5, null],
    ['', null],
    ['1; drop', null],
  ])('%j -> %j', (model, id) => {
    expect(modelForJobs(model)).toBe(id);
  });
});

describe('modelForMedia', () => {
  it.each<[string | number, string | null]>([
    ['AC-1', 'AC-1'],
    ['fd-1', 'FD-1'],
    ['1', 'AC-1'],
    [4, 'DF-1'],
    ['5', 'FD-1'],
    ['image-forgery', 'FD-1'],
    ['2', null],
    ['3', null],
    ['6', null],
    ['FI-1', null],
    ['nonsense', null],
  ])('%j -> %j', (model, code) => {
    expect(modelForMedia(model)).toBe(code);
  });
});

describe('modelFor', () => {
  it.each<[ApiGeneration, string, string | null]>([
    ['jobs-v1', 'AC-1', '1'],
    ['jobs-v1', 'DF-1', '4'],
    ['jobs-v1', 'FD-1', '5'],
    ['jobs-v1', '2', '2'],
    ['jobs-v1', 'FI-1', null],
    ['media-client', 'AC-1', 'AC-1'],
    ['media-apikey', '4', 'DF-1'],
    ['media-client', '2', null],
  ])('%s, %s -> %j', (generation, model, wire) => {
    expect(modelFor(generation, model)).toBe(wire);
  });
});

describe('fits', () => {
  it.each<[string | number, string, ApiGeneration | undefined, boolean]>([
    // Media models on their own.
    ['AC-1', 'image/jpeg', undefined, true],
    ['AC-1', 'image/png', undefined, true],
    ['AC-1', 'video/mp4', undefined, false],
    ['FD-1', 'IMAGE/PNG', undefined, true],
    ['DF-1', 'video/mp4', undefined, true],
    ['DF-1', 'video/quicktime', undefined, false],
    ['DF-1', 'video/quicktime', 'media-client', false],
    // Under the Jobs API a media code is its task type: face swap takes MOV and WebM too.
    ['DF-1', 'video/quicktime', 'jobs-v1', true],
    ['DF-1', 'video/webm', 'jobs-v1', true],
    ['AC-1', 'application/pdf', 'jobs-v1', false],
    // Task types.
    ['1', 'image/jpeg', undefined, true],
    ['1', 'image/webp', undefined, false],
    ['2', 'audio/mpeg', undefined, true],
    ['2', 'audio/wav', undefined, true],
    ['2', 'audio/x-wav', undefined, true],
    ['2', 'audio/vnd.wave', undefined, true],
    ['2', 'audio/mp4', undefined, true],
    ['2', 'audio/x-m4a', undefined, true],
    ['2', 'audio/ogg', undefined, false],
    ['3', 'video/mp4', undefined, true],
    ['3', 'video/quicktime', undefined, true],
    ['3', 'video/webm', undefined, false],
    [4, 'video/webm', undefined, true],
    ['5', 'image/png', 'jobs-v1', true],
    ['6', 'application/pdf', undefined, true],
    ['6', 'image/jpeg; charset=binary', undefined, true],
    // Listed but not offered: nothing fits.
    ['7', 'image/jpeg', undefined, false],
    ['11', 'video/mp4', undefined, false],
    // A task type under the media API is its media model, if any.
    ['1', 'image/jpeg', 'media-apikey', true],
    ['2', 'audio/mpeg', 'media-client', false],
    ['unknown', 'image/jpeg', undefined, false],
  ])('%j takes %s under %s: %s', (model, contentType, generation, expected) => {
    expect(fits(model, contentType, generation)).toBe(expected);
  });
});

describe('modelsFor', () => {
  const values = (g: ApiGeneration, k: MediaKind) => modelsFor(g, k).map((m) => m.value);
  it.each<[ApiGeneration, MediaKind, string[]]>([
    ['media-client', 'image', ['AC-1', 'FD-1']],
    ['media-client', 'video', ['DF-1']],
    ['media-client', 'audio', []],
    ['media-client', 'document', []],
    ['media-apikey', 'image', ['AC-1', 'FD-1']],
    ['media-apikey', 'video', ['DF-1']],
    ['jobs-v1', 'image', ['1', '5', '6']],
    ['jobs-v1', 'video', ['3', '4']],
    ['jobs-v1', 'audio', ['2']],
    ['jobs-v1', 'document', ['6']],
  ])('%s, %s -> %j', (generation, kind, expected) => {
    expect(values(generation, kind)).toEqual(expected);
  });

  it('labels every option with its purpose, its code and its formats', () => {
    expect(modelsFor('media-client', 'image')[0]).toEqual({
      value: 'AC-1',
      label: 'AI-generated image (AC-1)',
      formats: 'JPEG or PNG',
    });
    expect(modelsFor('jobs-v1', 'video')).toEqual([
      { value: '3', label: 'AI-generated video (task 3)', formats: 'MP4 or MOV' },
      { value: '4', label: 'Face swap (task 4)', formats: 'MP4, MOV or WebM' },
    ]);
  });

  it('never offers task types 7 to 11', () => {
    for (const g of API_GENERATIONS)
      for (const k of MEDIA_KINDS)
        for (const m of modelsFor(g, k)) expect(Number(m.value) >= 7 && Number(m.value) <= 11).toBe(false);
  });

  it('offers only models that take some file of the kind', () => {
    for (const g of API_GENERATIONS)
      for (const k of MEDIA_KINDS)
        for (const m of modelsFor(g, k)) {
          const types = [...supportedContentTypes(g)].filter(([, kind]) => kind === k).map(([t]) => t);
          expect(types.some((t) => fits(m.value, t, g))).toBe(true);
        }
  });
});

describe('defaultModel', () => {
  it.each<[ApiGeneration, MediaKind, string | null]>([
    ['media-client', 'image', 'AC-1'],
    ['media-client', 'video', 'DF-1'],
    ['media-client', 'audio', null],
    ['jobs-v1', 'image', '1'],
    ['jobs-v1', 'video', '3'],
    ['jobs-v1', 'audio', '2'],
    ['jobs-v1', 'document', '6'],
  ])('%s, %s -> %j', (generation, kind, expected) => {
    expect(defaultModel(generation, kind)).toBe(expected);
  });
});

describe('modelLabel', () => {
  it.each<[string | number, ApiGeneration | undefined, string]>([
    ['AC-1', undefined, 'AI-generated image (AC-1)'],
    ['DF-1', 'media-client', 'Face swap (DF-1)'],
    ['DF-1', 'jobs-v1', 'Face swap (task 4)'],
    ['4', 'media-apikey', 'Face swap (DF-1)'],
    ['2', undefined, 'AI-generated audio (task 2)'],
    [7, undefined, 'Liveness (task 7)'],
    ['XY-9', undefined, 'XY-9'],
    ['XY-9', 'jobs-v1', 'XY-9'],
  ])('%j under %s -> %s', (model, generation, label) => {
    expect(modelLabel(model, generation)).toBe(label);
  });
});

describe('supportedContentTypes', () => {
  it('the media API takes JPEG, PNG and MP4 only', () => {
    for (const g of ['media-client', 'media-apikey'] as const) {
      expect([...supportedContentTypes(g)]).toEqual([
        ['image/jpeg', 'image'],
        ['image/png', 'image'],
        ['video/mp4', 'video'],
      ]);
    }
  });

  it('the Jobs API adds MOV, WebM, audio and PDF, images first', () => {
    const jobs = supportedContentTypes('jobs-v1');
    expect(Object.fromEntries(jobs)).toEqual({
      'image/jpeg': 'image',
      'image/png': 'image',
      'video/mp4': 'video',
      'video/quicktime': 'video',
      'video/webm': 'video',
      'audio/mpeg': 'audio',
      'audio/wav': 'audio',
      'audio/x-wav': 'audio',
      'audio/vnd.wave': 'audio',
      'audio/wave': 'audio',
      'audio/mp4': 'audio',
      'audio/x-m4a': 'audio',
      'application/pdf': 'document',
    });
    const kinds = [...jobs.values()];
    expect(kinds).toEqual([...kinds].sort((a, b) => MEDIA_KINDS.indexOf(a) - MEDIA_KINDS.indexOf(b)));
  });

  it('every supported type is taken by some offered model of that generation', () => {
    for (const g of API_GENERATIONS)
      for (const [type, kind] of supportedContentTypes(g))
        expect(modelsFor(g, kind).some((m) => fits(m.value, type, g))).toBe(true);
  });
});

describe('normaliseContentType', () => {
  it.each([
    ['image/jpeg', 'image/jpeg'],
    ['Image/JPEG', 'image/jpeg'],
    [' audio/mpeg ; charset=binary', 'audio/mpeg'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseContentType(input)).toBe(expected);
  });
});

describe('agreement with the simulator', () => {
  it('task types 1..6 have the same slugs and take what the simulator accepts', () => {
    for (const [id, sim] of SIM_TASK_TYPES) {
      const ours = TASK_TYPES.find((t) => t.id === id);
      expect(ours?.slug).toBe(sim.slug);
      expect(ours?.offered).toBe(true);
      // audio/vnd.wave is an alias the simulator does not list; everything it lists we accept.
      for (const type of sim.contentTypes) expect(fits(id, type, 'jobs-v1')).toBe(true);
      expect(ours?.contentTypes.filter((t) => !sim.contentTypes.includes(t))).toEqual(
        id === 2 ? ['audio/vnd.wave'] : [],
      );
    }
  });

  it('task types 7..11 are listed with the same slugs and not offered', () => {
    for (const [id, slug] of UNSIMULATED_TASK_TYPES) {
      expect(TASK_TYPES.find((t) => t.id === id)).toMatchObject({ slug, offered: false });
    }
  });
});
