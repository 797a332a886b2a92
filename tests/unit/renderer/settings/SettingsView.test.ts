/**
 * The Settings screen: reached from the header, each change is saved at once in the engine's
 * units (bytes, milliseconds) with a "Saved" line; a value out of range is refused with a
 * sentence and not sent; the desktop switches are shown only by the desktop app.
 */
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { displayValue, patchFor } from '../../../../src/renderer/src/state/settings-state.svelte';
import { PreferencesSchema } from '../../../../src/shared/settings';
import { FakeApi } from '../fake-api';
import { mountApp, seriousA11yProblems, unmountAll, type Harness } from '../harness';

let harness: Harness | undefined;
afterEach(() => unmountAll(harness));

async function openSettings(host: 'electron' | 'web') {
  const api = new FakeApi();
  api.capabilities = { ...api.capabilities, host };
  harness = await mountApp(api);
  await fireEvent.click(screen.getByTestId('nav-settings'));
  await screen.findByRole('heading', { name: 'Settings' });
  return api;
}

const updates = (api: FakeApi) =>
  api.calls.filter((c) => c.name === 'updatePreferences').map((c) => c.args[0]);

describe('the Settings screen', () => {
  it('shows the stored values in GB and minutes, and saves each change in bytes and milliseconds', async () => {
    const api = await openSettings('web');
    const size = screen.getByLabelText(/Maximum file size/) as HTMLInputElement;
    expect(size.value).toBe('20');
    expect((screen.getByLabelText(/Give up on a verdict after/) as HTMLInputElement).value).toBe('30');
    expect((screen.getByLabelText(/check again after/) as HTMLInputElement).value).toBe('15');

    await fireEvent.change(size, { target: { value: '2.5' } });
    await waitFor(() => expect(screen.getByTestId('settings-message').textContent).toMatch(/Saved/));
    await fireEvent.change(screen.getByLabelText(/Uploads at once/), { target: { value: '8' } });
    await fireEvent.change(screen.getByLabelText(/Give up on a verdict after/), { target: { value: '45' } });
    await waitFor(() => expect(updates(api)).toHaveLength(3));
    expect(updates(api)).toEqual([
      { maxFileSizeBytes: Math.round(2.5 * 1024 ** 3) },
      { concurrency: 8 },
      { processingDeadlineMs: 45 * 60_000 },
    ]);
    expect(api.preferences).toMatchObject({ concurrency: 8, processingDeadlineMs: 45 * 60_000 });
    expect(await seriousA11yProblems(harness!.container)).toEqual([]);
  });

  it('shows the thumbnail cache size in MB and saves it in bytes, refusing less than 16 MB', async () => {
    const api = await openSettings('web');
    const cache = screen.getByLabelText(/Keep thumbnails on disk up to/) as HTMLInputElement;
    expect(cache.value).toBe('256');
    await fireEvent.change(cache, { target: { value: '8' } });
    const message = await screen.findByTestId('settings-message');
    expect(message.textContent).toMatch(/enter a whole number from 16 to 65536/);
    expect(updates(api)).toEqual([]);

    await fireEvent.change(cache, { target: { value: '64' } });
    await waitFor(() => expect(screen.getByTestId('settings-message').textContent).toMatch(/Saved/));
    expect(updates(api)).toEqual([{ thumbnailCacheBytes: 64 * 1024 ** 2 }]);
    expect(api.preferences.thumbnailCacheBytes).toBe(64 * 1024 ** 2);
    expect(PreferencesSchema.shape.thumbnailCacheBytes.safeParse(64 * 1024 ** 2).success).toBe(true);
  });

  it('refuses a value out of range with a sentence, and sends nothing', async () => {
    const api = await openSettings('web');
    await fireEvent.change(screen.getByLabelText(/Uploads at once/), { target: { value: '17' } });
    const message = await screen.findByTestId('settings-message');
    expect(message.textContent).toMatch(/Uploads at once: enter a whole number from 1 to 16/);
    expect(message.getAttribute('role')).toBe('alert');
    expect(updates(api)).toEqual([]);
  });

  it('says so when the engine refuses a change', async () => {
    const api = await openSettings('web');
    api.failures.set('updatePreferences', 'The settings file could not be written.');
    await fireEvent.change(screen.getByLabelText(/check again after/), { target: { value: '5' } });
    await waitFor(() =>
      expect(screen.getByTestId('settings-message').textContent).toMatch(
        /Not saved: The settings file could not be written/,
      ),
    );
  });

  it('offers the desktop switches only in the desktop app', async () => {
    await openSettings('web');
    expect(screen.queryByLabelText(/Start at login/)).toBeNull();
    expect(screen.queryByLabelText(/tray/)).toBeNull();
    unmountAll(harness);

    const api = await openSettings('electron');
    const tray = screen.getByLabelText(/Keep running in the tray/) as HTMLInputElement;
    expect(tray.checked).toBe(true);
    await fireEvent.click(screen.getByLabelText(/Start at login/));
    await fireEvent.click(tray);
    await fireEvent.click(screen.getByLabelText(/Notify me/));
    await waitFor(() => expect(updates(api)).toHaveLength(3));
    expect(updates(api)).toEqual([{ startAtLogin: true }, { closeToTray: false }, { notifications: false }]);
    expect(api.preferences).toMatchObject({ startAtLogin: true, closeToTray: false, notifications: false });
    expect(await seriousA11yProblems(harness!.container)).toEqual([]);
  });
});

describe('settings units', () => {
  const prefs = PreferencesSchema.parse({ maxFileSizeBytes: 1536 * 1024 ** 2, quotaCooldownMs: 90_000 });
  it.each([
    ['maxFileSizeGb', 1.5],
    ['cooldownMinutes', 2],
    ['concurrency', 3],
  ] as const)('shows %s as %s', (field, shown) => expect(displayValue(field, prefs)).toBe(shown));

  it.each([
    ['concurrency', 0],
    ['concurrency', 2.5],
    ['deadlineMinutes', 0],
    ['maxFileSizeGb', Number.NaN],
  ] as const)('refuses %s = %s', (field, value) => expect(() => patchFor(field, value)).toThrow(/enter/));
});
