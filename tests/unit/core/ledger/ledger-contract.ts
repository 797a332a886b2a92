/**
 * The promises of the Ledger port (src/main/core/ledger/ledger.ts), one suite run against every
 * adapter: SqliteLedger (tests/unit/core/ledger/sqlite-ledger.test.ts) and PostgresLedger
 * (tests/unit/core/ledger/postgres-ledger.test.ts). What an adapter does on its own (SQLite's
 * file, PostgreSQL's server and URL) is tested beside it, not here.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobQuerySchema, type JobQuery } from '../../../../src/shared/contract';
import { fileKey, foundExisting, type Ledger, type NewJob } from '../../../../src/main/core/ledger/ledger';
import { TransitionError } from '../../../../src/main/core/ledger/transitions';
import type { DeskOptions } from '../../../../src/main/core/ledger/leases';

/** One ledger store (a file, a database) an adapter opens: fresh and empty for every test. */
export interface LedgerStore {
  /** Open (or open again, after close) the ledger of this store, for a desk (default: the adapter's). */
  open(now: () => number, desk?: DeskOptions): Promise<Ledger>;
  /** Write `count` done rows straight into the store (path /big/N.jpg, size N, mtime 1): a large ledger. */
  seedDone(count: number): Promise<void>;
  /** Delete the store. */
  dispose(): Promise<void>;
}

const PROFILE = { profileId: 'p1', simulated: false, generation: 'media-client' as const };

