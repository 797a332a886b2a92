/**
 * The web host: serves the built renderer and bridges the contract over a WebSocket, so the same
 * UI runs in a browser against a headless engine (`authenta-watch --ui`). Loopback by default;
 * the WebSocket and uploads need the random token, sent as a header (never a cookie: cookies are
 * not scoped by port, so every other service on 127.0.0.1 would receive it); the built renderer
 * itself is public. Host and Origin are checked; dropped files are streamed into the inbox and
 * handed to the engine.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, realpath, rename, stat, unlink, access } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import {
  EVENT_METHODS,
  EVENT_NAMES,
  ContractError,
  isCommandName,
  parseArgs,
  type AuthentaWatchApi,
  type CommandName,
  type EventName,
  type HostCapabilities,
  type Unsubscribe,
  type WireError,
} from '../../shared/contract';
import {
  MEDIA_PATH,
  TOKEN_HEADER,
  TOKEN_PARAM,
  UPLOAD_PATH,
  WIRE_ERROR_CODES,
  WIRE_PROTOCOL_VERSION,
  WS_PATH,
  WS_PROTOCOL,
  parseClientMessage,
  tokenFromWsProtocols,
  WireProtocolError,
  type CommandResponse,
  type HelloMessage,
  type HttpErrorBody,
  type UploadResponse,
} from '../../shared/wire';
import type { MediaResponder, MediaResponse } from '../core/media/media-files';
import type { JobChange } from '../../shared/domain';
import type { Logger } from '../core/ports';
import { alternativeName, sanitiseUploadName } from './upload-name';
import {
  allowedHostHeaders,
  contentTypeFor,
  isAllowedHost,
  isInside,
  isLoopbackHost,
  isSameOrigin,
  isWildcardHost,
  securityHeaders,
  splitTarget,
  staticFilePath,
  tokenMatches,
  urlHost,
} from './web-policy';

/** What the web host offers a browser: no native picker, no reveal, uploads of dropped files. */
export const WEB_CAPABILITIES: HostCapabilities = Object.freeze({
  host: 'web',
  nativeFolderPicker: false,
  revealInFolder: false,
  dropUploads: true,
  nativeFilePicker: false,
  pdf: false,
});

export interface WebHostOptions {
  /** The engine (or any implementation of the contract). */
  api: AuthentaWatchApi;
  /** Bind address; default 127.0.0.1. Anything else is reachable from other machines. */
  host?: string;
  /** TCP port; default 0 (a free one). */
  port?: number;
  /** The built renderer (out/renderer): the only files ever served. */
  rendererDir: string;
  /** Where dropped files are written before they are handed to `api.addPaths`. */
  inboxDir: string;
  logger: Logger;
  /** Largest accepted upload in bytes (default 20 GiB, the engine's default file size limit). */
  maxUploadBytes?: number;
  /** Largest WebSocket message in bytes (default 1 MiB). */
  maxMessageBytes?: number;
  /** More Host names to answer to (a DNS name people use for this machine). */
  allowedHosts?: string[];
  /** Interval of WebSocket pings that find dead browsers (default 30 s). */
  heartbeatMs?: number;
  /** The engine's media routes (the ledger's files and thumbnails); absent: every media URL is 404. */
  media?: MediaResponder;
  /** Loopback origins heatmaps may play from besides https: (the Sandbox simulator's). */
  mediaOrigins?: () => readonly string[];
}

/** A running web host. `close()` leaves no handle open. */
export interface WebHost {
  /** The address to open, with the token: `http://127.0.0.1:PORT/?token=...`. */
  readonly url: string;
  /** `http://host:port`, without the token. */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** The prefix of the media URLs (`/media/<media key>`), as getMediaBase answers it. */
  readonly mediaBase: string;
  /** Browsers connected right now. */
  clientCount(): number;
  close(): Promise<void>;
}

interface Client {
  subscriptions: Set<EventName>;
  alive: boolean;
}

