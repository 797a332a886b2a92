/**
 * The team ledger in the UI (issue 11): the setting and its connection as the engine tells them,
 * the Settings form's Test / Save / Leave team, and the banner's text while the server is away.
 * The password typed in the form goes to the engine once (test or save) and is cleared from the
 * form after a save: the engine never sends it back, only `hasPassword`.
 */
import type { AuthentaWatchApi } from '../../../shared/contract';
import type { TeamLedgerState as TeamLedger, TeamLedgerTest } from '../../../shared/team-ledger';
import { errorText } from '../lib/format';

type TeamLedgerApi = Pick<
  AuthentaWatchApi,
  'getTeamLedger' | 'testTeamLedger' | 'saveTeamLedger' | 'leaveTeamLedger' | 'onTeamLedger'
>;

/** A line under the form: what the last test, save or leave said. */
export interface TeamLedgerMessage {
  tone: 'ok' | 'warning' | 'error';
  text: string;
}

/** The banner while the team ledger cannot be used, or null. */
export function teamLedgerBanner(
  state: TeamLedger | null,
): { tone: 'warning' | 'error'; heading: string; message: string } | null {
  if (!state) return null;
  if (state.connection === 'away')
    return {
      tone: 'warning',
      heading: 'The team ledger cannot be reached.',
      message:
        `${state.message ?? ''} Authenta Watch keeps watching your folders and catches up when the server is back; nothing is sent twice or lost meanwhile.`.trim(),
    };
  if (state.connection === 'failed')
    return {
      tone: 'error',
      heading: 'The team ledger refused this desk.',
      message:
        `${state.message ?? ''} Fix it under Settings, Team ledger (or leave the team), then start Authenta Watch again.`.trim(),
    };
  return null;
}

/** See the module comment. */
export class TeamLedgerState {
  state = $state.raw<TeamLedger | null>(null);
  loadError = $state<string | null>(null);
  /** The form, as typed. */
  url = $state('');
  password = $state('');
  desk = $state('');
  busy = $state(false);
  message = $state.raw<TeamLedgerMessage | null>(null);

  readonly #api: TeamLedgerApi;

  constructor(api: TeamLedgerApi) {
    this.#api = api;
  }

  /** Follow the engine's changes (server away, back; saved elsewhere). */
  subscribe(): () => void {
    return this.#api.onTeamLedger((state) => this.#apply(state, false));
  }

  async load(): Promise<void> {
    try {
      this.#apply(await this.#api.getTeamLedger(), true);
      this.loadError = null;
    } catch (e) {
      this.loadError = errorText(e);
    }
  }

  /** Connect once with what is typed; says what happened. */
  async test(): Promise<void> {
    await this.#run(async () => {
      const result = await this.#api.testTeamLedger({ url: this.url, ...this.#typedPassword() });
      this.message = testMessage(result);
    });
  }

  /** Test, then keep the setting (password in the keychain). */
  async save(): Promise<void> {
    await this.#run(async () => {
      const result = await this.#api.saveTeamLedger({
        url: this.url,
        desk: this.desk,
        ...this.#typedPassword(),
      });
      if (!result.saved) {
        this.message = { tone: 'error', text: `Not saved: ${result.test.message}` };
        return;
      }
      this.password = '';
      this.#apply(result.state, true);
      const when = result.state.restartNeeded ? ` ${restartWords(result.state)}` : '';
      this.message = result.test.ok
        ? { tone: 'ok', text: `Saved. ${result.test.message}${when}` }
        : {
            tone: 'warning',
            text: `Saved, but the server does not answer now: ${result.test.message}${when}`,
          };
    });
  }

  /** Back to this computer's own ledger. */
  async leave(): Promise<void> {
    await this.#run(async () => {
      const state = await this.#api.leaveTeamLedger();
      this.password = '';
      this.#apply(state, true);
      this.message = {
        tone: 'ok',
        text: `Left the team: this desk keeps its own ledger again.${state.restartNeeded ? ` ${restartWords(state)}` : ''}`,
      };
    });
  }

  #typedPassword(): { password?: string } {
    return this.password ? { password: this.password } : {};
  }

  async #run(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await work();
    } catch (e) {
      this.message = { tone: 'error', text: errorText(e) };
    } finally {
      this.busy = false;
    }
  }

  /** Take the engine's state; the form follows it when asked (load, save, leave), not on every event. */
  #apply(state: TeamLedger, intoForm: boolean): void {
    this.state = state;
    if (intoForm) {
      this.url = state.url ?? '';
      this.desk = state.desk;
    }
  }
}

/** When a saved change applies, in words. */
export function restartWords(state: TeamLedger): string {
  return state.url
    ? 'Quit and start Authenta Watch again to switch to the team ledger.'
    : 'Quit and start Authenta Watch again to switch back to the ledger on this computer.';
}

function testMessage(result: TeamLedgerTest): TeamLedgerMessage {
  return result.ok ? { tone: 'ok', text: result.message } : { tone: 'error', text: result.message };
}
