/**
 * The browser's `window.authenta`: the contract spoken over the web host's WebSocket
 * (src/shared/wire.ts). It reconnects by itself with backoff, keeps every listener across
 * reconnects, and never leaves a call hanging: a call the host did not answer before the
 * connection dropped is rejected with a message that says so.
 */
import type {
  AuthentaWatchApi,
  CommandName,
  DropResult,
  EventName,
  EventPayloads,
  Unsubscribe,
} from '../../../shared/contract';
import { commandsOver, eventsOver } from '../../../shared/contract-bridge';
import {
  TOKEN_HEADER,
  TOKEN_PARAM,
  TOKEN_STORAGE_KEY,
  UPLOAD_PATH,
  WIRE_ERROR_CODES,
  WS_PATH,
  commandMessage,
  wsProtocols,
  serverMessageParser,
  type HttpErrorBody,
  type ServerMessage,
  type UploadResponse,
} from '../../../shared/wire-client';
import { COMMAND_NAMES, EVENT_NAMES } from './contract-names';

/** The host's messages, checked for shape (wire-client.ts: no schema library in the page). */
const parseServerMessage = serverMessageParser(EVENT_NAMES);

/** The part of the WebSocket API this client uses (browsers' WebSocket; `ws` in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type SocketConstructor = new (url: string, protocols?: string[]) => SocketLike;

export interface WsApiOptions {
  /** The WebSocket address; default: this page's host, path /ws. */
  url?: string;
  /**
   * The access token, offered in the WebSocket protocol list (a getter is read at each
   * connection); default: this page's (pageToken).
   */
  token?: string | null | (() => string | null);
  /** Default: the browser's WebSocket. */
  WebSocketImpl?: SocketConstructor;
  /** How long a call made while disconnected waits for the connection (default 15 s). */
  callTimeoutMs?: number;
  /** Reconnect delays: from `initialMs`, doubling, at most `maxMs` (defaults 250 ms and 10 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * A socket the page opened before its script ran (public/early-connect.js, see takeEarlySocket):
   * the first connection, when it is for this address and token and not closed.
   */
  firstSocket?: EarlySocket | null;
}

/** The socket public/early-connect.js opened, with the messages that came before the client took it. */
export interface EarlySocket {
  token: string;
  url: string;
  socket: SocketLike;
  /** The data of every message received so far, in order. */
  messages: unknown[];
  /**
   * The call the script sends once the socket is open (the queue's first page): its answer goes
   * to the client's first call of the same command with the same arguments.
   */
  first?: { id: number; command: string; args: unknown[] } | null;
}

/**
 * The socket public/early-connect.js opened for `token`, once (it is removed from the page); null
 * when there is none. Its messages go to a list until the client takes it.
 */
export function takeEarlySocket(token: string | null): EarlySocket | null {
  const page = globalThis as { authentaEarlySocket?: EarlySocket };
  const early = page.authentaEarlySocket;
  delete page.authentaEarlySocket;
  if (!early) return null;
  if (early.token !== token) {
    early.socket.close();
    return null;
  }
  return early;
}

/** `connecting`: first attempt; `reconnecting`: lost and trying again; `closed`: by `close()`. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The contract plus what only a remote connection has. */
export interface WsApi extends AuthentaWatchApi {
  /** Called on every change of the connection; after a reconnect ('open' again) reload lists. */
  onConnection(listener: (state: ConnectionState) => void): Unsubscribe;
  connectionState(): ConnectionState;
  /** Close for good: pending calls are rejected, no reconnect. */
  close(): void;
}

