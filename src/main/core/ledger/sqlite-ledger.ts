/**
 * The embedded Ledger adapter: one better-sqlite3 connection (the only writer), WAL, numbered
 * migrations. A state change and its timeline entry commit in one transaction. WAL with
 * synchronous=NORMAL survives a killed process: a commit is in the write-ahead log (the kernel's
 * page cache) before its promise resolves. The transitions that announce a side effect that
 * spends credits (the PUT that starts processing, the Jobs API's finalize) must also survive a
 * power cut, so their promise resolves only after the write-ahead log is fsynced.
 *
 * That fsync is a group commit, off the event loop (wal-sync.ts).
 * Claiming a job for its POST is not durable: after a power cut it is at worst POSTed again,
 * leaving an INITED record that costs no credits.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { NormalisedJobQuery } from '../../../shared/contract';
import {
  emptyCounts,
  emptyVerdictCounts,
  type JobReview,
  type JobState,
  type JobTransition,
  type VerdictLabel,
} from '../../../shared/domain';
import type {
  ClaimProfile,
  JobPatch,
  JobRecord,
  Ledger,
  NewJob,
  ProcessingSample,
  QuotaKind,
  TakeOverOptions,
} from './ledger';
import { fileKey, markFoundExisting } from './ledger';
import type { OpenLedger } from '../ports';
import {
  keyColumns,
  likePattern,
  orderBy,
  takesInsert,
  patchColumns,
  toRecord,
  UNKNOWN_AGAIN_CODES,
  type JobRow,
} from './ledger-rows';
import {
  deskSettings,
  fencedTransition,
  LEASED_STATES,
  leaseAfter,
  takeoverNote,
  type DeskOptions,
} from './leases';
import { deskIdentity } from './desk';
import { migrate } from './migrations';
import { TeamMounts, type TeamMount } from './team-folders';
import { canTransition, TransitionError } from './transitions';
import { WalSync } from './wal-sync';
import { ledgerFileDamage } from './sqlite-damage';

export { UNKNOWN_AGAIN_CODES } from './ledger-rows';

/** Where the SQLite ledger lives, how it reads time, and which desk it writes for. */
export interface SqliteLedgerOptions extends DeskOptions {
  /** The database file; ':memory:' for a throwaway ledger. */
  file: string;
  now: () => number;
  /** A better-sqlite3 binary built for the host runtime (Electron). */
  nativeBinding?: string;
}

/** States whose announcement must survive a power cut (a side effect that costs follows). */
const DURABLE_STATES: ReadonlySet<JobState> = new Set(['uploading', 'finalizing']);

type Row = JobRow;

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/** The SQLite Ledger. Construct with `SqliteLedger.open`. */
export class SqliteLedger implements Ledger {
  private readonly db: Database.Database;
  private readonly now: () => number;
  /** The durable commits' fsync of the write-ahead log (group commit). */
  private readonly wal: WalSync;
  private closed = false;
  readonly desk: string;
  /** The embedded ledger is one desk's: nothing is shared, no folder gets a marker. */
  readonly teamLedger = false;
  private readonly leaseMs: number;
  readonly leasing: { leaseMs: number; renewEveryMs: number };
  private readonly mounts = new TeamMounts();
  /** A row as this desk reads it (team folders resolved against its own mounts). */
  private readonly rec = (row: Row): JobRecord => toRecord(row, this.mounts);

  private constructor(db: Database.Database, now: () => number, walFile: string | null, desk: DeskOptions) {
    this.db = db;
    this.now = now;
    this.wal = new WalSync(walFile);
    const settings = deskSettings(desk);
    this.desk = settings.desk;
    this.leaseMs = settings.leaseMs;
    this.leasing = { leaseMs: settings.leaseMs, renewEveryMs: settings.renewEveryMs };
  }

