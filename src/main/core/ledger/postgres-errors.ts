/**
 * What a PostgreSQL failure means for a person: a kind the callers decide on (exit code, retry)
 * and a message naming what to do. Pure: it reads the driver's error code and network code only,
 * and never puts the URL's password in a message (callers give the redacted URL).
 */

/** Why the team ledger could not be used. */
export type LedgerProblemKind =
  /** The URL cannot be read: fix the setting. */
  | 'bad-url'
  /** The server refused the user or its password. */
  | 'auth'
  /** The database named in the URL does not exist. */
  | 'no-database'
  /** The user may not create or write the ledger's tables. */
  | 'permission'
  /** No answer from the server (down, restarting, wrong host or port, network gone): try again later. */
  | 'unreachable'
  /** The database was set up by a newer Authenta Watch: update this desk. */
  | 'newer-schema'
  /** Anything else the server said. */
  | 'failed';

/** A failure to open or use the team ledger, with a message for people. */
export class LedgerProblem extends Error {
  override readonly name = 'LedgerProblem';
  constructor(
    readonly kind: LedgerProblemKind,
    message: string,
  ) {
    super(message);
  }
}

/** Where the ledger is, as messages name it (the redacted URL and its parts). */
export interface LedgerPlace {
  redacted: string;
  host: string;
  port: number;
  database: string;
  user: string | null;
}

/** Network codes that mean the server cannot be reached now. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  // PostgreSQL: shutting down, crashed, starting up, too many connections.
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** Driver messages of a connection that broke or never came up (no code attached). */
const UNREACHABLE_MESSAGES = [
  /connection terminated/i,
  /timeout expired/i,
  /connection timeout/i,
  // pg-pool's connectionTimeoutMillis: the server (or this machine) too busy to answer in time.
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection terminated unexpectedly/i,
];

/** Whether an error means the server cannot be reached now (worth trying again later). */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof LedgerProblem) return error.kind === 'unreachable';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  return UNREACHABLE_MESSAGES.some((re) => re.test(message));
}

/**
 * The problem a driver error stands for, with a message that names the place and what to do.
 * `hide` removes the password from any text taken from the driver.
 */
export function describePostgresError(
  error: unknown,
  place: LedgerPlace,
  hide: (text: string) => string = (t) => t,
): LedgerProblem {
  if (error instanceof LedgerProblem) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const said = hide(error instanceof Error ? error.message : String(error));
  const server = `${place.host}:${place.port}`;
  const user = place.user ?? 'the default user';
  switch (code) {
    case '28P01':
      return new LedgerProblem(
        'auth',
        `The team ledger's PostgreSQL at ${server} refused the password of ${user}: correct the password in the ledger URL (${place.redacted}).`,
      );
    case '28000':
      return new LedgerProblem(
        'auth',
        `The team ledger's PostgreSQL at ${server} does not let ${user} connect to ${place.database} from this computer: ask its administrator to allow it (pg_hba.conf), or correct the user in the ledger URL.`,
      );
    case '3D000':
      return new LedgerProblem(
        'no-database',
        `There is no database ${place.database} on the team ledger's PostgreSQL at ${server}: create it (createdb ${place.database}) or correct the database name in the ledger URL.`,
      );
    case '42501':
      return new LedgerProblem(
        'permission',
        `${user} may not create or write the ledger's tables in ${place.database} at ${server}: grant it the rights (GRANT CREATE ON DATABASE ${place.database} TO ...), or start the first desk as the database's owner. The server said: ${said}`,
      );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new LedgerProblem(
      'unreachable',
      `The team ledger's server name ${place.host} is not known: check the host in the ledger URL and this computer's network.`,
    );
  }
  if (isUnreachable(error)) {
    return new LedgerProblem(
      'unreachable',
      `Cannot reach the team ledger's PostgreSQL at ${server} (${typeof code === 'string' ? code : said}): start the server, or check the host and port in the ledger URL and the network.`,
    );
  }
  return new LedgerProblem('failed', `The team ledger at ${place.redacted} failed: ${said}`);
}
