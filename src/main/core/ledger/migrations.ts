/**
 * Numbered migrations of the SQLite ledger. Entry N brings a version N-1 database to version N;
 * each runs in its own transaction and is recorded in `schema_migrations`, so a crash mid-way
 * leaves the previous version intact. Never edit a released migration: add the next one.
 * The SQL sticks to what PostgreSQL also accepts, except the id column type.
 */
import type Database from 'better-sqlite3';

/** One numbered step of the schema. */
export interface Migration {
  version: number;
  description: string;
  up(db: Database.Database): void;
}

/** Every migration, in order; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'jobs and their timeline',
    up(db) {
      db.exec(`
        CREATE TABLE jobs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          path TEXT NOT NULL,
          folder_id TEXT,
          name TEXT NOT NULL,
          size BIGINT NOT NULL,
          mtime_ms BIGINT NOT NULL,
          sha256 TEXT,
          content_type TEXT,
          kind TEXT,
          model TEXT,
          generation TEXT,
          remote_id TEXT,
          upload_url TEXT,
          upload_expires_at BIGINT,
          state TEXT NOT NULL,
          resume_state TEXT,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at BIGINT,
          bytes_sent BIGINT NOT NULL DEFAULT 0,
          verdict_json TEXT,
          verdict_label TEXT,
          raw_json TEXT,
          error_code TEXT,
          error_kind TEXT,
          error_message TEXT,
          duplicate_of INTEGER REFERENCES jobs(id),
          profile_id TEXT NOT NULL,
          simulated INTEGER NOT NULL DEFAULT 0,
          force_recheck INTEGER NOT NULL DEFAULT 0,
          uploaded_at BIGINT,
          polling_since BIGINT,
          pending_seen_ms BIGINT,
          created_at BIGINT NOT NULL,
          updated_at BIGINT NOT NULL,
          done_at BIGINT
        );
        CREATE TABLE job_transitions (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
          state TEXT NOT NULL,
          at BIGINT NOT NULL,
          note TEXT
        );
        CREATE INDEX job_transitions_job ON job_transitions (job_id, id);
      `);
    },
  },
  {
    version: 2,
    description: 'indexes for the queue, the filters, dedupe and the known-file set',
    up(db) {
      db.exec(`
        CREATE INDEX jobs_state ON jobs (state, id);
        CREATE INDEX jobs_created ON jobs (created_at, id);
        CREATE INDEX jobs_updated ON jobs (updated_at, id);
        CREATE INDEX jobs_folder_created ON jobs (folder_id, created_at);
        CREATE INDEX jobs_verdict ON jobs (verdict_label, created_at);
        CREATE INDEX jobs_hash_model ON jobs (sha256, model, state);
        CREATE INDEX jobs_path ON jobs (path, id);
        CREATE INDEX jobs_done_at ON jobs (done_at);
      `);
    },
  },
  {
    version: 3,
    description: 'API calls per local day and quota kind (the status bar shows today)',
    up(db) {
      db.exec(`
        CREATE TABLE api_calls (
          day TEXT NOT NULL,
          quota TEXT NOT NULL,
          count INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (day, quota)
        );
      `);
    },
  },
  {
    version: 4,
    description: 'records created per job (a refused upload URL or a crash can cost one more)',
    up(db) {
      db.exec(`ALTER TABLE jobs ADD COLUMN records_created INTEGER NOT NULL DEFAULT 0;`);
      // Rows from before: one record for each job that has (or had) a remote id.
      db.exec(`UPDATE jobs SET records_created = 1 WHERE remote_id IS NOT NULL;`);
    },
  },
  {
    version: 5,
    description: 'review status per file, and the verdict confidence as a column (triage sorts)',
    up(db) {
      db.exec(`
        ALTER TABLE jobs ADD COLUMN review_status TEXT NOT NULL DEFAULT 'new';
        ALTER TABLE jobs ADD COLUMN review_note TEXT;
        ALTER TABLE jobs ADD COLUMN review_at BIGINT;
        ALTER TABLE jobs ADD COLUMN verdict_confidence REAL;
        UPDATE jobs SET verdict_confidence = json_extract(verdict_json, '$.confidence')
          WHERE verdict_json IS NOT NULL AND json_valid(verdict_json)
            AND json_type(verdict_json, '$.confidence') IN ('real', 'integer');
        CREATE INDEX jobs_review ON jobs (review_status, created_at);
      `);
    },
  },
  {
    version: 6,
    description: 'the desk that handles each file and how long its claim holds (desks sharing a ledger)',
    up(db) {
      db.exec(`
        ALTER TABLE jobs ADD COLUMN desk TEXT;
        ALTER TABLE jobs ADD COLUMN lease_until BIGINT;
        CREATE INDEX jobs_desk ON jobs (desk, state);
      `);
    },
  },
  {
    version: 7,
    description: 'which desk polls a pending record, and until when (shared polling)',
    up(db) {
      db.exec(`
        ALTER TABLE jobs ADD COLUMN poll_desk TEXT;
        ALTER TABLE jobs ADD COLUMN poll_until BIGINT;
      `);
    },
  },
  {
    version: 8,
    description: 'team folders: files keyed by (team folder id, path relative to it)',
    up(db) {
      db.exec(`
        ALTER TABLE jobs ADD COLUMN team_folder TEXT;
        ALTER TABLE jobs ADD COLUMN rel_path TEXT;
        CREATE INDEX jobs_team_key ON jobs (team_folder, rel_path, id);
      `);
    },
  },
];

/** The version a fully migrated ledger is at. */
export const LEDGER_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The highest migration applied to this database (0 for a new file). */
export function schemaVersion(db: Database.Database): number {
  db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
  );
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/**
 * Apply every migration above the database's version, up to `target` (all by default).
 * Refuses a database written by a newer version of the app.
 */
export function migrate(db: Database.Database, now: number, target: number = LEDGER_VERSION): number {
  let version = schemaVersion(db);
  if (version > LEDGER_VERSION) {
    throw new Error(
      `The ledger was written by a newer Authenta Watch (schema ${version}, this build knows ${LEDGER_VERSION}); update the app.`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= version || m.version > target) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.description,
        now,
      );
    })();
    version = m.version;
  }
  return version;
}
