/**
 * How a new file becomes a row of the team ledger: one statement inserts the row and its first
 * timeline entry; a team folder's file gets one row per version for the whole team (the desks'
 * inserts of one file take turns under an advisory lock on its key).
 */
import { createHash } from 'node:crypto';
import type { NewJob } from './ledger';
import { takesInsert, type JobRow } from './ledger-rows';
import type { PostgresConnection } from './postgres-connection';
import type { TeamKey } from './team-folders';

/** One statement inserts a row and its first timeline entry. */
const INSERT_SQL = `WITH j AS (
     INSERT INTO jobs (path, folder_id, name, size, mtime_ms, sha256, content_type, kind, model, state,
         profile_id, simulated, force_recheck, created_at, updated_at, desk, team_folder, rel_path)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $16, $17, $18) RETURNING *
   ), t AS (
     INSERT INTO job_transitions (job_id, state, at, note) SELECT id, state, $14::bigint, $15::text FROM j
   )
   SELECT * FROM j`;

/** The advisory lock of a team folder file's key (64 bits of its sha256): inserts of one file take turns. */
function teamKeyLock(key: TeamKey): string {
  return createHash('sha256')
    .update(`${key.teamFolderId}\u0000${key.relPath}`)
    .digest()
    .readBigInt64BE(0)
    .toString();
}

/**
 * Insert `job` for `desk` at `now`; `key` is its team folder key, if any. `found` is true when the
 * team already holds a row that takes this file (another desk's insert of the same version).
 */
export async function insertJob(
  db: PostgresConnection,
  job: NewJob,
  key: TeamKey | null,
  desk: string,
  now: number,
): Promise<{ found: boolean; row: JobRow }> {
  const values = [
    job.path,
    job.folderId,
    job.name,
    Math.floor(job.size),
    Math.floor(job.mtimeMs),
    job.sha256 ?? null,
    job.contentType ?? null,
    job.kind ?? null,
    job.model ?? null,
    job.state,
    job.profileId,
    job.simulated,
    job.forceRecheck ?? false,
    now,
    job.note ?? null,
    desk,
    key?.teamFolderId ?? null,
    key?.relPath ?? null,
  ];
  if (!key) return { found: false, row: (await db.query<JobRow>(INSERT_SQL, values))[0]! };
  // Under a transaction-scoped advisory lock on the key, the latest row is read (in its own
  // statement, so it sees a row another desk committed while this one waited) and a new row is
  // made only when none takes it.
  return db.inTransaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [teamKeyLock(key)]);
    const latest = await client.query<JobRow>(
      'SELECT * FROM jobs WHERE team_folder = $1 AND rel_path = $2 ORDER BY id DESC LIMIT 1',
      [key.teamFolderId, key.relPath],
    );
    const l = latest.rows[0];
    if (l && takesInsert(l, job)) return { found: true, row: l };
    const made = await client.query<JobRow>(INSERT_SQL, values);
    return { found: false, row: made.rows[0]! };
  });
}
