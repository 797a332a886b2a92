import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LEDGER_VERSION,
  MIGRATIONS,
  migrate,
  schemaVersion,
} from '../../../../src/main/core/ledger/migrations';
import { SqliteLedger } from '../../../../src/main/core/ledger/sqlite-ledger';

let dir: string;
let db: Database.Database | null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aw-migrations-'));
  db = null;
});
afterEach(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(): Database.Database {
  db = new Database(join(dir, 'ledger.sqlite'));
  return db;
}
function tables(d: Database.Database): string[] {
  return (
    d.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]
  )
    .map((r) => r.name)
    .filter((n) => !n.startsWith('sqlite_'));
}
function indexes(d: Database.Database): string[] {
  return (
    d
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
      .all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

describe('ledger migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LEDGER_VERSION).toBe(MIGRATIONS.length);
  });

  it('1 creates the jobs table and the timeline', () => {
    const d = open();
    expect(migrate(d, 1000, 1)).toBe(1);
    expect(tables(d)).toEqual(['job_transitions', 'jobs', 'schema_migrations']);
    d.prepare(
      `INSERT INTO jobs (path, name, size, mtime_ms, state, profile_id, created_at, updated_at)
       VALUES ('/a/b.png', 'b.png', 10, 5, 'waiting', 'sandbox', 1, 1)`,
    ).run();
    d.prepare(`INSERT INTO job_transitions (job_id, state, at) VALUES (1, 'waiting', 1)`).run();
    expect(d.prepare('SELECT attempts, bytes_sent, simulated FROM jobs').get()).toEqual({
      attempts: 0,
      bytes_sent: 0,
      simulated: 0,
    });
  });

  it('2 adds the indexes and keeps the rows of version 1', () => {
    const d = open();
    migrate(d, 1000, 1);
    d.prepare(
      `INSERT INTO jobs (path, name, size, mtime_ms, state, profile_id, created_at, updated_at, sha256, model)
       VALUES ('/a/b.png', 'b.png', 10, 5, 'done', 'sandbox', 1, 1, 'abc', 'AC-1')`,
    ).run();
    expect(migrate(d, 2000, 2)).toBe(2);
    expect(indexes(d)).toEqual(
      expect.arrayContaining(['jobs_state', 'jobs_hash_model', 'jobs_path', 'jobs_created', 'jobs_verdict']),
    );
    const plan = d
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE sha256 = 'abc' AND model = 'AC-1' AND state = 'done'`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('jobs_hash_model');
    expect(d.prepare('SELECT COUNT(*) AS n FROM jobs').get()).toEqual({ n: 1 });
  });

  it('3 adds the API call counters', () => {
    const d = open();
    migrate(d, 1000, 2);
    expect(tables(d)).not.toContain('api_calls');
    expect(migrate(d, 2000, 3)).toBe(3);
    d.prepare(`INSERT INTO api_calls (day, quota, count) VALUES ('2026-01-01', 'query', 3)`).run();
    expect(() =>
      d.prepare(`INSERT INTO api_calls (day, quota, count) VALUES ('2026-01-01', 'query', 1)`).run(),
    ).toThrow(/UNIQUE|PRIMARY/);
  });

  it('records each step and does nothing the second time', () => {
    const d = open();
    migrate(d, 1000);
    migrate(d, 2000);
    const rows = d.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, applied_at: 1000 })));
    expect(schemaVersion(d)).toBe(LEDGER_VERSION);
  });

  it('refuses a ledger from a newer version of the app, with what to do', () => {
    const d = open();
    migrate(d, 1000);
    d.prepare(`INSERT INTO schema_migrations VALUES (?, 'future', 1)`).run(LEDGER_VERSION + 1);
    expect(() => migrate(d, 2000)).toThrow(/newer Authenta Watch.*update the app/);
  });

  it('opens an old file through SqliteLedger and upgrades it in place', async () => {
    const file = join(dir, 'old.sqlite');
    const old = new Database(file);
    migrate(old, 1000, 1);
    old
      .prepare(
        `INSERT INTO jobs (path, name, size, mtime_ms, state, profile_id, created_at, updated_at)
       VALUES ('/x/old.jpg', 'old.jpg', 7, 9, 'queued', 'sandbox', 1, 1)`,
      )
      .run();
    old.close();
    const ledger = SqliteLedger.open({ file, now: () => 5000 });
    try {
      expect(schemaVersion(ledger.connection)).toBe(LEDGER_VERSION);
      expect((await ledger.get(1))?.name).toBe('old.jpg');
      expect(ledger.connection.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      await ledger.close();
    }
  });
});

describe('ledger migration 5', () => {
  it('adds the review columns (new by default) and the confidence column, filled from stored verdicts', () => {
    const d = open();
    migrate(d, 1000, 4);
    const insert = d.prepare(
      `INSERT INTO jobs (path, name, size, mtime_ms, state, profile_id, created_at, updated_at, verdict_json, verdict_label)
       VALUES (?, ?, 10, 5, 'done', 'sandbox', 1, 1, ?, ?)`,
    );
    insert.run('/a/1.png', '1.png', JSON.stringify({ label: 'fake', confidence: 0.93 }), 'fake');
    insert.run('/a/2.png', '2.png', JSON.stringify({ label: 'inconclusive' }), 'inconclusive');
    insert.run('/a/3.png', '3.png', null, null);
    insert.run('/a/4.png', '4.png', '{not json', 'fake');
    expect(migrate(d, 2000, 5)).toBe(5);
    expect(
      d
        .prepare('SELECT review_status, review_note, review_at, verdict_confidence FROM jobs ORDER BY id')
        .all(),
    ).toEqual([
      { review_status: 'new', review_note: null, review_at: null, verdict_confidence: 0.93 },
      { review_status: 'new', review_note: null, review_at: null, verdict_confidence: null },
      { review_status: 'new', review_note: null, review_at: null, verdict_confidence: null },
      { review_status: 'new', review_note: null, review_at: null, verdict_confidence: null },
    ]);
    expect(indexes(d)).toContain('jobs_review');
  });

  it('opens a version-4 file through SqliteLedger with every job unreviewed', async () => {
    const file = join(dir, 'v3.sqlite');
    const old = new Database(file);
    migrate(old, 1000, 4);
    old
      .prepare(
        `INSERT INTO jobs (path, name, size, mtime_ms, state, profile_id, created_at, updated_at)
         VALUES ('/x/old.jpg', 'old.jpg', 7, 9, 'queued', 'sandbox', 1, 1)`,
      )
      .run();
    old.close();
    const ledger = SqliteLedger.open({ file, now: () => 5000 });
    try {
      expect((await ledger.get(1))?.review).toEqual({ status: 'new', note: null, at: null });
    } finally {
      await ledger.close();
    }
  });
});
