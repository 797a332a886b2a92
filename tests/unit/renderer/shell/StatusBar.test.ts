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
    [1, 1, '1 look-up · 1 send'],
    [0, 2, '0 look-ups · 2 sends'],
    [2, 0, '2 look-ups · 0 sends'],
  ])('%s queries and %s mutations read "%s"', async (query, mutation, words) => {
    const api = new FakeApi();
    api.status = makeStatus({ callsToday: { query, mutation } });
    harness = await mountApp(api);
    expect(text(screen.getByTestId('status-calls'))).toBe(`API calls today ${words}`);
  });
});
