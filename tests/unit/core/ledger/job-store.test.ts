import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobQuerySchema } from '../../../../src/shared/contract';
import { JobStore, type CommittedChange } from '../../../../src/main/core/ledger/job-store';
import type {
  Ledger,
  NewJob,
  OtherDesksListener,
  ReadChanged,
} from '../../../../src/main/core/ledger/ledger';
import { SqliteLedger } from '../../../../src/main/core/ledger/sqlite-ledger';
import { TransitionError } from '../../../../src/main/core/ledger/transitions';

let dir: string;
let store: JobStore;
let heard: CommittedChange[][];
let now = 1_000;
const PROFILE = { profileId: 'p1', simulated: false, generation: 'media-client' as const };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aw-job-store-'));
  now = 1_000;
  store = new JobStore(SqliteLedger.open({ file: join(dir, 'ledger.sqlite'), now: () => now }));
  heard = [];
  store.onChange((changes) => heard.push([...changes]));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function job(over: Partial<NewJob> = {}): NewJob {
  return {
    path: '/in/a.png',
    name: 'a.png',
    folderId: 'f1',
    size: 100,
    mtimeMs: 5_000,
    profileId: 'p1',
    simulated: false,
    state: 'queued',
    sha256: 'h-a',
    contentType: 'image/png',
    kind: 'image',
    model: 'AC-1',
    ...over,
  };
}

/** What was heard, one entry per announcement: cause, id, state. */
function summary(): string[] {
  return heard.map((batch) => batch.map((c) => `${c.cause} #${c.row.id} ${c.row.state}`).join(', '));
}

describe('JobStore around a real SqliteLedger', () => {
  it('announces every committed change once, with the row as committed', async () => {
    const a = await store.insert(job());
    const claimed = await store.claimNextQueued(now, [], PROFILE);
    now = 2_000;
    const uploading = await store.transition(a.id, 'creating', 'uploading', { remoteId: 'mid-1' }, 'created');
    const updated = await store.update(a.id, { bytesSent: 50 }, ['uploading']);
    await store.addNote(a.id, 'still sending');
    const reviewed = await store.setReview(a.id, { status: 'escalated', note: 'ask', at: now });
    expect(summary()).toEqual([
      'insert #1 queued',
      'claim #1 creating',
      'transition #1 uploading',
      'update #1 uploading',
      'note #1 uploading',
      'review #1 uploading',
    ]);
    // The rows heard are those the writes returned (what the UI shows is what the ledger holds).
    const rows = heard.flat().map((c) => c.row);
    expect(rows[0]).toEqual(a);
    expect(rows[1]).toEqual(claimed);
    expect(rows[2]).toEqual(uploading);
    expect(rows[3]).toMatchObject({ bytesSent: 50, remoteId: 'mid-1' });
    expect(rows[3]).toEqual(updated);
    expect(rows[5]?.review).toMatchObject({ status: 'escalated', note: 'ask' });
    expect(rows[5]).toEqual(reviewed);
  });

  it('announces nothing when a compare-and-set loses, or nothing matched', async () => {
    const a = await store.insert(job());
    heard = [];
    await store.transition(a.id, 'queued', 'creating');
    // A second writer that still believes the job is queued loses: nothing committed, nothing heard.
    expect(await store.transition(a.id, 'queued', 'creating')).toBeNull();
    expect(await store.update(a.id, { bytesSent: 1 }, ['uploading'])).toBeNull();
    expect(await store.claimNextQueued(now, [], PROFILE)).toBeNull();
    expect(await store.setReview(999, { status: 'cleared', note: null, at: now })).toBeNull();
    expect(await store.update(999, { bytesSent: 1 })).toBeNull();
    expect(summary()).toEqual(['transition #1 creating']);
  });

  it('announces nothing for a refused move, and the row stays as it was', async () => {
    const a = await store.insert(job());
    heard = [];
    await expect(store.transition(a.id, 'queued', 'done')).rejects.toBeInstanceOf(TransitionError);
    expect(heard).toEqual([]);
    expect((await store.get(a.id))?.state).toBe('queued');
  });

  it('announces nothing for reads', async () => {
    const a = await store.insert(job());
    heard = [];
    await store.get(a.id);
    await store.list(JobQuerySchema.parse({}));
    await store.listByStates(['queued']);
    await store.counts();
    await store.timeline(a.id);
    await store.knownFileKeys();
    await store.addCalls('2026-01-01', 'query', 1);
    expect(heard).toEqual([]);
  });

  it('keeps the write and tells the other listeners when one listener throws', async () => {
    const errors: unknown[] = [];
    const s = new JobStore(SqliteLedger.open({ file: ':memory:', now: () => now }), {
      onListenerError: (e) => errors.push(e),
    });
    const seen: number[] = [];
    s.onChange(() => {
      throw new Error('listener broke');
    });
    s.onChange((changes) => seen.push(...changes.map((c) => c.row.id)));
    const a = await s.insert(job());
    expect(seen).toEqual([a.id]);
    expect(errors).toHaveLength(1);
    expect((await s.get(a.id))?.state).toBe('queued');
    await s.close();
  });

  it('stops announcing to a listener once it is disposed', async () => {
    const later: number[] = [];
    const sub = store.onChange((changes) => later.push(...changes.map((c) => c.row.id)));
    const a = await store.insert(job());
    sub.dispose();
    await store.transition(a.id, 'queued', 'skipped');
    expect(later).toEqual([a.id]);
    expect(summary()).toEqual(['insert #1 queued', 'transition #1 skipped']);
  });
});

