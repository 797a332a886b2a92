import { describe, expect, it } from 'vitest';
import type { Job } from '../../../../src/shared/domain';
import { retryOffer, showsSimulated } from '../../../../src/renderer/src/state/job-actions';

const job = (state: Job['state'], errorCode: string | null = null, duplicateOf: number | null = null) => ({
  state,
  errorCode,
  duplicateOf,
  verdict: null,
});

describe('retryOffer', () => {
  it.each([
    ['failed', 'U007', null, 'retry'],
    ['failed', 'CANCELLED', null, 'retry'],
    ['failed', 'HTTP_503', null, 'retry'],
    ['failed', null, null, 'retry'],
    ['failed', 'CHANGED', null, null],
    ['blocked', 'IAM001', null, 'retry'],
    ['skipped', 'VANISHED', null, 'retry'],
    ['skipped', 'UNREADABLE', null, 'retry'],
    ['skipped', 'TRUNCATED', null, 'retry'],
    ['skipped', 'CORRUPT', null, 'retry'],
    ['skipped', 'TOO_LARGE', null, 'retry'],
    ['skipped', 'KIND_DISABLED', null, 'retry'],
    ['skipped', 'MODEL_UNAVAILABLE', null, 'retry'],
    ['skipped', 'UNSUPPORTED_TYPE', null, null],
    ['skipped', 'NOT_A_FILE', null, null],
    ['skipped', 'FOLDER_REMOVED', null, null],
    ['skipped', 'EMPTY_FILE', null, null],
    ['skipped', 'DUPLICATE', 4, 'recheck'],
    ['skipped', 'DUPLICATE', null, 'recheck'],
    ['done', null, null, null],
    ['processing', null, null, null],
    ['waiting', null, null, null],
  ] as const)('%s %s (duplicate of %s): %s', (state, code, duplicateOf, offer) => {
    expect(retryOffer(job(state, code, duplicateOf))).toBe(offer);
  });
});

describe('showsSimulated', () => {
  it.each([
    [true, { label: 'fake' as const }, true],
    [true, null, false],
    [false, { label: 'fake' as const }, false],
    [false, null, false],
  ])('simulated %s with verdict %o: %s', (simulated, verdict, shown) => {
    expect(showsSimulated({ simulated, verdict })).toBe(shown);
  });
});
