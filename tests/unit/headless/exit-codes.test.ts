import { describe, expect, it } from 'vitest';
import {
  EXIT,
  exitCodeFor,
  ledgerExitCode,
  stopsOnceRun,
  type RunOutcome,
} from '../../../src/main/headless/exit-codes';
import type { LedgerProblemKind } from '../../../src/main/core/ledger/postgres-errors';
import type { Block, ErrorKind, JobState } from '../../../src/shared/domain';

const j = (state: JobState, errorCode: string | null = null, errorKind: ErrorKind | null = null) => ({
  state,
  errorCode,
  errorKind,
});
const b = (kind: Block['kind'], code: string) => ({ kind, code });

describe('exitCodeFor', () => {
  it.each<[string, RunOutcome, number]>([
    ['nothing to do', { jobs: [], blocks: [] }, EXIT.ok],
    ['all verdicts', { jobs: [j('done'), j('done')], blocks: [] }, 0],
    ['verdicts and skips', { jobs: [j('done'), j('skipped', 'UNSUPPORTED', 'unsupported')], blocks: [] }, 0],
    ['a failed file', { jobs: [j('done'), j('failed', 'E500', 'invalid')], blocks: [] }, 1],
    ['a job still open', { jobs: [j('processing')], blocks: [] }, 1],
    ['offline block only', { jobs: [j('queued')], blocks: [b('offline', 'NETWORK')] }, 1],
    ['IAM001 on a job', { jobs: [j('failed', 'IAM001', 'auth')], blocks: [] }, 3],
    ['IAM002 on a job', { jobs: [j('failed', 'IAM002', 'permission')], blocks: [] }, 3],
    ['INVALID_API_KEY', { jobs: [j('blocked', 'INVALID_API_KEY', null)], blocks: [] }, 3],
    ['FORBIDDEN', { jobs: [j('blocked', 'FORBIDDEN', null)], blocks: [] }, 3],
    ['auth block', { jobs: [j('blocked')], blocks: [b('auth', 'IAM001')] }, 3],
    ['permission block', { jobs: [], blocks: [b('permission', 'IAM002')] }, 3],
    ['AA001 on a job', { jobs: [j('blocked', 'AA001', 'quota')], blocks: [] }, 4],
    ['U007 on a job', { jobs: [j('failed', 'U007', 'credits')], blocks: [] }, 4],
    ['INSUFFICIENT_BALANCE', { jobs: [j('blocked', 'INSUFFICIENT_BALANCE', null)], blocks: [] }, 4],
    ['quota block', { jobs: [j('blocked')], blocks: [b('quota-mutation', 'AA001')] }, 4],
    ['credits block', { jobs: [j('blocked')], blocks: [b('credits', 'U007')] }, 4],
    ['credentials beat quota', { jobs: [j('failed', 'U007', 'credits')], blocks: [b('auth', 'IAM001')] }, 3],
    [
      'quota beats a plain failure',
      { jobs: [j('failed', 'E1', 'invalid'), j('blocked', 'AA001', 'quota')], blocks: [] },
      4,
    ],
    ['an old code on a finished job does not count', { jobs: [j('done', 'IAM001', 'auth')], blocks: [] }, 0],
    [
      'kind alone decides when the code is new',
      { jobs: [j('failed', 'NEW_AUTH_CODE', 'auth')], blocks: [] },
      3,
    ],
  ])('%s', (_name, outcome, expected) => {
    expect(exitCodeFor(outcome)).toBe(expected);
  });
});

describe('stopsOnceRun', () => {
  it.each<[Block['kind'], string, boolean]>([
    ['auth', 'IAM001', true],
    ['permission', 'FORBIDDEN', true],
    ['credits', 'INSUFFICIENT_BALANCE', true],
    ['quota-query', 'AA001', true],
    ['quota-mutation', 'AA001', true],
    ['offline', 'NETWORK', false],
  ])('%s %s -> %s', (kind, code, stops) => {
    expect(stopsOnceRun([b(kind, code)])).toBe(stops);
  });
  it('not without blocks', () => expect(stopsOnceRun([])).toBe(false));

  // Issue 9, item 2: files already sent are waited for where the block leaves their calls free.
  it.each<[Block['kind'], JobState, boolean]>([
    ['quota-mutation', 'processing', false],
    ['credits', 'processing', false],
    ['quota-mutation', 'uploading', false],
    ['quota-mutation', 'creating', false],
    ['quota-mutation', 'waiting', false],
    ['quota-mutation', 'queued', true],
    ['quota-mutation', 'blocked', true],
    ['quota-mutation', 'finalizing', true],
    ['credits', 'finalizing', true],
    ['quota-query', 'processing', true],
    ['quota-query', 'uploading', true],
    ['auth', 'processing', true],
    ['permission', 'uploading', true],
  ])('%s with a job %s open -> stops: %s', (kind, state, stops) => {
    expect(stopsOnceRun([b(kind, 'X')], [{ state }, { state: 'blocked' }, { state: 'failed' }])).toBe(stops);
  });
});

describe('ledgerExitCode: a team ledger that cannot be used at start', () => {
  it.each<[LedgerProblemKind, number]>([
    ['bad-url', EXIT.usage],
    ['no-database', EXIT.usage],
    ['auth', EXIT.credentials],
    ['permission', EXIT.credentials],
    ['unreachable', EXIT.timedOut],
    ['newer-schema', EXIT.failed],
    ['failed', EXIT.failed],
  ])('%s -> %i', (kind, code) => {
    expect(ledgerExitCode(kind)).toBe(code);
  });
});
