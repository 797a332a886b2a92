import { describe, expect, it } from 'vitest';
import { AccountState, usesClientCredentials } from '../../../../src/renderer/src/state/account-state.svelte';
import type { Profile } from '../../../../src/shared/domain';
import { FakeApi } from '../fake-api';

const SANDBOX: Profile = {
  id: 'sandbox',
  name: 'Sandbox',
  baseUrl: 'sim://local',
  generation: 'media-client',
  simulated: true,
  hasSecret: true,
};
const NEWSROOM: Profile = {
  id: 'p1',
  name: 'Newsroom',
  baseUrl: 'https://platform.authenta.ai/api',
  generation: 'media-client',
  simulated: false,
  hasSecret: false,
};

async function setup() {
  const api = new FakeApi();
  api.profiles = [SANDBOX, NEWSROOM];
  api.activeProfileId = 'sandbox';
  const account = new AccountState(api);
  await account.load();
  return { api, account };
}

describe('AccountState', () => {
  it('loads the profiles and shows the active one', async () => {
    const { account } = await setup();
    expect(account.profiles.map((p) => p.id)).toEqual(['sandbox', 'p1']);
    expect(account.editing?.id).toBe('sandbox');
    expect(account.active?.simulated).toBe(true);
  });

  it('creates a profile and shows it', async () => {
    const { api, account } = await setup();
    account.startNew();
    expect(account.editing).toBeNull();
    const saved = await account.save({
      name: 'Staging',
      baseUrl: 'https://staging.example/api',
      generation: 'media-apikey',
    });
    expect(saved?.id).toBe('p3');
    expect(account.creating).toBe(false);
    expect(account.editing?.name).toBe('Staging');
    expect(api.callsOf('saveProfile')[0]?.args[0]).toEqual({
      name: 'Staging',
      baseUrl: 'https://staging.example/api',
      generation: 'media-apikey',
    });
  });

  it('stores a secret and afterwards knows only that there is one', async () => {
    const { api, account } = await setup();
    account.edit('p1');
    expect(await account.storeSecret('p1', { clientId: 'id', clientSecret: 's3cret' })).toBe(true);
    expect(account.editing?.hasSecret).toBe(true);
    expect(JSON.stringify(account.profiles)).not.toContain('s3cret');
    expect(account.notice).toEqual({ tone: 'ok', text: 'Stored in the keychain.' });
    expect(await account.clearSecret('p1')).toBe(true);
    expect(account.editing?.hasSecret).toBe(false);
    expect(api.secrets.has('p1')).toBe(false);
  });

  it('tests a connection with detection and keeps the answer', async () => {
    const { api, account } = await setup();
    api.connection = {
      ok: false,
      generation: null,
      code: 'IAM001',
      message: 'The client secret was rejected.',
    };
    const result = await account.testConnection('p1', true);
    expect(api.callsOf('testConnection')[0]?.args).toEqual(['p1', { detect: true }]);
    expect(result).toEqual(api.connection);
    expect(account.test?.code).toBe('IAM001');
  });

  it('switches the active profile and removes one', async () => {
    const { account } = await setup();
    expect(await account.select('p1')).toBe(true);
    expect(account.activeId).toBe('p1');
    account.edit('p1');
    expect(await account.remove('p1')).toBe(true);
    expect(account.profiles.map((p) => p.id)).toEqual(['sandbox']);
    expect(account.editing?.id).toBe('sandbox');
  });

  it('says why a command failed', async () => {
    const { api, account } = await setup();
    api.failures.set('setSecret', 'The keychain is locked.');
    expect(await account.storeSecret('p1', { apiKey: 'k' })).toBe(false);
    expect(account.notice).toEqual({ tone: 'error', text: 'Storing failed: The keychain is locked.' });
  });

  it.each([
    ['media-client', true],
    ['media-apikey', false],
    ['jobs-v1', false],
  ] as const)('%s signs with client credentials: %s', (generation, expected) => {
    expect(usesClientCredentials(generation)).toBe(expected);
  });
});
