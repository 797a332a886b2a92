import { describe, expect, it } from 'vitest';
import {
  describePostgresError,
  isUnreachable,
  LedgerProblem,
  type LedgerProblemKind,
} from '../../../../src/main/core/ledger/postgres-errors';

const PLACE = {
  redacted: 'postgres://desk:***@db.newsroom:5432/authenta',
  host: 'db.newsroom',
  port: 5432,
  database: 'authenta',
  user: 'desk',
};

function driverError(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

describe('what a PostgreSQL failure means for people', () => {
  it.each<[Error, LedgerProblemKind, RegExp]>([
    [
      driverError('28P01'),
      'auth',
      /refused the password of desk: correct the password in the ledger URL \(postgres:\/\/desk:\*\*\*@/,
    ],
    [driverError('28000'), 'auth', /does not let desk connect to authenta from this computer.*pg_hba\.conf/],
    [driverError('3D000'), 'no-database', /There is no database authenta.*createdb authenta/],
    [
      driverError('42501', 'permission denied for schema'),
      'permission',
      /desk may not create or write.*GRANT/,
    ],
    [
      driverError('ECONNREFUSED'),
      'unreachable',
      /Cannot reach .* at db\.newsroom:5432 \(ECONNREFUSED\): start the server/,
    ],
    [driverError('ENOTFOUND'), 'unreachable', /server name db\.newsroom is not known/],
    [driverError('57P03', 'the database system is starting up'), 'unreachable', /Cannot reach/],
    [
      driverError('57P01', 'terminating connection due to administrator command'),
      'unreachable',
      /Cannot reach/,
    ],
    [new Error('Connection terminated unexpectedly'), 'unreachable', /Cannot reach/],
    [new Error('timeout expired'), 'unreachable', /Cannot reach/],
    [
      driverError('23505', 'duplicate key'),
      'failed',
      /The team ledger at postgres:\/\/desk:\*\*\*@.* failed: duplicate key/,
    ],
  ])('%s -> %s', (error, kind, message) => {
    const problem = describePostgresError(error, PLACE);
    expect(problem).toBeInstanceOf(LedgerProblem);
    expect(problem.kind).toBe(kind);
    expect(problem.message).toMatch(message);
  });

  it('passes the driver text through the password filter', () => {
    const problem = describePostgresError(new Error('bad thing with s3cret'), PLACE, (t) =>
      t.replace('s3cret', '***'),
    );
    expect(problem.message).not.toContain('s3cret');
  });

  it("pg-pool's connect timeout (a busy server or machine) is 'cannot reach now', not a failure: a watching desk waits instead of exiting", () => {
    // Seen in the three-desk test: a desk exited 1 with "... failed: timeout exceeded when trying to connect".
    const e = new Error('timeout exceeded when trying to connect');
    expect(isUnreachable(e)).toBe(true);
    expect(describePostgresError(e, PLACE).kind).toBe('unreachable');
  });

  it('keeps a problem already described', () => {
    const p = new LedgerProblem('newer-schema', 'update');
    expect(describePostgresError(p, PLACE)).toBe(p);
    expect(isUnreachable(new LedgerProblem('unreachable', 'x'))).toBe(true);
    expect(isUnreachable(new LedgerProblem('auth', 'x'))).toBe(false);
  });
});
