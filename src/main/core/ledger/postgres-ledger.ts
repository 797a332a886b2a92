/**
 * The team Ledger adapter: PostgreSQL through node-postgres (`pg`), so several desks can share one
 * ledger. Every write that changes a state is ONE statement: the compare-and-set UPDATE and its
 * timeline entry travel together in a data-modifying CTE, so they commit together without a
 * transaction held open across round trips, and a claim picks its row with `FOR UPDATE SKIP
 * LOCKED` (two desks claiming at once get two different jobs, never the same one). Durability
 * follows SQLite's adapter: the transitions announcing a paid side effect are on disk before the
 * engine is told; other writes do not wait for the disk (DURABLE_STATES).
 *
 * The URL's password stays inside the connection pool: errors and logs see the redacted URL.
 */
import type pg from 'pg';
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
  OtherDesksListener,
  ProcessingSample,
  QuotaKind,
  SharedBlocks,
  TakeOverOptions,
} from './ledger';
import { fileKey, markFoundExisting } from './ledger';
import { TeamMounts, type TeamMount } from './team-folders';
import {
  keyColumns,
  likePattern,
  orderBy,
  patchColumns,
  toRecord,
  UNKNOWN_AGAIN_CODES,
  type JobRow,
} from './ledger-rows';
import { deskIdentity } from './desk';
import {
  deskSettings,
  fencedTransition,
  LEASED_STATES,
  leaseAfter,
  takeoverNote,
  type DeskOptions,
} from './leases';
import { PostgresConnection } from './postgres-connection';
import { insertJob } from './postgres-insert';
import { postgresSharedBlocks, type PostgresSharedBlocks } from './postgres-shared-blocks';
import { canTransition, TransitionError } from './transitions';
import { BLOCKS_CHANNEL, OtherDeskChanges } from './postgres-notify';
import { PostgresPollTurn } from './postgres-poll-turn';
import type { Disposable, OpenLedger } from '../ports';

/** Where the team ledger is, how it reads time, and which desk this is. */
export interface PostgresLedgerOptions extends DeskOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  now: () => number;
  /** Connections kept open (default 4: claims, polls and the UI's reads run side by side). */
  maxConnections?: number;
  /** How long to wait for a connection before saying the server cannot be reached (default 10 s). */
  connectTimeoutMs?: number;
  /** Shown in the server's pg_stat_activity: which desk this is. */
  applicationName?: string;
  /** Told (with the password hidden) when an idle connection breaks; the next query reconnects. */
  onConnectionError?: (message: string) => void;
  /**
   * How the listener of other desks' changes waits before it connects again after its `attempt`-th
   * failure in a row (default 0.5 s, doubling up to 5 s); see postgres-notify.ts.
   */
  listenRetry?: (attempt: number) => Promise<void>;
}

/**
 * Transitions that announce a side effect that costs (the PUT that starts processing, the Jobs
 * API's finalize): committed durably. Every other write commits without waiting for the disk
 * (synchronous_commit off: a server crash may forget the last fraction of a second, never
 * half a statement), as SQLite's adapter does: a forgotten claim is at worst POSTed again, an
 * INITED record that costs no credits.
 */
const DURABLE_STATES: ReadonlySet<JobState> = new Set(['uploading', 'finalizing']);

const REVIEW_COLUMNS = ['review_status', 'review_note', 'review_at'];

/** The PostgreSQL Ledger. Construct with `PostgresLedger.open`. */
export class PostgresLedger implements Ledger {
  private readonly db: PostgresConnection;
  private readonly now: () => number;
  private closed = false;
  readonly desk: string;
  /** Desks share this ledger: watched folders get team identities. */
  readonly teamLedger = true;
  private readonly leaseMs: number;
  readonly leasing: { leaseMs: number; renewEveryMs: number };
  /** Other desks' changes, heard on a connection of its own (postgres-notify.ts). */
  private readonly others: OtherDeskChanges;
  /** Whose turn it is to poll for the team, on a connection of its own (postgres-poll-turn.ts). */
  private readonly turn: PostgresPollTurn;
  private readonly mounts = new TeamMounts();
  /** The account's blocks the desks share (postgres-shared-blocks.ts). */
  private readonly blocks: PostgresSharedBlocks;
  readonly sharedBlocks: SharedBlocks;
  /** A row as this desk reads it (team folders resolved against its own mounts). */
  private readonly rec = (row: JobRow): JobRecord => toRecord(row, this.mounts);