const DEFAULT_MAX_UPLOAD = 20 * 1024 ** 3;
const DEFAULT_MAX_MESSAGE = 1024 ** 2;
/** Above this many unsent bytes a browser gets no progress events; above the hard limit it is dropped. */
const SOFT_BUFFER_LIMIT = 1024 ** 2;
const HARD_BUFFER_LIMIT = 16 * 1024 ** 2;

/** The answer to a command or upload without the right token. */
const NO_TOKEN_MESSAGE =
  'Open the address authenta-watch printed at start: it carries the access token (?token=...).';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/**
 * Start serving. Resolves once listening; rejects with a message naming the address when the
 * port cannot be bound.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { api, logger, rendererDir, inboxDir } = options;
  const bindHost = options.host ?? '127.0.0.1';
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE;
  const token = randomBytes(32).toString('base64url');
  // Read-only access to the ledger's media: its own key, so a media URL never carries the UI token.
  const mediaKey = randomBytes(24).toString('base64url');
  const mediaOrigins = (): readonly string[] => options.mediaOrigins?.() ?? [];
  const rendererRoot = await realpath(rendererDir).catch(() => {
    throw new Error(
      `The web UI is not built: ${rendererDir} is missing. Run \`npm run build:renderer\` first.`,
    );
  });
  await access(join(rendererRoot, 'index.html')).catch(() => {
    throw new Error(
      `The web UI is not built: ${rendererDir} has no index.html. Run \`npm run build:renderer\`.`,
    );
  });

  let allowedHosts = new Set<string>();
  const clients = new Map<WebSocket, Client>();
  const uploads = new Set<IncomingMessage>();
  let closing = false;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxMessageBytes,
    clientTracking: false,
    // Answer with the protocol only: the token offered beside it is never echoed back.
    handleProtocols: (offered) => (offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((e: unknown) => {
      logger.error('web host: request failed', { path: pathOf(req), error: errorText(e) });
      if (!res.headersSent) sendError(req, res, 500, 'The host could not answer this request.', null);
      else res.destroy();
    });
  });
  // Uploads may take long; idle sockets may not (slow-loris). Headers must come quickly.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;
  server.timeout = 120_000;
  server.on('upgrade', (req, socket, head) => handleUpgrade(req, socket, head));
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      rejectListen(
        new Error(
          e.code === 'EADDRINUSE'
            ? `Port ${options.port ?? 0} on ${bindHost} is already in use; choose another with --port.`
            : `Cannot listen on ${bindHost}:${options.port ?? 0}: ${e.message}`,
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  allowedHosts = allowedHostHeaders(bindHost, port, [
    ...(options.allowedHosts ?? []),
    ...(isWildcardHost(bindHost) ? machineNames() : []),
  ]);
  const shownHost = isWildcardHost(bindHost) ? '127.0.0.1' : urlHost(bindHost);
  const origin = `http://${shownHost}:${port}`;

  // A dropped file the engine finds a duplicate of one it has checked is not checked again: its
  // copy in the inbox would only pile up (one more per drop), so it goes.
  const dropped = new Set<string>();
  function removeDroppedDuplicates(changes: JobChange[]): void {
    for (const change of changes) {
      if (change.type !== 'upsert' || !dropped.has(change.job.path)) continue;
      const { job } = change;
      if (job.state === 'skipped' && job.duplicateOf !== null) {
        dropped.delete(job.path);
        unlink(job.path).then(
          () => logger.info('web host: removed a dropped duplicate', { name: job.name, of: job.duplicateOf }),
          () => undefined,
        );
      } else if (job.state === 'done' || job.state === 'failed') {
        dropped.delete(job.path);
      }
    }
  }

  // One subscription per engine event, fanned out to every browser that wants it.
  const unsubscribes: Unsubscribe[] = EVENT_NAMES.map((name) => {
    const subscribe = api[EVENT_METHODS[name]] as (listener: (payload: unknown) => void) => Unsubscribe;
    return subscribe.call(api, (payload) => {
      if (name === 'jobsChanged') removeDroppedDuplicates(payload as JobChange[]);
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
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  logger.info('web host: listening', { host: bindHost, port, loopback: isLoopbackHost(bindHost) });

  // ---- HTTP ----

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const { path, query } = splitTarget(target);
    if (!isAllowedHost(req.headers.host, allowedHosts)) {
      refuse(req, 'host not allowed');
      return sendError(
        req,
        res,
        421,
        'This server answers only the address it printed at start.',
        null,
        true,
      );
    }
    // Media URLs carry their own read-only key (in the path: <img> and <video> send no token).
    if (path === MEDIA_PATH || path.startsWith(`${MEDIA_PATH}/`)) return serveMedia(req, res, path);
    const method = req.method ?? 'GET';
    if (path === UPLOAD_PATH) {
      if (method !== 'POST') return sendError(req, res, 405, 'Send files with POST.', null, true);
      const presented = headerText(req.headers[TOKEN_HEADER]);
      if (!tokenMatches(presented, token)) {
        refuse(req, presented ? 'wrong token' : 'no token');
        return sendError(req, res, 401, NO_TOKEN_MESSAGE, null, true);
      }
      if (!isSameOrigin(req.headers.origin, req.headers.host)) {
        refuse(req, 'foreign origin');
        return sendError(req, res, 403, 'Uploads are accepted only from this host’s own page.', null, true);
      }
      return handleUpload(req, res, query);
    }
    if (method !== 'GET' && method !== 'HEAD') {
      return sendError(req, res, 405, 'Only GET and HEAD are served here.', null, true);
    }
    if (req.headers['content-length'] && req.headers['content-length'] !== '0') {
      return sendError(req, res, 413, 'A GET request carries no body.', null, true);
    }
    return serveStatic(req, res, path);
  }

  async function serveMedia(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    // `/media/<key>/<route>`: the key is one path segment, compared in constant time.
    const rest = path.slice(MEDIA_PATH.length + 1);
    const slash = rest.indexOf('/');
    const presented = slash < 0 ? rest : rest.slice(0, slash);
    if (!tokenMatches(presented, mediaKey) || !options.media) {
      refuse(req, presented ? 'wrong media key' : 'no media key');
      return sendMedia(req, res, {
        status: 404,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
        body: 'Not found.',
      });
    }
    if (req.headers['content-length'] && req.headers['content-length'] !== '0') {
      return sendError(req, res, 413, 'A media request carries no body.', null, true);
    }
    const answer = await options.media.respond({
      method: req.method ?? 'GET',
      path: slash < 0 ? '' : rest.slice(slash),
      range: typeof req.headers.range === 'string' ? req.headers.range : null,
    });
    return sendMedia(req, res, answer);
  }

  async function sendMedia(req: IncomingMessage, res: ServerResponse, answer: MediaResponse): Promise<void> {
    const body = answer.body;
    const headers: Record<string, string> = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'same-origin',
      ...answer.headers,
    };
    if (typeof body === 'string') headers['Content-Length'] = String(Buffer.byteLength(body));
    res.writeHead(answer.status, headers);
    if (body === null || req.method === 'HEAD') {
      if (body !== null && typeof body !== 'string') body.destroy();
      res.end();
      return;
    }
    if (typeof body === 'string') {
      res.end(body);
      return;
    }
    await pipeline(body, res).catch((e: unknown) => {
      // A video element stops reading mid-range all the time (seeking): not an error.
      logger.debug('web host: media stream ended early', { error: errorText(e) });
    });
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void> {
    const candidate = staticFilePath(rendererRoot, urlPath);
    if (candidate === null) return sendError(req, res, 404, 'Not found.', null);
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      return sendError(req, res, 404, 'Not found.', null);
    }
    if (!isInside(rendererRoot, real)) return sendError(req, res, 404, 'Not found.', null);
    const info = await stat(real);
    if (!info.isFile()) return sendError(req, res, 404, 'Not found.', null);
    res.writeHead(200, {
      ...securityHeaders(req.headers.host ?? null, mediaOrigins()),
      'Content-Type': contentTypeFor(real),
      'Content-Length': String(info.size),
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(createReadStream(real), res).catch((e: unknown) => {
      logger.debug('web host: static file aborted', { path: urlPath, error: errorText(e) });
    });
  }

  async function handleUpload(
    req: IncomingMessage,
    res: ServerResponse,
    query: URLSearchParams,
  ): Promise<void> {
    const rawName = query.get('name');
    if (!rawName)
      return sendError(req, res, 400, 'Name the file: POST /upload?name=<file name>.', null, true);
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxUploadBytes) {
      return sendError(req, res, 413, tooLargeMessage(maxUploadBytes), 'TOO_LARGE', true);
    }
    const name = sanitiseUploadName(rawName);
    await mkdir(inboxDir, { recursive: true });
    const temp = join(inboxDir, `.upload-${randomBytes(8).toString('hex')}.part`);
    const counter = new ByteLimit(maxUploadBytes);
    uploads.add(req);
    try {
      await receive(req, counter, temp);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      if (e instanceof HttpError) {
        return sendError(req, res, e.status, e.message, e.code, true);
      }
      logger.warn('web host: upload aborted', { name, bytes: counter.bytes, error: errorText(e) });
      if (!res.headersSent) res.destroy();
      return;
    } finally {
      uploads.delete(req);
    }
    if (counter.bytes === 0) {
      await unlink(temp).catch(() => undefined);
      return sendError(req, res, 400, `"${name}" is empty: nothing to check.`, 'EMPTY', false);
    }
    let stored: string;
    try {
      stored = await claimName(temp, name);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    const finalPath = join(inboxDir, stored);
    logger.info('web host: file received', { name: stored, bytes: counter.bytes });
    let result: Awaited<ReturnType<AuthentaWatchApi['addPaths']>>;
    try {
      result = await api.addPaths([finalPath]);
    } catch (e) {
      await unlink(finalPath).catch(() => undefined);
      const err = toWireError(e);
      return sendError(req, res, 500, err.message, err.code, false);
    }
    if (result.accepted === 0) await unlink(finalPath).catch(() => undefined);
    else dropped.add(finalPath);
    const body: UploadResponse = {
      name: stored,
      size: counter.bytes,
      accepted: result.accepted,
      // Name the file as the browser knows it, never by its path on this machine.
      rejected: result.rejected.map((r) => ({ path: stored, reason: r.reason })),
    };
    sendJson(req, res, 200, body);
  }

  /** Move the finished temp file to `name` (or "name (2)", ...) without replacing anything. */
  async function claimName(temp: string, name: string): Promise<string> {
    for (let n = 1; n <= 1000; n++) {
      const candidate = n === 1 ? name : alternativeName(name, n);
      const dest = join(inboxDir, candidate);
      try {
        await link(temp, dest);
        await unlink(temp);
        return candidate;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') continue;
        // A file system without hard links: check, then rename (the host is the only writer).
        const taken = await access(dest).then(
          () => true,
          () => false,
        );
        if (taken) continue;
        await rename(temp, dest);
        return candidate;
      }
    }
    throw new Error(`Too many files named "${name}" in the inbox; empty ${inboxDir}.`);
  }

  // ---- WebSocket ----

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { path } = splitTarget(req.url ?? '/');
    const deny = (status: number, reason: string, why: string): void => {
      refuse(req, why);
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (closing) return deny(503, 'Service Unavailable', 'shutting down');
    if (!isAllowedHost(req.headers.host, allowedHosts))
      return deny(421, 'Misdirected Request', 'host not allowed');
    // Browsers cannot set headers on a WebSocket: the token comes in the protocol list.
    const presented =
      tokenFromWsProtocols(headerText(req.headers['sec-websocket-protocol']) ?? undefined) ??
      headerText(req.headers[TOKEN_HEADER]);
    if (!tokenMatches(presented, token))
      return deny(401, 'Unauthorized', presented ? 'wrong token' : 'no token');
    if (!isSameOrigin(req.headers.origin, req.headers.host)) return deny(403, 'Forbidden', 'foreign origin');
    if (path !== WS_PATH) return deny(404, 'Not Found', 'unknown websocket path');
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  }

  function onConnection(ws: WebSocket): void {
    const client: Client = { subscriptions: new Set(EVENT_NAMES), alive: true };
    clients.set(ws, client);
    logger.info('web host: browser connected', { clients: clients.size });
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      client.alive = true;
      void onMessage(ws, client, data, isBinary);
    });
    ws.on('close', () => {
      clients.delete(ws);
      logger.info('web host: browser disconnected', { clients: clients.size });
    });
    ws.on('error', (e) => logger.warn('web host: websocket error', { error: errorText(e) }));
    const hello: HelloMessage = {
      hello: { protocol: WIRE_PROTOCOL_VERSION, capabilities: WEB_CAPABILITIES, maxUploadBytes },
    };
    ws.send(JSON.stringify(hello));
  }

  async function onMessage(ws: WebSocket, client: Client, data: RawData, isBinary: boolean): Promise<void> {
    const text = isBinary ? null : rawText(data);
    let message;
    try {
      if (text === null) throw new WireProtocolError('Binary messages are not part of the protocol.');
      message = parseClientMessage(text);
    } catch (e) {
      const id = text === null ? null : idOf(text);
      const error = { message: errorText(e), code: WIRE_ERROR_CODES.badMessage };
      if (id === null) ws.close(1008, 'Malformed message');
      else reply(ws, { id, ok: false, error });
      return;
    }
    if ('subscribe' in message) {
      client.subscriptions = new Set(message.subscribe);
      return;
    }
    const { id, command, args } = message;
    if (!isCommandName(command)) {
      reply(ws, {
        id,
        ok: false,
        error: { message: `Unknown command "${command}".`, code: WIRE_ERROR_CODES.unknownCommand },
      });
      return;
    }
    try {
      const result = await runCommand(command, args);
      reply(ws, result === undefined ? { id, ok: true } : { id, ok: true, result });
    } catch (e) {
      const error = toWireError(e);
      if (error.code === null) logger.warn('web host: command failed', { command, error: error.message });
      reply(ws, { id, ok: false, error });
    }
  }

  async function runCommand(command: CommandName, args: unknown[]): Promise<unknown> {
    const parsed = parseArgs(command, args) as unknown[];
    switch (command) {
      case 'getCapabilities':
        return WEB_CAPABILITIES;
      case 'pickFolder':
        return null;
      case 'pickFiles':
        return [];
      case 'getMediaBase':
        return `${MEDIA_PATH}/${mediaKey}`;
      case 'savePdf':
        throw new HttpError(
          400,
          "Saving a PDF works only in the desktop app; use your browser's Print, then Save as PDF.",
          WIRE_ERROR_CODES.notSupported,
        );
      case 'revealJob':
        throw new HttpError(
          400,
          'Showing a file in its folder works only in the desktop app; the path is shown in the job details.',
          WIRE_ERROR_CODES.notSupported,
        );
      default: {
        const method = api[command] as (...a: unknown[]) => Promise<unknown>;
        return method.apply(api, parsed);
      }
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
      if (ws.bufferedAmount > HARD_BUFFER_LIMIT) {
        // A browser that cannot keep up reconnects and reloads instead of holding memory here.
        logger.warn('web host: dropping a browser that does not keep up', { buffered: ws.bufferedAmount });
        ws.terminate();
        continue;
      }
      if (event === 'progress' && ws.bufferedAmount > SOFT_BUFFER_LIMIT) continue;
      ws.send(text);
    }
  }

  // ---- answers ----

  function sendJson(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: unknown,
    close = false,
  ): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...securityHeaders(
        isAllowedHost(req.headers.host, allowedHosts) ? (req.headers.host ?? null) : null,
        mediaOrigins(),
      ),
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(text)),
      ...(close ? { Connection: 'close' } : {}),
    });
    // With `Connection: close` Node ends the socket after the answer: a body we refused to read
    // does not keep it busy.
    res.end(text);
  }

  function sendError(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    message: string,
    code: string | null,
    close = false,
  ): void {
    const body: HttpErrorBody = { error: { message, code } };
    sendJson(req, res, status, body, close);
  }

  function refuse(req: IncomingMessage, why: string): void {
    // Path only: the query may hold a token.
    logger.warn('web host: refused', { why, method: req.method, path: pathOf(req) });
  }

  return {
    url: `${origin}/?${TOKEN_PARAM}=${token}`,
    origin,
    port,
    token,
    mediaBase: `${MEDIA_PATH}/${mediaKey}`,
    clientCount: () => clients.size,
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(heartbeat);
      for (const u of unsubscribes) u();
      for (const req of uploads) req.destroy();
      for (const ws of clients.keys()) ws.close(1001, 'The host is shutting down');
      const closed = new Promise<void>((r) => server.close(() => r()));
      // Give browsers a moment to answer the close frame, then cut what is left.
      await new Promise((r) => setTimeout(r, clients.size > 0 ? 200 : 0));
      for (const ws of clients.keys()) ws.terminate();
      clients.clear();
      wss.close();
      server.closeAllConnections();
      await closed;
      logger.info('web host: closed');
    },
  };
}

