/**
 * The contract's commands as a browser gets them: most go to the engine, the few that depend on
 * the host are answered here (no native pickers, no reveal, no PDF printing in a browser; the
 * media base carries this host's media key).
 */
import {
  isCommandName,
  parseArgs,
  type AuthentaWatchApi,
  type HostCapabilities,
} from '../../../shared/contract';
import { MEDIA_PATH, WIRE_ERROR_CODES } from '../../../shared/wire';

/** What the web host offers a browser: no native picker, no reveal, uploads of dropped files. */
export const WEB_CAPABILITIES: HostCapabilities = Object.freeze({
  host: 'web',
  nativeFolderPicker: false,
  revealInFolder: false,
  dropUploads: true,
  nativeFilePicker: false,
  pdf: false,
});

/** A command this host cannot do, with what the user can do instead. */
class NotSupportedError extends Error {
  readonly code = WIRE_ERROR_CODES.notSupported;
}

/** The answer to a command name the contract does not know. */
export class UnknownCommandError extends Error {
  readonly code = WIRE_ERROR_CODES.unknownCommand;
  constructor(command: string) {
    super(`Unknown command "${command}".`);
  }
}

/** The prefix of this host's media URLs: `/media/<media key>`. */
export function mediaBaseOf(mediaKey: string): string {
  return `${MEDIA_PATH}/${mediaKey}`;
}

/**
 * Run one command a browser sent: its arguments are validated with the contract's schemas first
 * (ContractError when they fail). Rejects with UnknownCommandError for a name outside the
 * contract, with a NOT_SUPPORTED error for what only the desktop app can do.
 */
export async function runWebCommand(
  api: AuthentaWatchApi,
  command: string,
  args: unknown[],
  mediaKey: string,
): Promise<unknown> {
  if (!isCommandName(command)) throw new UnknownCommandError(command);
  const parsed = parseArgs(command, args) as unknown[];
  switch (command) {
    case 'getCapabilities':
      return WEB_CAPABILITIES;
    case 'pickFolder':
      return null;
    case 'pickFiles':
      return [];
    case 'getMediaBase':
      return mediaBaseOf(mediaKey);
    case 'savePdf':
      throw new NotSupportedError(
        "Saving a PDF works only in the desktop app; use your browser's Print, then Save as PDF.",
      );
    case 'revealJob':
      throw new NotSupportedError(
        'Showing a file in its folder works only in the desktop app; the path is shown in the job details.',
      );
    default: {
      const method = api[command] as (...a: unknown[]) => Promise<unknown>;
      return method.apply(api, parsed);
    }
  }
}
