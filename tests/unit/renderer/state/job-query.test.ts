import { describe, expect, it } from 'vitest';
import type { Job } from '../../../../src/shared/domain';
import {
  DEFAULT_FILTER,
  appendPage,
  applyChanges,
  compareJobs,
  insertionIndex,
  isFiltering,
  matchesFilter,
  toQuery,
  type JobFilter,
} from '../../../../src/renderer/src/state/job-query';
import { FakeApi, makeJob } from '../fake-api';

const filter = (patch: Partial<JobFilter> = {}): JobFilter => ({ ...DEFAULT_FILTER, ...patch });
const ids = (rows: readonly Job[]): number[] => rows.map((j) => j.id);

describe('matchesFilter', () => {
  const job = makeJob({
    id: 7,
    name: 'Press-Photo.JPG',
    state: 'done',
    folderId: 'f2',
    createdAt: 5000,
    verdict: { label: 'fake', confidence: 0.9 },
  });
  it.each([
    [{}, true],
    [{ states: ['done'] as const }, true],
    [{ states: ['failed', 'queued'] as const }, false],
    [{ verdicts: ['fake'] as const }, true],
    [{ verdicts: ['authentic'] as const }, false],
    [{ folderId: 'f2' }, true],
    [{ folderId: 'f1' }, false],
    [{ since: 5000 }, true],
    [{ since: 5001 }, false],
    [{ until: 5000 }, true],
    [{ until: 4999 }, false],
    [{ search: 'photo' }, true],
    [{ search: '  PRESS ' }, true],
    [{ search: 'video' }, false],
  ])('%o -> %s', (patch, expected) => {
    expect(matchesFilter(job, filter(patch as Partial<JobFilter>))).toBe(expected);
  });

  it('leaves out jobs without a verdict when a verdict is asked for', () => {
    expect(matchesFilter(makeJob({ verdict: null }), filter({ verdicts: ['fake', 'authentic'] }))).toBe(
      false,
    );
  });
});

describe('toQuery and isFiltering', () => {
  it('sends only what filters, with the page', () => {
    expect(toQuery(filter(), 0, 500)).toEqual({ sort: 'createdAt', order: 'desc', offset: 0, limit: 500 });
    expect(
      toQuery(
        filter({ states: ['failed'], verdicts: ['fake'], folderId: 'f1', since: 1, until: 2, search: ' x ' }),
        10,
        5,
      ),
    ).toEqual({
      sort: 'createdAt',
      order: 'desc',
      offset: 10,
      limit: 5,
      states: ['failed'],
      verdicts: ['fake'],
      folderId: 'f1',
      since: 1,
      until: 2,
      search: 'x',
    });
  });

  it.each([
    [{}, false],
    [{ sort: 'name' as const, order: 'asc' as const }, false],
    [{ search: '   ' }, false],
    [{ search: 'a' }, true],
    [{ states: ['done'] as const }, true],
    [{ since: 0 }, true],
  ])('isFiltering(%o) is %s', (patch, expected) => {
    expect(isFiltering(filter(patch as Partial<JobFilter>))).toBe(expected);
  });
});

describe('sorting agrees with the engine', () => {
  const jobs = [
    makeJob({ id: 1, name: 'b.jpg', size: 30, state: 'queued', createdAt: 100, updatedAt: 900 }),
    makeJob({ id: 2, name: 'A.jpg', size: 10, state: 'done', createdAt: 300, updatedAt: 700 }),
    makeJob({ id: 3, name: 'c.jpg', size: 10, state: 'failed', createdAt: 200, updatedAt: 800 }),
    makeJob({ id: 4, name: 'a.jpg', size: 20, state: 'done', createdAt: 300, updatedAt: 600 }),
  ];
  it.each([
    ['createdAt', 'desc'],
    ['createdAt', 'asc'],
    ['updatedAt', 'desc'],
    ['name', 'asc'],
    ['name', 'desc'],
    ['size', 'asc'],
    ['state', 'asc'],
    ['state', 'desc'],
  ] as const)('by %s %s like the fake engine', (sort, order) => {
    const api = new FakeApi();
    api.jobs = jobs;
    const mine = jobs.slice().sort((a, b) => compareJobs(a, b, sort, order));
    expect(ids(mine)).toEqual(ids(api.select({ sort, order })));
  });

  it('finds where a job belongs with binary search', () => {
    const rows = jobs.slice().sort((a, b) => compareJobs(a, b, 'createdAt', 'desc'));
    expect(ids(rows)).toEqual([4, 2, 3, 1]);
    expect(insertionIndex(rows, makeJob({ id: 9, createdAt: 1000 }), 'createdAt', 'desc')).toBe(0);
    expect(insertionIndex(rows, makeJob({ id: 9, createdAt: 250 }), 'createdAt', 'desc')).toBe(2);
    expect(insertionIndex(rows, makeJob({ id: 9, createdAt: 1 }), 'createdAt', 'desc')).toBe(4);
    // Ties in the key go by id in the same direction: 4, then 3, then 2.
    expect(insertionIndex(rows, makeJob({ id: 3, createdAt: 300 }), 'createdAt', 'desc')).toBe(1);
  });
});

