/**
 * The preload: exposes `window.authenta`, exactly the contract (one function per command, each
 * subscription returning an unsubscribe), and `window.authentaDrop`, which turns dropped files
 * into paths. The renderer never sees ipcRenderer (lint allows it only here). Bundled as one
 * sandbox-compatible CommonJS script, so it imports only `electron` and type-only modules at run
 * time (see src/main/ipc-channels.ts).
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { AuthentaWatchApi, CommandName, DropResult, EventName, EventPayloads } from '../shared/contract';
import { commandsOver, eventsOver } from '../shared/contract-bridge';
import { COMMAND_NAMES, EVENT_LIST, commandChannel, eventChannel, type IpcReply } from '../main/ipc-channels';

/** The part of ipcRenderer the preload uses. */
export type RendererIpc = Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>;

/**
 * A failed command as the renderer receives it: a plain object, because contextBridge keeps only
 * the message of an Error and would drop the API's code.
 */
export interface CommandFailure {
  name: 'AuthentaWatchError';
  message: string;
  code: string | null;
}

/** Builds the contract over IPC: every command invokes its channel and unwraps the reply. */
export function createApi(ipc: RendererIpc): AuthentaWatchApi {
  const call = async (name: CommandName, args: unknown[]): Promise<unknown> => {
    const reply = (await ipc.invoke(commandChannel(name), ...args)) as IpcReply;
    if (reply.ok) return reply.value;
    const failure: CommandFailure = {
      name: 'AuthentaWatchError',
      message: reply.error.message,
      code: reply.error.code,
    };
    throw failure;
  };
  const listen = <E extends EventName>(name: E, listener: (payload: EventPayloads[E]) => void) => {
    // The renderer gets the payload only, never the IPC event (it carries the sender).
    const handler = (_event: IpcRendererEvent, payload: EventPayloads[E]): void => listener(payload);
    ipc.on(eventChannel(name), handler);
    return () => {
      ipc.removeListener(eventChannel(name), handler);
    };
  };

  return { ...commandsOver(COMMAND_NAMES, call), ...eventsOver(EVENT_LIST, listen) };
}

/**
 * Turns dropped files into paths (webUtils.getPathForFile) and hands them to addPaths. Files with
 * no path on this computer (dragged from a web page) are reported as rejected.
 */
export function createDrop(
  api: Pick<AuthentaWatchApi, 'addPaths'>,
  pathForFile: (file: File) => string,
): (files: File[]) => Promise<DropResult> {
  return async (files) => {
    const paths: string[] = [];
    const rejected: DropResult['rejected'] = [];
    for (const file of Array.from(files)) {
      const path = pathForFile(file);
      if (path) paths.push(path);
      else
        rejected.push({
          path: file.name,
          reason: 'It is not a file on this computer; save it first, then drop it.',
        });
    }
    if (paths.length === 0) return { accepted: 0, rejected };
    const result = await api.addPaths(paths);
    return { accepted: result.accepted, rejected: [...result.rejected, ...rejected] };
  };
}

const api = createApi(ipcRenderer);
contextBridge.exposeInMainWorld('authenta', api);
contextBridge.exposeInMainWorld(
  'authentaDrop',
  createDrop(api, (file) => webUtils.getPathForFile(file)),
);
