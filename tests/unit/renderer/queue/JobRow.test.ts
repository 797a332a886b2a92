/**
 * A queue row on a team ledger says, on hover of its state, which desk handled the file ("this
 * desk" for the desk's own); a desk working alone says nothing of desks.
 */
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import JobRow from '../../../../src/renderer/src/queue/JobRow.svelte';
import { makeJob } from '../fake-api';

afterEach(cleanup);

function row(desk: string | null, team: { desk: string } | null) {
  render(JobRow, {
    job: makeJob({ id: 1, state: 'done', desk }),
    position: 1,
    setSize: 1,
    folderLabel: 'drop',
    folderTitle: '/share/drop',
    progress: null,
    tabbable: true,
    selected: false,
    now: Date.now(),
    onpick: () => undefined,
    onkeydown: () => undefined,
    onfocus: () => undefined,
    team,
  });
  return screen.getByTestId('job-row').querySelector('.cell.state')!;
}

describe('JobRow: the desk that handled the file', () => {
  it.each([
    [
      'another desk of the team',
      'ana@newsroom (a1)',
      { desk: 'ben@newsroom (b2)' },
      'Handled by ana@newsroom (a1)',
    ],
    ['this desk', 'ben@newsroom (b2)', { desk: 'ben@newsroom (b2)' }, 'Handled by this desk'],
    ['no desk known yet', null, { desk: 'ben@newsroom (b2)' }, null],
    ['a desk working alone', 'ben@host (b2)', null, null],
  ])('%s', (_what, desk, team, title) => {
    expect(row(desk, team).getAttribute('title')).toBe(title);
  });
});
