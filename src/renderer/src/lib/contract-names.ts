/**
 * The contract's command and event names, compiled into the renderer at build time
 * (`__AUTHENTA_CONTRACT__`, see CONTRACT_DEFINE in src/shared/contract.ts) instead of imported
 * from contract.ts: that module builds every command's zod schema when it loads, which the page
 * would pay for before its first rows (issue 12), and the page needs only the names.
 * tests/integration/headless/ws-api.test.ts checks that the client knows every command.
 */
import type { ContractNames } from '../../../shared/contract-bridge';
import type { CommandName, EventName } from '../../../shared/contract';

/** Compiled in by electron.vite.config.ts and vitest.config.ts from the contract's tables. */
declare const __AUTHENTA_CONTRACT__: ContractNames;

/** Every command of the contract, in the order of its table. */
export const COMMAND_NAMES: readonly CommandName[] = __AUTHENTA_CONTRACT__.commands;

/** Every event of the contract, in the order of its table. */
export const EVENT_NAMES: readonly EventName[] = __AUTHENTA_CONTRACT__.events;
