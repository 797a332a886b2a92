/**
 * The team ledger's database password in the OS keychain (issue 11), beside the Authenta
 * credentials: service "Authenta Watch", account `team-ledger:USER@HOST:PORT/DATABASE`, so a
 * password follows the database it opens and a changed URL never sends an old password to a new
 * server. Never written to the settings file, a log or the renderer: the hosts read it only to
 * build the connection URL (`withLedgerPassword`).
 */
import {
  KEYCHAIN_SERVICE,
  KeychainUnavailableError,
  keychainFailureReason,
  type KeytarModule,
} from './keytar-secret-store';

/** Where the team ledger's password is kept. */
export interface LedgerPasswordStore {
  /** The password for this ledger URL (user, host, port and database count); null when none. */
  get(url: string): Promise<string | null>;
  /** Throws KeychainUnavailableError (its message says what to do) when the keychain cannot be used. */
  set(url: string, password: string): Promise<void>;
  delete(url: string): Promise<void>;
}

/** The keychain account of a ledger URL: who, where, which database; never the password. */
export function ledgerPasswordAccount(url: string): string {
  const parsed = new URL(url.trim());
  const port = parsed.port || '5432';
  const db = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return `team-ledger:${decodeURIComponent(parsed.username)}@${parsed.hostname}:${port}/${db}`;
}

/** The URL with `password` in it, for the connection only. */
export function withLedgerPassword(url: string, password: string | null): string {
  const parsed = new URL(url.trim());
  // Encoded whole: the URL setter would leave a % in the password as it is, and it would be decoded.
  if (password) parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** The URL without any password (what Settings keeps), and the password it held, if any. */
export function splitLedgerPassword(url: string): { url: string; password: string | null } {
  const parsed = new URL(url.trim());
  let password: string | null = parsed.password ? decodeURIComponent(parsed.password) : null;
  parsed.password = '';
  if (parsed.searchParams.has('password')) {
    password ??= parsed.searchParams.get('password');
    parsed.searchParams.delete('password');
  }
  return { url: parsed.toString(), password };
}

async function loadKeytar(): Promise<KeytarModule> {
  const loaded = (await import('keytar')) as KeytarModule & { default?: KeytarModule };
  return loaded.default ?? loaded;
}

/** The password in the OS keychain through keytar; see the module comment. */
export class KeytarLedgerPasswordStore implements LedgerPasswordStore {
  private keytar: KeytarModule | null = null;

  constructor(private readonly options: { service?: string; load?: () => Promise<KeytarModule> } = {}) {}

  private get service(): string {
    return this.options.service ?? KEYCHAIN_SERVICE;
  }

  private async module(): Promise<KeytarModule> {
    try {
      this.keytar ??= await (this.options.load ?? loadKeytar)();
      return this.keytar;
    } catch (error) {
      throw new KeychainUnavailableError(
        `The system keychain cannot be used: ${keychainFailureReason(error)}. Put the password in a ~/.pgpass file instead, or start the app with AUTHENTA_LEDGER_URL.`,
      );
    }
  }

  /** Null also when the keychain cannot be used (the connection then says the password is missing). */
  async get(url: string): Promise<string | null> {
    try {
      return await (await this.module()).getPassword(this.service, ledgerPasswordAccount(url));
    } catch {
      return null;
    }
  }

  async set(url: string, password: string): Promise<void> {
    const keytar = await this.module();
    try {
      await keytar.setPassword(this.service, ledgerPasswordAccount(url), password);
    } catch (error) {
      throw new KeychainUnavailableError(
        `The system keychain cannot be used: ${keychainFailureReason(error)}.`,
      );
    }
  }

  async delete(url: string): Promise<void> {
    let keytar: KeytarModule;
    try {
      keytar = await this.module();
    } catch {
      return;
    }
    await keytar.deletePassword(this.service, ledgerPasswordAccount(url));
  }
}

/** The password in memory, for tests (never written anywhere). */
export class InMemoryLedgerPasswordStore implements LedgerPasswordStore {
  private readonly passwords = new Map<string, string>();
  async get(url: string): Promise<string | null> {
    return this.passwords.get(ledgerPasswordAccount(url)) ?? null;
  }
  async set(url: string, password: string): Promise<void> {
    this.passwords.set(ledgerPasswordAccount(url), password);
  }
  async delete(url: string): Promise<void> {
    this.passwords.delete(ledgerPasswordAccount(url));
  }
}