/** A call that failed: the host's message, and the API's or the host's code when there is one. */
export class WsApiError extends Error {
  override readonly name = 'WsApiError';
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

interface Pending {
  command: CommandName;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Queued extends Pending {
  id: number;
  args: unknown[];
  /** Set while the call waits for a connection. */
  timer?: ReturnType<typeof setTimeout>;
}

const OPEN = 1;

/** The largest upload the host said it accepts (from its hello); null until a hello came. */
let hostMaxUploadBytes: number | null = null;

/** Connect to the web host and return the contract over the connection. */
export function createWsApi(options: WsApiOptions = {}): WsApi {
  const url = options.url ?? defaultSocketUrl();
  const given = options.token === undefined ? pageToken() : options.token;
  const tokenNow = typeof given === 'function' ? given : () => given;
  const Impl = options.WebSocketImpl ?? (globalThis.WebSocket as unknown as SocketConstructor);
  const callTimeoutMs = options.callTimeoutMs ?? 15_000;
  const initialMs = options.backoff?.initialMs ?? 250;
  const maxMs = options.backoff?.maxMs ?? 10_000;

  let socket: SocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let everOpened = false;
  let closedForGood = false;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  const inflight = new Map<number, Pending>();
  /** The early script's call by command and arguments (JSON), until the client makes it. */
  const prefetched = new Map<string, Promise<unknown>>();
  const queued: Queued[] = [];
  const listeners = new Map<EventName, Set<(payload: never) => void>>(EVENT_NAMES.map((e) => [e, new Set()]));
  const connectionListeners = new Set<(state: ConnectionState) => void>();

  function setState(next: ConnectionState): void {
    if (state === next) return;
    state = next;
    for (const l of [...connectionListeners]) safely(() => l(next));
  }

  /** The early socket, when it is this client's to take: this address and token, not closing. */
  function adoptable(): EarlySocket | null {
    const early = options.firstSocket;
    if (!early) return null;
    if (early.url === url && early.token === tokenNow() && early.socket.readyState <= OPEN) return early;
    early.socket.close();
    return null;
  }

  function connect(first: EarlySocket | null = null): void {
    reconnectTimer = null;
    setState(everOpened ? 'reconnecting' : 'connecting');
    let ws: SocketLike;
    if (first) ws = first.socket;
    else {
      try {
        const token = tokenNow();
        ws = token ? new Impl(url, wsProtocols(token)) : new Impl(url);
      } catch {
        scheduleReconnect();
        return;
      }
    }
    socket = ws;
    const onOpen = (): void => {
      if (socket !== ws) return;
      attempt = 0;
      sendSubscription();
      for (const q of queued.splice(0)) {
        clearTimeout(q.timer);
        transmit(q);
      }
      const reconnected = everOpened;
      everOpened = true;
      setState('open');
      if (reconnected) refreshStatus();
    };
    ws.onopen = onOpen;
    const receive = (data: unknown): void => {
      const message = parseServerMessage(typeof data === 'string' ? data : String(data));
      if (message) handle(message);
    };
    ws.onmessage = (ev) => {
      if (socket !== ws) return;
      receive(ev.data);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failInflight();
      if (closedForGood) setState('closed');
      else scheduleReconnect();
    };
    ws.onerror = () => {
      // A close event always follows; it decides what to do.
    };
    if (first) {
      const early = first.first;
      if (early) {
        // Its answer may be among the messages already received: wait for it before reading them.
        const command = early.command as CommandName;
        const answer = new Promise<unknown>((resolve, reject) => {
          inflight.set(early.id, { command, resolve, reject });
        });
        answer.catch(() => undefined);
        prefetched.set(callKey(command, early.args), answer);
        nextId = Math.max(nextId, early.id + 1);
      }
      // What the host sent before the take-over (its hello), in order; then, if it is open
      // already, what its open event would have done.
      for (const data of first.messages.splice(0)) receive(data);
      if (ws.readyState === OPEN) onOpen();
    }
  }

  function scheduleReconnect(): void {
    if (closedForGood || reconnectTimer !== null) return;
    setState(everOpened ? 'reconnecting' : 'connecting');
    const base = Math.min(maxMs, initialMs * 2 ** attempt);
    attempt = Math.min(attempt + 1, 16);
    reconnectTimer = setTimeout(connect, base / 2 + Math.random() * (base / 2));
  }

  function failInflight(): void {
    for (const [id, p] of inflight) {
      inflight.delete(id);
      p.reject(
        new WsApiError(
          `The connection to Authenta Watch was lost before it answered "${p.command}". ` +
            'It reconnects by itself; check the result, then try again if needed.',
          WIRE_ERROR_CODES.disconnected,
        ),
      );
    }
  }

  function handle(message: ServerMessage): void {
    if ('hello' in message) {
      hostMaxUploadBytes = message.hello.maxUploadBytes;
      return;
    }
    if ('event' in message) {
      const set = listeners.get(message.event);
      for (const l of [...(set ?? [])]) safely(() => (l as (p: unknown) => void)(message.payload));
      return;
    }
    const pending = inflight.get(message.id);
    if (!pending) return;
    inflight.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new WsApiError(message.error.message, message.error.code));
  }

