/**
 * The web host's wire protocol: how the contract (contract.ts) crosses a WebSocket between a
 * browser and `authenta-watch --ui`, and how dropped files are uploaded. Both ends import this
 * file (the browser only its zod-free part, wire-client.ts); messages from the other side are
 * parsed, never trusted as typed.
 *
 * Browser -> host:  `{id, command, args}` (a command) or `{subscribe: [event...]}` (which events
 *                   this browser wants; all of them until it says otherwise).
 * Host -> browser:  `{hello}` once on connect, `{id, ok: true, result}` / `{id, ok: false, error}`
 *                   answering a command, `{event, payload}` for every engine event.
 */
import { z } from 'zod';
import { EVENT_NAMES } from './contract';

import { serverMessageParser } from './wire-client';

export * from './wire-client';

const MessageIdSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A command sent by a browser. `command` is checked against the contract by the host. */
export const CommandRequestSchema = z.object({
  id: MessageIdSchema,
  command: z.string().min(1).max(64),
  args: z.array(z.unknown()).max(8),
});
export type CommandRequest = z.infer<typeof CommandRequestSchema>;

/** The events a browser wants pushed; replaces the previous set. */
export const SubscribeRequestSchema = z.object({
  subscribe: z.array(z.enum(EVENT_NAMES)).max(EVENT_NAMES.length),
});
export type SubscribeRequest = z.infer<typeof SubscribeRequestSchema>;

export type ClientMessage = CommandRequest | SubscribeRequest;

/** A message the other side sent that does not fit the protocol. */
export class WireProtocolError extends Error {
  override readonly name = 'WireProtocolError';
}

/** Parse a browser's message; throws WireProtocolError saying what is wrong. */
export function parseClientMessage(text: string): ClientMessage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new WireProtocolError('The message is not JSON.');
  }
  if (typeof data === 'object' && data !== null && 'subscribe' in data) {
    const sub = SubscribeRequestSchema.safeParse(data);
    if (!sub.success) throw new WireProtocolError(`Invalid subscription: ${z.prettifyError(sub.error)}`);
    return sub.data;
  }
  const cmd = CommandRequestSchema.safeParse(data);
  if (!cmd.success) {
    throw new WireProtocolError(`Expected {id, command, args} or {subscribe}: ${z.prettifyError(cmd.error)}`);
  }
  return cmd.data;
}

/**
 * Parse a host's message; null when it does not fit the protocol. Payloads are checked for shape
 * only: the host is the trusted side of this connection (see serverMessageParser).
 */
export const parseServerMessage = serverMessageParser(EVENT_NAMES);
