/**
 * The one typed wrapper around ipcMain (STYLE.md, habit 3; lint allows raw ipcMain only here).
 * One `ipcMain.handle` per command of the contract: each call is checked for its sender (only the
 * app's own window may call), its arguments are validated with the contract's schemas, and the
 * answer travels as an `IpcReply` so errors cross as `{message, code}`. Engine events go to the
 * window through `forwardEvents`, one channel per event.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { parseArgs, type CommandApi, type CommandName, type EventApi } from '../shared/contract';
import { callCommand, subscribeTo } from '../shared/contract-bridge';
import { toWireError } from '../shared/wire-error';
import type { Disposable, Logger } from './core/ports';
import {
  COMMAND_NAMES,
  EVENT_LIST,
  IPC_ERROR_CODES,
  commandChannel,
  eventChannel,
  type IpcReply,
} from './ipc-channels';
import type { SenderInfo } from './desktop/security';

/** Decides whether an IPC sender may call the engine (see security.ts `isTrustedSender`). */
export type SenderCheck = (sender: SenderInfo) => boolean;

/** The facts of an IPC event the trust decision needs. */
export function senderInfo(event: IpcMainInvokeEvent): SenderInfo {
  const frame = event.senderFrame;
  return {
    webContentsId: event.sender.id,
    frameUrl: frame ? frame.url : null,
    isMainFrame: frame !== null && frame.parent === null,
  };
}

/**
 * Runs one command as the renderer asked for it: checks the sender, validates the arguments,
 * calls the API and wraps the answer. Never throws.
 */
export async function dispatchCommand(
  api: CommandApi,
  name: CommandName,
  sender: SenderInfo,
  args: unknown[],
  isTrusted: SenderCheck,
  logger: Logger,
): Promise<IpcReply> {
  if (!isTrusted(sender)) {
    logger.warn('Refused an IPC call from a frame that is not the app', { command: name });
    return {
      ok: false,
      error: {
        message: 'Only the Authenta Watch window may call the engine.',
        code: IPC_ERROR_CODES.forbiddenSender,
      },
    };
  }
  try {
    const parsed = parseArgs(name, args) as unknown[];
    // AuthentaWatchApi's parameters are the schemas' inputs, so the validated tuple fits.
    const value = await callCommand(api, name, parsed);
    return { ok: true, value };
  } catch (error) {
    const wire = toWireError(error);
    if (wire.code === IPC_ERROR_CODES.invalidArgs)
      logger.warn('Refused a malformed IPC call', { command: name });
    return { ok: false, error: wire };
  }
}

/** Registers one handler per command on ipcMain; dispose removes them all. */
export function registerCommands(api: CommandApi, isTrusted: SenderCheck, logger: Logger): Disposable {
  for (const name of COMMAND_NAMES) {
    ipcMain.handle(commandChannel(name), (event, ...args: unknown[]) =>
      dispatchCommand(api, name, senderInfo(event), args, isTrusted, logger),
    );
  }
  return {
    dispose: () => {
      for (const name of COMMAND_NAMES) ipcMain.removeHandler(commandChannel(name));
    },
  };
}

/**
 * Pushes every engine event to the window (whichever window is current, if any) on the event's
 * channel; dispose unsubscribes from the engine.
 */
export function forwardEvents(api: EventApi, target: () => WebContents | null): Disposable {
  const unsubscribes = EVENT_LIST.map((name) =>
    subscribeTo(api, name, (payload) => {
      const contents = target();
      if (contents && !contents.isDestroyed()) contents.send(eventChannel(name), payload);
    }),
  );
  return {
    dispose: () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    },
  };
}
