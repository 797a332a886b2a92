import { describe, expect, it } from 'vitest';
import {
  JOB_STATES,
  MOVING_STATES,
  TERMINAL_STATES,
  UNFINISHED_STATES,
  type JobState,
} from '../../../src/shared/domain';

/** Which named set each state is in: terminal, unfinished, moving. */
const MEMBERSHIP: [JobState, boolean, boolean, boolean][] = [
  ['waiting', false, true, true],
  ['queued', false, true, true],
  ['creating', false, true, true],
  ['uploading', false, true, true],
  ['finalizing', false, true, true],
  ['processing', false, true, true],
  // Blocked: not ended (it can be cancelled, it resumes), but nothing moves it until the block lifts.
  ['blocked', false, true, false],
  ['done', true, false, false],
  ['failed', true, false, false],
  ['skipped', true, false, false],
];

describe('the named sets of job states', () => {
  it('lists every state once in the table', () => {
    expect(MEMBERSHIP.map(([state]) => state).sort()).toEqual([...JOB_STATES].sort());
  });

  it.each(MEMBERSHIP)('%s: terminal %s, unfinished %s, moving %s', (state, terminal, unfinished, moving) => {
    expect(TERMINAL_STATES.includes(state)).toBe(terminal);
    expect(UNFINISHED_STATES.includes(state)).toBe(unfinished);
    expect(MOVING_STATES.includes(state)).toBe(moving);
  });

  it('splits every state into terminal or unfinished, never both', () => {
    for (const state of JOB_STATES)
      expect(TERMINAL_STATES.includes(state) !== UNFINISHED_STATES.includes(state)).toBe(true);
  });
});