describe("other desks' changes (a ledger several desks share)", () => {
  /** A real SQLite ledger standing in for a shared one: the test plays the other desks' notices. */
  function shared(): { store: JobStore; ledger: SqliteLedger; notice: (read: ReadChanged) => Promise<void> } {
    const ledger = SqliteLedger.open({ file: join(dir, 'shared.sqlite'), now: () => now });
    let listener: OtherDesksListener | null = null;
    const withOthers = Object.assign(Object.create(ledger) as SqliteLedger, {
      onOtherDesks(l: OtherDesksListener) {
        listener = l;
        return {
          dispose: () => {
            listener = null;
          },
        };
      },
    });
    const s = new JobStore(withOthers);
    s.onChange((changes) => heard.push([...changes]));
    return { store: s, ledger, notice: (read) => listener!(read) };
  }

  it('a ledger one desk writes alone has nothing to hear', () => {
    const alone: Ledger = SqliteLedger.open({ file: join(dir, 'alone.sqlite'), now: () => now });
    expect(alone.onOtherDesks).toBeUndefined();
    // The engine's status says no team (the queue shows no desks).
    const lone = new JobStore(alone);
    expect(lone.shared).toBe(false);
    void lone.close();
  });

  it('announces the rows another desk changed, as read, with the cause remote', async () => {
    const { store: s, ledger, notice } = shared();
    expect(s.shared).toBe(true);
    // Another desk's row (written to the ledger directly: this store did not announce it).
    const row = await ledger.insert(job());
    heard = [];
    await notice(async () => [(await ledger.get(row.id))!]);
    expect(summary()).toEqual([`remote #${row.id} queued`]);
    await s.close();
  });

  it('reads again a row this desk wrote while it was being read, so the stream never ends on an older version', async () => {
    const { store: s, ledger, notice } = shared();
    const row = await s.insert(job());
    heard = [];
    let reads = 0;
    await notice(async () => {
      reads++;
      const before = (await ledger.get(row.id))!;
      // This desk claims the row while the other desk's version is on its way back.
      if (reads === 1) await s.claimNextQueued(now, [], PROFILE);
      return [before];
    });
    expect(reads).toBe(2);
    expect(summary()).toEqual([`claim #${row.id} creating`, `remote #${row.id} creating`]);
    await s.close();
  });

  it('a read that fails is not announced and fails the notice (the listener offers it again)', async () => {
    const { store: s, notice } = shared();
    heard = [];
    await expect(notice(() => Promise.reject(new Error('server away')))).rejects.toThrow('server away');
    expect(heard).toEqual([]);
    await s.close();
  });
});
