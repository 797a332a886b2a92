import { describe, expect, it } from 'vitest';
import type { Block, BlockKind, ErrorKind, JobState } from '../../../../src/shared/domain';
import { AuthentaError } from '../../../../src/main/core/api/errors';
import {
  blockOrder,
  clockTime,
  decideOnError,
  describeBlock,
  firstOperation,
  isAccountBlock,
  isBlocked,
  JOB_RETRY_POLICY,
  type ErrorOutcome,
  type Operation,
} from '../../../../src/main/core/pipeline/error-policy';

function err(
  code: string,
  kind: ErrorKind,
  extra: Partial<{ status: number | null; quota: 'query' | 'mutation' }> = {},
) {
  return new AuthentaError({
    code,
    kind,
    message: `${code} happened`,
    status: extra.status === undefined ? 400 : extra.status,
    quota: extra.quota ?? null,
  });
}
const half = () => 0.5;

describe('decideOnError', () => {
  it.each<[string, Operation, AuthentaError, Partial<ErrorOutcome>]>([
    ['IAM001 on create stops everything', 'create', err('IAM001', 'auth'), { type: 'block', block: 'auth' }],
    [
      'finalize refused for missing bytes (400 UPLOAD_INCOMPLETE): upload again',
      'finalize',
      err('UPLOAD_INCOMPLETE', 'invalid'),
      { type: 'reupload' },
    ],
    [
      'finalize refused for missing bytes (409 JOB_INPUTS_MISSING): upload again',
      'finalize',
      err('JOB_INPUTS_MISSING', 'invalid', { status: 409 }),
      { type: 'reupload' },
    ],
    [
      'a storage answer cut short on the upload itself stays a transient retry',
      'upload',
      err('UPLOAD_INCOMPLETE', 'transient', { status: 200 }),
      { type: 'retry' },
    ],
    [
      'INVALID_API_KEY on a poll stops everything',
      'list',
      err('INVALID_API_KEY', 'auth'),
      { type: 'block', block: 'auth' },
    ],
    [
      'IAM002 on create stops everything',
      'create',
      err('IAM002', 'permission'),
      { type: 'block', block: 'permission' },
    ],
    [
      'FORBIDDEN on get stops everything',
      'get',
      err('FORBIDDEN', 'permission'),
      { type: 'block', block: 'permission' },
    ],
    [
      'IAM002 on delete fails only the delete',
      'remove',
      err('IAM002', 'permission'),
      { type: 'fail', code: 'IAM002' },
    ],
    [
      'AA001 on GET stops Query calls',
      'get',
      err('AA001', 'quota', { quota: 'query' }),
      { type: 'block', block: 'quota-query' },
    ],
    [
      'AA001 on POST stops Mutation calls',
      'create',
      err('AA001', 'quota', { quota: 'mutation' }),
      { type: 'block', block: 'quota-mutation' },
    ],
    [
      'AA001 without a quota field: by the operation',
      'list',
      err('AA001', 'quota'),
      { type: 'block', block: 'quota-query' },
    ],
    ['U007 stops record creation', 'create', err('U007', 'credits'), { type: 'block', block: 'credits' }],
    [
      'INSUFFICIENT_BALANCE stops record creation',
      'create',
      err('INSUFFICIENT_BALANCE', 'credits', { status: 402 }),
      { type: 'block', block: 'credits' },
    ],
    [
      'expired upload URL: a new record',
      'upload',
      err('AccessDenied', 'expired-url', { status: 403 }),
      { type: 'renew-url' },
    ],
    [
      'upload target gone: a new record',
      'upload',
      err('NoSuchUpload', 'not-found', { status: 404 }),
      { type: 'renew-url' },
    ],
    ['record gone while polling', 'get', err('HTTP_404', 'not-found', { status: 404 }), { type: 'gone' }],
    [
      'bad request: fail with its code',
      'create',
      err('HTTP_400', 'invalid'),
      { type: 'fail', code: 'HTTP_400', kind: 'invalid' },
    ],
    [
      'signature mismatch on upload: fail',
      'upload',
      err('SignatureDoesNotMatch', 'invalid', { status: 403 }),
      { type: 'fail' },
    ],
    [
      '500: retry',
      'create',
      err('HTTP_500', 'transient', { status: 500 }),
      { type: 'retry', offline: false },
    ],
    [
      'reset during upload: retry',
      'upload',
      err('RESET', 'transient', { status: null }),
      { type: 'retry', offline: false },
    ],
    [
      'network down: retry, offline',
      'get',
      err('NETWORK', 'transient', { status: null }),
      { type: 'retry', offline: true },
    ],
  ])('%s', (_name, op, e, expected) => {
    expect(decideOnError(op, e, 1, half)).toMatchObject(expected);
  });

  it('gives up on a server that keeps failing, saying what to do', () => {
    const e = err('HTTP_503', 'transient', { status: 503 });
    expect(decideOnError('create', e, JOB_RETRY_POLICY.maxAttempts - 1, half).type).toBe('retry');
    const last = decideOnError('create', e, JOB_RETRY_POLICY.maxAttempts, half);
    expect(last).toMatchObject({ type: 'fail', code: 'HTTP_503' });
    expect(last.type === 'fail' && last.message).toMatch(/Retry the file/);
  });

  it('never gives up on a network that is down, and never waits past the cap', () => {
    const e = err('NETWORK', 'transient', { status: null });
    const d = decideOnError('create', e, 500, () => 0.999);
    expect(d.type).toBe('retry');
    expect(d.type === 'retry' && d.delayMs).toBeLessThanOrEqual(JOB_RETRY_POLICY.maxDelayMs);
  });

  it('backs off as attempts grow', () => {
    const e = err('HTTP_500', 'transient', { status: 500 });
    const delay = (a: number) => {
      const d = decideOnError('create', e, a, () => 0.999);
      return d.type === 'retry' ? d.delayMs : NaN;
    };
    expect(delay(1)).toBeLessThan(delay(3));
    expect(delay(3)).toBeLessThan(delay(5));
  });

  it('fails a job on a non-Authenta error instead of looping', () => {
    expect(decideOnError('create', new TypeError('boom'), 1, half)).toMatchObject({
      type: 'fail',
      code: 'INTERNAL',
    });
  });
});