describe('applyChanges', () => {
  const base = (): Job[] => [
    makeJob({ id: 5, createdAt: 500, state: 'queued' }),
    makeJob({ id: 4, createdAt: 400, state: 'uploading' }),
    makeJob({ id: 3, createdAt: 300, state: 'done' }),
  ];

  it('replaces a row in place, keeping every other row object', () => {
    const rows = base();
    const updated = { ...rows[1]!, state: 'processing' as const };
    const result = applyChanges(rows, [{ type: 'upsert', job: updated }], filter(), true);
    expect(ids(result.rows)).toEqual([5, 4, 3]);
    expect(result.rows[1]).toBe(updated);
    expect(result.rows[0]).toBe(rows[0]);
    expect(result.totalDelta).toBe(0);
    expect(rows[1]!.state).toBe('uploading'); // the input is not mutated
  });

  it('inserts a new matching job at its sorted place', () => {
    const fresh = makeJob({ id: 9, createdAt: 450 });
    const result = applyChanges(base(), [{ type: 'upsert', job: fresh }], filter(), true);
    expect(ids(result.rows)).toEqual([5, 9, 4, 3]);
    expect(result.totalDelta).toBe(1);
  });

  it('drops a row that stops matching and ignores new ones that do not match', () => {
    const f = filter({ states: ['queued', 'uploading'] });
    const rows = base().filter((j) => matchesFilter(j, f));
    const result = applyChanges(
      rows,
      [
        { type: 'upsert', job: { ...rows[0]!, state: 'done' } },
        { type: 'upsert', job: makeJob({ id: 10, createdAt: 999, state: 'failed' }) },
      ],
      f,
      true,
    );
    expect(ids(result.rows)).toEqual([4]);
    expect(result.totalDelta).toBe(-1);
  });

  it('moves a row whose sort key changed', () => {
    const f = filter({ sort: 'updatedAt', order: 'desc' });
    const rows = [
      makeJob({ id: 1, updatedAt: 300 }),
      makeJob({ id: 2, updatedAt: 200 }),
      makeJob({ id: 3, updatedAt: 100 }),
    ];
    const result = applyChanges(rows, [{ type: 'upsert', job: { ...rows[2]!, updatedAt: 400 } }], f, true);
    expect(ids(result.rows)).toEqual([3, 1, 2]);
    expect(result.totalDelta).toBe(0);
  });

  it('removes rows and counts only those it had', () => {
    const result = applyChanges(
      base(),
      [
        { type: 'removed', id: 4 },
        { type: 'removed', id: 77 },
      ],
      filter(),
      true,
    );
    expect(ids(result.rows)).toEqual([5, 3]);
    expect(result.totalDelta).toBe(-1);
  });

  it('leaves a job past the loaded rows to its page while pages are loading', () => {
    const old = makeJob({ id: 1, createdAt: 100 });
    const loading = applyChanges(base(), [{ type: 'upsert', job: old }], filter(), false);
    expect(ids(loading.rows)).toEqual([5, 4, 3]);
    expect(loading.changed).toBe(false);
    const complete = applyChanges(base(), [{ type: 'upsert', job: old }], filter(), true);
    expect(ids(complete.rows)).toEqual([5, 4, 3, 1]);
  });

  it('applies a batch in order (insert then remove of the same job)', () => {
    const fresh = makeJob({ id: 9, createdAt: 999 });
    const result = applyChanges(
      base(),
      [
        { type: 'upsert', job: fresh },
        { type: 'removed', id: 9 },
      ],
      filter(),
      true,
    );
    expect(ids(result.rows)).toEqual([5, 4, 3]);
    expect(result.totalDelta).toBe(0);
  });

  it('reports no change when nothing it shows changed', () => {
    const rows = base();
    const result = applyChanges(rows, [{ type: 'removed', id: 42 }], filter(), true);
    expect(result.changed).toBe(false);
    expect(result.rows).toBe(rows);
  });
});

describe('appendPage', () => {
  it('skips rows a shifted page repeats', () => {
    const rows = [makeJob({ id: 1 }), makeJob({ id: 2 })];
    expect(ids(appendPage(rows, [makeJob({ id: 2 }), makeJob({ id: 3 })]))).toEqual([1, 2, 3]);
  });
});