  function transmit(call: Queued): void {
    inflight.set(call.id, call);
    try {
      socket?.send(JSON.stringify(commandMessage(call.id, call.command, call.args)));
    } catch (e) {
      inflight.delete(call.id);
      call.reject(
        new WsApiError(`Could not send "${call.command}": ${String(e)}`, WIRE_ERROR_CODES.disconnected),
      );
    }
  }

  function call<T>(command: CommandName, args: unknown[]): Promise<T> {
    const key = callKey(command, args);
    const early = prefetched.get(key);
    if (early) {
      prefetched.delete(key);
      return early as Promise<T>;
    }
    return new Promise<T>((resolve, reject) => {
      if (closedForGood) {
        reject(
          new WsApiError(
            'This connection to Authenta Watch was closed; reload the page.',
            WIRE_ERROR_CODES.disconnected,
          ),
        );
        return;
      }
      const id = nextId++;
      const entry = { id, command, args, resolve: resolve as (v: unknown) => void, reject };
      if (socket && socket.readyState === OPEN) {
        transmit(entry);
        return;
      }
      const timer = setTimeout(() => {
        const at = queued.findIndex((q) => q.id === id);
        if (at >= 0) queued.splice(at, 1);
        reject(
          new WsApiError(
            `Cannot reach Authenta Watch at ${hostOf(url)}. Check that \`authenta-watch --ui\` is still running, then reload the page.`,
            WIRE_ERROR_CODES.unreachable,
          ),
        );
      }, callTimeoutMs);
      queued.push({ ...entry, timer });
    });
  }

  function sendSubscription(): void {
    if (!socket || socket.readyState !== OPEN) return;
    const wanted = EVENT_NAMES.filter((e) => (listeners.get(e)?.size ?? 0) > 0);
    socket.send(JSON.stringify({ subscribe: wanted }));
  }

  function on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): Unsubscribe {
    const set = listeners.get(event) as Set<(payload: EventPayloads[E]) => void>;
    const first = set.size === 0;
    set.add(listener);
    if (first) sendSubscription();
    return () => {
      if (set.delete(listener) && set.size === 0) sendSubscription();
    };
  }

  /** After a reconnect the status may have moved on: hand the listeners a fresh one. */
  function refreshStatus(): void {
    if ((listeners.get('status')?.size ?? 0) === 0) return;
    call<EventPayloads['status']>('getStatus', []).then(
      (status) => handle({ event: 'status', payload: status }),
      () => undefined,
    );
  }

  connect(adoptable());

  const api: WsApi = {
    ...commandsOver(COMMAND_NAMES, (command, args) => call(command, withoutTrailingUndefined(args))),
    ...eventsOver(EVENT_NAMES, on),
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    connectionState: () => state,
    close() {
      if (closedForGood) return;
      closedForGood = true;
      if (reconnectTimer !== null) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      for (const q of queued.splice(0)) {
        clearTimeout(q.timer);
        q.reject(
          new WsApiError('This connection to Authenta Watch was closed.', WIRE_ERROR_CODES.disconnected),
        );
      }
      const ws = socket;
      socket = null;
      failInflight();
      ws?.close(1000, 'closed by the page');
      setState('closed');
    },
  };
  return api;
}

/**
 * Resolves true once `api` is connected, or false after `maxMs` (the host is slow or away; the
 * client keeps trying by itself). The page starts its first calls, waits for this, and only then
 * builds the UI: the calls are on the wire while the UI is built, instead of waiting for it.
 */
export function whenOpen(
  api: Pick<WsApi, 'onConnection' | 'connectionState'>,
  maxMs: number,
): Promise<boolean> {
  if (api.connectionState() === 'open') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (open: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(open);
    };
    const timer = setTimeout(() => done(false), maxMs);
    const unsubscribe = api.onConnection((state) => {
      if (state === 'open') done(true);
      else if (state === 'closed') done(false);
    });
  });
}

