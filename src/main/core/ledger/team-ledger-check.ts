/**
 * "Test connection" for a team ledger (issue 11): connect once, read which schema version the
 * database holds, and say in one sentence what that means, without creating or changing anything
 * (the first desk that starts on it creates the tables). Failures carry the same kinds and
 * messages as opening the ledger (postgres-errors.ts): a bad URL, a refused password, no such
 * database, an unreachable server, a database of a newer schema. No message holds the password.
 */
import pg from 'pg';
import { hidePassword, parseLedgerUrl } from './ledger-url';
import { describePostgresError, type LedgerProblemKind } from './postgres-errors';
import { PG_LEDGER_VERSION, PG_SCHEMA } from './postgres-migrations';

/** The outcome of a connection test, for people. */
export type TeamLedgerCheck =
  | { ok: true; schemaVersion: number; message: string }
  | { ok: false; kind: LedgerProblemKind; message: string };

/** Test the ledger at `url` (with its password); never throws, never writes. */
export async function checkTeamLedger(
  url: string,
  options: { connectTimeoutMs?: number } = {},
): Promise<TeamLedgerCheck> {
  const parsed = parseLedgerUrl(url);
  if (!parsed.ok) return { ok: false, kind: 'bad-url', message: parsed.problem.message };
  const place = parsed.value;
  const client = new pg.Client({
    connectionString: place.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'authenta-watch (connection test)',
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const table = `${PG_SCHEMA}.schema_migrations`;
    const present = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
    let version = 0;
    if (present.rows[0]?.ok) {
      const { rows } = await client.query<{ v: number | null }>(`SELECT MAX(version) AS v FROM ${table}`);
      version = rows[0]?.v ?? 0;
    }
    const where = `${place.database} at ${place.host}:${place.port}`;
    if (version > PG_LEDGER_VERSION) {
      return {
        ok: false,
        kind: 'newer-schema',
        message: `The team ledger ${where} was set up by a newer Authenta Watch (schema ${version}; this desk knows ${PG_LEDGER_VERSION}): update Authenta Watch on this desk.`,
      };
    }
    return {
      ok: true,
      schemaVersion: version,
      message:
        version === 0
          ? `Connected to ${where}. It holds no team ledger yet: the first desk that starts on it creates one.`
          : `Connected to ${where}: the team ledger is ready.`,
    };
  } catch (e) {
    const problem = describePostgresError(e, place, (t) => hidePassword(t, place.url));
    return { ok: false, kind: problem.kind, message: problem.message };
  } finally {
    await client.end().catch(() => undefined);
  }
}
