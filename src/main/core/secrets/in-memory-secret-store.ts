/**
 * A SecretStore in memory, for tests and demos. `unavailable` makes it behave like a machine
 * without a usable keychain (reads give nothing, writes are refused with the message).
 */
import type { Credentials, SecretStore } from '../ports';

/** Secrets in memory; never written anywhere. */
export class InMemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, Credentials>();

  constructor(private readonly options: { unavailable?: string } = {}) {}

  async get(profileId: string): Promise<Credentials | null> {
    if (this.options.unavailable) return null;
    const c = this.secrets.get(profileId);
    return c ? { ...c } : null;
  }

  async set(profileId: string, credentials: Credentials): Promise<void> {
    if (this.options.unavailable) throw new Error(this.options.unavailable);
    this.secrets.set(profileId, { ...credentials });
  }

  async delete(profileId: string): Promise<void> {
    this.secrets.delete(profileId);
  }

  async availability(): Promise<{ available: boolean; message: string | null }> {
    return this.options.unavailable
      ? { available: false, message: this.options.unavailable }
      : { available: true, message: null };
  }
}
