/**
 * The account's blocks the desks of a team share (the team-wide quota pause, team-blocks.ts):
 * one row per account and kind in `account_blocks` (migration 6); other desks hear each change on
 * BLOCKS_CHANNEL (postgres-notify.ts), which calls `heard`.
 */
import type { BlockKind } from '../../../shared/domain';
import type { ProbeClaim, SharedBlock, SharedBlocks } from './ledger';
import type { PostgresConnection } from './postgres-connection';

/** SharedBlocks on PostgreSQL, plus what the ledger tells it. */
export interface PostgresSharedBlocks extends SharedBlocks {
  /** Another desk changed a block (or a lost connection is back): tell the listeners. */
  heard(): void;
  /** Forget the listeners (the ledger closes). */
  clear(): void;
}

export function postgresSharedBlocks(db: PostgresConnection, desk: string): PostgresSharedBlocks {
  const listeners = new Set<() => void>();
  return {
    set: async (block, now) => {
      await db.query(
        `INSERT INTO account_blocks (scope, kind, code, message, since, set_at, retry_at, desk)
           VALUES ($1, $2, $3, $4, $5, $5, $6, $7)
           ON CONFLICT (scope, kind) DO UPDATE SET code = excluded.code, message = excluded.message,
             set_at = excluded.set_at, retry_at = excluded.retry_at, desk = excluded.desk,
             probe_desk = NULL, probe_until = NULL`,
        [block.scope, block.kind, block.code, block.message, now, block.retryAt, desk],
      );
    },
    list: async (scope) => {
      const rows = await db.query<SharedBlockRow>('SELECT * FROM account_blocks WHERE scope = $1', [scope]);
      return rows.map(sharedBlockOf);
    },
    // One statement claims it (the row lock makes desks take turns; a desk that lost re-reads the
    // row as the winner left it); a second reads how it stands when this desk did not get it.
    claimProbe: async (scope, kind, now, leaseMs): Promise<ProbeClaim> => {
      const [won] = await db.query<SharedBlockRow>(
        `UPDATE account_blocks SET probe_desk = $3, probe_until = $4::bigint + $5::bigint
           WHERE scope = $1 AND kind = $2 AND retry_at IS NOT NULL AND retry_at <= $4
             AND (probe_desk IS NULL OR probe_desk = $3 OR probe_until <= $4)
           RETURNING *`,
        [scope, kind, desk, now, leaseMs],
      );
      if (won) return { mine: true, block: sharedBlockOf(won) };
      const [row] = await db.query<SharedBlockRow>(
        'SELECT * FROM account_blocks WHERE scope = $1 AND kind = $2',
        [scope, kind],
      );
      return { mine: false, block: row ? sharedBlockOf(row) : null };
    },
    lift: async (scope, kinds, startedAt) => {
      if (!kinds.length) return;
      await db.query(
        'DELETE FROM account_blocks WHERE scope = $1 AND kind = ANY($2::text[]) AND set_at <= $3',
        [scope, [...kinds], startedAt],
      );
    },
    onChange: (listener) => {
      listeners.add(listener);
      return { dispose: () => void listeners.delete(listener) };
    },
    heard: () => {
      for (const l of [...listeners]) l();
    },
    clear: () => listeners.clear(),
  };
}

/** A row of `account_blocks`. */
interface SharedBlockRow {
  scope: string;
  kind: string;
  code: string;
  message: string;
  since: number;
  set_at: number;
  retry_at: number | null;
  desk: string;
  probe_desk: string | null;
  probe_until: number | null;
}

function sharedBlockOf(r: SharedBlockRow): SharedBlock {
  return {
    scope: r.scope,
    kind: r.kind as BlockKind,
    code: r.code,
    message: r.message,
    since: r.since,
    setAt: r.set_at,
    retryAt: r.retry_at,
    desk: r.desk,
    probeDesk: r.probe_desk,
    probeUntil: r.probe_until,
  };
}
