import { describe, expect, it } from 'vitest';
import type { HistoryEntry, HistoryPage, HistoryQuery } from '../../../../src/shared/history';
import {
  appendPage,
  HistoryState,
  VIEW_PAGE_SIZE,
} from '../../../../src/renderer/src/state/history-state.svelte';

function entry(id: string, local = false): HistoryEntry {
  return {
    remoteId: id,
    name: `${id}.png`,
    kind: 'image',
    createdAt: 1,
    status: 'PROCESSED',
    phase: 'processed',
    verdict: null,
    failure: null,
    local: local ? { jobId: 1, name: `${id}.png`, state: 'done' } : null,
  };
}

/** An account of `total` records served a page at a time, counting the calls. */
function account(total: number, fail?: Error) {
  const calls: HistoryQuery[] = [];
  const api = {
    calls,
    async getAccountHistory(q: HistoryQuery): Promise<HistoryPage> {
      calls.push(q);
      if (fail) throw fail;
      const page = q.page ?? 1;
      const size = q.pageSize ?? 50;
      const ids = Array.from({ length: total }, (_, i) => `r${i}`).slice((page - 1) * size, page * size);
      return {
        page,
        pageSize: size,
        total,
        pages: Math.max(1, Math.ceil(total / size)),
        entries: ids.map((id, i) => entry(id, i === 0)),
        queryCalls: 1,
        sessionQueryCalls: calls.length,
        generation: 'media-client',
        profileName: 'Desk',
        simulated: false,
      };
    },
  };
  return api;
}

describe('appendPage', () => {
  it('appends a page, keeping a record already shown once (pages shift when records are added)', () => {
    expect(appendPage([entry('a'), entry('b')], [entry('b'), entry('c')]).map((e) => e.remoteId)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });
});

describe('HistoryState', () => {
  it('reads the first page when opened, once, and more only when asked', async () => {
    const api = account(VIEW_PAGE_SIZE + 5);
    const history = new HistoryState(api);
    await history.open();
    await history.open();
    expect(api.calls).toEqual([{ page: 1, pageSize: VIEW_PAGE_SIZE }]);
    expect(history.entries).toHaveLength(VIEW_PAGE_SIZE);
    expect(history.hasMore).toBe(true);
    await history.loadMore();
    expect(api.calls).toHaveLength(2);
    expect(history.entries).toHaveLength(VIEW_PAGE_SIZE + 5);
    expect(history.hasMore).toBe(false);
    expect(history.calls).toBe(2);
    expect(history.localCount).toBe(2);
    await history.loadMore();
    expect(api.calls).toHaveLength(2);
  });

  it('shows the error in words and keeps nothing made up', async () => {
    const history = new HistoryState(account(3, new Error("Authenta's Query quota is used up")));
    await history.open();
    expect(history.error).toMatch(/Query quota is used up/);
    expect(history.entries).toEqual([]);
    expect(history.loading).toBe(false);
  });

  it('reads again from page 1 after a reset (another profile)', async () => {
    const api = account(3);
    const history = new HistoryState(api);
    await history.open();
    history.reset();
    expect(history.entries).toEqual([]);
    await history.open();
    expect(api.calls.map((c) => c.page)).toEqual([1, 1]);
  });
});
