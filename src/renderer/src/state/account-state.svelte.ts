/**
 * Connection profiles and their secrets. A secret is write-only here: the UI sends it to the
 * keychain and afterwards only learns `hasSecret`; it never holds one longer than the form does.
 */
import type { AuthentaWatchApi, ConnectionTest, ProfileInput, SecretInput } from '../../../shared/contract';
import type { ApiGeneration, Profile } from '../../../shared/domain';
import { errorText } from '../lib/format';

type AccountApi = Pick<
  AuthentaWatchApi,
  | 'listProfiles'
  | 'saveProfile'
  | 'removeProfile'
  | 'selectProfile'
  | 'setSecret'
  | 'clearSecret'
  | 'testConnection'
>;

/** How each API generation is named in the form. */
export const GENERATION_LABELS: Readonly<Record<ApiGeneration, string>> = {
  'media-client': 'Media API: client ID and secret',
  'media-apikey': 'Media API: API key',
  'jobs-v1': 'Jobs API v1: API key',
};

/** Environment variables a headless host reads when there is no keychain. */
export const SECRET_ENV_VARS = {
  clientId: 'AUTHENTA_CLIENT_ID',
  clientSecret: 'AUTHENTA_CLIENT_SECRET',
  apiKey: 'AUTHENTA_API_KEY',
} as const;

/** Whether a generation signs with a client id and secret (otherwise with an API key). */
export function usesClientCredentials(generation: ApiGeneration): boolean {
  return generation === 'media-client';
}

export interface Notice {
  tone: 'ok' | 'error';
  text: string;
}

export class AccountState {
  profiles = $state.raw<Profile[]>([]);
  activeId = $state<string | null>(null);
  /** The profile shown in the form; null with `creating` for a new one. */
  editingId = $state<string | null>(null);
  creating = $state(false);
  busy = $state(false);
  notice = $state.raw<Notice | null>(null);
  /** The last connection test of the profile in the form. */
  test = $state.raw<ConnectionTest | null>(null);
  loaded = $state(false);

  readonly #api: AccountApi;

  constructor(api: AccountApi) {
    this.#api = api;
  }

  get editing(): Profile | null {
    return this.profiles.find((p) => p.id === this.editingId) ?? null;
  }

  get active(): Profile | null {
    return this.profiles.find((p) => p.id === this.activeId) ?? null;
  }

  async load(): Promise<void> {
    try {
      const { profiles, activeId } = await this.#api.listProfiles();
      this.profiles = profiles;
      this.activeId = activeId;
      if (!this.creating && !profiles.some((p) => p.id === this.editingId)) {
        const active = profiles.find((p) => p.id === activeId);
        this.editingId = active?.id ?? profiles[0]?.id ?? null;
      }
      this.loaded = true;
    } catch (error) {
      this.notice = { tone: 'error', text: `The profiles could not be loaded: ${errorText(error)}` };
    }
  }

  /** Show a profile in the form. */
  edit(id: string): void {
    this.editingId = id;
    this.creating = false;
    this.test = null;
    this.notice = null;
  }

  /** An empty form for a new profile. */
  startNew(): void {
    this.editingId = null;
    this.creating = true;
    this.test = null;
    this.notice = null;
  }

  async #run<T>(command: () => Promise<T>, done: string | null, failed: string): Promise<T | null> {
    this.busy = true;
    try {
      const result = await command();
      if (done) this.notice = { tone: 'ok', text: done };
      return result;
    } catch (error) {
      this.notice = { tone: 'error', text: `${failed}: ${errorText(error)}` };
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Save the profile in the form (new or existing) and show it. */
  async save(input: ProfileInput): Promise<Profile | null> {
    const saved = await this.#run(() => this.#api.saveProfile(input), 'Profile saved.', 'Saving failed');
    if (saved) {
      this.creating = false;
      this.editingId = saved.id;
      await this.load();
    }
    return saved;
  }

  async remove(id: string): Promise<boolean> {
    const ok = await this.#run(
      async () => {
        await this.#api.removeProfile(id);
        return true;
      },
      'Profile removed.',
      'Removing failed',
    );
    if (ok) {
      if (this.editingId === id) this.editingId = null;
      await this.load();
    }
    return !!ok;
  }

  /** Make a profile the one the queue uses. */
  async select(id: string): Promise<boolean> {
    const ok = await this.#run(
      async () => {
        await this.#api.selectProfile(id);
        return true;
      },
      'Now using this profile.',
      'Switching failed',
    );
    if (ok) await this.load();
    return !!ok;
  }

  /** Send a secret to the keychain. The caller clears its fields afterwards whatever happens. */
  async storeSecret(profileId: string, secret: SecretInput): Promise<boolean> {
    const ok = await this.#run(
      async () => {
        await this.#api.setSecret(profileId, secret);
        return true;
      },
      'Stored in the keychain.',
      'Storing failed',
    );
    if (ok) {
      this.test = null;
      await this.load();
    }
    return !!ok;
  }

  async clearSecret(profileId: string): Promise<boolean> {
    const ok = await this.#run(
      async () => {
        await this.#api.clearSecret(profileId);
        return true;
      },
      'Credentials removed from the keychain.',
      'Clearing failed',
    );
    if (ok) {
      this.test = null;
      await this.load();
    }
    return !!ok;
  }

  /** Try the profile's credentials against its server; with `detect`, learn which API it speaks. */
  async testConnection(profileId: string, detect: boolean): Promise<ConnectionTest | null> {
    this.test = null;
    this.notice = null;
    const result = await this.#run(
      () => this.#api.testConnection(profileId, { detect }),
      null,
      'The test could not run',
    );
    this.test = result;
    return result;
  }
}