  private constructor(
    db: PostgresConnection,
    now: () => number,
    desk: DeskOptions,
    options: PostgresLedgerOptions,
  ) {
    this.db = db;
    this.now = now;
    const settings = deskSettings(desk);
    this.desk = settings.desk;
    this.leaseMs = settings.leaseMs;
    this.leasing = { leaseMs: settings.leaseMs, renewEveryMs: settings.renewEveryMs };
    const onProblem = (message: string): void => options.onConnectionError?.(db.hide(message));
    this.blocks = postgresSharedBlocks(db, this.desk);
    this.sharedBlocks = this.blocks;
    this.others = new OtherDeskChanges({
      connection: db.configFor('listening'),
      desk: this.desk,
      now,
      read: (ids, since) => this.readChanged(ids, since),
      retry: options.listenRetry,
      onProblem,
      also: { channel: BLOCKS_CHANNEL, heard: () => this.blocks.heard() },
    });
    this.turn = new PostgresPollTurn({ connection: db.configFor('polling'), onProblem });
  }

  /**
   * Connect, then create or migrate the ledger's schema (postgres-connection.ts). Throws a
   * LedgerProblem (bad URL, wrong password, no such database, unreachable server, a schema newer
   * than this build) having written nothing.
   */
  static async open(options: PostgresLedgerOptions): Promise<PostgresLedger> {
    // Every connection names its desk: the triggers put it in each change notice (postgres-notify.ts).
    const db = await PostgresConnection.open({ ...options, desk: deskSettings(options).desk });
    const ledger = new PostgresLedger(db, options.now, options, options);
    // Listening before the engine starts: nothing another desk commits from here on is missed.
    await ledger.others.start();
    return ledger;
  }

  /** The URL with its password hidden, for messages and the status. */
  get redactedUrl(): string {
    return this.db.place.redacted;
  }

  private query<R extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<R[]> {
    return this.db.query<R>(sql, values);
  }

  async mountTeamFolders(mounts: readonly TeamMount[]): Promise<void> {
    this.mounts.set(mounts);
  }

  async insert(job: NewJob): Promise<JobRecord> {
    const key = this.mounts.keyOf(job.path, job.folderId);
    const { found, row } = await insertJob(this.db, job, key, this.desk, this.now());
    return found ? markFoundExisting(this.rec(row)) : this.rec(row);
  }

