import { describe, expect, it } from 'vitest';
import { describeBlock } from '../../../../src/main/core/pipeline/error-policy';
import { hintFor, type HintInput } from '../../../../src/main/core/pipeline/hints';

const base: HintInput = { state: 'failed', errorCode: null, errorKind: null, duplicateOf: null };

describe('hintFor', () => {
  it.each<[string, Partial<HintInput>, RegExp | null]>([
    ['done: nothing to do', { state: 'done' }, null],
    ['processing: nothing to do', { state: 'processing' }, null],
    [
      'duplicate: points at the earlier job',
      { state: 'skipped', duplicateOf: 7, errorCode: 'DUPLICATE' },
      /job #7.*use Check again/,
    ],
    ['unsupported type: convert it', { state: 'skipped', errorCode: 'UNSUPPORTED_TYPE' }, /convert the file/],
    [
      'a model the API lacks: choose another',
      { state: 'skipped', errorCode: 'MODEL_UNAVAILABLE' },
      /folder settings/,
    ],
    [
      'too large: the maximum file size in Settings',
      { state: 'skipped', errorCode: 'TOO_LARGE' },
      /maximum file size in Settings/,
    ],
    ['wrong client pair: fix it in Account', { state: 'blocked', errorCode: 'IAM001' }, /in Account/],
    ['wrong API key: fix it in Account', { state: 'blocked', errorCode: 'INVALID_API_KEY' }, /in Account/],
    ['cancelled: retry to check it', { errorCode: 'CANCELLED' }, /Retry it/],
    ['deadline: retry is free', { errorCode: 'DEADLINE' }, /not sent or paid for twice/],
    ['remote failure: spends a credit', { errorCode: 'REMOTE_FAILED' }, /credit/],
    ['unknown code of a known kind', { errorCode: 'HTTP_418', errorKind: 'invalid' }, /Authenta refused/],
    ['unknown everything', { errorCode: 'ZZZ' }, /Retry the file/],
  ])('%s', (_n, over, expected) => {
    const hint = hintFor({ ...base, ...over }, [], 0);
    if (expected === null) expect(hint).toBeNull();
    else expect(hint).toMatch(expected);
  });

  it('tells a blocked job what the block asks', () => {
    const block = describeBlock('credits', { code: 'U007', message: 'No credits' }, 0, null);
    expect(hintFor({ ...base, state: 'blocked', errorCode: 'U007' }, [block], 0)).toMatch(/Buy credits/);
  });

  it('tells a job waiting for a retry when it will be tried', () => {
    const hint = hintFor(
      { ...base, state: 'queued', errorCode: 'HTTP_500', nextAttemptAt: 60_000 },
      [],
      1_000,
    );
    expect(hint).toMatch(/HTTP_500.*retrying automatically/);
  });
});
