/**
 * The profile form says which API generation fits which account, and how to find out: the help
 * under the API follows the choice; detection's answer can be taken with one click.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import AccountView from '../../../../src/renderer/src/account/AccountView.svelte';
import { AccountState } from '../../../../src/renderer/src/state/account-state.svelte';
import { StatusState } from '../../../../src/renderer/src/state/status-state.svelte';
import { FakeApi } from '../fake-api';
import { seriousA11yProblems } from '../harness';

afterEach(() => cleanup());

async function mount(api: FakeApi) {
  const status = new StatusState(api);
  await status.load();
  const account = new AccountState(api);
  await account.load();
  render(AccountView, { account, status });
  return account;
}

const text = (el: HTMLElement) => el.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('choosing the API generation', () => {
  it('explains each choice next to the select and how detection helps', async () => {
    const api = new FakeApi();
    await mount(api);
    await fireEvent.click(screen.getByTestId('account-new'));
    const help = screen.getByTestId('account-generation-help');
    expect(text(help)).toMatch(/client ID and secret/);
    expect(text(help)).toMatch(/Detect which API the server speaks/);
    expect(screen.getByTestId('account-generation').getAttribute('aria-describedby')).toBe(help.id);
    await fireEvent.change(screen.getByTestId('account-generation'), { target: { value: 'jobs-v1' } });
    expect(text(screen.getByTestId('account-generation-help'))).toMatch(
      /current API.*API key.*audio and PDF/,
    );
    expect(await seriousA11yProblems(document.body)).toEqual([]);
  });

  it('a Jobs API answer to Test connection is taken with one click, and the key field stays', async () => {
    const api = new FakeApi();
    api.profiles = [
      {
        id: 'p1',
        name: 'Desk',
        baseUrl: 'https://platform.authenta.ai/api',
        generation: 'media-apikey',
        simulated: false,
        hasSecret: true,
      },
    ];
    api.activeProfileId = 'p1';
    api.connection = {
      ok: true,
      generation: 'jobs-v1',
      code: null,
      message: 'Connected: the Jobs API v1 answered at https://platform.authenta.ai/api.',
    };
    await mount(api);
    await fireEvent.click(await screen.findByTestId('account-test'));
    expect(api.callsOf('testConnection')[0]?.args).toEqual(['p1', { detect: true }]);
    const result = await screen.findByTestId('account-test-result');
    expect(text(result)).toContain('The server speaks: Jobs API v1: API key.');
    await fireEvent.click(screen.getByTestId('account-use-detected'));
    await waitFor(() =>
      expect(api.callsOf('saveProfile')[0]?.args[0]).toMatchObject({ id: 'p1', generation: 'jobs-v1' }),
    );
    expect(await screen.findByTestId('account-api-key')).toBeTruthy();
  });
});

describe('the base URL', () => {
  it('warns before a new host takes a profile away from its stored secret; a new path does not', async () => {
    const api = new FakeApi();
    api.profiles = [
      {
        id: 'p1',
        name: 'Desk',
        baseUrl: 'https://platform.authenta.ai/api',
        generation: 'media-client',
        simulated: false,
        hasSecret: true,
      },
    ];
    api.activeProfileId = 'p1';
    await mount(api);
    const url = await screen.findByTestId('account-base-url');
    expect(screen.queryByTestId('account-host-change')).toBeNull();
    await fireEvent.input(url, { target: { value: 'https://platform.authenta.ai/v2/api' } });
    expect(screen.queryByTestId('account-host-change')).toBeNull();
    await fireEvent.input(url, { target: { value: 'https://elsewhere.example/api' } });
    const warning = await screen.findByTestId('account-host-change');
    expect(text(warning)).toMatch(/secret.*never sent to another server.*enter it again/i);
    expect(url.getAttribute('aria-describedby')).toContain(warning.id);
    expect(text(screen.getByTestId('account-url-help'))).toMatch(/https:\/\/.*this computer/);
    expect(await seriousA11yProblems(document.body)).toEqual([]);
  });
});