  async get(id: number): Promise<JobRecord | null> {
    const rows = await this.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [id]);
    return rows[0] ? this.rec(rows[0]) : null;
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
    const values: unknown[] = [];
    const param = (value: unknown): string => `$${values.push(value)}`;
    const state = param(to);
    const sets = [...patchColumns(patch), ...keyColumns(patch, this.mounts)].map(
      (c) => `${c.col} = ${param(c.value)}, `,
    );
    const now = this.now();
    const at = param(now);
    // A record's outcome written by the desk that polls for the team (shared polling) keeps the
    // desk that sent the file: reports say who handled it, not who asked for its verdict.
    const desk = fromList.every((f) => f === 'processing') ? 'desk' : param(this.desk);
    sets.push(`desk = ${desk}, lease_until = ${param(leaseAfter(to, now, this.leaseMs))}::bigint, `);
    // Fenced: a row another desk took over (its lease live) is not moved on by this one.
    const fence = fencedTransition(to)
      ? ` AND (desk IS NULL OR desk = ${param(this.desk)} OR lease_until IS NULL OR lease_until < ${at}
          OR NOT (state = ANY(${param([...LEASED_STATES])}::text[])))`
      : '';
    const run = DURABLE_STATES.has(to)
      ? <R extends pg.QueryResultRow>(q: string, v: unknown[]) => this.db.durably<R>(q, v)
      : <R extends pg.QueryResultRow>(q: string, v: unknown[]) => this.query<R>(q, v);
    const rows = await run<JobRow>(
      `WITH j AS (
         UPDATE jobs SET state = ${state}, ${sets.join('')}updated_at = ${at}
           WHERE id = ${param(id)} AND state = ANY(${param([...fromList])}::text[])${fence} RETURNING *
       ), t AS (
         INSERT INTO job_transitions (job_id, state, at, note)
           SELECT id, state, ${at}::bigint, ${param(note)}::text FROM j
       )
       SELECT * FROM j`,
      values,
    );
    return rows[0] ? this.rec(rows[0]) : null;
  }

  async update(id: number, patch: JobPatch, inState?: readonly JobState[]): Promise<JobRecord | null> {
    const values: unknown[] = [];
    const param = (value: unknown): string => `$${values.push(value)}`;
    const sets = [...patchColumns(patch), ...keyColumns(patch, this.mounts)].map(
      (c) => `${c.col} = ${param(c.value)}, `,
    );
    const updatedAt = param(this.now());
    const where = `id = ${param(id)}${inState ? ` AND state = ANY(${param([...inState])}::text[])` : ''}`;
    const rows = await this.query<JobRow>(
      `UPDATE jobs SET ${sets.join('')}updated_at = ${updatedAt} WHERE ${where} RETURNING *`,
      values,
    );
    return rows[0] ? this.rec(rows[0]) : null;
  }

  async addNote(id: number, note: string): Promise<void> {
    await this.query(
      `INSERT INTO job_transitions (job_id, state, at, note) SELECT id, state, $2::bigint, $3::text FROM jobs WHERE id = $1`,
      [id, this.now(), note],
    );
  }

  async claimNextQueued(
    now: number,
    pausedFolderIds: readonly string[],
    profile: ClaimProfile,
  ): Promise<JobRecord | null> {
    // One statement picks, locks and claims: a row another desk is claiming is skipped, not waited for.
    // A copy of the same bytes waits while an earlier copy is on its way (it will share that verdict),
    // or while an earlier queued copy waits that this desk could claim itself; one it cannot claim
    // (another desk's drop, a team folder it does not mount) would hold it for good if that desk
    // never came back, and one in a folder this desk has paused until the folder is resumed. Two desks claiming such copies at the same instant may both send: paid
    // twice at worst, never a file missed.
    const rows = await this.query<JobRow>(
      `WITH c AS (
         UPDATE jobs SET state = 'creating', profile_id = $1, simulated = $2, generation = $3,
             next_attempt_at = NULL, desk = $6, lease_until = $7::bigint, updated_at = $4
           WHERE id = (
             SELECT q.id FROM jobs q
             WHERE q.state = 'queued' AND (q.next_attempt_at IS NULL OR q.next_attempt_at <= $4)
               AND (q.folder_id IS NULL OR NOT (q.folder_id = ANY($5::text[])))
               AND (q.team_folder IS NULL OR q.team_folder = ANY($8::text[]))
               AND (q.team_folder IS NOT NULL OR q.folder_id IS NOT NULL OR q.desk IS NULL OR q.desk = $6)
               AND NOT EXISTS (
                 SELECT 1 FROM jobs e
                 WHERE e.sha256 = q.sha256 AND e.model = q.model AND e.id <> q.id AND e.simulated = $2
                   AND (e.state IN ('creating', 'uploading', 'finalizing', 'processing', 'blocked')
                     OR (e.state = 'queued' AND e.id < q.id
                       AND (e.folder_id IS NULL OR NOT (e.folder_id = ANY($5::text[])))
                       AND (e.team_folder IS NULL OR e.team_folder = ANY($8::text[]))
                       AND (e.team_folder IS NOT NULL OR e.folder_id IS NOT NULL OR e.desk IS NULL OR e.desk = $6)))
               )
               AND NOT EXISTS (
                 SELECT 1 FROM jobs p
                 WHERE p.path = q.path AND p.id < q.id AND p.state IN ('creating', 'uploading')
               )
             ORDER BY q.id LIMIT 1
             FOR UPDATE SKIP LOCKED
           ) AND state = 'queued'
           RETURNING *
       ), t AS (
         INSERT INTO job_transitions (job_id, state, at, note) SELECT id, 'creating', $4::bigint, NULL FROM c
       )
       SELECT * FROM c`,
      [
        profile.profileId,
        profile.simulated,
        profile.generation,
        now,
        [...pausedFolderIds],
        this.desk,
        now + this.leaseMs,
        // A team folder's file only on a desk that watches that team folder (it can open the file);
        // a file dropped on a desk's window (no folder) only on that desk: the others could not open it.
        this.mounts.teamFolderIds(),
      ],
    );
    return rows[0] ? this.rec(rows[0]) : null;
  }

  async takeOver(
    states: readonly JobState[],
    now: number,
    options: TakeOverOptions = {},
  ): Promise<JobRecord[]> {
    if (!states.length || options.limit === 0) return [];
    const whose = options.othersOnly
      ? 'desk IS NOT NULL AND desk <> $2 AND (lease_until IS NULL OR lease_until < $3)'
      : '(desk IS NULL OR desk = $2 OR lease_until IS NULL OR lease_until < $3)';
    // One statement: rows another desk is taking over at this instant are skipped, not waited for.
    const rows = await this.query<JobRow & { old_desk: string | null }>(
      `WITH o AS (
         SELECT id, desk AS old_desk FROM jobs
           WHERE state = ANY($1::text[]) AND ${whose}
             AND (next_attempt_at IS NULL OR next_attempt_at <= $3) AND NOT (id = ANY($8::bigint[]))
             AND (desk = $2 OR team_folder IS NULL OR team_folder = ANY($9::text[]))
             AND (team_folder IS NOT NULL OR folder_id IS NOT NULL OR desk IS NULL OR desk = $2)
           ORDER BY id LIMIT $7
           FOR UPDATE SKIP LOCKED
       ), j AS (
         UPDATE jobs SET desk = $2, lease_until = $4::bigint FROM o WHERE jobs.id = o.id
           RETURNING jobs.*, o.old_desk
       ), t AS (
         INSERT INTO job_transitions (job_id, state, at, note)
           SELECT id, state, $3::bigint, $5 || old_desk || $6 FROM j WHERE old_desk IS NOT NULL AND old_desk <> $2
       )
       SELECT * FROM j ORDER BY id`,
      [
        [...states],
        this.desk,
        now,
        now + this.leaseMs,
        ...takeoverNoteParts(this.desk),
        options.limit ?? null,
        [...(options.exceptIds ?? [])],
        // As claimNextQueued: team folders this desk mounts; another desk's dropped files stay its own.
        this.mounts.teamFolderIds(),
      ],
    );
    return rows.map(this.rec);
  }

  async renewLeases(now: number, ids?: readonly number[]): Promise<number> {
    if (ids && !ids.length) return 0;
    const rows = await this.query<{ id: number }>(
      `UPDATE jobs SET lease_until = $1 WHERE desk = $2 AND state = ANY($3::text[])
         AND ($4::bigint[] IS NULL OR id = ANY($4::bigint[])) RETURNING id`,
      [now + this.leaseMs, this.desk, [...LEASED_STATES], ids ? [...ids] : null],
    );
    return rows.length;
  }

  async claimPolls(
    ids: readonly number[],
    now: number,
    holdMs: number,
  ): Promise<{ mine: number[]; finished: number[] }> {
    if (!ids.length) return { mine: [], finished: [] };
    // One statement: a record another desk is claiming this instant is skipped, not waited for.
    const rows = await this.query<{ id: number; mine: boolean }>(
      `WITH c AS (
         SELECT id FROM jobs
           WHERE id = ANY($1::bigint[]) AND state = 'processing'
             AND (poll_desk IS NULL OR poll_desk = $2 OR poll_until IS NULL OR poll_until < $3)
           FOR UPDATE SKIP LOCKED
       ), u AS (
         UPDATE jobs SET poll_desk = $2, poll_until = $4::bigint FROM c WHERE jobs.id = c.id RETURNING jobs.id
       )
       SELECT j.id, (u.id IS NOT NULL) AS mine FROM jobs j LEFT JOIN u ON u.id = j.id
         WHERE j.id = ANY($1::bigint[]) AND j.state = 'processing'`,
      [[...ids], this.desk, now, now + holdMs],
    );
    const pending = new Set(rows.map((r) => r.id));
    return {
      mine: rows
        .filter((r) => r.mine)
        .map((r) => r.id)
        .sort((x, y) => x - y),
      finished: [...new Set(ids)].filter((id) => !pending.has(id)).sort((x, y) => x - y),
    };
  }

  pollTurn(scope: string): Promise<boolean> {
    return this.turn.ask(scope);
  }

  async nextLeaseExpiry(now: number): Promise<number | null> {
    const [row] = await this.query<{ t: number | null }>(
      `SELECT MIN(lease_until) AS t FROM jobs WHERE state = ANY($1::text[]) AND desk <> $2 AND lease_until >= $3`,
      [[...LEASED_STATES], this.desk, now],
    );
    return row?.t ?? null;
  }

  async list(query: NormalisedJobQuery): Promise<{ total: number; jobs: JobRecord[] }> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (clause: (p: string) => string, value: unknown): void => {
      values.push(value);
      where.push(clause(`$${values.length}`));
    };
    if (query.states?.length) add((p) => `state = ANY(${p}::text[])`, [...query.states]);
    if (query.verdicts?.length) add((p) => `verdict_label = ANY(${p}::text[])`, [...query.verdicts]);
    if (query.reviews?.length) add((p) => `review_status = ANY(${p}::text[])`, [...query.reviews]);
    if (query.folderId !== undefined) add((p) => `folder_id = ${p}`, query.folderId);
    if (query.since !== undefined) add((p) => `created_at >= ${p}`, query.since);
    if (query.until !== undefined) add((p) => `created_at < ${p}`, query.until);
    if (query.search) add((p) => `LOWER(name) LIKE ${p} ESCAPE '\\'`, likePattern(query.search));
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const dir = query.order === 'asc' ? 'ASC' : 'DESC';
    const [count] = await this.query<{ n: number }>(`SELECT COUNT(*) AS n FROM jobs ${whereSql}`, values);
    const rows = await this.query<JobRow>(
      `SELECT * FROM jobs ${whereSql} ORDER BY ${orderBy(query.sort, dir, ' COLLATE "C"')}
         LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      [...values, query.limit, query.offset],
    );
    return { total: count?.n ?? 0, jobs: rows.map(this.rec) };
  }

  async listByStates(states: readonly JobState[]): Promise<JobRecord[]> {
    if (!states.length) return [];
    const rows = await this.query<JobRow>('SELECT * FROM jobs WHERE state = ANY($1::text[]) ORDER BY id', [
      [...states],
    ]);
    return rows.map(this.rec);
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts = emptyCounts();
    const rows = await this.query<{ state: JobState; n: number }>(
      'SELECT state, COUNT(*) AS n FROM jobs GROUP BY state',
    );
    for (const r of rows) if (r.state in counts) counts[r.state] = r.n;
    return counts;
  }

  async verdictCounts(): Promise<Record<VerdictLabel, number>> {
    const counts = emptyVerdictCounts();
    const rows = await this.query<{ label: VerdictLabel; n: number }>(
      'SELECT verdict_label AS label, COUNT(*) AS n FROM jobs WHERE verdict_label IS NOT NULL GROUP BY verdict_label',
    );
    for (const r of rows) if (r.label in counts) counts[r.label] = r.n;
    return counts;
  }

  async setReview(id: number, review: JobReview): Promise<JobRecord | null> {
    const rows = await this.query<JobRow>(
      `UPDATE jobs SET ${REVIEW_COLUMNS.map((c, i) => `${c} = $${i + 1}`).join(', ')}, updated_at = $4
         WHERE id = $5 RETURNING *`,
      [review.status, review.note, review.at, this.now(), id],
    );
    return rows[0] ? this.rec(rows[0]) : null;
  }

  async findDoneByHash(sha256: string, model: string, simulated: boolean): Promise<JobRecord | null> {
    const rows = await this.query<JobRow>(
      `SELECT * FROM jobs WHERE sha256 = $1 AND model = $2 AND state = 'done' AND simulated = $3 ORDER BY id LIMIT 1`,
      [sha256, model, simulated],
    );
    return rows[0] ? this.rec(rows[0]) : null;
  }

  async listQueuedTwins(sha256: string, model: string, simulated: boolean): Promise<JobRecord[]> {
    const rows = await this.query<JobRow>(
      `SELECT * FROM jobs WHERE sha256 = $1 AND model = $2 AND state = 'queued' AND simulated = $3
           AND NOT force_recheck ORDER BY id`,
      [sha256, model, simulated],
    );
    return rows.map(this.rec);
  }

  async findLatestByPath(path: string): Promise<JobRecord | null> {
    const key = this.mounts.keyOf(path);
    const rows = key
      ? await this.query<JobRow>(
          `SELECT * FROM jobs WHERE (team_folder = $1 AND rel_path = $2) OR (team_folder IS NULL AND path = $3)
             ORDER BY id DESC LIMIT 1`,
          [key.teamFolderId, key.relPath, path],
        )
      : await this.query<JobRow>('SELECT * FROM jobs WHERE path = $1 ORDER BY id DESC LIMIT 1', [path]);
    return rows[0] ? this.rec(rows[0]) : null;
  }

  async knownFileKeys(): Promise<string[]> {
    const rows = await this.query<{
      path: string;
      size: number;
      mtime_ms: number;
      team_folder: string | null;
      rel_path: string | null;
    }>(
      `SELECT path, size, mtime_ms, team_folder, rel_path FROM jobs WHERE state <> 'waiting'
         AND (error_code IS NULL OR NOT (error_code = ANY($1::text[])))`,
      [[...UNKNOWN_AGAIN_CODES]],
    );
    return rows.map((r) => fileKey(this.mounts.local({ ...r, folder_id: null }).path, r.size, r.mtime_ms));
  }

  async nextAttemptAfter(states: readonly JobState[], now: number): Promise<number | null> {
    if (!states.length) return null;
    const [row] = await this.query<{ t: number | null }>(
      'SELECT MIN(next_attempt_at) AS t FROM jobs WHERE state = ANY($1::text[]) AND next_attempt_at > $2',
      [[...states], now],
    );
    return row?.t ?? null;
  }

  async timeline(id: number): Promise<JobTransition[]> {
    return this.query<JobTransition & pg.QueryResultRow>(
      'SELECT state, at, note FROM job_transitions WHERE job_id = $1 ORDER BY id',
      [id],
    );
  }

  async processingSamples(limit: number): Promise<ProcessingSample[]> {
    const rows = await this.query<{
      model: string;
      kind: string;
      size: number;
      low: number | null;
      high: number;
    }>(
      `SELECT model, kind, size, pending_seen_ms AS low, done_at - uploaded_at AS high FROM jobs
         WHERE state = 'done' AND uploaded_at IS NOT NULL AND duplicate_of IS NULL AND done_at IS NOT NULL
           AND model IS NOT NULL AND kind IS NOT NULL
         ORDER BY done_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      model: r.model,
      kind: r.kind as ProcessingSample['kind'],
      size: r.size,
      lowMs: Math.max(0, r.low ?? 0),
      highMs: Math.max(0, r.high),
    }));
  }

  async addCalls(day: string, quota: QuotaKind, n: number): Promise<void> {
    await this.query(
      `INSERT INTO api_calls (day, quota, count) VALUES ($1, $2, $3)
         ON CONFLICT (day, quota) DO UPDATE SET count = api_calls.count + excluded.count`,
      [day, quota, n],
    );
  }

  async callsOn(day: string): Promise<Record<QuotaKind, number>> {
    const result: Record<QuotaKind, number> = { query: 0, mutation: 0 };
    const rows = await this.query<{ quota: QuotaKind; count: number }>(
      'SELECT quota, count FROM api_calls WHERE day = $1',
      [day],
    );
    for (const r of rows) if (r.quota === 'query' || r.quota === 'mutation') result[r.quota] = r.count;
    return result;
  }

  /** Other desks' committed changes (the ledger is shared): heard through LISTEN/NOTIFY. */
  onOtherDesks(listener: OtherDesksListener): Disposable {
    return this.others.subscribe(listener);
  }

  /** The rows a notice named, and every row changed since `since` (a catch-up), oldest first. */
  private async readChanged(ids: readonly number[], since: number | null): Promise<JobRecord[]> {
    const rows = await this.query<JobRow>(
      'SELECT * FROM jobs WHERE id = ANY($1::bigint[]) OR updated_at >= $2 ORDER BY id',
      [[...ids], since ?? Number.MAX_SAFE_INTEGER],
    );
    return rows.map(this.rec);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.blocks.clear();
    await this.others.dispose();
    await this.turn.dispose();
    await this.db.end();
  }
}

/**
 * The hosts' `OpenLedger` for a team ledger: the engine connects when it starts (after its data
 * folder's lock, which stays per desk) and gets a LedgerProblem when it cannot.
 */
export function openPostgresLedger(options: Omit<PostgresLedgerOptions, 'now'>): OpenLedger {
  return ({ dataDir, now }) => PostgresLedger.open({ desk: deskIdentity(dataDir), ...options, now });
}

/** The takeover note around the old desk's name, as SQL concatenates it (the text is takeoverNote's). */
function takeoverNoteParts(me: string): [string, string] {
  const marker = '\u0000';
  const note = takeoverNote(marker, me) ?? '';
  const at = note.indexOf(marker);
  return [note.slice(0, at), note.slice(at + marker.length)];
}