export interface UploadOptions {
  /** Where the web host is; default: this page. */
  baseUrl?: string;
  /** Default: the browser's fetch. */
  fetchImpl?: typeof fetch;
  /** The access token, sent in a header; default: this page's (pageToken). */
  token?: string | null;
}

/**
 * `window.authentaDrop` in a browser: streams each dropped file to the web host's inbox (one at
 * a time), which hands it to the engine. Never rejects: a file that could not be sent is listed
 * in `rejected` with the reason.
 */
export async function uploadDroppedFiles(files: File[], options: UploadOptions = {}): Promise<DropResult> {
  const doFetch = options.fetchImpl ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl ?? '';
  const token = options.token === undefined ? pageToken() : options.token;
  const result: DropResult = { accepted: 0, rejected: [] };
  for (const file of files) {
    if (hostMaxUploadBytes !== null && file.size > hostMaxUploadBytes) {
      result.rejected.push({
        path: file.name,
        reason: 'The file is larger than this host accepts; copy it into a watched folder instead.',
      });
      continue;
    }
    try {
      const res = await doFetch(`${base}${UPLOAD_PATH}?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        body: file,
        credentials: 'omit',
        headers: { 'Content-Type': 'application/octet-stream', ...(token ? { [TOKEN_HEADER]: token } : {}) },
      });
      const body: unknown = await res.json().catch(() => null);
      if (res.ok && isUploadResponse(body)) {
        result.accepted += body.accepted;
        for (const r of body.rejected) result.rejected.push({ path: file.name, reason: r.reason });
      } else {
        const message = (body as Partial<HttpErrorBody> | null)?.error?.message;
        result.rejected.push({
          path: file.name,
          reason:
            message ??
            (res.status === 401
              ? 'The access token is no longer valid: open the address authenta-watch printed at start.'
              : `The host refused the file (HTTP ${res.status}).`),
        });
      }
    } catch (e) {
      result.rejected.push({
        path: file.name,
        reason: `The upload was interrupted (${e instanceof Error ? e.message : String(e)}); check that authenta-watch is running and drop the file again.`,
      });
    }
  }
  return result;
}

function isUploadResponse(v: unknown): v is UploadResponse {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as UploadResponse).accepted === 'number' &&
    Array.isArray((v as UploadResponse).rejected)
  );
}

/** The parts of a browser window pageToken uses (no DOM types, so Node-side tests import this file). */
export interface TokenWindow {
  location: { href: string };
  history: { replaceState(data: unknown, unused: string, url: string): void; state?: unknown };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

/**
 * This page's access token. On the first visit it is in the address (`?token=`): it moves into
 * this tab's session storage (readable by this origin only, unlike a cookie, which every port of
 * the machine receives) and out of the address bar and history. After a reload it comes from
 * there. Null when there is none (outside a browser, or opened without the printed address).
 */
export function pageToken(win: TokenWindow | undefined = browserWindow()): string | null {
  if (!win) return null;
  try {
    const here = new URL(win.location.href);
    const given = here.searchParams.get(TOKEN_PARAM);
    if (given) {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, given);
      here.searchParams.delete(TOKEN_PARAM);
      win.history.replaceState(win.history.state ?? null, '', `${here.pathname}${here.search}${here.hash}`);
      return given;
    }
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    // Storage disabled: the token still works for this page view.
    return null;
  }
}

function browserWindow(): TokenWindow | undefined {
  const g = globalThis as unknown as Partial<TokenWindow>;
  return g.location && g.history && g.sessionStorage ? (g as TokenWindow) : undefined;
}

function defaultSocketUrl(): string {
  // Written without DOM types so the Node-side tests can import this module too.
  const loc = (globalThis as unknown as { location: { protocol: string; host: string } }).location;
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${WS_PATH}`;
}

/**
 * The arguments as they go on the wire. An optional argument left out must stay out: JSON turns
 * an `undefined` in an array into `null`, which the host's schema refuses.
 */
function withoutTrailingUndefined(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end -= 1;
  return args.slice(0, end);
}

/** A call's command and arguments as one string: the same call, the same key. */
function callKey(command: string, args: unknown[]): string {
  return `${command} ${JSON.stringify(args)}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    // One broken listener must not starve the others.
    console.error(e);
  }
}
