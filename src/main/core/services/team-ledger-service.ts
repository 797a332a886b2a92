/**
 * The team ledger setting behind the Settings screen (issue 11): read it, test a URL and password,
 * save it, leave the team. Settings keep the URL without its password and the desk's name; the
 * password goes to the OS keychain (LedgerPasswordStore) and is never answered back, logged or
 * written to Settings. The ledger a run uses is chosen when the app starts, so a saved change
 * applies at the next start (`restartNeeded` says so): a ledger swapped under running uploads
 * could lose track of them. This desk's local ledger file stays where it is either way: leaving
 * the team brings its queue and verdicts back.
 */
import type {
  TeamLedgerInput,
  TeamLedgerSaved,
  TeamLedgerState,
  TeamLedgerTest,
  TeamLedgerTestInput,
} from '../../../shared/team-ledger';
import { TeamLedgerInputSchema, TeamLedgerTestInputSchema } from '../../../shared/team-ledger';
import type { LedgerConnectionWatch } from '../ledger/ledger-connection';
import { parseLedgerUrl } from '../ledger/ledger-url';
import { checkTeamLedger, type TeamLedgerCheck } from '../ledger/team-ledger-check';
import type { Logger } from '../ports';
import {
  ledgerPasswordAccount,
  splitLedgerPassword,
  withLedgerPassword,
  type LedgerPasswordStore,
} from '../secrets/team-ledger-password';
import type { EngineSettings } from './engine-settings';

/** What the service needs. */
export interface TeamLedgerServiceOptions {
  settings: EngineSettings;
  /** The keychain; null when the host has none (saving a password is then refused, with what to do). */
  passwords: LedgerPasswordStore | null;
  /** The team ledger this run uses; null: the local ledger. */
  connection: LedgerConnectionWatch | null;
  logger: Logger;
  /** The state changed (saved, left, connection): the engine tells the UI. */
  onChange(state: TeamLedgerState): void;
  /** The connection test (default: checkTeamLedger). */
  check?: (url: string) => Promise<TeamLedgerCheck>;
}

const NO_KEYCHAIN =
  'This computer offers no keychain to keep the password in: put it in a ~/.pgpass file instead and leave the password field empty.';

/** See the module comment. */
export class TeamLedgerService {
  constructor(private readonly options: TeamLedgerServiceOptions) {
    options.connection?.onDidChange(() => this.announce());
  }

  /** The setting and where the connection stands (no password). */
  async state(): Promise<TeamLedgerState> {
    const { connection, passwords } = this.options;
    const setting = (await this.options.settings.loaded()).teamLedger ?? null;
    const hasPassword = setting && passwords ? (await passwords.get(setting.url)) !== null : false;
    const inUse = connection?.inUse ?? null;
    const live = connection?.state ?? { connection: 'local' as const, message: null };
    return {
      url: setting?.url ?? null,
      desk: setting?.desk ?? '',
      hasPassword,
      inUse: inUse?.url ?? null,
      connection: live.connection,
      message: live.message,
      restartNeeded: (setting?.url ?? null) !== (inUse?.url ?? null),
    };
  }

  /** Connect once with the typed URL and password (or the one kept for this URL); writes nothing. */
  async test(input: TeamLedgerTestInput): Promise<TeamLedgerTest> {
    const typed = TeamLedgerTestInputSchema.parse(input);
    const target = await this.target(typed.url, typed.password);
    if ('problem' in target) return target;
    return this.check(target.url, target.password);
  }

  /**
   * Test, then keep the setting (URL without password, desk) and the password (keychain). Saved
   * when the server said yes, or could not be reached now (the desk waits for it at start);
   * refused with the test's message when it said no.
   */
  async save(input: TeamLedgerInput): Promise<TeamLedgerSaved> {
    const typed = TeamLedgerInputSchema.parse(input);
    const target = await this.target(typed.url, typed.password);
    if ('problem' in target) return { saved: false, test: target, state: await this.state() };
    const test = await this.check(target.url, target.password);
    if (!test.ok && test.problem !== 'unreachable') return { saved: false, test, state: await this.state() };
    const { passwords } = this.options;
    if (target.typedPassword !== null) {
      if (!passwords) return this.refused(NO_KEYCHAIN);
      try {
        await passwords.set(target.url, target.typedPassword);
      } catch (e) {
        return this.refused(e instanceof Error ? e.message : NO_KEYCHAIN);
      }
    }
    const settings = await this.options.settings.loaded();
    const before = settings.teamLedger?.url ?? null;
    settings.teamLedger = { url: target.url, desk: typed.desk };
    await this.options.settings.save();
    if (before && ledgerPasswordAccount(before) !== ledgerPasswordAccount(target.url))
      await this.forgetPassword(before);
    this.options.logger.info('team ledger saved', { url: target.url, desk: typed.desk });
    const state = await this.announce();
    return { saved: true, test, state };
  }

  /** Back to the local ledger at the next start; the team ledger's password leaves the keychain. */
  async leave(): Promise<TeamLedgerState> {
    const settings = await this.options.settings.loaded();
    const before = settings.teamLedger?.url ?? null;
    delete settings.teamLedger;
    await this.options.settings.save();
    if (before) await this.forgetPassword(before);
    this.options.logger.info('team ledger left', {});
    return this.announce();
  }

  /** Tells the UI the state as it now stands; answers it. */
  private async announce(): Promise<TeamLedgerState> {
    const state = await this.state();
    this.options.onChange(state);
    return state;
  }

  /**
   * The URL to keep (no password) and the password to connect with: the one typed in the field,
   * else one written in the URL, else the keychain's for this URL.
   */
  private async target(
    text: string,
    field: string | undefined,
  ): Promise<
    | { url: string; password: string | null; typedPassword: string | null }
    | (TeamLedgerTest & { problem: 'bad-url' })
  > {
    const parsed = parseLedgerUrl(text);
    if (!parsed.ok) return { ok: false, problem: 'bad-url', message: parsed.problem.message };
    const split = splitLedgerPassword(parsed.value.url);
    const typedPassword = field ? field : split.password;
    const kept = typedPassword === null ? await this.options.passwords?.get(split.url) : null;
    return { url: split.url, password: typedPassword ?? kept ?? null, typedPassword };
  }

  private async check(url: string, password: string | null): Promise<TeamLedgerTest> {
    const result = await (this.options.check ?? checkTeamLedger)(withLedgerPassword(url, password));
    return result.ok
      ? { ok: true, problem: null, message: result.message }
      : { ok: false, problem: result.kind, message: result.message };
  }

  private async refused(message: string): Promise<TeamLedgerSaved> {
    return { saved: false, test: { ok: false, problem: 'keychain', message }, state: await this.state() };
  }

  private async forgetPassword(url: string): Promise<void> {
    try {
      await this.options.passwords?.delete(url);
    } catch (e) {
      this.options.logger.warn('could not remove the team ledger password from the keychain', {
        message: e instanceof Error ? e.message : String(e),
      });
    }
  }
}
