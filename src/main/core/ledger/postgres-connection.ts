/**
 * The team ledger's connection to PostgreSQL: the pool, its statements (each failure a
 * LedgerProblem whose message holds no password), transactions, and bringing the schema up to
 * date when a desk connects. postgres-ledger.ts says what the statements are.
 */
import pg from 'pg';
import { deskOption } from './postgres-notify';
import { describePostgresError, LedgerProblem } from './postgres-errors';
import { PG_LEDGER_VERSION, PG_MIGRATIONS, PG_SCHEMA } from './postgres-migrations';
import { hidePassword, parseLedgerUrl, type LedgerUrl } from './ledger-url';

/** Key of the advisory lock migrations run under (any fixed number; "AWLEDGER" in ASCII). */
const MIGRATION_LOCK = 0x41574c45;

/** BIGINT columns come back as numbers: ids, sizes and epoch milliseconds are far below 2^53. */
const TYPES = new pg.TypeOverrides();
TYPES.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

/** How a desk connects. */
export interface ConnectOptions {
  url: string;
  /** The desk's name, carried by every connection (the triggers put it in each change notice). */
  desk: string;
  now: () => number;
  maxConnections?: number;
  connectTimeoutMs?: number;
  applicationName?: string;
  onConnectionError?: (message: string) => void;
}

/** The pool and how to run statements on it. Open with `PostgresConnection.open`. */
export class PostgresConnection {
  private constructor(
    private readonly pool: pg.Pool,
    readonly place: LedgerUrl,
    /** The settings of one connection, for the listener's and the poll turn's own. */
    readonly config: pg.ClientConfig,
  ) {}

  /**
   * Connect, then create or migrate the ledger's schema (once, under an advisory lock, however
   * many desks start at once). Throws a LedgerProblem (bad URL, wrong password, no such
   * database, unreachable server, a schema newer than this build) having written nothing.
   */
  static async open(options: ConnectOptions): Promise<PostgresConnection> {
    const parsed = parseLedgerUrl(options.url);
    if (!parsed.ok) throw new LedgerProblem('bad-url', parsed.problem.message);
    const place = parsed.value;
    const hide = (text: string): string => hidePassword(text, place.url);
    const config: pg.ClientConfig = {
      connectionString: place.url,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      keepAlive: true,
      application_name: options.applicationName ?? 'authenta-watch',
      options: `-c search_path=${PG_SCHEMA} -c synchronous_commit=off ${deskOption(options.desk)}`,
      types: TYPES,
    };
    const pool = new pg.Pool({ ...config, max: options.maxConnections ?? 4, idleTimeoutMillis: 30_000 });
    // An idle connection that breaks (server restarted, cable pulled) must not end the process.
    pool.on('error', (e) => options.onConnectionError?.(hide(e.message)));
    // Nor one in use: the pool listens to its connections only while they are idle. A server that
    // stops as a session opens says so in the packet that opens it, before the caller holding the
    // connection could listen (tests/unit/core/ledger/postgres-connection.test.ts). Its statements
    // then fail, and say so.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new PostgresConnection(pool, place, config);
    try {
      await db.inTransaction((client) => migrate(client, options.now()));
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    return db;
  }

  /** One more connection's settings, named for pg_stat_activity (`role`: listening, polling). */
  configFor(role: string): pg.ClientConfig {
    return { ...this.config, application_name: `${this.config.application_name ?? ''} (${role})` };
  }

  /** Hide the URL's password in a text. */
  hide(text: string): string {
    return hidePassword(text, this.place.url);
  }

  /** Run one statement; a failure becomes a LedgerProblem whose message holds no password. */
  async query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, values)).rows;
    } catch (e) {
      throw describePostgresError(e, this.place, (t) => this.hide(t));
    }
  }

  /** Run one statement and return only once its commit is on the server's disk. */
  durably<R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<R[]> {
    return this.inTransaction(async (client) => {
      await client.query('SET LOCAL synchronous_commit = on');
      return (await client.query<R>(sql, values)).rows;
    });
  }

  /** Run `fn` in one transaction on one connection; a failure rolls back and becomes a LedgerProblem. */
  async inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient | null = null;
    try {
      client = await this.pool.connect();
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      client.release();
      return out;
    } catch (e) {
      if (client) {
        const c = client;
        const broken = await c.query('ROLLBACK').then(
          () => false,
          () => true,
        );
        c.release(broken);
      }
      throw describePostgresError(e, this.place, (t) => this.hide(t));
    }
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * Bring the database to PG_LEDGER_VERSION inside the caller's transaction, under an advisory lock
 * (desks that start together wait for the first). Refuses, writing nothing, a schema newer than
 * this build.
 */
async function migrate(client: pg.PoolClient, now: number): Promise<number> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
  const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [PG_SCHEMA]);
  // Only create what is missing: a user without CREATE on the database can use a prepared schema.
  if (schema.rowCount === 0) await client.query(`CREATE SCHEMA ${PG_SCHEMA}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
  );
  const { rows } = await client.query<{ v: number | null }>(
    'SELECT MAX(version) AS v FROM schema_migrations',
  );
  let version = rows[0]?.v ?? 0;
  if (version > PG_LEDGER_VERSION) {
    throw new LedgerProblem(
      'newer-schema',
      `The team ledger was set up by a newer Authenta Watch (schema ${version}; this desk knows ${PG_LEDGER_VERSION}): update Authenta Watch on this desk. Nothing was changed in the ledger.`,
    );
  }
  for (const m of PG_MIGRATIONS) {
    if (m.version <= version) continue;
    await client.query(m.sql);
    await client.query(
      'INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)',
      [m.version, m.description, now],
    );
    version = m.version;
  }
  return version;
}
