/**
 * The web host: serves the built renderer and bridges the contract over a WebSocket, so the same
 * UI runs in a browser against a headless engine (`authenta-watch --ui`). Loopback by default;
 * the WebSocket and uploads need the random token, sent as a header (never a cookie: cookies are
 * not scoped by port, so every other service on 127.0.0.1 would receive it); the built renderer
 * itself is public. Host and Origin are checked; dropped files are streamed into the inbox and
 * handed to the engine.
 *
 * This file only composes the parts in ./web/: the access rules (routes.ts), static files, media,
 * uploads and the WebSocket bridge.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import type { AuthentaWatchApi } from '../../shared/contract';
import type { JobChange } from '../../shared/domain';
import { TOKEN_HEADER, TOKEN_PARAM, tokenFromWsProtocols } from '../../shared/wire';
import type { MediaResponder } from '../core/media/media-files';
import type { Logger } from '../core/ports';
import {
  allowedHostHeaders,
  isAllowedHost,
  isLoopbackHost,
  isWildcardHost,
  splitTarget,
  urlHost,
} from './web/policy';
import { DroppedFiles } from './web/dropped-files';
import { errorText, headerText, httpAnswers, pathOf } from './web/http-answers';
import { serveMedia } from './web/media-route';
import { routeRequest, routeUpgrade, type AccessSecrets } from './web/routes';
import { rendererRootOf, serveStatic } from './web/static-files';
import { uploadRoute } from './web/uploads';
import { mediaBaseOf } from './web/web-commands';
import { startWsBridge } from './web/ws-bridge';

export { WEB_CAPABILITIES } from './web/web-commands';

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

const DEFAULT_MAX_UPLOAD = 20 * 1024 ** 3;
const DEFAULT_MAX_MESSAGE = 1024 ** 2;

/**
 * Start serving. Resolves once listening; rejects with a message naming the address when the
 * port cannot be bound, or saying how to build the UI when it is not built.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { api, logger } = options;
  const bindHost = options.host ?? '127.0.0.1';
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD;
  const token = randomBytes(32).toString('base64url');
  // Read-only access to the ledger's media: its own key, so a media URL never carries the UI token.
  const mediaKey = randomBytes(24).toString('base64url');
  const mediaOrigins = (): readonly string[] => options.mediaOrigins?.() ?? [];
  const rendererRoot = await rendererRootOf(options.rendererDir);

  // The Host names are known once the port is; until then no request is answered.
  const access: AccessSecrets = { token, allowedHosts: new Set<string>() };
  let closing = false;
  const answers = httpAnswers({
    isAllowedHost: (host) => isAllowedHost(host, access.allowedHosts),
    mediaOrigins,
    logger,
  });
  const dropped = new DroppedFiles(logger);
  const upload = uploadRoute({ api, inboxDir: options.inboxDir, maxUploadBytes, dropped, answers, logger });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = splitTarget(req.url ?? '/');
    const route = routeRequest(
      {
        method: req.method ?? 'GET',
        path,
        host: req.headers.host,
        origin: req.headers.origin,
        token: headerText(req.headers[TOKEN_HEADER]),
        contentLength: req.headers['content-length'],
      },
      access,
    );
    switch (route.kind) {
      case 'refuse':
        if (route.why !== null) answers.refuse(req, route.why);
        return answers.error(req, res, route.status, route.message, null, true);
      case 'media':
        return serveMedia(req, res, path, { mediaKey, media: options.media, answers, logger });
      case 'upload':
        return upload.handle(req, res, query);
      case 'static':
        return serveStatic(req, res, path, { rendererRoot, mediaOrigins, answers, logger });
    }
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const route = routeUpgrade(
      {
        path: splitTarget(req.url ?? '/').path,
        host: req.headers.host,
        origin: req.headers.origin,
        // Browsers cannot set headers on a WebSocket: the token comes in the protocol list.
        token:
          tokenFromWsProtocols(headerText(req.headers['sec-websocket-protocol']) ?? undefined) ??
          headerText(req.headers[TOKEN_HEADER]),
        closing,
      },
      access,
    );
    if (route.kind === 'accept') return bridge.accept(req, socket, head);
    answers.refuse(req, route.why);
    socket.end(`HTTP/1.1 ${route.status} ${route.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  }

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((e: unknown) => {
      logger.error('web host: request failed', { path: pathOf(req), error: errorText(e) });
      if (!res.headersSent) answers.error(req, res, 500, 'The host could not answer this request.', null);
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

  await listen(server, bindHost, options.port ?? 0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  access.allowedHosts = allowedHostHeaders(bindHost, port, [
    ...(options.allowedHosts ?? []),
    ...(isWildcardHost(bindHost) ? machineNames() : []),
  ]);
  const shownHost = isWildcardHost(bindHost) ? '127.0.0.1' : urlHost(bindHost);
  const origin = `http://${shownHost}:${port}`;

  const bridge = startWsBridge({
    api,
    logger,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE,
    maxUploadBytes,
    mediaKey,
    heartbeatMs: options.heartbeatMs ?? 30_000,
    onEvent: (name, payload) => {
      if (name === 'jobsChanged') dropped.onJobsChanged(payload as JobChange[]);
    },
  });

  logger.info('web host: listening', { host: bindHost, port, loopback: isLoopbackHost(bindHost) });

  return {
    url: `${origin}/?${TOKEN_PARAM}=${token}`,
    origin,
    port,
    token,
    mediaBase: mediaBaseOf(mediaKey),
    clientCount: () => bridge.clientCount(),
    async close() {
      if (closing) return;
      closing = true;
      bridge.sayGoodbye();
      upload.abortAll();
      const closed = new Promise<void>((r) => server.close(() => r()));
      await bridge.finish();
      server.closeAllConnections();
      await closed;
      logger.info('web host: closed');
    },
  };
}

function listen(server: ReturnType<typeof createServer>, bindHost: string, port: number): Promise<void> {
  return new Promise<void>((resolveListen, rejectListen) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      rejectListen(
        new Error(
          e.code === 'EADDRINUSE'
            ? `Port ${port} on ${bindHost} is already in use; choose another with --port.`
            : `Cannot listen on ${bindHost}:${port}: ${e.message}`,
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, bindHost, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
}

function machineNames(): string[] {
  const names = [hostname()];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) names.push(a.address);
  }
  return names;
}
