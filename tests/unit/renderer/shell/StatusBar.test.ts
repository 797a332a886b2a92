import { screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeApi, makeStatus } from '../fake-api';
import { mountApp, unmountAll, type Harness } from '../harness';

vi.setConfig({ testTimeout: 60_000 });

let harness: Harness | undefined;
afterEach(() => {
  unmountAll(harness);
  harness = undefined;
});

const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('status bar', () => {
  it.each([
    [1, 1, '1 query · 1 mutation'],
    [0, 2, '0 queries · 2 mutations'],
    [2, 0, '2 queries · 0 mutations'],
  ])('%s queries and %s mutations read "%s"', async (query, mutation, words) => {
    const api = new FakeApi();
    api.status = makeStatus({ callsToday: { query, mutation } });
    harness = await mountApp(api);
    expect(text(screen.getByTestId('status-calls'))).toBe(`API calls today ${words}`);
  });
});
