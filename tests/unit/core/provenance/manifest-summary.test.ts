import { describe, expect, it } from 'vitest';
import {
  actionLabel,
  sourceLabel,
  summariseManifestStore,
} from '../../../../src/main/core/provenance/manifest-summary';

const manifest = {
  title: 'a.jpg',
  claim_generator_info: [{ name: 'Cam', version: '2' }],
  signature_info: { issuer: 'Org', common_name: 'Signer', time: '2026-12-01T10:00:00+00:00' },
  assertions: [
    {
      label: 'c2pa.actions.v2',
      data: { actions: [{ action: 'c2pa.cropped', when: '2026-12-01T09:00:00Z' }] },
    },
  ],
};
const store = (over: Record<string, unknown>) => ({
  active_manifest: 'm1',
  manifests: { m1: manifest },
  ...over,
});
const failure = (code: string) => ({
  validation_results: { activeManifest: { failure: [{ code, explanation: 'x' }] } },
});

describe('summariseManifestStore', () => {
  it.each([
    ['Trusted, no failures', store({ validation_state: 'Trusted' }), 'trusted'],
    [
      'Valid, only an untrusted signer',
      store({ validation_state: 'Valid', ...failure('signingCredential.untrusted') }),
      'valid',
    ],
    ['Invalid', store({ validation_state: 'Invalid', ...failure('assertion.dataHash.mismatch') }), 'invalid'],
    // A reader saying Valid while listing a real failure is not believed.
    [
      'Valid but a hash mismatch listed',
      store({ validation_state: 'Valid', ...failure('assertion.dataHash.mismatch') }),
      'invalid',
    ],
    ['no validation state at all', store({}), 'invalid'],
    ['an unknown validation state', store({ validation_state: 'Weird' }), 'invalid'],
    ['no active manifest', { manifests: {} }, 'broken'],
    ['not an object', 'nonsense', 'broken'],
  ])('%s -> %s', (_name, input, state) => {
    expect(summariseManifestStore(input).state).toBe(state);
  });

  it('reads signer, time, generator, title and the edit history', () => {
    expect(summariseManifestStore(store({ validation_state: 'Valid' }))).toEqual({
      state: 'valid',
      signedBy: 'Org (Signer)',
      signedAt: '2026-12-01T10:00:00+00:00',
      madeWith: 'Cam 2',
      title: 'a.jpg',
      actions: [
        {
          action: 'c2pa.cropped',
          label: 'Cropped',
          when: '2026-12-01T09:00:00Z',
          softwareAgent: null,
          source: null,
        },
      ],
      problems: [],
      earlierManifests: 0,
    });
  });

  it('says why an invalid manifest fails, in words', () => {
    const s = summariseManifestStore(
      store({ validation_state: 'Invalid', ...failure('assertion.dataHash.mismatch') }),
    );
    expect(s.problems).toEqual(['The file’s bytes changed after it was signed.']);
  });
});

describe('labels', () => {
  it.each([
    ['c2pa.color_adjustments', 'Colour adjusted'],
    ['c2pa.created', 'Created'],
    ['c2pa.some_new_thing', 'Some new thing'],
  ])('action %s -> %s', (code, label) => expect(actionLabel(code)).toBe(label));

  it.each([
    ['http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia', 'Generative AI'],
    ['http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture', 'Digital capture (camera)'],
    ['http://example.com/other', 'other'],
  ])('source %s -> %s', (uri, label) => expect(sourceLabel(uri)).toBe(label));
});
