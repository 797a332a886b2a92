/**
 * The desktop app's start-up helpers that need no running app: the data folder's creation, the
 * dialog shown when it cannot start (with the log's path), and the wait for an engine whose team
 * ledger may be away. Kept apart from app.ts (the host itself) so each file is read at once.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { app, dialog } from 'electron';
import { defaultDataDir } from '../common/data-dir';
import type { LedgerConnectionWatch } from '../core/ledger/ledger-connection';

/** The log file's name in the logs folder (core/logger.ts FileLogSink's default). */
export const LOG_FILE_NAME = 'authenta-watch.log';

/** The title of the dialog shown when the app cannot start. */
export const START_FAILURE_TITLE = 'Authenta Watch could not start';

/**
 * Tells the user why the app could not start, and where its log is (or would have been), in a
 * native dialog. Waits for ready first: before it, Linux prints the dialog's text to stderr
 * instead of showing it (electron.d.ts, dialog.showErrorBox).
 */
export async function showStartFailure(error: unknown, logFile: string): Promise<void> {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`${START_FAILURE_TITLE}: ${reason}`);
  await app.whenReady();
  const where = existsSync(logFile)
    ? `Details are in the log: ${logFile}`
    : `No log could be written (it would be at ${logFile}).`;
  dialog.showErrorBox(START_FAILURE_TITLE, `${reason}\n\n${where}`);
}

/** The default data folder's log file, for a failure before runDesktop knew its options. */
export function defaultLogFile(): string {
  return join(defaultDataDir(process.platform, process.env, homedir()), 'logs', LOG_FILE_NAME);
}

/**
 * Waits for the engine's start, unless its team ledger's server turns out to be away first:
 * true when it started, false when it waits for the server (the start goes on in the background).
 * A start that fails before that fails here.
 */
export async function startedOrAway(
  starting: Promise<void>,
  connection: LedgerConnectionWatch | null,
): Promise<boolean> {
  if (!connection) {
    await starting;
    return true;
  }
  let listener: { dispose(): void } | null = null;
  const away = new Promise<false>((resolve) => {
    const check = (): void => {
      if (connection.state.connection === 'away') resolve(false);
    };
    listener = connection.onDidChange(check);
    check();
  });
  try {
    return await Promise.race([starting.then(() => true as const), away]);
  } finally {
    (listener as { dispose(): void } | null)?.dispose();
  }
}

export function createDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new Error(
      `Authenta Watch keeps its settings, queue and log in ${dataDir}, but could not create that folder (${code}). ` +
        'Check that your account may write there and that the disk has free space, then start it again.',
      { cause: error },
    );
  }
}
