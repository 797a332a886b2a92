/**
 * The IPC channel names and the reply envelope shared by the main process (src/main/ipc.ts) and
 * the preload (src/preload/index.ts). Plain data only, and only type imports from the contract:
 * the sandboxed preload is one CommonJS script that may `require` nothing but `electron`, so it
 * must not pull zod in at run time. The lists below are checked against the contract's types
 * here and against its run-time tables in tests/unit/main/ipc.test.ts.
 */
import type { CommandName, EVENT_METHODS, EventName, WireError } from '../shared/contract';

/** Every command of the contract, in the order of COMMAND_ARGS. */
export const COMMAND_NAMES = [
  'getCapabilities',
  'getStatus',
  'listJobs',
  'getJob',
  'retryJob',
  'cancelJob',
  'deleteRemote',
  'revealJob',
  'openLink',
  'pauseAll',
  'resumeAll',
  'pauseFolder',
  'resumeFolder',
  'addFolder',
  'updateFolder',
  'removeFolder',
  'pickFolder',
  'addPaths',
  'listProfiles',
  'saveProfile',
  'removeProfile',
  'selectProfile',
  'setSecret',
  'clearSecret',
  'testConnection',
  'exportReport',
  'getPreferences',
  'updatePreferences',
  'setReview',
  'getMediaBase',
  'saveVideoPoster',
  'pickFiles',
  'savePdf',
] as const satisfies readonly CommandName[];

/** Every event of the contract with the method that subscribes to it. */
export const EVENT_SUBSCRIPTIONS = {
  jobsChanged: 'onJobsChanged',
  status: 'onStatus',
  progress: 'onProgress',
  openJob: 'onOpenJob',
} as const satisfies typeof EVENT_METHODS;

/** The event names, in a fixed order. */
export const EVENT_LIST = Object.keys(EVENT_SUBSCRIPTIONS) as EventName[];

// A command added to the contract but not to COMMAND_NAMES fails the type check here.
type MissingCommands = Exclude<CommandName, (typeof COMMAND_NAMES)[number]>;
const _allCommandsListed: [MissingCommands] extends [never] ? true : MissingCommands = true;
void _allCommandsListed;

/** The channel a command is invoked on. */
export function commandChannel(name: CommandName): string {
  return `authenta:command:${name}`;
}

/** The channel an event is pushed to the window on. */
export function eventChannel(name: EventName): string {
  return `authenta:event:${name}`;
}

/**
 * What every command handler answers. Errors travel as values because Electron keeps only the
 * message of a thrown error (and prefixes it), which would lose the API's code.
 */
export type IpcReply<T = unknown> = { ok: true; value: T } | { ok: false; error: WireError };

/** Codes the IPC layer itself answers with (API errors keep the API's code). */
export const IPC_ERROR_CODES = {
  /** The call came from a frame that is not the app's own window. */
  forbiddenSender: 'FORBIDDEN_SENDER',
  /** The arguments failed the contract's schema. */
  invalidArgs: 'INVALID_ARGS',
  /** The command exists but this host cannot do it. */
  notSupported: 'NOT_SUPPORTED',
} as const;
