import { describe, expect, it } from 'vitest';
import type { MediaKind } from '../../../../src/shared/domain';
import type { ProcessingSample } from '../../../../src/main/core/ledger/ledger';
import {
  listPageBudget,
  DEFAULT_POLL_TUNING as T,
  afterUnfinishedCheck,
  dueAt,
  expectedProcessingMs,
  learnExpectations,
  planPoll,
  sampleEstimate,
  sizeBucket,
  waitBeforeCheck,
  type PendingCheck,
} from '../../../../src/main/core/pipeline/poll-schedule';

const MIB = 1024 * 1024;
const DEADLINE = 30 * 60_000;

function pending(over: Partial<PendingCheck> = {}): PendingCheck {
  return {
    id: 1,
    kind: 'image',
    since: 0,
    pollingSince: 0,
    expectedMs: 4_000,
    checks: 0,
    lastCheckAt: null,
    ...over,
  };
}

describe('sizeBucket', () => {
  it.each([
    [0, 0],
    [MIB - 1, 0],
    [MIB, 1],
    [4 * MIB - 1, 1],
    [4 * MIB, 2],
    [64 * MIB, 4],
    [1024 ** 4, 8],
  ])('%d bytes -> bucket %d', (size, bucket) => expect(sizeBucket(size)).toBe(bucket));
});

describe('learning processing times', () => {
  it.each([
    [{ lowMs: 2_000, highMs: 3_000 }, 2_500], // seen unfinished, then done: the middle
    [{ lowMs: 0, highMs: 4_000 }, 2_000], // done at the first look: guess lower, look sooner next time
  ])('%j -> %d', (s, expected) => expect(sampleEstimate(s)).toBe(expected));

  const s = (
    model: string,
    size: number,
    lowMs: number,
    highMs: number,
    kind: MediaKind = 'image',
  ): ProcessingSample => ({
    model,
    kind,
    size,
    lowMs,
    highMs,
  });

  it('uses the model and size bucket, then the model, then the default for the kind', () => {
    const learned = learnExpectations([
      s('AC-1', 100, 1_000, 1_400),
      s('AC-1', 200, 1_000, 1_000),
      s('AC-1', 300, 1_200, 1_400),
      s('DF-1', 50 * MIB, 9_000, 11_000, 'video'),
    ]);
    expect(expectedProcessingMs(learned, { model: 'AC-1', kind: 'image', size: 500 })).toBe(1_200);
    expect(expectedProcessingMs(learned, { model: 'AC-1', kind: 'image', size: 10 * MIB })).toBe(1_200);
    expect(expectedProcessingMs(learned, { model: 'DF-1', kind: 'video', size: 60 * MIB })).toBe(10_000);
    expect(expectedProcessingMs(learned, { model: 'FD-1', kind: 'image', size: 1 })).toBe(T.defaultImageMs);
    expect(expectedProcessingMs(learned, { model: null, kind: 'video', size: 1 })).toBe(T.defaultVideoMs);
  });

  it('is robust to an outlier (median)', () => {
    const learned = learnExpectations([
      s('AC-1', 1, 900, 1_100),
      s('AC-1', 1, 900, 1_100),
      s('AC-1', 1, 600_000, 900_000),
    ]);
    expect(expectedProcessingMs(learned, { model: 'AC-1', kind: 'image', size: 1 })).toBe(1_000);
  });
});

describe('the wait between checks', () => {
  it.each([
    [0, 4_000, 4_000], // first check: the expected time
    [1, 4_000, 2_000], // then half of it
    [2, 4_000, 3_000], // x1.5
    [3, 4_000, 4_500],
    [20, 4_000, 60_000], // capped
    [1, 600, 500], // never below the floor
  ])('after %d unfinished checks, expected %d ms: wait %d ms', (checks, expectedMs, wait) => {
    expect(waitBeforeCheck({ checks, expectedMs }, T)).toBe(wait);
  });

  it('counts the first wait from the upload and the later ones from the last check', () => {
    expect(dueAt(pending({ since: 10_000 }), T)).toBe(14_000);
    expect(dueAt(afterUnfinishedCheck(pending({ since: 10_000 }), 15_000), T)).toBe(17_000);
  });
});

describe('planPoll', () => {
  it.each<[string, PendingCheck[], number, string]>([
    ['nothing pending', [], 0, 'idle'],
    ['not due yet', [pending()], 1_000, 'wait'],
    ['a lone image: one GET', [pending()], 4_000, 'get'],
    ['a lone video: one GET', [pending({ kind: 'video' })], 4_000, 'get'],
    [
      'a due video among others: one GET (its list entry lacks participants)',
      [pending({ kind: 'video' }), pending({ id: 2, since: 60_000 })],
      5_000,
      'get',
    ],
    [
      'a due image among others: a list page answers for all',
      [pending(), pending({ id: 2, since: 60_000 })],
      5_000,
      'list',
    ],
    ['two due: a list', [pending(), pending({ id: 2, since: 100 })], 4_100, 'list'],
    ['past the deadline', [pending({ pollingSince: -DEADLINE })], 1, 'expire'],
  ])('%s', (_name, list, now, type) => {
    expect(planPoll(list, now, DEADLINE, T).type).toBe(type);
  });

  it('waits a little past the first due time when a neighbour is due soon after', () => {
    const plan = planPoll([pending(), pending({ id: 2, since: 500 })], 4_000, DEADLINE, T);
    // The first may be up to a quarter of its wait late (1 s): the call waits for the second.
    expect(plan).toEqual({ type: 'wait', until: 4_500 });
    expect(planPoll([pending(), pending({ id: 2, since: 500 })], 4_500, DEADLINE, T)).toEqual({
      type: 'list',
      ids: [1, 2],
      limit: 100,
    });
  });

  it('never waits past a deadline', () => {
    const plan = planPoll([pending({ pollingSince: -DEADLINE + 100, expectedMs: 60_000 })], 0, DEADLINE, T);
    expect(plan).toEqual({ type: 'wait', until: 100 });
  });
});

