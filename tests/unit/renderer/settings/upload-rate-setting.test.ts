/** The upload bandwidth cap in Settings: shown in MB/s (0: no cap), saved in bytes per second. */
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApi } from '../fake-api';
import { mountApp, unmountAll, type Harness } from '../harness';

let harness: Harness | undefined;
afterEach(() => unmountAll(harness));

describe('the upload bandwidth cap setting', () => {
  it('shows no cap as 0, saves 2.5 MB/s as 2 500 000 bytes per second, refuses a negative rate', async () => {
    const api = new FakeApi();
    harness = await mountApp(api);
    await fireEvent.click(screen.getByTestId('nav-settings'));
    await screen.findByRole('heading', { name: 'Settings' });
    const cap = screen.getByLabelText(/Upload bandwidth cap/) as HTMLInputElement;
    expect(cap.value).toBe('0');

    await fireEvent.change(cap, { target: { value: '-1' } });
    expect((await screen.findByTestId('settings-message')).textContent).toMatch(
      /Upload bandwidth cap.*enter a number from 0/,
    );
    await fireEvent.change(cap, { target: { value: '2.5' } });
    await waitFor(() => expect(screen.getByTestId('settings-message').textContent).toMatch(/Saved/));
    const updates = api.calls.filter((c) => c.name === 'updatePreferences').map((c) => c.args[0]);
    expect(updates).toEqual([{ maxUploadBytesPerSecond: 2_500_000 }]);
    expect(api.preferences.maxUploadBytesPerSecond).toBe(2_500_000);
  });
});
