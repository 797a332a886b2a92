/**
 * The team ledger banner (issue 11): while the team ledger's server cannot be reached, the window
 * says so, with the server's reason and that the desk keeps watching and catches up; it goes when
 * the engine says the ledger answers again, and its button opens Settings. A desk refused for
 * good says what to fix. The state comes on load (a window opened while the server was away) and
 * through the `teamLedger` event.
 */
import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TeamLedgerState } from '../../../../src/shared/team-ledger';
import { FakeApi } from '../fake-api';
import { mountApp, seriousA11yProblems, unmountAll, type Harness } from '../harness';

vi.setConfig({ testTimeout: 60_000 });

let harness: Harness | undefined;
afterEach(() => {
  unmountAll(harness);
  harness = undefined;
});

const URL_SETTING = 'postgres://desk@db.newsroom.example:5432/authenta';
const AWAY =
  "Cannot reach the team ledger's PostgreSQL at db.newsroom.example:5432 (ECONNREFUSED): start the server, or check the host and port in the ledger URL and the network.";

function teamState(partial: Partial<TeamLedgerState>): TeamLedgerState {
  return {
    url: URL_SETTING,
    desk: 'Photo desk',
    hasPassword: true,
    inUse: URL_SETTING,
    connection: 'connected',
    message: null,
    restartNeeded: false,
    ...partial,
  };
}

/** The fake engine with a team ledger in this state (getTeamLedger answers it). */
function apiWith(state: TeamLedgerState): FakeApi {
  const api = new FakeApi();
  Object.assign(api, { getTeamLedger: async () => state });
  return api;
}

describe('the team ledger banner', () => {
  it('shows while the server is away, and goes when it answers again', async () => {
    const api = apiWith(teamState({ connection: 'away', message: AWAY }));
    harness = await mountApp(api);
    const banner = await screen.findByTestId('banner-team-ledger');
    expect(banner.textContent?.replace(/\s+/g, ' ')).toContain(
      `The team ledger cannot be reached. ${AWAY} Authenta Watch keeps watching your folders and catches up when the server is back`,
    );
    expect(banner.getAttribute('role')).toBe('status');
    expect(await seriousA11yProblems(harness.container)).toEqual([]);

    api.emit('teamLedger', teamState({ connection: 'connected' }));
    await waitFor(() => expect(screen.queryByTestId('banner-team-ledger')).toBeNull());

    // Away again mid-session: the event alone brings it back; its button opens Settings.
    api.emit('teamLedger', teamState({ connection: 'away', message: AWAY }));
    const again = await screen.findByTestId('banner-team-ledger');
    await fireEvent.click(again.querySelector('button')!);
    await screen.findByTestId('team-ledger');
    expect(harness.app.view).toBe('settings');
  });

  it('a desk the team ledger refused: says what to fix, as an alert', async () => {
    const refused =
      'The team ledger at db.newsroom.example:5432 was set up by a newer Authenta Watch (schema 9; this desk knows 3): update Authenta Watch on this desk.';
    harness = await mountApp(apiWith(teamState({ connection: 'failed', message: refused })));
    const banner = await screen.findByTestId('banner-team-ledger');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain(refused);
    expect(banner.textContent).toMatch(/Fix it under Settings, Team ledger \(or leave the team\)/);
  });

  it('no banner on the local ledger or a connected team ledger', async () => {
    harness = await mountApp(apiWith(teamState({ url: null, inUse: null, connection: 'local' })));
    await screen.findByTestId('app-header');
    expect(screen.queryByTestId('banner-team-ledger')).toBeNull();
  });
});
