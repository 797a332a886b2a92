/** In-memory SettingsStore and SecretStore for the desktop host's tests. */
import type { Credentials, SecretStore, SettingsStore } from '../../../src/main/core/ports';
import { defaultSettings, type Settings } from '../../../src/shared/settings';

export class InMemorySettingsStore implements SettingsStore {
  saves = 0;
  constructor(public settings: Settings = defaultSettings()) {}
  async load(): Promise<Settings> {
    return structuredClone(this.settings);
  }
  async save(settings: Settings): Promise<void> {
    this.saves += 1;
    this.settings = structuredClone(settings);
  }
}

export class InMemorySecretStore implements SecretStore {
  readonly secrets = new Map<string, Credentials>();
  async get(profileId: string): Promise<Credentials | null> {
    return this.secrets.get(profileId) ?? null;
  }
  async set(profileId: string, credentials: Credentials): Promise<void> {
    this.secrets.set(profileId, credentials);
  }
  async delete(profileId: string): Promise<void> {
    this.secrets.delete(profileId);
  }
  async availability(): Promise<{ available: boolean; message: string | null }> {
    return { available: true, message: null };
  }
}
