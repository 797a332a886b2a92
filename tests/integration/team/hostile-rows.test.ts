/**
 * Rows another desk wrote are not trusted with this desk's disk (issue 11): anyone with the team
 * ledger's password can write a row whose path leads out of the watched folders (a `rel_path` with
 * `..`, an absolute path, a symlink inside the share pointing out). A real engine on a real
 * PostgreSQL ledger, watching `inbox` with "move after the verdict", meets such rows written
 * straight into the database by a hostile "desk": queued rows (it would claim, upload and move
 * them), a row waiting to be read (start-up reads it), a row processing on a real record (it
 * would poll it and move the file after the verdict) and a done row (the media routes and the
 * provenance would read it). None of those files outside `inbox` is read, sent, moved or served:
 * the rows end failed (or the action is left out) with a message that says why. A file of the
 * folder itself still goes all the way (sent, moved into `_authentic`, served).
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openPostgresLedger } from '../../../src/main/core/ledger/postgres-ledger';
import { PG_SCHEMA } from '../../../src/main/core/ledger/postgres-migrations';
import { startHarness, type Harness } from '../../helpers/engine-harness';
import { makePng, simMarker } from '../../helpers/media-fixtures';
import { usePostgresCluster, type TestDatabase } from '../../helpers/postgres';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const cluster = usePostgresCluster();
let db: TestDatabase | null = null;
let h: Harness | null = null;

afterEach(async () => {
  await h?.close();
  h = null;
  db = null;
}, 60_000);

const TERMINAL = ['done', 'failed', 'skipped'];

describe('rows whose path leads out of the watched folders', () => {
  it('are never read, sent, moved or served: they fail with a message, the folder’s own file goes on', async () => {
    db = await cluster.databaseForTest('aw_hostile');
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined);
    await client.connect();
    try {
      h = await startHarness({
        sim: { processingMs: 200 },
        engine: { openLedger: openPostgresLedger({ url: db.url }) },
      });
      await h.watch('inbox', { after: 'move' });
      await h.write('inbox/legit.png', makePng({ marker: simMarker('real'), padding: 10 }));
      const legitJob = await h.waitForJob('legit.png', ['done']);
      const legit = (
        await client.query<{ id: string; team_folder: string | null }>(
          `SELECT id, team_folder FROM ${PG_SCHEMA}.jobs WHERE id = $1`,
          [legitJob.id],
        )
      ).rows[0]!;
      expect(legit.team_folder).not.toBeNull();
      const columns = (
        await client.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns
            WHERE table_schema = $1 AND table_name = 'jobs' AND column_name <> 'id'`,
          [PG_SCHEMA],
        )
      ).rows.map((r) => r.column_name);

      // Files outside the watched folder, each marked fake (a verdict would move it into _fake).
      const outside = h.path('outside');
      mkdirSync(outside, { recursive: true });
      const secrets = new Map<string, Buffer>();
      const secret = (
        name: string,
        n: number,
      ): { path: string; size: number; mtime_ms: number; sha256: string } => {
        const bytes = makePng({ marker: simMarker('fake'), padding: 100 + n });
        const path = join(outside, name);
        writeFileSync(path, bytes);
        secrets.set(name, bytes);
        const st = statSync(path);
        return {
          path,
          size: st.size,
          mtime_ms: Math.floor(st.mtimeMs),
          sha256: createHash('sha256').update(bytes).digest('hex'),
        };
      };
      // A symlink inside the share (in a subfolder the watcher does not walk) pointing out.
      mkdirSync(h.path('inbox/sub'), { recursive: true });
      const s3 = secret('s3.png', 3);
      symlinkSync(s3.path, h.path('inbox/sub/s3.png'));

      /** Insert a row as a hostile desk would: the legit row's columns, with `over` on top. */
      const hostile = async (over: Record<string, unknown>): Promise<number> => {
        const now = Date.now();
        const values: unknown[] = [legit.id];
        const base: Record<string, unknown> = {
          desk: 'mallory',
          lease_until: null,
          remote_id: null,
          upload_url: null,
          upload_expires_at: null,
          verdict_json: null,
          verdict_label: null,
          verdict_confidence: null,
          raw_json: null,
          error_code: null,
          error_kind: null,
          error_message: null,
          duplicate_of: null,
          uploaded_at: null,
          polling_since: null,
          done_at: null,
          bytes_sent: 0,
          records_created: 0,
          created_at: now,
          updated_at: now,
          ...(columns.includes('poll_desk') ? { poll_desk: null } : {}),
          ...(columns.includes('poll_until') ? { poll_until: null } : {}),
          ...over,
        };
        const select = columns.map((c) => {
          if (!(c in base)) return c;
          values.push(base[c]);
          return `$${values.length}`;
        });
        const r = await client.query<{ id: string }>(
          `INSERT INTO ${PG_SCHEMA}.jobs (${columns.join(', ')})
             SELECT ${select.join(', ')} FROM ${PG_SCHEMA}.jobs WHERE id = $1 RETURNING id`,
          values,
        );
        return Number(r.rows[0]!.id);
      };
      const team = { team_folder: legit.team_folder, folder_id: legitJob.folderId };
      const noKey = { team_folder: null, rel_path: null, folder_id: null };
      const file = (s: { path: string; size: number; mtime_ms: number; sha256: string }, name: string) => ({
        path: s.path,
        name,
        size: s.size,
        mtime_ms: s.mtime_ms,
        sha256: s.sha256,
      });

      const s1 = secret('s1.png', 1);
      const s2 = secret('s2.png', 2);
      const s4 = secret('s4.png', 4);
      const s5 = secret('s5.png', 5);
      const s6 = secret('s6.png', 6);
      const s7 = secret('s7.png', 7);
      const queued = {
        // `..` out of the team folder
        s1: await hostile({ ...team, ...file(s1, 's1.png'), state: 'queued', rel_path: '../outside/s1.png' }),
        // no team key: the stored absolute path, with this desk's folder id (a row without a folder is
        // a file dropped on another desk's window, which this desk leaves to that desk: s8)
        s2: await hostile({ ...noKey, folder_id: legitJob.folderId, ...file(s2, 's2.png'), state: 'queued' }),
        // a symlink inside the share that points out
        s3: await hostile({ ...team, ...file(s3, 's3.png'), state: 'queued', rel_path: 'sub/s3.png' }),
        // an absolute rel_path
        s4: await hostile({ ...team, ...file(s4, 's4.png'), state: 'queued', rel_path: s4.path }),
      };
      // A finished row: the media routes and the provenance would read its file.
      const legitRow = (await client.query(`SELECT * FROM ${PG_SCHEMA}.jobs WHERE id = $1`, [legit.id]))
        .rows[0] as Record<string, unknown>;
      const s5id = await hostile({
        ...team,
        ...file(s5, 's5.png'),
        state: 'done',
        rel_path: '../outside/s5.png',
        verdict_json: legitRow.verdict_json,
        verdict_label: legitRow.verdict_label,
        verdict_confidence: legitRow.verdict_confidence,
        raw_json: legitRow.raw_json,
        remote_id: legitRow.remote_id,
        done_at: Date.now(),
      });
      // A row processing on a real record (marked fake): this desk polls it and would move the file.
      const s6bytes = secrets.get('s6.png')!;
      const record = await h.api.createRecord(h.sim, {
        name: 's6.png',
        contentType: 'image/png',
        size: s6bytes.length,
        model: legitJob.model ?? 'AC-1',
      });
      await h.api.upload(record, 'image/png', s6bytes);
      await h.api.startProcessing(h.sim, record);
      // No team key, this desk's folder id (any desk can read it from the ledger), a path outside.
      const s6id = await hostile({
        ...noKey,
        folder_id: legitJob.folderId,
        ...file(s6, 's6.png'),
        state: 'processing',
        remote_id: record.remoteId,
        uploaded_at: Date.now(),
        polling_since: Date.now(),
        bytes_sent: s6.size,
        records_created: 1,
      });
      // A row waiting to be read, of no desk: start-up reads it.
      const s7id = await hostile({
        ...noKey,
        ...file(s7, 's7.png'),
        state: 'waiting',
        desk: null,
        sha256: null,
      });
      // A queued row of no folder and no team key: a file dropped on the hostile desk's window.
      const s8 = secret('s8.png', 8);
      const s8id = await hostile({ ...noKey, ...file(s8, 's8.png'), state: 'queued' });
      const createsBefore = h.creates();

      // Start-up picks up what waits and what is processing.
      await h.restart();
      const ids = [...Object.values(queued), s6id, s7id];
      const rowsOf = async (): Promise<Map<number, Record<string, unknown>>> =>
        new Map(
          (
            await client.query(`SELECT * FROM ${PG_SCHEMA}.jobs WHERE id = ANY($1::bigint[])`, [ids])
          ).rows.map((r: Record<string, unknown>) => [Number(r.id), r]),
        );
      const rows = await h.waitFor(
        async () => {
          const all = await rowsOf();
          return [...all.values()].every((r) => TERMINAL.includes(String(r.state))) ? all : null;
        },
        {
          timeoutMs: 120_000,
          message: async () =>
            `every hostile row finished; now ${JSON.stringify([...(await rowsOf()).values()].map((r) => [r.name, r.state, r.error_message]))}`,
        },
      );

      // Nothing of theirs was created or sent at Authenta.
      const sent = h
        .requests({ method: 'POST', from: 0 })
        .map((r) => r.name)
        .filter((n) => n !== undefined && /^s\d\.png$/.test(n) && n !== 's6.png');
      expect(sent).toEqual([]);
      expect(h.creates()).toBe(createsBefore);
      expect(h.puts({ ok: true }).length).toBe(2); // legit.png and s6's record made by the test
      // The rows that would have been read or sent ended failed, saying why.
      for (const id of [...Object.values(queued), s7id]) {
        const r = rows.get(id)!;
        expect([r.name, r.state], String(r.error_message)).toEqual([r.name, 'failed']);
        expect(String(r.error_message), String(r.name)).toMatch(/outside the folders this desk watches/);
      }
      // The dropped file of another desk is left to that desk: not claimed, read or sent here.
      const s8row = (await client.query(`SELECT state, desk FROM ${PG_SCHEMA}.jobs WHERE id = $1`, [s8id]))
        .rows[0] as Record<string, unknown>;
      expect([s8row.state, s8row.desk]).toEqual(['queued', 'mallory']);
      // The verdict of the processing row is recorded, its file is not moved.
      expect(rows.get(s6id)!.state).toBe('done');
      const notesOf = async (id: number): Promise<string> =>
        (
          await client.query<{ note: string | null }>(
            `SELECT note FROM ${PG_SCHEMA}.job_transitions WHERE job_id = $1 ORDER BY id`,
            [id],
          )
        ).rows
          .map((r) => r.note ?? '')
          .join('\n');
      await h.waitFor(async () => /not moved: /.test(await notesOf(s6id)), {
        timeoutMs: 60_000,
        message: async () => `a note that s6.png was not moved; notes: ${await notesOf(s6id)}`,
      });
      expect(await notesOf(s6id)).toMatch(/not moved: .*outside the folders this desk watches/);
      // Every file outside is where it was, unchanged; nothing of it is in the share.
      for (const [name, bytes] of secrets) expect(readFileSync(join(outside, name)), name).toEqual(bytes);
      const moved = ['_fake', '_authentic'].flatMap((d) =>
        existsSync(h!.path(`inbox/${d}`)) ? readdirSync(h!.path(`inbox/${d}`)) : [],
      );
      expect(moved).toEqual(['legit.png']);
      expect(existsSync(join(outside, '_fake'))).toBe(false);

      // The done row is not served, nor drawn, nor read for provenance.
      for (const route of ['original', 'thumb', 'thumb-row']) {
        const res = await h.engine.media.respond({ method: 'GET', path: `/${route}/${s5id}` });
        expect([route, res.status]).toEqual([route, 404]);
      }
      const provenance = await h.engine.getProvenance(s5id);
      expect(provenance.metadata).toBeNull();
      expect(provenance.credentials.state).toBe('unchecked');
      expect(provenance.credentials.problems.join(' ')).toMatch(/outside the folders this desk watches/);
      // The folder's own file is served.
      const own = await h.engine.media.respond({ method: 'GET', path: `/original/${legitJob.id}` });
      expect(own.status).toBe(200);
      if (own.body && typeof own.body !== 'string') own.body.destroy();
    } finally {
      await client.end().catch(() => undefined);
    }
  });
});
