import { describe, expect, it } from 'vitest';
import { JOB_STATES, TERMINAL_STATES, type JobState } from '../../../../src/shared/domain';
import { canTransition, TRANSITIONS } from '../../../../src/main/core/ledger/transitions';

// [from, to, allowed]: the moves that matter for "never pay twice, never lose a file".
const CASES: [JobState, JobState, boolean][] = [
  ['waiting', 'queued', true],
  ['waiting', 'skipped', true],
  ['waiting', 'creating', false], // never POST a file that was not sniffed and hashed
  ['waiting', 'uploading', false],
  ['queued', 'creating', true],
  ['queued', 'uploading', false], // the record must exist before bytes are sent
  ['queued', 'skipped', true], // a duplicate found after hashing
  ['creating', 'uploading', true],
  ['creating', 'processing', false], // never skip the upload
  ['creating', 'blocked', true], // AA001 / U007 / IAM001 on POST
  ['creating', 'queued', true], // transient error: retry later, keeping its place
  ['uploading', 'processing', true],
  ['uploading', 'finalizing', true],
  ['uploading', 'creating', true], // upload URL expired: a new record
  ['uploading', 'queued', false], // a record with bytes is never silently dropped back
  ['uploading', 'done', false],
  ['finalizing', 'processing', true],
  ['processing', 'done', true],
  ['processing', 'failed', true],
  ['processing', 'creating', false], // a second record for processed bytes would be paid twice
  ['processing', 'queued', false],
  ['done', 'queued', false],
  ['done', 'creating', false],
  ['done', 'failed', false],
  ['failed', 'waiting', true], // user retry: look at the file again
  ['failed', 'processing', true], // user retry after the deadline: poll again, do not re-send
  ['failed', 'creating', false],
  ['skipped', 'waiting', true],
  ['skipped', 'queued', true], // check a duplicate anyway
  ['blocked', 'queued', true],
  ['blocked', 'processing', true],
  ['blocked', 'uploading', true],
  ['blocked', 'done', false],
];

describe('canTransition', () => {
  it.each(CASES)('%s -> %s is %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('knows every state', () => {
    for (const s of JOB_STATES) expect(TRANSITIONS[s]).toBeDefined();
  });

  it('never leaves done', () => {
    for (const s of JOB_STATES) expect(canTransition('done', s)).toBe(false);
  });

  it('leaves terminal states only back into the queue (a user retry)', () => {
    for (const t of TERMINAL_STATES) {
      for (const to of TRANSITIONS[t]) expect(['waiting', 'queued', 'processing']).toContain(to);
    }
  });

  it('never moves into a state with a remote record from before one existed', () => {
    for (const from of ['waiting', 'queued'] as const) {
      for (const to of ['uploading', 'finalizing', 'processing', 'done'] as const) {
        expect(canTransition(from, to)).toBe(false);
      }
    }
  });
});