/** Run the port's suite against an adapter; `makeStore` gives an empty store for each test. */
export function describeLedgerContract(name: string, makeStore: () => Promise<LedgerStore>): void {
  let store: LedgerStore;
  let ledger: Ledger;
  let now = 1_000;

  beforeEach(async () => {
    now = 1_000;
    store = await makeStore();
    ledger = await store.open(() => now);
  });
  afterEach(async () => {
    await ledger.close();
    await store.dispose();
  });

  function job(over: Partial<NewJob> = {}): NewJob {
    const name = over.name ?? 'a.png';
    return {
      path: `/in/${name}`,
      name,
      folderId: 'f1',
      size: 100,
      mtimeMs: 5_000.75,
      profileId: 'p1',
      simulated: false,
      state: 'queued',
      sha256: 'h-' + name,
      contentType: 'image/png',
      kind: 'image',
      model: 'AC-1',
      ...over,
    };
  }
  const q = (query: JobQuery) => JobQuerySchema.parse(query);

  describe(`${name} rows and transitions`, () => {
    it('stores a row with its first timeline entry', async () => {
      const j = await ledger.insert(job({ state: 'waiting', note: 'seen by the watcher' }));
      expect(j).toMatchObject({ id: 1, state: 'waiting', mtimeMs: 5_000, attempts: 0, verdict: null });
      expect(await ledger.timeline(j.id)).toEqual([
        { state: 'waiting', at: 1_000, note: 'seen by the watcher' },
      ]);
    });

    it('moves a job only from the state it is in (compare and set)', async () => {
      const j = await ledger.insert(job());
      now = 2_000;
      const claimed = await ledger.transition(j.id, 'queued', 'creating', { attempts: 1 }, 'POST /media');
      expect(claimed).toMatchObject({ state: 'creating', attempts: 1, updatedAt: 2_000 });
      // A second writer that still believes the job is queued loses, and nothing is written.
      expect(await ledger.transition(j.id, 'queued', 'creating')).toBeNull();
      expect((await ledger.timeline(j.id)).map((t) => t.state)).toEqual(['queued', 'creating']);
    });

    it("shares the account's blocks only where desks share it (one desk's blocks stay its own)", () => {
      expect(ledger.sharedBlocks !== undefined).toBe(ledger.teamLedger);
    });

    it('refuses an illegal move before touching the row', async () => {
      const j = await ledger.insert(job());
      await expect(ledger.transition(j.id, 'queued', 'processing')).rejects.toBeInstanceOf(TransitionError);
      expect((await ledger.get(j.id))?.state).toBe('queued');
    });

    it('keeps the verdict, its label for filters and the raw record', async () => {
      const j = await ledger.insert(job());
      await ledger.transition(j.id, 'queued', 'creating');
      await ledger.transition(j.id, 'creating', 'uploading', {
        remoteId: 'mid-1',
        uploadUrl: 'http://s3/x?sig=1',
        uploadExpiresAt: 9_999,
      });
      await ledger.transition(j.id, 'uploading', 'processing', { uploadedAt: 3_000 });
      now = 7_000;
      const done = await ledger.transition(j.id, 'processing', 'done', {
        verdict: { label: 'fake', confidence: 0.9 },
        raw: { mid: 'mid-1', status: 'PROCESSED' },
        doneAt: 7_000,
      });
      expect(done).toMatchObject({
        remoteId: 'mid-1',
        verdict: { label: 'fake', confidence: 0.9 },
        raw: { status: 'PROCESSED' },
        doneAt: 7_000,
      });
      const page = await ledger.list(q({ verdicts: ['fake'] }));
      expect(page.jobs.map((x) => x.id)).toEqual([j.id]);
      expect((await ledger.list(q({ verdicts: ['authentic'] }))).total).toBe(0);
    });

    it('writes fields without a state change only in the expected states', async () => {
      const j = await ledger.insert(job());
      expect(await ledger.update(j.id, { bytesSent: 50 }, ['uploading'])).toBeNull();
      expect((await ledger.update(j.id, { bytesSent: 50 }, ['queued']))?.bytesSent).toBe(50);
    });

    it('keeps everything across a reopen', async () => {
      const j = await ledger.insert(job());
      await ledger.transition(j.id, 'queued', 'creating');
      await ledger.close();
      ledger = await store.open(() => now);
      expect((await ledger.get(j.id))?.state).toBe('creating');
    });
  });

  describe(`${name} claims`, () => {
    it('claims the oldest due queued job and stamps the profile on it', async () => {
      const a = await ledger.insert(job({ name: 'a.png' }));
      const b = await ledger.insert(job({ name: 'b.png' }));
      const c1 = await ledger.claimNextQueued(now, [], PROFILE);
      expect(c1).toMatchObject({ id: a.id, state: 'creating', profileId: 'p1', generation: 'media-client' });
      expect((await ledger.claimNextQueued(now, [], PROFILE))?.id).toBe(b.id);
      expect(await ledger.claimNextQueued(now, [], PROFILE)).toBeNull();
    });

    it('waits for a retry time and skips paused folders', async () => {
      const a = await ledger.insert(job({ name: 'a.png', folderId: 'paused' }));
      const b = await ledger.insert(job({ name: 'b.png' }));
      await ledger.update(b.id, { nextAttemptAt: 5_000 });
      expect(await ledger.claimNextQueued(now, ['paused'], PROFILE)).toBeNull();
      expect((await ledger.claimNextQueued(5_000, ['paused'], PROFILE))?.id).toBe(b.id);
      expect((await ledger.claimNextQueued(5_000, [], PROFILE))?.id).toBe(a.id);
    });

    it('holds back a twin while the first copy of the same bytes is on its way', async () => {
      const first = await ledger.insert(job({ name: 'a.png', sha256: 'same' }));
      const twin = await ledger.insert(job({ name: 'copy.png', sha256: 'same' }));
      const other = await ledger.insert(job({ name: 'other.png', sha256: 'different' }));
      expect((await ledger.claimNextQueued(now, [], PROFILE))?.id).toBe(first.id);
      expect((await ledger.claimNextQueued(now, [], PROFILE))?.id).toBe(other.id);
      expect(await ledger.claimNextQueued(now, [], PROFILE)).toBeNull();
      expect((await ledger.listQueuedTwins('same', 'AC-1', false)).map((x) => x.id)).toEqual([twin.id]);
      // Another model is another check.
      const video = await ledger.insert(job({ name: 'v.png', sha256: 'same', model: 'FD-1' }));
      expect((await ledger.claimNextQueued(now, [], PROFILE))?.id).toBe(video.id);
      // Once the first one failed, the twin goes.
      await ledger.transition(first.id, 'creating', 'failed', { errorCode: 'X' });
      expect((await ledger.claimNextQueued(now, [], PROFILE))?.id).toBe(twin.id);
    });

    it('a queued copy in a paused folder does not hold back a later copy elsewhere; it gets that verdict', async () => {
      // The user paused one folder; the same bytes arrive in a folder that runs: it is sent now,
      // not held until the paused folder is resumed, and the paused copy can share its verdict.
      const paused = await ledger.insert(job({ name: 'a.png', sha256: 'same', folderId: 'f-paused' }));
      const later = await ledger.insert(job({ name: 'copy.png', sha256: 'same', folderId: 'f-running' }));
      expect((await ledger.claimNextQueued(now, ['f-paused'], PROFILE))?.id).toBe(later.id);
      expect((await ledger.listQueuedTwins('same', 'AC-1', false)).map((x) => x.id)).toEqual([paused.id]);
      // Resumed while the later copy is on its way: the paused copy waits for it, not sent twice.
      expect(await ledger.claimNextQueued(now, [], PROFILE)).toBeNull();
    });

    it('holds back an older copy while a newer copy of the same bytes is on its way (it was queued later)', async () => {
      const older = await ledger.insert({ ...job({ name: 'a.png', sha256: 'same' }), state: 'waiting' });
      const newer = await ledger.insert(job({ name: 'b.png', sha256: 'same' }));
      expect((await ledger.claimNextQueued(now, [], PROFILE))?.id).toBe(newer.id);
      await ledger.transition(older.id, 'waiting', 'queued', { sha256: 'same', model: 'AC-1' });
      expect(await ledger.claimNextQueued(now, [], PROFILE)).toBeNull();
      expect((await ledger.listQueuedTwins('same', 'AC-1', false)).map((x) => x.id)).toEqual([older.id]);
    });

    it('finds an earlier verdict for the same bytes and model, real only for real', async () => {
      const a = await ledger.insert(job({ sha256: 'h', simulated: true }));
      await ledger.transition(a.id, 'queued', 'creating');
      await ledger.transition(a.id, 'creating', 'uploading');
      await ledger.transition(a.id, 'uploading', 'processing');
      await ledger.transition(a.id, 'processing', 'done', { verdict: { label: 'authentic' } });
      expect((await ledger.findDoneByHash('h', 'AC-1', true))?.id).toBe(a.id);
      expect(await ledger.findDoneByHash('h', 'AC-1', false)).toBeNull();
      expect(await ledger.findDoneByHash('h', 'FD-1', true)).toBeNull();
    });
    it('two handles on one ledger claiming at once take every job exactly once', async () => {
      const other = await store.open(() => now);
      try {
        const ids: number[] = [];
        for (let i = 0; i < 40; i++) ids.push((await ledger.insert(job({ name: `${i}.png` }))).id);
        const claimAll = async (l: Ledger): Promise<number[]> => {
          const got: number[] = [];
          for (;;) {
            const claimed = await l.claimNextQueued(now, [], PROFILE);
            if (!claimed) return got;
            got.push(claimed.id);
          }
        };
        const [a, b, c, d] = await Promise.all([
          claimAll(ledger),
          claimAll(other),
          claimAll(ledger),
          claimAll(other),
        ]);
        const all = [...a!, ...b!, ...c!, ...d!];
        expect(all.sort((x, y) => x - y)).toEqual(ids);
        for (const id of ids) {
          expect((await ledger.timeline(id)).map((t) => t.state)).toEqual(['queued', 'creating']);
        }
      } finally {
        await other.close();
      }
    });
  });

  describe(`${name} queries`, () => {
    async function seed(): Promise<void> {
      const names = ['Beach.png', 'city.jpg', 'clip_50%.mp4', 'dog.png', 'Eve.mp4'];
      for (const [i, name] of names.entries()) {
        now = 1_000 + i * 1_000;
        await ledger.insert(
          job({ name, size: 100 * (5 - i), folderId: i % 2 ? 'f2' : 'f1', state: 'waiting' }),
        );
      }
      await ledger.transition(2, 'waiting', 'skipped', { errorCode: 'UNSUPPORTED' });
    }

    it('filters by state, folder, time and name, with the total', async () => {
      await seed();
      expect((await ledger.list(q({ states: ['skipped'] }))).jobs.map((j) => j.name)).toEqual(['city.jpg']);
      expect((await ledger.list(q({ folderId: 'f2' }))).total).toBe(2);
      expect((await ledger.list(q({ since: 2_000, until: 4_000 }))).jobs.map((j) => j.name)).toEqual([
        'clip_50%.mp4',
        'city.jpg',
      ]);
      expect((await ledger.list(q({ search: 'E' }))).jobs.map((j) => j.name).sort()).toEqual([
        'Beach.png',
        'Eve.mp4',
      ]);
      // Wildcards are literal.
      expect((await ledger.list(q({ search: '50%' }))).jobs.map((j) => j.name)).toEqual(['clip_50%.mp4']);
      expect((await ledger.list(q({ search: '_' }))).total).toBe(1);
    });

    it('sorts and pages', async () => {
      await seed();
      const byName = await ledger.list(q({ sort: 'name', order: 'asc', limit: 2, offset: 1 }));
      expect(byName.total).toBe(5);
      expect(byName.jobs.map((j) => j.name)).toEqual(['city.jpg', 'clip_50%.mp4']);
      const bySize = await ledger.list(q({ sort: 'size', order: 'desc', limit: 1 }));
      expect(bySize.jobs[0]?.name).toBe('Beach.png');
      const newest = await ledger.list(q({}));
      expect(newest.jobs[0]?.name).toBe('Eve.mp4');
    });

    it('counts by state', async () => {
      await seed();
      const counts = await ledger.counts();
      expect(counts).toMatchObject({ waiting: 4, skipped: 1, done: 0 });
    });

    it('knows every file version past waiting, by path, size and mtime', async () => {
      await seed();
      const keys = new Set(await ledger.knownFileKeys());
      expect(keys.has(fileKey('/in/city.jpg', 400, 5_000.75))).toBe(true);
      expect(keys.has(fileKey('/in/city.jpg', 401, 5_000.75))).toBe(false);
      expect(keys.has(fileKey('/in/Beach.png', 500, 5_000.75))).toBe(false); // still waiting
      expect((await ledger.findLatestByPath('/in/dog.png'))?.name).toBe('dog.png');
      // A version that vanished before it could be checked is checked if it comes back.
      await ledger.transition(4, 'waiting', 'skipped', { errorCode: 'VANISHED' });
      expect(new Set(await ledger.knownFileKeys()).has(fileKey('/in/dog.png', 200, 5_000.75))).toBe(false);
    });

    it('tells when the next retry is due', async () => {
      const a = await ledger.insert(job({ name: 'a.png' }));
      const b = await ledger.insert(job({ name: 'b.png' }));
      await ledger.update(a.id, { nextAttemptAt: 9_000 });
      await ledger.update(b.id, { nextAttemptAt: 4_000 });
      expect(await ledger.nextAttemptAfter(['queued'], 1_000)).toBe(4_000);
      expect(await ledger.nextAttemptAfter(['queued'], 4_000)).toBe(9_000);
      expect(await ledger.nextAttemptAfter(['uploading'], 1_000)).toBeNull();
    });

    it('loads a large known set in one pass', async () => {
      await store.seedDone(100_000);
      const keys = await ledger.knownFileKeys();
      expect(keys.length).toBe(100_000);
      expect(new Set(keys).has(fileKey('/big/99999.jpg', 99_999, 1))).toBe(true);
      expect((await ledger.list(q({ search: '99999', limit: 5 }))).total).toBe(1);
      // Seeding 100,000 rows takes seconds on busy shared cores; the read is what is tested.
    }, 60_000);

    it('gives processing samples of finished, non-duplicate jobs', async () => {
      const a = await ledger.insert(job());
      await ledger.transition(a.id, 'queued', 'creating');
      await ledger.transition(a.id, 'creating', 'uploading');
      await ledger.transition(a.id, 'uploading', 'processing', { uploadedAt: 10_000 });
      await ledger.update(a.id, { pendingSeenMs: 2_000 });
      await ledger.transition(a.id, 'processing', 'done', { doneAt: 13_500, verdict: { label: 'fake' } });
      expect(await ledger.processingSamples(10)).toEqual([
        { model: 'AC-1', kind: 'image', size: 100, lowMs: 2_000, highMs: 3_500 },
      ]);
    });

    it('counts API calls per day and quota kind', async () => {
      await ledger.addCalls('2026-03-01', 'query', 2);
      await ledger.addCalls('2026-03-01', 'query', 1);
      await ledger.addCalls('2026-03-01', 'mutation', 1);
      await ledger.addCalls('2026-03-02', 'query', 7);
      expect(await ledger.callsOn('2026-03-01')).toEqual({ query: 3, mutation: 1 });
      expect(await ledger.callsOn('2026-02-28')).toEqual({ query: 0, mutation: 0 });
    });
  });

  describe(`${name} triage: reviews, verdict sorts and counts`, () => {
    /** Jobs with these verdicts (null: still on its way), in insertion order. */
    async function judged(
      verdicts: ({ label: 'authentic' | 'suspect' | 'fake' | 'inconclusive'; confidence?: number } | null)[],
    ) {
      const ids: number[] = [];
      for (const [i, v] of verdicts.entries()) {
        const j = await ledger.insert(job({ name: `f${i}.png`, state: 'queued' }));
        if (v) await ledger.update(j.id, { verdict: v });
        ids.push(j.id);
      }
      return ids;
    }

    it('a new row is unreviewed; setReview stores status, note and time, and filters see it', async () => {
      const [a, b, c] = await judged([null, null, null]);
      expect((await ledger.get(a!))?.review).toEqual({ status: 'new', note: null, at: null });
      now = 9_000;
      const updated = await ledger.setReview(b!, { status: 'escalated', note: 'Call the agency', at: 8_500 });
      expect(updated?.review).toEqual({ status: 'escalated', note: 'Call the agency', at: 8_500 });
      expect(updated?.updatedAt).toBe(9_000);
      await ledger.setReview(c!, { status: 'cleared', note: null, at: 8_600 });
      const ids = async (query: JobQuery) => (await ledger.list(q(query))).jobs.map((j) => j.id);
      expect(await ids({ reviews: ['escalated'] })).toEqual([b]);
      expect(await ids({ reviews: ['new', 'cleared'], sort: 'createdAt', order: 'asc' })).toEqual([a, c]);
      expect((await ledger.list(q({ reviews: ['cleared'] }))).total).toBe(1);
      expect(await ledger.setReview(999, { status: 'cleared', note: null, at: 1 })).toBeNull();
    });

    it('sorts by verdict severity (fake, suspect, inconclusive, authentic), jobs without a verdict last either way', async () => {
      const [none, auth, fake, susp, inc, fake2] = await judged([
        null,
        { label: 'authentic', confidence: 0.9 },
        { label: 'fake', confidence: 0.7 },
        { label: 'suspect', confidence: 0.55 },
        { label: 'inconclusive' },
        { label: 'fake', confidence: 0.99 },
      ]);
      const order = async (o: 'asc' | 'desc') =>
        (await ledger.list(q({ sort: 'verdict', order: o }))).jobs.map((j) => j.id);
      expect(await order('desc')).toEqual([fake2, fake, susp, inc, auth, none]);
      expect(await order('asc')).toEqual([auth, inc, susp, fake, fake2, none]);
    });

    it('sorts by confidence, jobs without one last either way, and pages through the sort', async () => {
      const [none, low, high, noConf, mid] = await judged([
        null,
        { label: 'suspect', confidence: 0.51 },
        { label: 'fake', confidence: 0.98 },
        { label: 'inconclusive' },
        { label: 'authentic', confidence: 0.8 },
      ]);
      const order = async (o: 'asc' | 'desc', offset = 0, limit = 200) =>
        (await ledger.list(q({ sort: 'confidence', order: o, offset, limit }))).jobs.map((j) => j.id);
      // Ties (no confidence) keep the id order of the chosen direction.
      expect(await order('desc')).toEqual([high, mid, low, noConf, none]);
      expect(await order('asc')).toEqual([low, mid, high, none, noConf]);
      expect(await order('desc', 1, 2)).toEqual([mid, low]);
    });

    it('a verdict written again (a retry) moves the job in the confidence sort', async () => {
      const [a, b] = await judged([
        { label: 'fake', confidence: 0.6 },
        { label: 'fake', confidence: 0.7 },
      ]);
      await ledger.update(a!, { verdict: { label: 'fake', confidence: 0.95 } });
      expect((await ledger.list(q({ sort: 'confidence' }))).jobs.map((j) => j.id)).toEqual([a, b]);
      await ledger.update(a!, { verdict: null });
      expect((await ledger.list(q({ sort: 'confidence' }))).jobs.map((j) => j.id)).toEqual([b, a]);
    });

    it('counts jobs per verdict label over the whole ledger', async () => {
      await judged([
        null,
        { label: 'fake', confidence: 0.9 },
        { label: 'fake', confidence: 0.8 },
        { label: 'authentic', confidence: 0.9 },
        { label: 'inconclusive' },
      ]);
      expect(await ledger.verdictCounts()).toEqual({ authentic: 1, suspect: 0, fake: 2, inconclusive: 1 });
    });
  });

  describe(`${name} desks and leases`, () => {
    const LEASE = 60_000;
    /** Two desks on the one store: `ledger` is desk A; B is opened beside it. */
    async function desks(): Promise<{ a: Ledger; b: Ledger }> {
      await ledger.close();
      ledger = await store.open(() => now, { desk: 'anna@news-1 (aaa111)', leaseMs: LEASE, renewEveryMs: 0 });
      const b = await store.open(() => now, { desk: 'ben@news-2 (bbb222)', leaseMs: LEASE, renewEveryMs: 0 });
      others.push(b);
      return { a: ledger, b };
    }
    const others: Ledger[] = [];
    afterEach(async () => {
      for (const o of others.splice(0)) await o.close();
    });

    it('names the desk that saw a file and the desk that claimed it', async () => {
      const { a, b } = await desks();
      const j = await a.insert(job());
      expect(j.desk).toBe('anna@news-1 (aaa111)');
      const claimed = await b.claimNextQueued(now, [], PROFILE);
      expect(claimed).toMatchObject({ id: j.id, state: 'creating', desk: 'ben@news-2 (bbb222)' });
      expect(claimed!.leaseUntil).toBe(now + LEASE);
      // What A reads is the same row: B handles it.
      expect((await a.get(j.id))!.desk).toBe('ben@news-2 (bbb222)');
    });

    it('two desks claiming at once never get the same file', async () => {
      const { a, b } = await desks();
      for (let i = 0; i < 20; i++) await a.insert(job({ name: `f${i}.png` }));
      const claims = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).claimNextQueued(now, [], PROFILE)),
      );
      const ids = claims.filter((c) => c !== null).map((c) => c.id);
      expect(ids).toHaveLength(20);
      expect(new Set(ids).size).toBe(20);
    });

    it('a desk takes over its own rows and expired ones, never a live claim of another desk', async () => {
      const { a, b } = await desks();
      const mine = await a.insert(job({ name: 'mine.png' }));
      const theirs = await a.insert(job({ name: 'theirs.png' }));
      await a.claimNextQueued(now, [], PROFILE); // mine: A creating
      await b.claimNextQueued(now, [], PROFILE); // theirs: B creating
      await b.transition(theirs.id, 'creating', 'uploading', { remoteId: 'm-2' });
      // A restarts: it takes its own row back, not B's live upload.
      now += 1_000;
      const taken = await a.takeOver(['creating', 'uploading', 'finalizing'], now);
      expect(taken.map((r) => r.id)).toEqual([mine.id]);
      expect(taken[0]!.leaseUntil).toBe(now + LEASE);
      // B stops renewing; once its lease ran out, A takes the upload over, with a note naming B.
      now += LEASE + 1;
      const later = await a.takeOver(['creating', 'uploading', 'finalizing'], now);
      expect(later.map((r) => r.id).sort()).toEqual([mine.id, theirs.id].sort());
      const row = later.find((r) => r.id === theirs.id)!;
      expect(row).toMatchObject({ state: 'uploading', remoteId: 'm-2', desk: 'anna@news-1 (aaa111)' });
      const notes = (await a.timeline(theirs.id)).map((t) => t.note);
      expect(notes.at(-1)).toContain('taken over from ben@news-2 (bbb222)');
    });

    it('a renewed lease keeps the row with its desk', async () => {
      const { a, b } = await desks();
      const j = await a.insert(job());
      await b.claimNextQueued(now, [], PROFILE);
      now += LEASE - 10;
      expect(await b.renewLeases(now)).toBe(1);
      now += 20; // past the first lease, within the renewed one
      expect(await a.takeOver(['creating'], now)).toEqual([]);
      expect(await a.nextLeaseExpiry(now)).toBe(now - 20 + LEASE);
      expect((await a.get(j.id))!.desk).toBe('ben@news-2 (bbb222)');
    });

    it('a desk whose row was taken over cannot move it on (nothing is sent twice)', async () => {
      const { a, b } = await desks();
      const j = await a.insert(job());
      await b.claimNextQueued(now, [], PROFILE);
      now += LEASE + 1;
      await a.takeOver(['creating'], now);
      // B wakes up from a long sleep and tries to announce its upload: refused.
      expect(await b.transition(j.id, 'creating', 'uploading', { remoteId: 'm-b' })).toBeNull();
      const moved = await a.transition(j.id, 'creating', 'uploading', { remoteId: 'm-a' });
      expect(moved).toMatchObject({ state: 'uploading', remoteId: 'm-a', desk: 'anna@news-1 (aaa111)' });
      // A cancel (to failed) still passes: it pays nothing.
      expect(await b.transition(j.id, 'uploading', 'failed', { errorCode: 'CANCELLED' })).toMatchObject({
        state: 'failed',
        leaseUntil: null,
      });
    });

    it('a desk resuming takes no more rows than it asks for; the rest stay for others or later', async () => {
      const { a, b } = await desks();
      for (let i = 0; i < 5; i++) await a.insert(job({ name: `r${i}.png` }));
      for (let i = 0; i < 5; i++) {
        const c = await b.claimNextQueued(now, [], PROFILE);
        await b.transition(c!.id, 'creating', 'uploading', { remoteId: `m-${i}` });
      }
      now += LEASE + 1; // B stopped
      const first = await a.takeOver(['uploading'], now, { limit: 2 });
      expect(first).toHaveLength(2);
      // The three left are still B's, with their lapsed lease: another desk (or A later) may take them.
      const rest = (await a.listByStates(['uploading'])).filter((r) => !first.some((f) => f.id === r.id));
      expect(rest.map((r) => r.desk)).toEqual(Array(3).fill('ben@news-2 (bbb222)'));
      expect(await a.takeOver(['uploading'], now, { limit: 0 })).toEqual([]);
      // Rows it is already working on do not count: it asks for one more and gets a new one.
      const more = await a.takeOver(['uploading'], now, { limit: 1, exceptIds: first.map((f) => f.id) });
      expect(more.map((r) => r.id)).toEqual([rest[0]!.id]);
    });

    it("a running desk takes over only other desks' lapsed rows when it asks for those alone", async () => {
      const { a, b } = await desks();
      const mine = await a.insert(job({ name: 'mine.png' }));
      const theirs = await a.insert(job({ name: 'theirs.png' }));
      await a.claimNextQueued(now, [], PROFILE); // A is creating `mine` right now
      await b.claimNextQueued(now, [], PROFILE);
      expect(await a.takeOver(['creating'], now, { othersOnly: true })).toEqual([]);
      now += LEASE + 1;
      const taken = await a.takeOver(['creating'], now, { othersOnly: true });
      expect(taken.map((r) => r.id)).toEqual([theirs.id]);
      expect(taken[0]).toMatchObject({ desk: 'anna@news-1 (aaa111)', leaseUntil: now + LEASE });
      expect((await a.get(mine.id))!.leaseUntil).toBe(1_000 + LEASE); // untouched
    });

    it('a row waiting for its retry is not taken over before it is due', async () => {
      const { a, b } = await desks();
      const j = await a.insert(job());
      await b.claimNextQueued(now, [], PROFILE);
      await b.transition(j.id, 'creating', 'uploading', { remoteId: 'm', nextAttemptAt: now + 5 * LEASE });
      now += LEASE + 1;
      expect(await a.takeOver(['uploading'], now)).toEqual([]);
      now += 5 * LEASE;
      expect((await a.takeOver(['uploading'], now)).map((r) => r.id)).toEqual([j.id]);
    });

    it('renews only the rows it is told are progressing; the others run out', async () => {
      const { a, b } = await desks();
      const one = await a.insert(job({ name: 'one.png' }));
      const two = await a.insert(job({ name: 'two.png' }));
      await b.claimNextQueued(now, [], PROFILE);
      await b.claimNextQueued(now, [], PROFILE);
      now += LEASE - 10;
      expect(await b.renewLeases(now, [one.id])).toBe(1);
      expect(await a.renewLeases(now, [two.id])).toBe(0); // not A's row
      now += 20;
      expect((await a.takeOver(['creating'], now)).map((r) => r.id)).toEqual([two.id]);
      expect(b.leasing.leaseMs).toBe(LEASE);
    });

    it('one desk at a time polls a pending record; the other hears which are finished', async () => {
      const { a, b } = await desks();
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const j = await a.insert(job({ name: `p${i}.png` }));
        await a.claimNextQueued(now, [], PROFILE);
        await a.transition(j.id, 'creating', 'uploading', { remoteId: `m-${i}` });
        await a.transition(j.id, 'uploading', 'processing');
        ids.push(j.id);
      }
      const HOLD = 30_000;
      expect(await a.claimPolls(ids.slice(0, 2), now, HOLD)).toEqual({ mine: ids.slice(0, 2), finished: [] });
      // B polls only what A does not: the third record.
      expect(await b.claimPolls(ids, now, HOLD)).toEqual({ mine: [ids[2]], finished: [] });
      // A asks again within its hold: still its records (sticky), B's stays B's.
      now += 1_000;
      expect((await a.claimPolls(ids, now, HOLD)).mine).toEqual(ids.slice(0, 2));
      // A's verdict for the first: B hears it is finished; once A stops polling, B takes the second.
      await a.transition(ids[0]!, 'processing', 'done', { verdict: { label: 'fake', confidence: 0.9 } });
      now += HOLD + 1;
      expect(await b.claimPolls(ids, now, HOLD)).toEqual({ mine: ids.slice(1), finished: [ids[0]] });
    });

    it('a row leaving the leased states drops its lease; one desk alone keeps working', async () => {
      const j = await ledger.insert(job());
      const claimed = await ledger.claimNextQueued(now, [], PROFILE);
      expect(claimed!.leaseUntil).toBeGreaterThan(now);
      const up = await ledger.transition(j.id, 'creating', 'uploading', { remoteId: 'm' });
      expect(up!.leaseUntil).not.toBeNull();
      const proc = await ledger.transition(j.id, 'uploading', 'processing');
      expect(proc).toMatchObject({ leaseUntil: null, desk: ledger.desk });
      expect(await ledger.renewLeases(now)).toBe(0);
    });
  });

  describe(`${name} team folders`, () => {
    /** Desks A and B with the share `t-drop` mounted at /mnt/drop and /Volumes/drop. */
    async function mounted(): Promise<{ a: Ledger; b: Ledger }> {
      await ledger.close();
      ledger = await store.open(() => now, { desk: 'anna@news-1 (aaa111)', renewEveryMs: 0 });
      const b = await store.open(() => now, { desk: 'ben@news-2 (bbb222)', renewEveryMs: 0 });
      others.push(b);
      await ledger.mountTeamFolders([{ teamFolderId: 't-drop', folderId: 'fa', root: '/mnt/drop' }]);
      await b.mountTeamFolders([{ teamFolderId: 't-drop', folderId: 'fb', root: '/Volumes/drop' }]);
      return { a: ledger, b };
    }
    const others: Ledger[] = [];
    afterEach(async () => {
      for (const o of others.splice(0)) await o.close();
    });
    const seen = (root: string, folderId: string, rel = 'sub/x.png', over: Partial<NewJob> = {}): NewJob =>
      job({ path: `${root}/${rel}`, name: rel.split('/').pop()!, folderId, state: 'waiting', ...over });

    it('a file of a team folder is one row, whichever mount a desk sees it through', async () => {
      const { a, b } = await mounted();
      const first = await a.insert(seen('/mnt/drop', 'fa'));
      expect(foundExisting(first)).toBe(false);
      // B finds it under its own path, and resolves it against its own mount and folder.
      const there = await b.findLatestByPath('/Volumes/drop/sub/x.png');
      expect(there).toMatchObject({ id: first.id, path: '/Volumes/drop/sub/x.png', folderId: 'fb' });
      const again = await b.insert(seen('/Volumes/drop', 'fb'));
      expect(again).toMatchObject({ id: first.id, path: '/Volumes/drop/sub/x.png', folderId: 'fb' });
      expect(foundExisting(again)).toBe(true);
      expect((await a.get(first.id))!.path).toBe('/mnt/drop/sub/x.png');
      expect((await b.list(q({}))).total).toBe(1);
    });

    it('one file version seen by two desks at once is one row, whoever saw it first', async () => {
      const { a, b } = await mounted();
      const rows = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 2 ? b.insert(seen('/Volumes/drop', 'fb')) : a.insert(seen('/mnt/drop', 'fa')),
        ),
      );
      expect(new Set(rows.map((r) => r.id)).size).toBe(1);
      expect(rows.filter((r) => !foundExisting(r))).toHaveLength(1);
      expect((await a.list(q({}))).total).toBe(1);
    });

    it('a new version, or a version that ended skipped, gets a row of its own', async () => {
      const { a, b } = await mounted();
      const first = await a.insert(seen('/mnt/drop', 'fa'));
      await a.transition(first.id, 'waiting', 'queued', { sha256: 'h1' });
      const changed = await b.insert(seen('/Volumes/drop', 'fb', 'sub/x.png', { size: 200 }));
      expect(changed.id).not.toBe(first.id);
      expect(foundExisting(changed)).toBe(false);
      await b.transition(changed.id, 'waiting', 'skipped', { errorCode: 'VANISHED' });
      const back = await a.insert(seen('/mnt/drop', 'fa', 'sub/x.png', { size: 200 }));
      expect([back.id === changed.id, foundExisting(back)]).toEqual([false, false]);
    });

    it("each desk's known files and moved files are its own paths; the key stays relative", async () => {
      const { a, b } = await mounted();
      const row = await a.insert(seen('/mnt/drop', 'fa', 'x.png'));
      await a.transition(row.id, 'waiting', 'queued', { sha256: 'h1' });
      expect(await b.knownFileKeys()).toEqual([fileKey('/Volumes/drop/x.png', 100, 5_000)]);
      expect(await a.knownFileKeys()).toEqual([fileKey('/mnt/drop/x.png', 100, 5_000)]);
      // The after-verdict move (into _fake) moves the key with it.
      await a.update(row.id, { path: '/mnt/drop/_fake/x.png', name: 'x.png' });
      expect((await b.get(row.id))!.path).toBe('/Volumes/drop/_fake/x.png');
      expect((await b.findLatestByPath('/Volumes/drop/_fake/x.png'))?.id).toBe(row.id);
    });

    it('a desk that does not watch the team folder never claims its files (it could not open them)', async () => {
      const { a } = await mounted();
      const c = await store.open(() => now, { desk: 'cleo@news-3 (ccc333)', renewEveryMs: 0 });
      others.push(c);
      const row = await a.insert(seen('/mnt/drop', 'fa', 'x.png', { state: 'queued' }));
      expect(await c.claimNextQueued(now, [], PROFILE)).toBeNull();
      expect(await a.claimNextQueued(now, [], PROFILE)).toMatchObject({
        id: row.id,
        path: '/mnt/drop/x.png',
      });
    });

    it("a team folder's queued file does not hold back a desk that does not watch it from its own copy", async () => {
      const { a } = await mounted();
      const c = await store.open(() => now, { desk: 'cleo@news-3 (ccc333)', renewEveryMs: 0 });
      others.push(c);
      const shared = await a.insert(seen('/mnt/drop', 'fa', 'x.png', { state: 'queued', sha256: 'same' }));
      // C's own folder holds the same bytes; it cannot open the team folder's copy, so it sends its own.
      const own = await c.insert(job({ path: '/home/cleo/x.png', folderId: 'fc', sha256: 'same' }));
      expect((await c.claimNextQueued(now, [], PROFILE))?.id).toBe(own.id);
      // The team folder's copy waits for that verdict instead of being sent as well.
      expect(await a.claimNextQueued(now, [], PROFILE)).toBeNull();
      expect((await a.get(shared.id))?.state).toBe('queued');
    });

    it('a desk that does not watch the team folder never takes over its files when their desk stops', async () => {
      const { a, b } = await mounted();
      const c = await store.open(() => now, { desk: 'cleo@news-3 (ccc333)', renewEveryMs: 0 });
      others.push(c);
      const row = await a.insert(seen('/mnt/drop', 'fa', 'x.png', { state: 'queued' }));
      await a.claimNextQueued(now, [], PROFILE);
      await a.transition(row.id, 'creating', 'uploading', { remoteId: 'm-1' });
      now += 10 * 60_000; // A stopped: its lease ran out
      // C could not open the file: the row stays for a desk that can (it would fail OUTSIDE_FOLDERS).
      expect(await c.takeOver(['creating', 'uploading', 'finalizing'], now, { othersOnly: true })).toEqual(
        [],
      );
      expect((await c.get(row.id))!.desk).toBe('anna@news-1 (aaa111)');
      const taken = await b.takeOver(['creating', 'uploading', 'finalizing'], now, { othersOnly: true });
      expect(taken).toMatchObject([{ id: row.id, path: '/Volumes/drop/x.png', desk: 'ben@news-2 (bbb222)' }]);
    });

    it('a desk takes its own team folder rows back at start-up, before its folders are mounted again', async () => {
      const { a } = await mounted();
      const row = await a.insert(seen('/mnt/drop', 'fa', 'x.png', { state: 'queued' }));
      await a.claimNextQueued(now, [], PROFILE);
      // A restarts: recovery runs before the folders' markers are read and mounted.
      await ledger.close();
      ledger = await store.open(() => now, { desk: 'anna@news-1 (aaa111)', renewEveryMs: 0 });
      expect((await ledger.takeOver(['creating'], now)).map((r) => r.id)).toEqual([row.id]);
    });

    it('files outside team folders, and files dropped on the window, keep their own rows', async () => {
      const { a } = await mounted();
      const dropped = job({ path: '/mnt/drop/x.png', folderId: null, state: 'waiting' });
      const one = await a.insert(dropped);
      const two = await a.insert(dropped);
      expect(one.id).not.toBe(two.id);
      const elsewhere = job({ path: '/home/anna/x.png', folderId: 'fa', state: 'waiting' });
      expect((await a.insert(elsewhere)).id).not.toBe((await a.insert(elsewhere)).id);
    });
  });
}
