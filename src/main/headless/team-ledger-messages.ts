/**
 * What the CLI says while its team ledger's server is away (ledger-away.ts): one line when it goes
 * away, naming what to do and that nothing is lost, one when it is back. A `--once` run that cannot
 * reach the server at start ends at once (exit 5, "run again later"); a watching run waits for it.
 */
import type { WaitForTeamLedgerOptions } from '../core/ledger/ledger-away';
import type { Logger } from '../core/ports';

/** The CLI's waiting options: `say` prints a line for people (the messages hold no password). */
export function teamLedgerWaits(
  once: boolean,
  say: (text: string) => void,
  logger: Logger,
): WaitForTeamLedgerOptions {
  return {
    waitAtStart: !once,
    onAway: (problem) => {
      say(
        `authenta-watch: ${problem.message} Waiting for it: nothing is sent or lost meanwhile, and files that arrive are checked once it is back.`,
      );
      logger.warn('ledger: the team ledger cannot be reached; waiting for it', { message: problem.message });
    },
    onBack: (awayMs) => {
      say(`authenta-watch: the team ledger answers again (away ${Math.round(awayMs / 1000)} s); going on.`);
      logger.info('ledger: the team ledger answers again', { awayMs });
    },
  };
}

/**
 * A `--once` run's deadline while the team ledger is away: the run's own `--timeout` cannot list
 * what is pending (the list is in the ledger), so at the deadline, if the server is still away,
 * say so and stop waiting: the waiting calls fail, the run ends with exit 5 ("run again later").
 * Nothing was lost: the files resume on the next run, none is sent twice.
 */
export function giveUpOnLedgerAt(
  timeoutSec: number | null,
  ledger: { isAway(): boolean; stopWaiting(): void },
  say: (text: string) => void,
): { dispose(): void } | null {
  if (timeoutSec === null) return null;
  const timer = setTimeout(() => {
    if (!ledger.isAway()) return;
    say(
      `authenta-watch: Gave up waiting after ${timeoutSec} s (--timeout): the team ledger still cannot be reached. The files resume on the next run; nothing is sent twice.`,
    );
    ledger.stopWaiting();
  }, timeoutSec * 1000);
  timer.unref();
  return { dispose: () => clearTimeout(timer) };
}
