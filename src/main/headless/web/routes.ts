/**
 * Which part of the web host answers a request, and which requests it refuses before any of them
 * runs: a pure decision from the request's facts, so every rule of access is a row in a table
 * test. The order matters and is the promise: the Host is checked first (DNS rebinding), media
 * URLs carry their own key, uploads need the token and this host's own Origin, everything else
 * is a bodiless GET or HEAD of the built renderer.
 */
import { MEDIA_PATH, UPLOAD_PATH, WS_PATH } from '../../../shared/wire';
import { isAllowedHost, isSameOrigin, tokenMatches } from './policy';

/** The answer to a command or upload without the right token. */
export const NO_TOKEN_MESSAGE =
  'Open the address authenta-watch printed at start: it carries the access token (?token=...).';

/** What the access rules compare a request with. */
export interface AccessSecrets {
  /** The UI's token. */
  token: string;
  /** The Host header values this host answers (see allowedHostHeaders). */
  allowedHosts: ReadonlySet<string>;
}

/** The facts of an HTTP request the decision needs. */
export interface RequestFacts {
  method: string;
  /** The path of the request target, without the query. */
  path: string;
  host: string | undefined;
  origin: string | undefined;
  /** The token header, when sent. */
  token: string | null;
  contentLength: string | undefined;
}

/** Where a request goes: one of the host's parts, or a refusal with the answer to give. */
export type RequestRoute =
  | { kind: 'media' }
  | { kind: 'upload' }
  | { kind: 'static' }
  | {
      kind: 'refuse';
      status: number;
      message: string;
      /** Why, for the log; absent when the refusal is not worth a warning. */
      why: string | null;
    };

/** Decide which part answers a request, or why it is refused. */
export function routeRequest(req: RequestFacts, secrets: AccessSecrets): RequestRoute {
  if (!isAllowedHost(req.host, secrets.allowedHosts)) {
    return refuse(421, 'This server answers only the address it printed at start.', 'host not allowed');
  }
  // Media URLs carry their own read-only key (in the path: <img> and <video> send no token).
  if (isMediaPath(req.path)) return { kind: 'media' };
  if (req.path === UPLOAD_PATH) {
    if (req.method !== 'POST') return refuse(405, 'Send files with POST.');
    if (!tokenMatches(req.token, secrets.token)) {
      return refuse(401, NO_TOKEN_MESSAGE, req.token ? 'wrong token' : 'no token');
    }
    if (!isSameOrigin(req.origin, req.host)) {
      return refuse(403, 'Uploads are accepted only from this host’s own page.', 'foreign origin');
    }
    return { kind: 'upload' };
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return refuse(405, 'Only GET and HEAD are served here.');
  }
  if (hasBody(req.contentLength)) return refuse(413, 'A GET request carries no body.');
  return { kind: 'static' };
}

/** True when a Content-Length announces a body. */
export function hasBody(contentLength: string | undefined): boolean {
  return Boolean(contentLength) && contentLength !== '0';
}

/** True for the media routes (`/media` and below). */
export function isMediaPath(path: string): boolean {
  return path === MEDIA_PATH || path.startsWith(`${MEDIA_PATH}/`);
}

/** The facts of a WebSocket upgrade the decision needs. */
export interface UpgradeFacts {
  path: string;
  host: string | undefined;
  origin: string | undefined;
  /** The token the browser offered (in its protocol list, or a header for non-browser clients). */
  token: string | null;
  /** The host is shutting down. */
  closing: boolean;
}

/** Accept an upgrade, or deny it with a status line and why (for the log). */
export type UpgradeRoute = { kind: 'accept' } | { kind: 'deny'; status: number; reason: string; why: string };

/** Decide whether a WebSocket upgrade is accepted. */
export function routeUpgrade(req: UpgradeFacts, secrets: AccessSecrets): UpgradeRoute {
  if (req.closing) return deny(503, 'Service Unavailable', 'shutting down');
  if (!isAllowedHost(req.host, secrets.allowedHosts))
    return deny(421, 'Misdirected Request', 'host not allowed');
  if (!tokenMatches(req.token, secrets.token)) {
    return deny(401, 'Unauthorized', req.token ? 'wrong token' : 'no token');
  }
  if (!isSameOrigin(req.origin, req.host)) return deny(403, 'Forbidden', 'foreign origin');
  if (req.path !== WS_PATH) return deny(404, 'Not Found', 'unknown websocket path');
  return { kind: 'accept' };
}

function refuse(status: number, message: string, why: string | null = null): RequestRoute {
  return { kind: 'refuse', status, message, why };
}

function deny(status: number, reason: string, why: string): UpgradeRoute {
  return { kind: 'deny', status, reason, why };
}
