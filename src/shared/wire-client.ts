/**
 * The part of the web host's wire protocol (wire.ts) a browser needs, without zod: names, paths,
 * the token's handling, the host's messages and their shape check. The page loads this, and only
 * this, of the protocol, so its bundle carries no schema library to evaluate before its first
 * rows (issue 12); wire.ts re-exports all of it for the host, which also parses browsers'
 * messages with schemas.
 */
import type {
  CommandName,
  DropResult,
  EventName,
  EventPayloads,
  HostCapabilities,
  WireError,
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

/**
 * The parser of a host's messages for these event names: null when a message does not fit the
 * protocol. Payloads are checked for shape only (the host is the trusted side of this
 * connection); like a schema, it keeps only the fields the protocol names.
 */
export function serverMessageParser(eventNames: readonly string[]): (text: string) => ServerMessage | null {
  const events = new Set(eventNames);
  return (text) => {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return null;
    }
    if (!isRecord(data)) return null;
    if ('hello' in data) {
      const h = data['hello'];
      if (!isRecord(h) || typeof h['protocol'] !== 'number' || typeof h['maxUploadBytes'] !== 'number')
        return null;
      if (!isRecord(h['capabilities'])) return null;
      return {
        hello: {
          protocol: h['protocol'],
          capabilities: h['capabilities'] as unknown as HostCapabilities,
          maxUploadBytes: h['maxUploadBytes'],
        },
      };
    }
    if ('event' in data) {
      if (typeof data['event'] !== 'string' || !events.has(data['event'])) return null;
      return { event: data['event'], payload: data['payload'] } as ServerMessage;
    }
    const id = data['id'];
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return null;
    if (data['ok'] === true)
      return 'result' in data ? { id, ok: true, result: data['result'] } : { id, ok: true };
    if (data['ok'] !== false) return null;
    const error = data['error'];
    if (!isRecord(error) || typeof error['message'] !== 'string') return null;
    if (error['code'] !== null && typeof error['code'] !== 'string') return null;
    return { id, ok: false, error: { message: error['message'], code: error['code'] } };
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Build a command message. */
export function commandMessage(
  id: number,
  command: CommandName,
  args: readonly unknown[],
): { id: number; command: CommandName; args: unknown[] } {
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
