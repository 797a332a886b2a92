/**
 * The contract over a WebSocket: each browser gets a hello, sends commands and gets their answers,
 * and receives the engine events it subscribed to. One subscription per engine event is fanned out
 * to every browser; a slow one misses progress events or is dropped (ws-protocol.ts), and pings
 * find browsers that went away without a word. Access is decided before a socket gets here.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  EVENT_METHODS,
  EVENT_NAMES,
  type AuthentaWatchApi,
  type EventName,
  type Unsubscribe,
} from '../../../shared/contract';
import {
  WIRE_PROTOCOL_VERSION,
  WS_PROTOCOL,
  type CommandResponse,
  type HelloMessage,
} from '../../../shared/wire';
import { toWireError } from '../../../shared/wire-error';
import type { Logger } from '../../core/ports';
import { errorText } from './http-answers';
import { WEB_CAPABILITIES, runWebCommand } from './web-commands';
import { backpressure, decodeClientMessage } from './ws-protocol';

/** What the bridge needs from its host. */
export interface WsBridgeOptions {
  api: AuthentaWatchApi;
  logger: Logger;
  /** Largest WebSocket message in bytes. */
  maxMessageBytes: number;
  /** Told to browsers in the hello, so they refuse bigger drops before sending them. */
  maxUploadBytes: number;
  mediaKey: string;
  /** Interval of the pings that find dead browsers. */
  heartbeatMs: number;
  /** Sees every engine event before the browsers do (the host's own bookkeeping). */
  onEvent?: (name: EventName, payload: unknown) => void;
}

/** The bridge of one host. */
export interface WsBridge {
  /** Take over an upgrade the access rules accepted. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Browsers connected right now. */
  clientCount(): number;
  /** Stop the events and pings and send every browser a close frame. */
  sayGoodbye(): void;
  /** Give browsers a moment to answer the close frame, then cut what is left. */
  finish(): Promise<void>;
}

interface Client {
  subscriptions: Set<EventName>;
  alive: boolean;
}

/** Start the bridge: it subscribes to the engine's events at once. */
export function startWsBridge(options: WsBridgeOptions): WsBridge {
  const { api, logger } = options;
  const clients = new Map<WebSocket, Client>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes,
    clientTracking: false,
    // Answer with the protocol only: the token offered beside it is never echoed back.
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });

  const unsubscribes: Unsubscribe[] = EVENT_NAMES.map((name) => {
    const subscribe = api[EVENT_METHODS[name]] as (listener: (payload: unknown) => void) => Unsubscribe;
    return subscribe.call(api, (payload) => {
      options.onEvent?.(name, payload);
      broadcast(name, payload);
    });
  });

  const heartbeat = setInterval(() => {
    for (const [ws, client] of clients) {
      if (!client.alive) {
        ws.terminate();
        continue;
      }
      client.alive = false;
      ws.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  function onConnection(ws: WebSocket): void {
    const client: Client = { subscriptions: new Set(EVENT_NAMES), alive: true };
    clients.set(ws, client);
    logger.info('web host: browser connected', { clients: clients.size });
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      client.alive = true;
      void onMessage(ws, client, isBinary ? null : rawText(data));
    });
    ws.on('close', () => {
      clients.delete(ws);
      logger.info('web host: browser disconnected', { clients: clients.size });
    });
    ws.on('error', (e) => logger.warn('web host: websocket error', { error: errorText(e) }));
    const hello: HelloMessage = {
      hello: {
        protocol: WIRE_PROTOCOL_VERSION,
        capabilities: WEB_CAPABILITIES,
        maxUploadBytes: options.maxUploadBytes,
      },
    };
    ws.send(JSON.stringify(hello));
  }

  async function onMessage(ws: WebSocket, client: Client, text: string | null): Promise<void> {
    const decoded = decodeClientMessage(text);
    if (!decoded.ok) {
      if (decoded.id === null) ws.close(1008, 'Malformed message');
      else reply(ws, { id: decoded.id, ok: false, error: decoded.error });
      return;
    }
    const { message } = decoded;
    if ('subscribe' in message) {
      client.subscriptions = new Set(message.subscribe);
      return;
    }
    const { id, command, args } = message;
    try {
      const result = await runWebCommand(api, command, args, options.mediaKey);
      reply(ws, result === undefined ? { id, ok: true } : { id, ok: true, result });
    } catch (e) {
      const error = toWireError(e);
      if (error.code === null) logger.warn('web host: command failed', { command, error: error.message });
      reply(ws, { id, ok: false, error });
    }
  }

  function reply(ws: WebSocket, response: CommandResponse): void {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify(response));
  }

  function broadcast(event: EventName, payload: unknown): void {
    if (clients.size === 0) return;
    const text = JSON.stringify({ event, payload });
    for (const [ws, client] of clients) {
      if (!client.subscriptions.has(event) || ws.readyState !== ws.OPEN) continue;
      const action = backpressure(event, ws.bufferedAmount);
      if (action === 'drop') {
        logger.warn('web host: dropping a browser that does not keep up', { buffered: ws.bufferedAmount });
        ws.terminate();
      } else if (action === 'send') {
        ws.send(text);
      }
    }
  }

  return {
    accept(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
    },
    clientCount: () => clients.size,
    sayGoodbye() {
      clearInterval(heartbeat);
      for (const u of unsubscribes) u();
      for (const ws of clients.keys()) ws.close(1001, 'The host is shutting down');
    },
    async finish() {
      await new Promise((r) => setTimeout(r, clients.size > 0 ? 200 : 0));
      for (const ws of clients.keys()) ws.terminate();
      clients.clear();
      wss.close();
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