  /** Open (creating and migrating as needed) the ledger at `options.file`. */
  static open(options: SqliteLedgerOptions): SqliteLedger {
    if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
    const db = new Database(
      options.file,
      options.nativeBinding ? { nativeBinding: options.nativeBinding } : undefined,
    );
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db, options.now());
    } catch (e) {
      db.close();
      throw e;
    }
    return new SqliteLedger(
      db,
      options.now,
      options.file === ':memory:' ? null : `${options.file}-wal`,
      options,
    );
  }

  /** Whether an existing ledger file holds together (sqlite-damage.ts): null when it does. */
  static damage(file: string, nativeBinding?: string): string | null {
    return ledgerFileDamage(file, nativeBinding);
  }

  /** The underlying connection, for migration tests only. */
  get connection(): Database.Database {
    return this.db;
  }

  async mountTeamFolders(mounts: readonly TeamMount[]): Promise<void> {
    this.mounts.set(mounts);
  }

  async insert(job: NewJob): Promise<JobRecord> {
    const now = this.now();
    const key = this.mounts.keyOf(job.path, job.folderId);
    let found: Row | undefined;
    // IMMEDIATE: the look and the insert hold the write lock together (another connection waits).
    const row = this.db
      .transaction(() => {
        if (key) {
          const latest = this.stmt(
            'SELECT * FROM jobs WHERE team_folder = ? AND rel_path = ? ORDER BY id DESC LIMIT 1',
          ).get(key.teamFolderId, key.relPath) as Row | undefined;
          if (latest && takesInsert(latest, job)) {
            found = latest;
            return latest;
          }
        }
        const inserted = this.stmt(
          `INSERT INTO jobs (path, folder_id, name, size, mtime_ms, sha256, content_type, kind, model, state,
             profile_id, simulated, force_recheck, created_at, updated_at, desk, team_folder, rel_path)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        ).get(
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
          job.simulated ? 1 : 0,
          job.forceRecheck ? 1 : 0,
          now,
          now,
          this.desk,
          key?.teamFolderId ?? null,
          key?.relPath ?? null,
        ) as Row;
        this.insertTransition(inserted.id, job.state, now, job.note ?? null);
        return inserted;
      })
      .immediate();
    return found ? markFoundExisting(this.rec(row)) : this.rec(row);
  }

  async get(id: number): Promise<JobRecord | null> {
    const row = this.stmt('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return row ? this.rec(row) : null;
  }

  async transition(
    id: number,
    from: JobState | readonly JobState[],
    to: JobState,
    patch: JobPatch = {},
    note: string | null = null,
  ): Promise<JobRecord | null> {
    const fromList: readonly JobState[] = typeof from === 'string' ? [from] : from;
    for (const f of fromList) if (!canTransition(f, to)) throw new TransitionError(id, f, to);
    const now = this.now();
    const { sets, values } = this.patchSql(patch);
    // Fenced: a row another desk took over (its lease live) is not moved on by this one.
    const fence = fencedTransition(to)
      ? ` AND (desk IS NULL OR desk = ? OR lease_until IS NULL OR lease_until < ?
          OR state NOT IN (${placeholders(LEASED_STATES.length)}))`
      : '';
    const fenceValues = fence ? [this.desk, now, ...LEASED_STATES] : [];
    const sql = `UPDATE jobs SET state = ?, ${sets.map((s) => `${s}, `).join('')}desk = ?, lease_until = ?, updated_at = ?
      WHERE id = ? AND state IN (${placeholders(fromList.length)})${fence} RETURNING *`;
    const lease = leaseAfter(to, now, this.leaseMs);
    const run = (): Row | undefined => {
      const row = this.stmt(sql).get(
        to,
        ...values,
        this.desk,
        lease,
        now,
        id,
        ...fromList,
        ...fenceValues,
      ) as Row | undefined;
      if (row) this.insertTransition(id, to, now, note);
      return row;
    };
    const row = this.db.transaction(run)();
    if (row && DURABLE_STATES.has(to)) await this.wal.sync();
    return row ? this.rec(row) : null;
  }

  async update(id: number, patch: JobPatch, inState?: readonly JobState[]): Promise<JobRecord | null> {
    const { sets, values } = this.patchSql(patch);
    const stateClause = inState ? ` AND state IN (${placeholders(inState.length)})` : '';
    const row = this.stmt(
      `UPDATE jobs SET ${sets.map((s) => `${s}, `).join('')}updated_at = ? WHERE id = ?${stateClause} RETURNING *`,
    ).get(...values, this.now(), id, ...(inState ?? [])) as Row | undefined;
    return row ? this.rec(row) : null;
  }

  async addNote(id: number, note: string): Promise<void> {
    const now = this.now();
    this.db.transaction(() => {
      const row = this.stmt('SELECT state FROM jobs WHERE id = ?').get(id) as { state: string } | undefined;
      if (row) this.insertTransition(id, row.state as JobState, now, note);
    })();
  }

  async claimNextQueued(
    now: number,
    pausedFolderIds: readonly string[],
    profile: ClaimProfile,
  ): Promise<JobRecord | null> {
    // A team folder's file only on a desk that watches that team folder (it can open the file).
    const teams = this.mounts.teamFolderIds();
    const notPaused = (alias: string): string =>
      pausedFolderIds.length
        ? `AND (${alias}.folder_id IS NULL OR ${alias}.folder_id NOT IN (${placeholders(pausedFolderIds.length)}))`
        : '';
    // One statement picks and claims: PostgreSQL adds FOR UPDATE SKIP LOCKED to the subquery. An
    // earlier queued copy of the same bytes holds this one back only when this desk could claim it
    // (as PostgreSQL's): not in a team folder it does not mount, not in a folder it has paused.
    const sql = `UPDATE jobs SET state = 'creating', profile_id = ?, simulated = ?, generation = ?,
        next_attempt_at = NULL, desk = ?, lease_until = ?, updated_at = ?
      WHERE id = (
        SELECT q.id FROM jobs q
        WHERE q.state = 'queued' AND (q.next_attempt_at IS NULL OR q.next_attempt_at <= ?) ${notPaused('q')}
          AND (q.team_folder IS NULL OR q.team_folder IN (${placeholders(teams.length) || 'NULL'}))
          AND NOT EXISTS (
            SELECT 1 FROM jobs e
            WHERE e.sha256 = q.sha256 AND e.model = q.model AND e.id <> q.id AND e.simulated = ?
              AND (e.state IN ('creating', 'uploading', 'finalizing', 'processing', 'blocked')
                OR (e.state = 'queued' AND e.id < q.id ${notPaused('e')}
                  AND (e.team_folder IS NULL OR e.team_folder IN (${placeholders(teams.length) || 'NULL'}))))
          )
          AND NOT EXISTS (
            SELECT 1 FROM jobs p
            WHERE p.path = q.path AND p.id < q.id AND p.state IN ('creating', 'uploading')
          )
        ORDER BY q.id LIMIT 1
      ) AND state = 'queued'
      RETURNING *`;
    const sim = profile.simulated ? 1 : 0;
    const row = this.db.transaction(() => {
      const claimed = this.stmt(sql).get(
        profile.profileId,
        sim,
        profile.generation,
        this.desk,
        now + this.leaseMs,
        now,
        now,
        ...pausedFolderIds,
        ...teams,
        sim,
        ...pausedFolderIds,
        ...teams,
      ) as Row | undefined;
      if (claimed) this.insertTransition(claimed.id, 'creating', now, null);
      return claimed;
    })();
    return row ? this.rec(row) : null;
  }

  async takeOver(
    states: readonly JobState[],
    now: number,
    options: TakeOverOptions = {},
  ): Promise<JobRecord[]> {
    const limit = options.limit ?? -1;
    if (!states.length || limit === 0) return [];
    const whose = options.othersOnly
      ? 'desk IS NOT NULL AND desk <> ? AND (lease_until IS NULL OR lease_until < ?)'
      : '(desk IS NULL OR desk = ? OR lease_until IS NULL OR lease_until < ?)';
    const except = options.exceptIds ?? [];
    const notThese = except.length ? ` AND id NOT IN (${placeholders(except.length)})` : '';
    // A team folder's file only on a desk that watches that team folder (it can open the file).
    const teams = this.mounts.teamFolderIds();
    const taken = this.db.transaction(() => {
      const rows = this.stmt(
        `SELECT id, desk FROM jobs WHERE state IN (${placeholders(states.length)}) AND ${whose}
           AND (next_attempt_at IS NULL OR next_attempt_at <= ?)${notThese}
           AND (desk = ? OR team_folder IS NULL OR team_folder IN (${placeholders(teams.length) || 'NULL'})) ORDER BY id LIMIT ?`,
      ).all(...states, this.desk, now, now, ...except, this.desk, ...teams, limit) as {
        id: number;
        desk: string | null;
      }[];
      const out: Row[] = [];
      for (const r of rows) {
        const row = this.stmt('UPDATE jobs SET desk = ?, lease_until = ? WHERE id = ? RETURNING *').get(
          this.desk,
          now + this.leaseMs,
          r.id,
        ) as Row;
        const note = takeoverNote(r.desk, this.desk);
        if (note) this.insertTransition(r.id, row.state as JobState, now, note);
        out.push(row);
      }
      return out;
    })();
    return taken.map(this.rec);
  }

  async renewLeases(now: number, ids?: readonly number[]): Promise<number> {
    if (ids && !ids.length) return 0;
    const only = ids ? ` AND id IN (${placeholders(ids.length)})` : '';
    return this.stmt(
      `UPDATE jobs SET lease_until = ? WHERE desk = ? AND state IN (${placeholders(LEASED_STATES.length)})${only}`,
    ).run(now + this.leaseMs, this.desk, ...LEASED_STATES, ...(ids ?? [])).changes;
  }

  async claimPolls(
    ids: readonly number[],
    now: number,
    holdMs: number,
  ): Promise<{ mine: number[]; finished: number[] }> {
    if (!ids.length) return { mine: [], finished: [] };
    return this.db.transaction(() => {
      const rows = this.stmt(
        `SELECT id, state, poll_desk, poll_until FROM jobs WHERE id IN (${placeholders(ids.length)}) ORDER BY id`,
      ).all(...ids) as { id: number; state: string; poll_desk: string | null; poll_until: number | null }[];
      const mine: number[] = [];
      const finished = new Set(ids);
      for (const r of rows) {
        if (r.state !== 'processing') continue;
        finished.delete(r.id);
        if (r.poll_desk !== null && r.poll_desk !== this.desk && (r.poll_until ?? 0) >= now) continue;
        this.stmt('UPDATE jobs SET poll_desk = ?, poll_until = ? WHERE id = ?').run(
          this.desk,
          now + holdMs,
          r.id,
        );
        mine.push(r.id);
      }
      return { mine, finished: [...finished].sort((x, y) => x - y) };
    })();
  }

  async nextLeaseExpiry(now: number): Promise<number | null> {
    const row = this.stmt(
      `SELECT MIN(lease_until) AS t FROM jobs WHERE state IN (${placeholders(LEASED_STATES.length)})
         AND desk <> ? AND lease_until >= ?`,
    ).get(...LEASED_STATES, this.desk, now) as { t: number | null };
    return row.t;
  }

  async list(query: NormalisedJobQuery): Promise<{ total: number; jobs: JobRecord[] }> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.states?.length) {
      where.push(`state IN (${placeholders(query.states.length)})`);
      values.push(...query.states);
    }
    if (query.verdicts?.length) {
      where.push(`verdict_label IN (${placeholders(query.verdicts.length)})`);
      values.push(...query.verdicts);
    }
    if (query.reviews?.length) {
      where.push(`review_status IN (${placeholders(query.reviews.length)})`);
      values.push(...query.reviews);
    }
    if (query.folderId !== undefined) {
      where.push('folder_id = ?');
      values.push(query.folderId);
    }
    if (query.since !== undefined) {
      where.push('created_at >= ?');
      values.push(query.since);
    }
    if (query.until !== undefined) {
      where.push('created_at < ?');
      values.push(query.until);
    }
    if (query.search) {
      where.push(`LOWER(name) LIKE ? ESCAPE '\\'`);
      values.push(likePattern(query.search));
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const dir = query.order === 'asc' ? 'ASC' : 'DESC';
    const total = (this.stmt(`SELECT COUNT(*) AS n FROM jobs ${whereSql}`).get(...values) as { n: number }).n;
    const rows = this.stmt(
      `SELECT * FROM jobs ${whereSql} ORDER BY ${orderBy(query.sort, dir)} LIMIT ? OFFSET ?`,
    ).all(...values, query.limit, query.offset) as Row[];
    return { total, jobs: rows.map(this.rec) };
  }

  async listByStates(states: readonly JobState[]): Promise<JobRecord[]> {
    if (!states.length) return [];
    const rows = this.stmt(
      `SELECT * FROM jobs WHERE state IN (${placeholders(states.length)}) ORDER BY id`,
    ).all(...states) as Row[];
    return rows.map(this.rec);
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts = emptyCounts();
    const rows = this.stmt('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state').all() as {
      state: JobState;
      n: number;
    }[];
    for (const r of rows) if (r.state in counts) counts[r.state] = r.n;
    return counts;
  }

  async verdictCounts(): Promise<Record<VerdictLabel, number>> {
    const counts = emptyVerdictCounts();
    const rows = this.stmt(
      'SELECT verdict_label AS label, COUNT(*) AS n FROM jobs WHERE verdict_label IS NOT NULL GROUP BY verdict_label',
    ).all() as { label: VerdictLabel; n: number }[];
    for (const r of rows) if (r.label in counts) counts[r.label] = r.n;
    return counts;
  }

  async setReview(id: number, review: JobReview): Promise<JobRecord | null> {
    const row = this.stmt(
      `UPDATE jobs SET review_status = ?, review_note = ?, review_at = ?, updated_at = ? WHERE id = ? RETURNING *`,
    ).get(review.status, review.note, review.at, this.now(), id) as Row | undefined;
    return row ? this.rec(row) : null;
  }

  async findDoneByHash(sha256: string, model: string, simulated: boolean): Promise<JobRecord | null> {
    const row = this.stmt(
      `SELECT * FROM jobs WHERE sha256 = ? AND model = ? AND state = 'done' AND simulated = ? ORDER BY id LIMIT 1`,
    ).get(sha256, model, simulated ? 1 : 0) as Row | undefined;
    return row ? this.rec(row) : null;
  }

  async listQueuedTwins(sha256: string, model: string, simulated: boolean): Promise<JobRecord[]> {
    const rows = this.stmt(
      `SELECT * FROM jobs WHERE sha256 = ? AND model = ? AND state = 'queued' AND simulated = ?
           AND force_recheck = 0 ORDER BY id`,
    ).all(sha256, model, simulated ? 1 : 0) as Row[];
    return rows.map(this.rec);
  }

  async findLatestByPath(path: string): Promise<JobRecord | null> {
    const key = this.mounts.keyOf(path);
    const row = (
      key
        ? this.stmt(
            `SELECT * FROM jobs WHERE (team_folder = ? AND rel_path = ?) OR (team_folder IS NULL AND path = ?)
               ORDER BY id DESC LIMIT 1`,
          ).get(key.teamFolderId, key.relPath, path)
        : this.stmt('SELECT * FROM jobs WHERE path = ? ORDER BY id DESC LIMIT 1').get(path)
    ) as Row | undefined;
    return row ? this.rec(row) : null;
  }

  async knownFileKeys(): Promise<string[]> {
    const keys: string[] = [];
    const stmt = this.stmt(
      `SELECT path, size, mtime_ms, team_folder, rel_path FROM jobs WHERE state <> 'waiting'
         AND (error_code IS NULL OR error_code NOT IN (${UNKNOWN_AGAIN_CODES.map((c) => `'${c}'`).join(', ')}))`,
    ).raw();
    for (const r of stmt.iterate() as Iterable<[string, number, number, string | null, string | null]>) {
      const path = r[3]
        ? this.mounts.local({ path: r[0], folder_id: null, team_folder: r[3], rel_path: r[4] }).path
        : r[0];
      keys.push(fileKey(path, r[1], r[2]));
    }
    return keys;
  }

  async nextAttemptAfter(states: readonly JobState[], now: number): Promise<number | null> {
    if (!states.length) return null;
    const row = this.stmt(
      `SELECT MIN(next_attempt_at) AS t FROM jobs WHERE state IN (${placeholders(states.length)}) AND next_attempt_at > ?`,
    ).get(...states, now) as { t: number | null };
    return row.t;
  }

  async timeline(id: number): Promise<JobTransition[]> {
    return this.stmt('SELECT state, at, note FROM job_transitions WHERE job_id = ? ORDER BY id').all(
      id,
    ) as JobTransition[];
  }

  async processingSamples(limit: number): Promise<ProcessingSample[]> {
    const rows = this.stmt(
      `SELECT model, kind, size, pending_seen_ms AS low, done_at - uploaded_at AS high FROM jobs
         WHERE state = 'done' AND uploaded_at IS NOT NULL AND duplicate_of IS NULL AND done_at IS NOT NULL
           AND model IS NOT NULL AND kind IS NOT NULL
         ORDER BY done_at DESC LIMIT ?`,
    ).all(limit) as { model: string; kind: string; size: number; low: number | null; high: number }[];
    return rows.map((r) => ({
      model: r.model,
      kind: r.kind as ProcessingSample['kind'],
      size: r.size,
      lowMs: Math.max(0, r.low ?? 0),
      highMs: Math.max(0, r.high),
    }));
  }

  async addCalls(day: string, quota: QuotaKind, n: number): Promise<void> {
    this.stmt(
      `INSERT INTO api_calls (day, quota, count) VALUES (?, ?, ?)
         ON CONFLICT (day, quota) DO UPDATE SET count = api_calls.count + excluded.count`,
    ).run(day, quota, n);
  }

  async callsOn(day: string): Promise<Record<QuotaKind, number>> {
    const result: Record<QuotaKind, number> = { query: 0, mutation: 0 };
    const rows = this.stmt('SELECT quota, count FROM api_calls WHERE day = ?').all(day) as {
      quota: QuotaKind;
      count: number;
    }[];
    for (const r of rows) if (r.quota === 'query' || r.quota === 'mutation') result[r.quota] = r.count;
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // A durable commit under way gets its fsync before the connection goes.
    await this.wal.settled();
    this.closed = true;
    await this.wal.close();
    this.db.close();
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared statements, kept: the same few queries run for every file. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private insertTransition(id: number, state: JobState, at: number, note: string | null): void {
    this.stmt('INSERT INTO job_transitions (job_id, state, at, note) VALUES (?, ?, ?, ?)').run(
      id,
      state,
      at,
      note,
    );
  }

  private patchSql(patch: JobPatch): { sets: string[]; values: unknown[] } {
    const columns = [...patchColumns(patch), ...keyColumns(patch, this.mounts)];
    return {
      sets: columns.map((c) => `${c.col} = ?`),
      // better-sqlite3 binds no booleans: SQLite keeps them as 0/1.
      values: columns.map((c) => (typeof c.value === 'boolean' ? (c.value ? 1 : 0) : c.value)),
    };
  }
}

/** The ledger's file in the data folder (the desktop and the CLI share one data folder). */
export const SQLITE_LEDGER_FILE = 'ledger.sqlite';

/**
 * The hosts' `OpenLedger`: `ledger.sqlite` in the data folder, opened with `nativeBinding` (the
 * better-sqlite3 binary built for Electron, in development) when given.
 */
export function openSqliteLedgerIn(options: { nativeBinding?: string } = {}): OpenLedger {
  return ({ dataDir, now }) =>
    SqliteLedger.open({
      file: join(dataDir, SQLITE_LEDGER_FILE),
      now,
      desk: deskIdentity(dataDir),
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
}
