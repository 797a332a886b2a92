/**
 * The WebSocket bridge's decisions as pure functions: how a browser's message is read (and what
 * it is told when it cannot be), and what a slow browser gets (backpressure). The bridge in
 * ws-bridge.ts only applies them.
 */
import type { EventName, WireError } from '../../../shared/contract';
import {
  WIRE_ERROR_CODES,
  WireProtocolError,
  parseClientMessage,
  type ClientMessage,
} from '../../../shared/wire';

/** Above this many unsent bytes a browser gets no progress events. */
export const SOFT_BUFFER_LIMIT = 1024 ** 2;
/** Above this many unsent bytes a browser is dropped (it reconnects and reloads). */
export const HARD_BUFFER_LIMIT = 16 * 1024 ** 2;

/** What to do with one event for one browser. */
export type Backpressure = 'send' | 'skip' | 'drop';

/**
 * A browser that cannot keep up is dropped rather than holding memory here; one that is behind
 * misses progress events (the next one replaces them) but never a job change or a status.
 */
export function backpressure(event: EventName, bufferedBytes: number): Backpressure {
  if (bufferedBytes > HARD_BUFFER_LIMIT) return 'drop';
  if (event === 'progress' && bufferedBytes > SOFT_BUFFER_LIMIT) return 'skip';
  return 'send';
}

/**
 * A browser's message read: the message, or the error to answer (to `id` when the message
 * carried one; with no id to answer to, the connection is closed as malformed).
 */
export type DecodedMessage =
  { ok: true; message: ClientMessage } | { ok: false; id: number | null; error: WireError };

/** Read one WebSocket message (`text` is null for a binary one). */
export function decodeClientMessage(text: string | null): DecodedMessage {
  try {
    if (text === null) throw new WireProtocolError('Binary messages are not part of the protocol.');
    return { ok: true, message: parseClientMessage(text) };
  } catch (e) {
    return {
      ok: false,
      id: text === null ? null : idOf(text),
      error: { message: e instanceof Error ? e.message : String(e), code: WIRE_ERROR_CODES.badMessage },
    };
  }
}

/** The id of a message that failed to parse, so the sender still gets an answer. */
export function idOf(text: string): number | null {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v === 'object' && v !== null && 'id' in v) {
      const id = (v as { id: unknown }).id;
      if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
    }
  } catch {
    // not JSON: no id
  }
  return null;
}
