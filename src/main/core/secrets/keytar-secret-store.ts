/**
 * The SecretStore on the OS keychain (macOS Keychain, Windows Credential Manager, the Secret
 * Service on Linux) through keytar: service "Authenta Watch", one account per profile, the
 * credentials as JSON. keytar is loaded lazily, so a missing native module or a Linux session
 * without a Secret Service only makes `availability()` say so and point to the environment
 * variables; there is never a plain-text fallback.
 */
import { z } from 'zod';
import type { Credentials, SecretStore } from '../ports';

/** The keychain service every profile's secret is stored under. */
export const KEYCHAIN_SERVICE = 'Authenta Watch';

/** The part of keytar this store uses. */
export interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

const StoredCredentialsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('client'), clientId: z.string().min(1), clientSecret: z.string().min(1) }),
  z.object({ kind: z.literal('apikey'), apiKey: z.string().min(1) }),
]);

/** What to do when the keychain cannot be used, in one sentence after the reason. */
export const ENVIRONMENT_ADVICE =
  'Authenta Watch never keeps secrets in a plain-text file: set AUTHENTA_CLIENT_ID and AUTHENTA_CLIENT_SECRET ' +
  '(or AUTHENTA_API_KEY) in the environment before starting it instead.';

/** The keychain cannot be used here; the message says why and what to do instead. */
export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';
  readonly code = 'KEYCHAIN_UNAVAILABLE';
}

/** A plain reason for a failure to load keytar or to reach the keychain. */
export function keychainFailureReason(error: unknown, platform: NodeJS.Platform = process.platform): string {
  const text = error instanceof Error ? error.message : String(error);
  if (
    platform === 'linux' &&
    /secrets|d-?bus|secret service|autolaunch|org\.freedesktop|could not connect/i.test(text)
  ) {
    return 'no Secret Service (GNOME Keyring or KWallet) is running in this session';
  }
  if (/cannot find module|module did not self-register|was compiled against|invalid elf|dlopen/i.test(text)) {
    return `the keychain module (keytar) could not be loaded: ${text.split('\n')[0]}`;
  }
  return `the keychain answered: ${text.split('\n')[0]}`;
}

async function loadKeytar(): Promise<KeytarModule> {
  const loaded = (await import('keytar')) as KeytarModule & { default?: KeytarModule };
  return loaded.default ?? loaded;
}

export interface KeytarSecretStoreOptions {
  /** Default "Authenta Watch"; tests use their own service name. */
  service?: string;
  /** How keytar is loaded; tests hand in a loader that fails. */
  load?: () => Promise<KeytarModule>;
  platform?: NodeJS.Platform;
}

/** Secrets in the OS keychain; see the module comment. */
export class KeytarSecretStore implements SecretStore {
  private readonly service: string;
  private readonly load: () => Promise<KeytarModule>;
  private readonly platform: NodeJS.Platform;
  private keytar: KeytarModule | null = null;

  constructor(options: KeytarSecretStoreOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
    this.load = options.load ?? loadKeytar;
    this.platform = options.platform ?? process.platform;
  }

  /** Loads keytar and asks the keychain one harmless question. Never throws. */
  async availability(): Promise<{ available: boolean; message: string | null }> {
    try {
      const keytar = await this.module();
      await keytar.getPassword(this.service, 'availability-probe');
      return { available: true, message: null };
    } catch (error) {
      return { available: false, message: this.unavailableMessage(error) };
    }
  }

  /** The profile's credentials; null when none are stored or the keychain cannot be used. */
  async get(profileId: string): Promise<Credentials | null> {
    let stored: string | null;
    try {
      stored = await (await this.module()).getPassword(this.service, profileId);
    } catch {
      return null;
    }
    if (stored === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(stored);
    } catch {
      parsed = null;
    }
    const result = StoredCredentialsSchema.safeParse(parsed);
    if (!result.success) {
      throw new Error(
        `The keychain entry of profile "${profileId}" is unreadable; set its secret again in Settings.`,
      );
    }
    return result.data;
  }

  /** Stores the credentials; throws KeychainUnavailableError when the keychain cannot be used. */
  async set(profileId: string, credentials: Credentials): Promise<void> {
    const keytar = await this.usable();
    const value: Credentials =
      credentials.kind === 'client'
        ? { kind: 'client', clientId: credentials.clientId, clientSecret: credentials.clientSecret }
        : { kind: 'apikey', apiKey: credentials.apiKey };
    try {
      await keytar.setPassword(this.service, profileId, JSON.stringify(value));
    } catch (error) {
      throw new KeychainUnavailableError(this.unavailableMessage(error));
    }
  }

  /** Removes the profile's credentials (nothing to do when the keychain cannot be used). */
  async delete(profileId: string): Promise<void> {
    let keytar: KeytarModule;
    try {
      keytar = await this.module();
    } catch {
      return;
    }
    try {
      await keytar.deletePassword(this.service, profileId);
    } catch (error) {
      throw new KeychainUnavailableError(this.unavailableMessage(error));
    }
  }

  private async module(): Promise<KeytarModule> {
    this.keytar ??= await this.load();
    return this.keytar;
  }

  private async usable(): Promise<KeytarModule> {
    try {
      return await this.module();
    } catch (error) {
      throw new KeychainUnavailableError(this.unavailableMessage(error));
    }
  }

  private unavailableMessage(error: unknown): string {
    return `The system keychain cannot be used: ${keychainFailureReason(error, this.platform)}. ${ENVIRONMENT_ADVICE}`;
  }
}
