/**
 * A team ledger's address (`postgres://user:password@host:5432/database`): read, checked and
 * redacted before anything else sees it. The password is a secret: only the connection gets the
 * URL whole; logs, status, messages and the ledger get `redacted` (`postgres://user:***@host/db`).
 * Pure: no I/O.
 */

/** A URL that names a PostgreSQL database. */
export interface LedgerUrl {
  /** The URL as given: for the connection only, never for a log or a message. */
  url: string;
  /** The URL with its password (and any `password=` parameter) replaced by `***`. */
  redacted: string;
  host: string;
  port: number;
  database: string;
  user: string | null;
  hasPassword: boolean;
}

/** What was wrong with a ledger URL: a message naming what to do, without the password. */
export interface LedgerUrlProblem {
  kind: 'bad-url';
  message: string;
}

const EXAMPLE = 'postgres://USER:PASSWORD@HOST:5432/DATABASE';

/** Whether a text looks like a team ledger URL at all (`postgres://` or `postgresql://`). */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text.trim());
}

/**
 * Read a team ledger URL. Accepts `postgres://` and `postgresql://` with a host and a database
 * name; the port defaults to 5432. A problem's message never repeats the text given (it may
 * hold the password).
 */
export function parseLedgerUrl(
  text: string,
): { ok: true; value: LedgerUrl } | { ok: false; problem: LedgerUrlProblem } {
  const bad = (why: string): { ok: false; problem: LedgerUrlProblem } => ({
    ok: false,
    problem: { kind: 'bad-url', message: `The team ledger URL ${why}. Write it as ${EXAMPLE}.` },
  });
  const trimmed = text.trim();
  if (!trimmed) return bad('is empty');
  if (!isPostgresUrl(trimmed))
    return bad('must start with postgres:// (only PostgreSQL can be a team ledger)');
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return bad(
      'cannot be read (a character in the password such as @, / or # must be written %40, %2F, %23)',
    );
  }
  if (!parsed.hostname) return bad('names no server');
  let database: string;
  try {
    database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  } catch {
    return bad('has a database name that cannot be read');
  }
  if (!database) return bad('names no database (the part after the last /)');
  if (database.includes('/')) return bad('has a / in the database name');
  const port = parsed.port ? Number(parsed.port) : 5432;
  let user: string | null = null;
  try {
    user = parsed.username ? decodeURIComponent(parsed.username) : null;
  } catch {
    return bad('has a user name that cannot be read');
  }
  return {
    ok: true,
    value: {
      url: trimmed,
      redacted: redactLedgerUrl(trimmed),
      host: parsed.hostname,
      port,
      database,
      user,
      hasPassword: parsed.password !== '' || parsed.searchParams.has('password'),
    },
  };
}

/**
 * The URL with its password replaced by `***`, safe for logs and messages. A text that cannot be
 * read as a URL is not repeated at all (its password could not be found to hide).
 */
export function redactLedgerUrl(text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text.trim());
  } catch {
    return 'postgres://(a URL that cannot be read)';
  }
  if (parsed.password) parsed.password = '***';
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
  // URL encodes the stars in the password field; show them as written.
  return parsed.toString().replace(/%2A%2A%2A/g, '***');
}

/**
 * Hide a password wherever it appears in a text (an error message from a driver, a stack): every
 * occurrence, raw and URL-encoded, becomes `***`.
 */
export function hidePassword(text: string, url: string): string {
  let password = '';
  try {
    const parsed = new URL(url.trim());
    password = parsed.password
      ? decodeURIComponent(parsed.password)
      : (parsed.searchParams.get('password') ?? '');
  } catch {
    return text.includes(url) ? text.split(url).join(redactLedgerUrl(url)) : text;
  }
  let out = text.split(url).join(redactLedgerUrl(url));
  if (password) {
    for (const form of new Set([password, encodeURIComponent(password)])) out = out.split(form).join('***');
  }
  return out;
}

/**
 * The secret parts of a ledger URL (its password, raw and URL-encoded), for the redaction lists
 * of loggers and error messages. Empty when the URL holds no password.
 */
export function ledgerUrlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url.trim());
    const raw = parsed.password ? decodeURIComponent(parsed.password) : parsed.searchParams.get('password');
    if (!raw) return [];
    return [...new Set([raw, encodeURIComponent(raw), parsed.password].filter((s) => s !== ''))];
  } catch {
    return [];
  }
}
