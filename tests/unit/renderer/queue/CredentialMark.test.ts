/**
 * The queue's Content Credentials mark: settled rows ask for their marks together (one
 * getCredentialMarks call for the rows on screen, none again for a row shown again), a signed file
 * shows a mark with its words as text alternative and tooltip, an invalid one is marked invalid,
 * and a file without credentials shows nothing.
 */
import { cleanup, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import CredentialMark from '../../../../src/renderer/src/queue/CredentialMark.svelte';
import { CredentialMarksState } from '../../../../src/renderer/src/state/credential-marks.svelte';
import type { CredentialMarks, CredentialState } from '../../../../src/shared/provenance';

afterEach(cleanup);

function fakeApi(answers: Record<number, CredentialState>) {
  const calls: number[][] = [];
  return {
    calls,
    api: {
      getCredentialMarks: async (ids: number[]): Promise<CredentialMarks> => {
        calls.push([...ids]);
        return Object.fromEntries(ids.filter((id) => id in answers).map((id) => [id, answers[id]!]));
      },
    },
  };
}

const sha = (n: number): string => String(n).padStart(2, '0').repeat(32);

describe('CredentialMark', () => {
  it('asks once for all settled rows and marks valid and invalid files, never a plain one', async () => {
    const { api, calls } = fakeApi({ 1: 'valid', 2: 'invalid', 3: 'none', 5: 'trusted' });
    const marks = new CredentialMarksState(api);
    for (const id of [1, 2, 3, 5]) render(CredentialMark, { job: { id, sha256: sha(id) }, marks });
    render(CredentialMark, { job: { id: 4, sha256: null }, marks });

    await waitFor(() => expect(screen.getAllByTestId('credential-mark')).toHaveLength(3));
    expect(calls).toEqual([[1, 2, 3, 5]]);
    const valid = screen.getAllByRole('img', { name: 'Content Credentials: valid' });
    expect(valid.map((el) => el.getAttribute('data-state')).sort()).toEqual(['trusted', 'valid']);
    expect(valid[0]!.getAttribute('title')).toBe('Content Credentials: valid');
    const invalid = screen.getByRole('img', { name: 'Content Credentials: invalid' });
    expect(invalid.getAttribute('data-state')).toBe('invalid');

    // The same rows shown again (scrolled back): known marks, no new request.
    cleanup();
    for (const id of [1, 2]) render(CredentialMark, { job: { id, sha256: sha(id) }, marks });
    expect(screen.getAllByTestId('credential-mark')).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toHaveLength(1);
  });

  it('a row that leaves before it settles asks for nothing', async () => {
    const { api, calls } = fakeApi({ 1: 'valid' });
    const marks = new CredentialMarksState(api);
    const row = render(CredentialMark, { job: { id: 1, sha256: sha(1) }, marks });
    row.unmount();
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toEqual([]);
  });

  it('a mark held for other bytes is not shown for a changed file', async () => {
    const { api } = fakeApi({ 1: 'valid' });
    const marks = new CredentialMarksState(api);
    render(CredentialMark, { job: { id: 1, sha256: sha(1) }, marks });
    await screen.findByTestId('credential-mark');
    cleanup();
    render(CredentialMark, { job: { id: 1, sha256: sha(9) }, marks });
    expect(screen.queryByTestId('credential-mark')).toBeNull();
  });
});
