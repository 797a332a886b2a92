/**
 * The desktop's team ledger (issue 11): Settings hold the PostgreSQL URL without its password and
 * this desk's name; the password comes from the OS keychain (team-ledger-password.ts). Read once
 * when the app starts: a changed setting takes effect after a restart (the Settings screen says so).
 * A server that cannot be reached, at start or later, is waited for: the app stays open, the
 * window shows a banner (LedgerConnectionWatch -> the `teamLedger` event), and the desk catches up
 * when the server is back.
 */
import type { Settings } from '../../shared/settings';
import { redactLedgerUrl } from '../core/ledger/ledger-url';
import { waitForTeamLedger } from '../core/ledger/ledger-away';
import { openPostgresLedger } from '../core/ledger/postgres-ledger';
import { LedgerConnectionWatch } from '../core/ledger/ledger-connection';
import type { Logger, OpenLedger } from '../core/ports';
import { withLedgerPassword, type LedgerPasswordStore } from '../core/secrets/team-ledger-password';

/** The team ledger this start uses: the URL with the password (for the connection only). */
export interface DesktopTeamLedger {
  /** postgres://user:password@host:port/database: never logged, never sent to the window. */
  url: string;
  /** The same with the password hidden, for logs and messages. */
  redacted: string;
  /** This desk's name (the computer's name when none was given). */
  desk: string;
  /** Whether the keychain held a password for it (false: the server must not ask for one, e.g. ~/.pgpass). */
  hasPassword: boolean;
}

/** The team ledger of these settings, or null for the embedded SQLite ledger. */
export async function desktopTeamLedger(
  settings: Settings,
  passwords: LedgerPasswordStore,
  hostname: string,
): Promise<DesktopTeamLedger | null> {
  const setting = settings.teamLedger;
  if (!setting) return null;
  const password = await passwords.get(setting.url);
  return {
    url: withLedgerPassword(setting.url, password),
    redacted: redactLedgerUrl(setting.url),
    desk: setting.desk.trim() || hostname,
    hasPassword: password !== null,
  };
}

/** The connection watch of a desktop team ledger (what the window's banner follows). */
export function desktopLedgerConnection(teamLedger: DesktopTeamLedger): LedgerConnectionWatch {
  return new LedgerConnectionWatch({ url: teamLedger.redacted, desk: teamLedger.desk });
}

/**
 * The engine's ledger opener for a desktop team ledger: PostgreSQL, waiting out a server that
 * cannot be reached, at start as later (logged once each way, told to `connection` for the
 * window's banner). Waiting ends when `connection` is disposed (the app quits): the start then
 * fails quietly instead of keeping the process alive.
 */
export function openDesktopTeamLedger(
  teamLedger: DesktopTeamLedger,
  logger: Logger,
  connection: LedgerConnectionWatch = desktopLedgerConnection(teamLedger),
  options: { retryMs?: number } = {},
): OpenLedger {
  const waiting = waitForTeamLedger(
    openPostgresLedger({
      url: teamLedger.url,
      applicationName: `authenta-watch ${teamLedger.desk}`.slice(0, 63),
      onConnectionError: (message) =>
        logger.warn('ledger: a connection to the team ledger broke', { message }),
    }),
    {
      waitAtStart: true,
      ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
      onAway: (problem) => {
        logger.warn('ledger: the team ledger cannot be reached; waiting for it', {
          message: problem.message,
        });
        connection.away(problem.message);
      },
      onBack: (awayMs) => {
        logger.info('ledger: the team ledger answers again', { awayMs });
        connection.connected();
      },
    },
  );
  connection.onDispose(() => waiting.stopWaiting());
  return connection.track(waiting);
}
