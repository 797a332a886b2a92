/**
 * Raw HTTP and WebSocket clients for the web host's tests: they send exactly the headers and
 * request targets a test names (fetch would normalise them away), like a hostile page or tool would.
 */
import { request } from 'node:http';
import WebSocket from 'ws';
import { wsProtocols } from '../../../src/shared/wire';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  port: number;
  method?: string;
  /** The request target exactly as sent, e.g. `/../secret` or `/?token=x`. */
  path: string;
  headers?: Record<string, string>;
  /** Sent as the body; with `chunked: true` without a Content-Length. */
  body?: Buffer | string;
  chunked?: boolean;
}

/** Send one request; resolves with the answer, or rejects when the host cut the connection. */
export function rawRequest(r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${r.port}`, ...r.headers };
    if (r.body !== undefined && !r.chunked) headers['content-length'] = String(Buffer.byteLength(r.body));
    const req = request({
      host: '127.0.0.1',
      port: r.port,
      method: r.method ?? 'GET',
      path: r.path,
      headers,
      agent: false,
      setHost: false,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (r.body !== undefined) req.write(r.body);
    req.end();
  });
}

export interface WsOptions {
  port: number;
  path?: string;
  host?: string;
  origin?: string | null;
  /** Sent as a browser sends it: in the Sec-WebSocket-Protocol list (see wire.ts). */
  token?: string;
  /** A Cookie header, to show that cookies grant nothing. */
  cookie?: string;
}

/** Open a WebSocket with exactly these headers; resolves open, or rejects with the refusal's status. */
export function openSocket(o: WsOptions): Promise<WebSocket> {
  const host = o.host ?? `127.0.0.1:${o.port}`;
  const headers: Record<string, string> = { host };
  if (o.cookie) headers.cookie = o.cookie;
  const ws = new WebSocket(
    `ws://127.0.0.1:${o.port}${o.path ?? '/ws'}`,
    o.token ? wsProtocols(o.token) : [],
    {
      headers,
      ...(o.origin === null ? {} : { origin: o.origin ?? `http://${host}` }),
    },
  );
  // Collect from the start: the hello may arrive in the same read as the handshake.
  const seen: unknown[] = [];
  received.set(ws, seen);
  ws.on('message', (data: Buffer) => seen.push(JSON.parse(data.toString('utf8'))));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', (e) => reject(e));
  });
}

const received = new WeakMap<WebSocket, unknown[]>();

/** Every parsed message a socket from `openSocket` received, the hello first; grows as they come. */
export function collect(ws: WebSocket): unknown[] {
  const seen = received.get(ws);
  if (!seen) throw new Error('collect() works on sockets from openSocket()');
  return seen;
}

/** The messages of `seen` that are events. */
export function eventsOf(seen: unknown[]): unknown[] {
  return seen.filter((m) => typeof m === 'object' && m !== null && 'event' in m);
}

/** Poll until `check` is true (no fixed sleeps); fails with `what` after `timeoutMs` (generous: a loaded 2-core box). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
