/**
 * The toolbar keeps one row: in a narrow list its filters fold into a "Filters" popover (the fold
 * itself is a container query, checked in Chromium; here the popover's behaviour).
 */
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeApi, makeJob } from '../fake-api';
import { mountApp, seriousA11yProblems, unmountAll, type Harness } from '../harness';

vi.setConfig({ testTimeout: 60_000 });

let harness: Harness | undefined;
afterEach(() => {
  unmountAll(harness);
  harness = undefined;
});

const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('queue toolbar', () => {
  it('opens and closes the filters popover, and counts the filters that are set', async () => {
    const api = new FakeApi();
    api.jobs = [makeJob({ id: 1, state: 'failed' }), makeJob({ id: 2, state: 'done' })];
    harness = await mountApp(api);
    const toggle = screen.getByTestId('filters-toggle');
    const filters = screen.getByTestId('filters');
    expect(toggle.getAttribute('aria-controls')).toBe(filters.id);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(text(toggle)).toBe('Filters▾');

    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(filters.classList.contains('open')).toBe(true);
    await fireEvent.change(screen.getByTestId('filter-state'), { target: { value: 'failed' } });
    await fireEvent.change(screen.getByTestId('filter-verdict'), { target: { value: 'fake' } });
    await waitFor(() => expect(text(toggle)).toBe('Filters2▾'));
    expect(toggle.querySelector('[aria-label="2 set"]')).not.toBeNull();
    expect(await seriousA11yProblems(harness.container)).toEqual([]);

    // Escape from a control inside closes the popover and gives the focus back to its button.
    await fireEvent.click(toggle);
    await fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await fireEvent.keyDown(screen.getByTestId('filter-state'), { key: 'Escape' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(toggle);

    // A click elsewhere closes it too.
    await fireEvent.click(toggle);
    await fireEvent.pointerDown(document.body);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');

    await fireEvent.click(screen.getByTestId('filter-clear'));
    await waitFor(() => expect(text(toggle)).toBe('Filters▾'));
  });

  it('keeps the details panel open when Escape closes the popover', async () => {
    const api = new FakeApi();
    api.jobs = [makeJob({ id: 1, name: 'one.jpg' })];
    harness = await mountApp(api);
    await fireEvent.click(screen.getByTestId('job-row'));
    await screen.findByTestId('job-details');
    const toggle = screen.getByTestId('filters-toggle');
    await fireEvent.click(toggle);
    await fireEvent.keyDown(toggle, { key: 'Escape' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByTestId('job-details')).not.toBeNull();
  });

  it('says how many rows are loaded while later pages are still on their way', async () => {
    // Later pages do not come: the list stays at its first page.
    const api = new FakeApi();
    const anyPage = api.listJobs;
    api.listJobs = (query) => ((query.offset ?? 0) > 0 ? Promise.reject(new Error('Busy.')) : anyPage(query));
    api.jobs = Array.from({ length: 1_200 }, (_, i) => makeJob({ id: i + 1 }));
    harness = await mountApp(api);
    await waitFor(() => expect(text(screen.getByTestId('job-count'))).toBe('1,200 jobs (100 loaded)'));
  });

  it('counts one job in the singular', async () => {
    const api = new FakeApi();
    api.jobs = [makeJob({ id: 1 })];
    harness = await mountApp(api);
    await waitFor(() => expect(text(screen.getByTestId('job-count'))).toBe('1 job'));
  });
});
