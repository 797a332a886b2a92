import { render, screen, cleanup } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ProvenanceSection from '../../../../src/renderer/src/details/ProvenanceSection.svelte';
import { DetailsState } from '../../../../src/renderer/src/state/details-state.svelte';
import type { ProvenanceReport } from '../../../../src/shared/provenance';
import { makeJob } from '../fake-api';

afterEach(cleanup);

function report(
  over: Partial<ProvenanceReport['credentials']>,
  metadata: ProvenanceReport['metadata'] = null,
): ProvenanceReport {
  return {
    sha256: 'ab'.repeat(32),
    credentials: {
      state: 'none',
      signedBy: null,
      signedAt: null,
      madeWith: null,
      title: null,
      actions: [],
      problems: [],
      earlierManifests: 0,
      ...over,
    },
    metadata,
    metadataNote: null,
    readAt: 0,
  };
}

function mount(r: ProvenanceReport | Error): void {
  const api = {
    getProvenance: (): Promise<ProvenanceReport> =>
      r instanceof Error ? Promise.reject(r) : Promise.resolve(r),
  } as unknown as ConstructorParameters<typeof DetailsState>[0];
  const details = new DetailsState(
    api,
    { copyText: async () => {}, openUrl: async () => {} } as never,
    () => null,
  );
  render(ProvenanceSection, { details, job: makeJob({ sha256: 'ab'.repeat(32) }) });
}

describe('ProvenanceSection', () => {
  it('shows the signer, the edit history and the camera, GPS as present but not where', async () => {
    mount(
      report(
        {
          state: 'valid',
          signedBy: 'Org (Signer)',
          actions: [
            { action: 'c2pa.cropped', label: 'Cropped', when: null, softwareAgent: 'Editor 5', source: null },
          ],
        },
        { make: 'TestCam', model: 'TC-100', capturedAt: '2026-11-30T14:05:09', software: null, gps: true },
      ),
    );
    expect((await screen.findByTestId('provenance-state')).textContent).toMatch(
      /intact, signer not on a trust list/,
    );
    expect(screen.getByTestId('provenance-signer').textContent).toBe('Org (Signer)');
    expect(screen.getByTestId('provenance-actions').textContent).toMatch(/Cropped\s+with Editor 5/);
    expect(screen.getByTestId('provenance-metadata').textContent).toMatch(/TestCam TC-100/);
    expect(screen.getByTestId('provenance-metadata').textContent).toMatch(/Location recorded \(not shown\)/);
  });

  it('shows an invalid manifest as invalid, with why, never as valid', async () => {
    mount(
      report({
        state: 'invalid',
        signedBy: 'Org',
        problems: ['The file’s bytes changed after it was signed.'],
      }),
    );
    const state = await screen.findByTestId('provenance-state');
    expect(state.dataset['state']).toBe('invalid');
    expect(state.textContent).toMatch(/INVALID/);
    expect(state.textContent).not.toMatch(/intact|trusted/);
    expect(screen.getByTestId('provenance-problems').textContent).toMatch(/changed after it was signed/);
  });

  it('says plainly when a file carries nothing', async () => {
    mount(report({ state: 'none' }));
    expect((await screen.findByTestId('provenance-state')).textContent).toMatch(/No Content Credentials/);
    expect(screen.getByTestId('provenance-no-metadata').textContent).toMatch(/No camera metadata/);
  });

  it('shows the engine’s message when it cannot read', async () => {
    mount(new Error('This file has not been read yet.'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/not been read yet/);
  });
});
