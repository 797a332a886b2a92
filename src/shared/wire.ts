/**
 * The web host's wire protocol: how the contract (contract.ts) crosses a WebSocket between a
 * browser and `authenta-watch --ui`, and how dropped files are uploaded. Both ends import this
 * file; messages from the other side are parsed with these schemas, never trusted as typed.
 *
 * Browser -> host:  `{id, command, args}` (a command) or `{subscribe: [event...]}` (which events
 *                   this browser wants; all of them until it says otherwise).
 * Host -> browser:  `{hello}` once on connect, `{id, ok: true, result}` / `{id, ok: false, error}`
 *                   answering a command, `{event, payload}` for every engine event.
 */
import { z } from 'zod';
import {
  EVENT_NAMES,
  type CommandName,
  type DropResult,
  type EventName,
  type EventPayloads,
  type HostCapabilities,
  type WireError,
} from './contract';

/** Version of this protocol, sent in the hello; bumped on an incompatible change. */
export const WIRE_PROTOCOL_VERSION = 1;

/** Path of the WebSocket endpoint. */
export const WS_PATH = '/ws';

/** Path of the upload endpoint: `POST /upload?name=<file name>` with the raw bytes as body. */
export const UPLOAD_PATH = '/upload';

/**
 * Path prefix of the local media: `/media/<media key>/original/<job id>`, `.../thumb/<job id>`
 * and `.../thumb-row/<job id>`.
 * The media key is random per host start and separate from the UI token: it grants reading the
 * files of the ledger's jobs, nothing else (GET and HEAD only).
 */
export const MEDIA_PATH = '/media';

/**
 * Query parameter that carries the access token in the address authenta-watch prints. The page
 * moves it into its session storage and out of the address bar; it is never a cookie, since
 * cookies are not scoped by port and would reach every other web service on the machine.
 */
export const TOKEN_PARAM = 'token';

/** Header that carries the token on HTTP requests (uploads). */
export const TOKEN_HEADER = 'x-authenta-token';

/** The WebSocket subprotocol the host speaks; it answers with this one, never with the token. */
export const WS_PROTOCOL = 'authenta-watch';

/** Prefix of the subprotocol entry that carries the token (browsers cannot set WebSocket headers). */
export const WS_TOKEN_PROTOCOL_PREFIX = 'authenta-token.';

/** The subprotocol list a client offers: the protocol, and the token (base64url fits a protocol name). */
export function wsProtocols(token: string): string[] {
  return [WS_PROTOCOL, `${WS_TOKEN_PROTOCOL_PREFIX}${token}`];
}

/** The token offered in a Sec-WebSocket-Protocol header, or null. */
export function tokenFromWsProtocols(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const p = part.trim();
    if (p.startsWith(WS_TOKEN_PROTOCOL_PREFIX)) return p.slice(WS_TOKEN_PROTOCOL_PREFIX.length);
  }
  return null;
}

/** Where the page keeps the token for this tab (sessionStorage: this origin and tab only). */
export const TOKEN_STORAGE_KEY = 'authenta-watch.token';

/** Error codes the host itself answers with (API errors keep the API's code). */
export const WIRE_ERROR_CODES = {
  /** The message was not JSON or not a known message shape. */
  badMessage: 'BAD_MESSAGE',
  /** The command is not part of the contract. */
  unknownCommand: 'UNKNOWN_COMMAND',
  /** The arguments failed the contract's schema. */
  invalidArgs: 'INVALID_ARGS',
  /** The command exists but this host cannot do it (reveal in folder in a browser). */
  notSupported: 'NOT_SUPPORTED',
  /** The connection closed before the answer came (client side only). */
  disconnected: 'DISCONNECTED',
  /** No connection could be made in time (client side only). */
  unreachable: 'UNREACHABLE',
} as const;

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

/** Sent once when a browser connects. */
export interface HelloMessage {
  hello: {
    protocol: number;
    capabilities: HostCapabilities;
    /** The largest upload the host accepts, so a browser can refuse a bigger file before sending it. */
    maxUploadBytes: number;
  };
}

/** The answer to one command, matched by `id`. `result` is absent for commands that return nothing. */
export type CommandResponse =
  { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: WireError };

/** An engine event, pushed to every subscribed browser. */
export type EventMessage = { [E in EventName]: { event: E; payload: EventPayloads[E] } }[EventName];

export type ServerMessage = HelloMessage | CommandResponse | EventMessage;

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

const WireErrorSchema = z.object({ message: z.string(), code: z.string().nullable() });
const ServerMessageSchema = z.union([
  z.object({
    hello: z.object({
      protocol: z.number(),
      capabilities: z.record(z.string(), z.unknown()),
      maxUploadBytes: z.number(),
    }),
  }),
  z.object({ id: MessageIdSchema, ok: z.literal(true), result: z.unknown().optional() }),
  z.object({ id: MessageIdSchema, ok: z.literal(false), error: WireErrorSchema }),
  z.object({ event: z.enum(EVENT_NAMES), payload: z.unknown() }),
]);

/**
 * Parse a host's message; null when it does not fit the protocol. Payloads are checked for shape
 * only: the host is the trusted side of this connection.
 */
export function parseServerMessage(text: string): ServerMessage | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ServerMessageSchema.safeParse(data);
  return parsed.success ? (parsed.data as ServerMessage) : null;
}

/** Build a command message. */
export function commandMessage(id: number, command: CommandName, args: readonly unknown[]): CommandRequest {
  return { id, command, args: [...args] };
}

/** What `POST /upload` answers: the stored file's name and the engine's addPaths result. */
export interface UploadResponse extends DropResult {
  /** The name the file was stored under in the inbox (sanitised, made unique). */
  name: string;
  size: number;
}

/** The body of every error the web host answers over HTTP. */
export interface HttpErrorBody {
  error: WireError;
}
