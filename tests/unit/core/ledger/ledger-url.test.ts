import { describe, expect, it } from 'vitest';
import {
  hidePassword,
  isPostgresUrl,
  parseLedgerUrl,
  redactLedgerUrl,
} from '../../../../src/main/core/ledger/ledger-url';

describe('team ledger URL', () => {
  it.each([
    ['postgres://desk:s3cret@db.newsroom:5433/authenta', 'db.newsroom', 5433, 'authenta', 'desk', true],
    ['postgresql://desk@10.0.0.5/ledger', '10.0.0.5', 5432, 'ledger', 'desk', false],
    ['  postgres://desk:p%40ss@h/my%20db  ', 'h', 5432, 'my db', 'desk', true],
    ['postgres://h/db?password=s3cret&sslmode=require', 'h', 5432, 'db', null, true],
  ])('reads %s', (text, host, port, database, user, hasPassword) => {
    const parsed = parseLedgerUrl(text);
    expect(parsed).toMatchObject({ ok: true, value: { host, port, database, user, hasPassword } });
  });

  it.each([
    ['', /is empty/],
    ['mysql://u:s3cret@h/db', /must start with postgres:\/\//],
    ['/var/lib/ledger.sqlite', /must start with postgres:\/\//],
    ['postgres://u:s3cret@h', /names no database/],
    ['postgres://u:s3cret@h/', /names no database/],
    ['postgres://u:s3cret@h:99999/db', /cannot be read/],
    ['postgres://u:s3cret@h/a/b', /a \/ in the database name/],
  ])('refuses %j saying how to write it, without repeating it', (text, why) => {
    const parsed = parseLedgerUrl(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem.kind).toBe('bad-url');
    expect(parsed.problem.message).toMatch(why);
    expect(parsed.problem.message).toContain('postgres://USER:PASSWORD@HOST:5432/DATABASE');
    expect(parsed.problem.message).not.toContain('s3cret');
  });

  it('tells a PostgreSQL URL from a file path', () => {
    expect(isPostgresUrl('postgres://h/db')).toBe(true);
    expect(isPostgresUrl('POSTGRESQL://h/db')).toBe(true);
    expect(isPostgresUrl('/srv/ledger')).toBe(false);
  });

  it.each([
    ['postgres://desk:s3cret@h:5432/db', 'postgres://desk:***@h:5432/db'],
    ['postgres://desk@h/db', 'postgres://desk@h/db'],
    ['postgres://h/db?password=s3cret&sslmode=require', 'postgres://h/db?password=***&sslmode=require'],
    ['postgres://desk:s3cret@h:5432/db with spaces%', 'postgres://desk:***@h:5432/db%20with%20spaces%'],
    ['not a url s3cret', 'postgres://(a URL that cannot be read)'],
  ])('redacts %s', (text, redacted) => {
    expect(redactLedgerUrl(text)).toBe(redacted);
  });

  it('hides the password, raw or encoded, wherever a driver message repeats it', () => {
    const url = 'postgres://desk:p%40ss@h/db';
    expect(hidePassword(`failed for ${url}: p@ss and p%40ss`, url)).toBe(
      'failed for postgres://desk:***@h/db: *** and ***',
    );
  });
});