/**
 * Runs the schedule against a model of Authenta: record i is uploaded at `since[i]` and is done
 * `processing[i]` ms later. Counts Query calls as the API would (a list page, a GET, a GET for
 * each processed video found in a list) and when each verdict is seen.
 */
function simulate(records: { since: number; processingMs: number; kind: MediaKind; expectedMs: number }[]): {
  calls: number;
  seenAfter: number[];
} {
  let list: PendingCheck[] = records.map((r, i) => ({
    id: i,
    kind: r.kind,
    since: r.since,
    pollingSince: r.since,
    expectedMs: r.expectedMs,
    checks: 0,
    lastCheckAt: null,
  }));
  const seen: number[] = records.map(() => NaN);
  let calls = 0;
  let now = 0;
  const done = (id: number, at: number) => at >= records[id]!.since + records[id]!.processingMs;
  for (let step = 0; step < 10_000 && list.length; step++) {
    const plan = planPoll(list, now, DEADLINE, T);
    if (plan.type === 'wait') {
      now = plan.until;
      continue;
    }
    if (plan.type === 'idle' || plan.type === 'expire') throw new Error(`unexpected ${plan.type}`);
    calls += 1;
    const answered = plan.type === 'get' ? [plan.id] : list.map((p) => p.id);
    const asked = new Set(plan.type === 'get' ? [plan.id] : plan.ids);
    const next: PendingCheck[] = [];
    for (const p of list) {
      if (!answered.includes(p.id)) next.push(p);
      else if (done(p.id, now)) {
        seen[p.id] = now - records[p.id]!.since;
        if (plan.type === 'list' && p.kind === 'video') calls += 1; // the full record
      } else next.push(asked.has(p.id) ? afterUnfinishedCheck(p, now) : p);
    }
    list = next;
  }
  return { calls, seenAfter: seen };
}

describe('polling targets (a model of Authenta, no real time)', () => {
  const batch = (
    n: number,
    spreadMs: number,
    processingMs: number,
    expectedMs: number,
    kind: MediaKind = 'image',
  ) =>
    Array.from({ length: n }, (_, i) => ({
      since: Math.round((i * spreadMs) / n),
      processingMs,
      kind,
      expectedMs,
    }));

  it.each([
    ['learned right', 3_000, 3_000, 1_000],
    ['never learned (default 4 s)', 3_000, 4_000, 1_000],
    ['learned too short', 3_000, 1_500, 1_000],
    ['learned too long', 3_000, 4_500, 1_000],
    ['uploads spread over 8 s', 3_000, 3_000, 8_000],
    ['fast processing', 300, 300, 500],
  ])(
    '24 images together, %s: at most 0.5 Query calls per image, each seen within 2x its processing',
    (_n, p, e, spread) => {
      const { calls, seenAfter } = simulate(batch(24, spread, p, e));
      expect(calls / 24).toBeLessThanOrEqual(0.5);
      for (const s of seenAfter) expect(s).toBeLessThanOrEqual(2 * Math.max(p, e));
    },
  );

  it.each([
    ['learned right', 20_000, 20_000],
    ['learned too short', 20_000, 12_000],
    ['never learned', 8_000, 20_000],
  ])('10 videos together, %s: at most 1.5 Query calls per video', (_n, p, e) => {
    const { calls, seenAfter } = simulate(batch(10, 3_000, p, e, 'video'));
    expect(calls / 10).toBeLessThanOrEqual(1.5);
    for (const s of seenAfter) expect(s).toBeLessThanOrEqual(2 * Math.max(p, e));
  });

  it.each([
    [3_000, 3_000],
    [3_000, 2_250],
    [3_000, 6_000],
    [20_000, 20_000],
  ])('a lone file taking %d ms, expected %d ms: at most 2 calls', (p, e) => {
    for (const kind of ['image', 'video'] as const) {
      const { calls } = simulate([{ since: 0, processingMs: p, kind, expectedMs: e }]);
      expect(calls).toBeLessThanOrEqual(2);
    }
  });

  it('learns: a run of lone files starting from the 4 s default settles near the real time', () => {
    const samples: ProcessingSample[] = [];
    const calls: number[] = [];
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      const expectedMs = expectedProcessingMs(learnExpectations(samples), {
        model: 'AC-1',
        kind: 'image',
        size: 10,
      });
      const run = simulate([{ since: 0, processingMs: 700, kind: 'image', expectedMs }]);
      calls.push(run.calls);
      seen.push(run.seenAfter[0]!);
      // What the ledger would record: the last unfinished look (if any) and the first done look.
      const low = run.calls > 1 ? expectedMs : 0;
      samples.unshift({ model: 'AC-1', kind: 'image', size: 10, lowMs: low, highMs: run.seenAfter[0]! });
    }
    expect(seen[0]).toBe(4_000);
    for (const c of calls.slice(6)) expect(c).toBeLessThanOrEqual(2);
    for (const s of seen.slice(6)) expect(s).toBeLessThanOrEqual(1_400);
  });
});

describe('listPageBudget', () => {
  it.each([
    // pending, limit, pages: enough pages to reach the oldest pending record, never fewer than the floor
    [1, 100, 5],
    [24, 100, 5],
    [450, 100, 6],
    [1_000, 100, 11],
    [10_000, 100, 101],
  ])('%i pending records at %i a page may read %i pages', (pending, limit, pages) => {
    expect(listPageBudget(pending, limit)).toBe(pages);
  });
});