describe('blocks', () => {
  const block = (kind: BlockKind): Block => describeBlock(kind, null, 0, null);
  it.each<[BlockKind, Operation, boolean]>([
    ['quota-query', 'get', true],
    ['quota-query', 'list', true],
    ['quota-query', 'create', false], // uploads go on while polling waits
    ['quota-query', 'upload', false],
    ['quota-mutation', 'create', true],
    ['quota-mutation', 'remove', true],
    ['quota-mutation', 'get', false], // verdicts of files already sent still arrive
    ['credits', 'create', true],
    ['credits', 'upload', false], // a record already created may still get its bytes
    ['credits', 'finalize', true], // the Jobs API spends the credit at finalize
    ['credits', 'get', false],
    ['credits', 'list', false],
    ['auth', 'list', true],
    ['auth', 'upload', true],
    ['permission', 'create', true],
    ['offline', 'get', true],
  ])('%s blocks %s: %s', (kind, op, blocked) => {
    expect(isBlocked(op, [block(kind)])).toBe(blocked);
  });

  it('says what happened and what to do, for every kind', () => {
    for (const kind of [
      'auth',
      'permission',
      'quota-query',
      'quota-mutation',
      'credits',
      'offline',
    ] as const) {
      const b = describeBlock(kind, { code: 'X1', message: 'It broke' }, 5, 10);
      expect(b).toMatchObject({ kind, code: 'X1', since: 5, retryAt: 10 });
      expect(b.message.length).toBeGreaterThan(10);
      expect(b.action.length).toBeGreaterThan(10);
    }
  });

  it.each(['SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'HTTP_500', 'HTTP_503'])(
    'an offline block of a 5xx answer (%s) says Authenta is answering with errors',
    (code) => {
      const b = describeBlock('offline', { code, message: 'Authenta answered 500' }, 0, null);
      expect(b.code).toBe(code);
      expect(b.message).toBe('Authenta is answering with errors; nothing is sent until it answers normally.');
      expect(b.action).toMatch(
        /^Nothing to do: the next try is automatic\. If it lasts, check Authenta's status page/,
      );
    },
  );

  it.each(['ECONNREFUSED', 'ETIMEDOUT', 'HTTP_429'])(
    'an offline block of %s still speaks of the network',
    (code) => {
      const b = describeBlock('offline', { code, message: 'Could not reach Authenta' }, 0, null);
      expect(b.message).toBe('Could not reach Authenta. Everything waits for the network.');
      expect(b.action).toMatch(/Check the connection or proxy/);
    },
  );

  it('an auth block sends people to the Account screen', () => {
    expect(describeBlock('auth', null, 0, null).action).toBe(
      'Check the client ID and secret (or API key) of this profile (Account), then resume the queue.',
    );
  });
});

describe('firstOperation: the call a state needs first', () => {
  it.each<[JobState | null, Operation]>([
    ['waiting', 'create'],
    ['queued', 'create'],
    [null, 'create'], // a blocked job with no resume state goes back to queued
    ['creating', 'create'],
    ['uploading', 'get'], // the record exists: ask for it before sending anything again
    ['finalizing', 'finalize'], // where the Jobs API spends the credit: a credits block holds it
    ['processing', 'list'],
  ])('%s needs %s', (state, op) => {
    expect(firstOperation(state)).toBe(op);
  });
});

describe('blockOrder: the block an error outcome sets', () => {
  const NOW = 1_000_000;
  const COOLDOWN = 15 * 60_000;
  it.each<[string, ErrorOutcome, unknown, ReturnType<typeof blockOrder>]>([
    [
      'a Mutation quota: tested again after the cool-down',
      { type: 'block', block: 'quota-mutation' },
      err('AA001', 'quota'),
      {
        kind: 'quota-mutation',
        error: { code: 'AA001', message: 'AA001 happened' },
        retryAt: NOW + COOLDOWN,
      },
    ],
    [
      'a Query quota: tested again after the cool-down',
      { type: 'block', block: 'quota-query' },
      err('AA001', 'quota'),
      { kind: 'quota-query', error: { code: 'AA001', message: 'AA001 happened' }, retryAt: NOW + COOLDOWN },
    ],
    [
      'credentials: wait for the user',
      { type: 'block', block: 'auth' },
      err('IAM001', 'auth'),
      { kind: 'auth', error: { code: 'IAM001', message: 'IAM001 happened' }, retryAt: null },
    ],
    [
      'credits: wait for the user',
      { type: 'block', block: 'credits' },
      err('U007', 'credits'),
      { kind: 'credits', error: { code: 'U007', message: 'U007 happened' }, retryAt: null },
    ],
    [
      "a block from an error that is not Authenta's shows no error of its own",
      { type: 'block', block: 'permission' },
      new Error('boom'),
      { kind: 'permission', error: null, retryAt: null },
    ],
    [
      'the network down: every call waits until the retry',
      { type: 'retry', delayMs: 4_000, offline: true },
      err('NETWORK', 'transient', { status: null }),
      { kind: 'offline', error: { code: 'NETWORK', message: 'NETWORK happened' }, retryAt: NOW + 4_000 },
    ],
    [
      'a retry of one job: no block',
      { type: 'retry', delayMs: 4_000, offline: false },
      err('HTTP_500', 'transient'),
      null,
    ],
    [
      'a failed job: no block',
      { type: 'fail', code: 'X', kind: 'invalid', message: 'x' },
      err('X', 'invalid'),
      null,
    ],
    ['a gone record: no block', { type: 'gone' }, err('NOT_FOUND', 'not-found'), null],
    ['an expired URL: no block', { type: 'renew-url' }, err('EXPIRED', 'expired-url'), null],
  ])('%s', (_name, outcome, error, expected) => {
    expect(blockOrder(outcome, error, NOW, COOLDOWN)).toEqual(expected);
  });
});

describe("isAccountBlock: the account's blocks a team shares, and a desk's own", () => {
  it.each<[BlockKind, boolean, string]>([
    ['quota-query', true, "AA001 on GET: the account's Query quota, the same for every desk"],
    ['quota-mutation', true, "AA001 on POST/DELETE: the account's Mutation quota"],
    ['credits', true, "U007 / INSUFFICIENT_BALANCE: the account's credits"],
    ['auth', false, "IAM001: this desk's own credentials were rejected"],
    ['permission', false, "IAM002: this desk's key lacks a permission"],
    ['offline', false, "this desk's network (or Authenta unreachable from here)"],
    ['proxy', false, "this desk's proxy"],
  ])('%s: %s (%s)', (kind, shared) => {
    expect(isAccountBlock(kind)).toBe(shared);
  });
});

describe('describeBlock on a team ledger: who met it, and that every desk waits', () => {
  const AT = new Date(2026, 11, 4, 14, 5, 30).getTime();
  const aa001 = { code: 'AA001', message: 'API limit reached' };

  it('names the desk that met it, and the time every desk waits for', () => {
    const b = describeBlock('quota-mutation', aa001, 1, AT, { seenBy: 'anna@news-1 (aaa111)' });
    expect(clockTime(AT)).toBe('14:05');
    expect(b.message).toBe(
      "The account's Authenta Mutation quota is used up (AA001, seen by desk anna@news-1 (aaa111)): no new files are sent; every desk waits until 14:05.",
    );
    expect(b.action).toMatch(/one desk tries the next file when the cool-down ends, for the whole team/);
    expect(b.action).toMatch(/on any desk: it resumes every desk/);
    expect(b).toMatchObject({ kind: 'quota-mutation', code: 'AA001', retryAt: AT, since: 1 });
  });

  it('on the desk that met it: "seen by this desk"', () => {
    const b = describeBlock('quota-query', aa001, 1, AT, { seenBy: null });
    expect(b.message).toBe(
      "The account's Authenta Query quota is used up (AA001, seen by this desk): checking for verdicts is paused; every desk waits until 14:05.",
    );
  });

  it('credits wait for someone to resume, on any desk', () => {
    const b = describeBlock('credits', { code: 'U007', message: 'Not enough credits' }, 1, null, {
      seenBy: 'ben',
    });
    expect(b.message).toBe(
      'Not enough credits (U007, seen by desk ben). No new files are sent; files already sent still get their verdicts; every desk waits until someone resumes.',
    );
    expect(b.action).toBe(
      'Buy credits in the Authenta console, then resume (on any desk: it resumes every desk).',
    );
  });

  it("a desk's own block reads as before, team or not", () => {
    const own = { code: 'IAM001', message: 'Invalid credentials' };
    expect(describeBlock('auth', own, 1, null, { seenBy: 'ben' })).toEqual(
      describeBlock('auth', own, 1, null),
    );
    expect(describeBlock('quota-mutation', aa001, 1, AT).message).toBe(
      'The Authenta Mutation quota is used up (AA001): no new files are sent.',
    );
  });
});
