import { describe, expect, it } from 'vitest';
import { ContractError, parseArgs } from '../../../src/shared/contract';
import { toWireError } from '../../../src/shared/wire-error';
import { AuthentaError } from '../../../src/main/core/api/errors';

function invalidArgs(): unknown {
  try {
    parseArgs('getJob', ['not a job id']);
  } catch (e) {
    return e;
  }
  throw new Error('getJob accepted a string id');
}

describe('toWireError', () => {
  const cases: [string, unknown, { message: string; code: string | null }][] = [
    ['a plain error keeps its message, no code', new Error('plain'), { message: 'plain', code: null }],
    [
      "an API error keeps the API's code",
      new AuthentaError({
        code: 'IAM001',
        kind: 'auth',
        message: 'Authenta refused the client ID and secret.',
      }),
      { message: 'Authenta refused the client ID and secret.', code: 'IAM001' },
    ],
    [
      'a local error keeps its string code',
      Object.assign(new Error('No job 99.'), { code: 'NOT_FOUND' }),
      { message: 'No job 99.', code: 'NOT_FOUND' },
    ],
    [
      'a code that is not a string is dropped',
      Object.assign(new Error('x'), { code: 42 }),
      { message: 'x', code: null },
    ],
    ['a thrown string becomes the message', 'text', { message: 'text', code: null }],
    ['a thrown null still answers', null, { message: 'null', code: null }],
    ['a thrown undefined still answers', undefined, { message: 'undefined', code: null }],
    [
      'arguments the contract refused are INVALID_ARGS',
      new ContractError('Invalid arguments for getJob'),
      { message: 'Invalid arguments for getJob', code: 'INVALID_ARGS' },
    ],
  ];
  it.each(cases)('%s', (_name, error, expected) => {
    expect(toWireError(error)).toEqual(expected);
  });

  it('answers a real schema failure with INVALID_ARGS and the reason', () => {
    const wire = toWireError(invalidArgs());
    expect(wire.code).toBe('INVALID_ARGS');
    expect(wire.message).toContain('Invalid arguments for getJob');
  });
});