/**
 * Stream a request body through `counter` into a new file. Unlike `pipeline`, a failure leaves
 * the request (and so its socket) alive, so the host can still answer 413.
 */
function receive(req: IncomingMessage, counter: ByteLimit, file: string): Promise<void> {
  return new Promise<void>((resolveDone, rejectDone) => {
    const out = createWriteStream(file, { flags: 'wx' });
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      req.unpipe(counter);
      counter.unpipe(out);
      req.pause();
      out.destroy();
      // Wait for the file to be closed before the caller deletes it.
      if (out.closed) rejectDone(e);
      else out.once('close', () => rejectDone(e));
    };
    counter.once('error', fail);
    out.once('error', fail);
    req.once('error', fail);
    req.once('close', () => {
      if (!req.complete) fail(new Error('The browser stopped sending the file.'));
    });
    out.once('close', () => {
      if (settled) return;
      settled = true;
      resolveDone();
    });
    req.pipe(counter).pipe(out);
  });
}

/** Counts the bytes of an upload and fails with 413 past the limit, before they reach the disk. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) done(new HttpError(413, tooLargeMessage(this.max), 'TOO_LARGE'));
    else done(null, chunk);
  }
}

function tooLargeMessage(max: number): string {
  return `The file is larger than this host accepts (${formatBytes(max)}); copy it into a watched folder instead.`;
}

function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

function machineNames(): string[] {
  const names = [hostname()];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) names.push(a.address);
  }
  return names;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/** The id of a message that failed to parse, so the sender still gets an answer. */
function idOf(text: string): number | null {
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

function headerText(v: string | string[] | undefined): string | null {
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

function pathOf(req: IncomingMessage): string {
  return splitTarget(req.url ?? '/').path.slice(0, 200);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** An error as it crosses to the browser: its message and, when it has one, its code. */
export function toWireError(e: unknown): WireError {
  if (e instanceof ContractError) return { message: e.message, code: WIRE_ERROR_CODES.invalidArgs };
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { message: e.message, code: typeof code === 'string' ? code : null };
  }
  return { message: String(e), code: null };
}
