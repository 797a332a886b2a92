/**
 * How an error crosses from the engine to a UI, for both hosts (the desktop's IPC and the web
 * host's WebSocket): one rule, so the same failure reads the same in the window and the browser.
 */
import { ContractError, type WireError } from './contract';
import { WIRE_ERROR_CODES } from './wire';

/**
 * An error as it crosses to the UI: its message and, when it carries one, its string code (the
 * API's code, such as `IAM001`, which the UI uses to say what to do). Arguments that failed the
 * contract's schemas carry `INVALID_ARGS`. Never throws.
 */
export function toWireError(error: unknown): WireError {
  if (error instanceof ContractError) return { message: error.message, code: WIRE_ERROR_CODES.invalidArgs };
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return { message, code: typeof code === 'string' ? code : null };
}
