/**
 * The IPC channel names and the reply envelope shared by the main process (src/main/ipc.ts) and
 * the preload (src/preload/index.ts). Plain data only, and only type imports from the contract:
 * the sandboxed preload is one CommonJS script that may `require` nothing but `electron`, so it
 * must not pull zod in at run time. The command and event names therefore come from the
 * contract's tables at build time (`__AUTHENTA_CONTRACT__`, see CONTRACT_NAMES in
 * src/shared/contract.ts); tests/unit/main/ipc.test.ts checks them against the tables.
 */
import type { CommandName, EVENT_METHODS, EventName, WireError } from '../shared/contract';
import { eventMethod, type ContractNames } from '../shared/contract-bridge';

/** Compiled in by electron.vite.config.ts and vitest.config.ts from the contract's tables. */
declare const __AUTHENTA_CONTRACT__: ContractNames;

/** Every command of the contract, in the order of its table. */
export const COMMAND_NAMES: readonly CommandName[] = __AUTHENTA_CONTRACT__.commands;

/** The event names, in the order of the contract's table. */
export const EVENT_LIST: readonly EventName[] = __AUTHENTA_CONTRACT__.events;

/** Every event of the contract with the method that subscribes to it. */
export const EVENT_SUBSCRIPTIONS = Object.fromEntries(
  EVENT_LIST.map((name) => [name, eventMethod(name)]),
) as typeof EVENT_METHODS;

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
