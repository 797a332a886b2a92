/**
 * Credentials as both hosts take them: from the environment (AUTHENTA_CLIENT_ID and
 * AUTHENTA_CLIENT_SECRET, or AUTHENTA_API_KEY) or else the keychain. Every secret value a host
 * comes to hold is remembered so the logger can cut it out of every line.
 */
import type { Credentials, SecretStore } from '../core/ports';

/** The environment variables credentials are read from. */
export interface CredentialsEnv {
  AUTHENTA_CLIENT_ID?: string;
  AUTHENTA_CLIENT_SECRET?: string;
  AUTHENTA_API_KEY?: string;
}

/** Environment credentials, or why the environment's are incomplete. */
export type EnvCredentials = { credentials: Credentials | null } | { problem: string };

/** Read credentials from the environment. An API key wins when both kinds are set. */
export function credentialsFromEnv(env: CredentialsEnv): EnvCredentials {
  const id = env.AUTHENTA_CLIENT_ID?.trim() ?? '';
  const secret = env.AUTHENTA_CLIENT_SECRET ?? '';
  const key = env.AUTHENTA_API_KEY?.trim() ?? '';
  if (key !== '') return { credentials: { kind: 'apikey', apiKey: key } };
  if (id !== '' && secret !== '')
    return { credentials: { kind: 'client', clientId: id, clientSecret: secret } };
  if (id !== '' && secret === '') {
    return { problem: 'AUTHENTA_CLIENT_ID is set but AUTHENTA_CLIENT_SECRET is not: set both, or neither.' };
  }
  if (id === '' && secret !== '') {
    return { problem: 'AUTHENTA_CLIENT_SECRET is set but AUTHENTA_CLIENT_ID is not: set both, or neither.' };
  }
  return { credentials: null };
}

/** The secret parts of credentials (never the client id, which is not secret). */
export function secretValues(c: Credentials | null): string[] {
  if (!c) return [];
  return c.kind === 'client' ? [c.clientSecret] : [c.apiKey];
}

/** A SecretStore that remembers every secret passing through it, for the logger's redaction. */
export class RememberingSecretStore implements SecretStore {
  constructor(
    private readonly inner: SecretStore,
    private readonly known: Set<string>,
  ) {}

  async get(profileId: string): Promise<Credentials | null> {
    const c = await this.inner.get(profileId);
    for (const s of secretValues(c)) this.known.add(s);
    return c;
  }

  async set(profileId: string, credentials: Credentials): Promise<void> {
    for (const s of secretValues(credentials)) this.known.add(s);
    await this.inner.set(profileId, credentials);
  }

  delete(profileId: string): Promise<void> {
    return this.inner.delete(profileId);
  }

  availability(): Promise<{ available: boolean; message: string | null }> {
    return this.inner.availability();
  }
}
