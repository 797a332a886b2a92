/**
 * The web host's access rules as pure functions: which Host headers and Origins it answers,
 * how the token is read, which file a URL path may name, and the security headers of every
 * answer. The host's parts (routes.ts, static files, media) only apply them.
 */
import { posix, relative, resolve, sep, isAbsolute } from 'node:path';
import { timingSafeEqual, createHash } from 'node:crypto';
import { isLoopbackHost, isLoopbackHttpOrigin } from '../../common/loopback';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARD_HOSTS = ['0.0.0.0', '::', '[::]'];

// Shared with the desktop host (its CSP): they live in src/main/common.
export { isLoopbackHost, isLoopbackHttpOrigin };

/** True for a bind address that listens on every interface. */
export function isWildcardHost(host: string): boolean {
  return WILDCARD_HOSTS.includes(host);
}

/** `host` as it appears in a URL or a Host header: IPv6 addresses in brackets. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The Host header values the server answers (lower case, with port). Bound to loopback: the
 * loopback names. Bound to every interface: the loopback names plus `extraNames` (the machine's
 * names and addresses). Otherwise the bound host, plus `extraNames`.
 */
export function allowedHostHeaders(
  bindHost: string,
  port: number,
  extraNames: readonly string[] = [],
): Set<string> {
  const names = new Set<string>();
  if (isLoopbackHost(bindHost) || isWildcardHost(bindHost)) for (const n of LOOPBACK_NAMES) names.add(n);
  if (!isWildcardHost(bindHost)) names.add(urlHost(bindHost));
  for (const n of extraNames) names.add(urlHost(n));
  return new Set([...names].map((n) => `${n.toLowerCase()}:${port}`));
}

/** Whether a request's Host header names this server (DNS-rebinding defence). */
export function isAllowedHost(hostHeader: string | undefined, allowed: ReadonlySet<string>): boolean {
  return hostHeader !== undefined && allowed.has(hostHeader.trim().toLowerCase());
}

/**
 * Whether a request's Origin is this very page: `http://<Host header>`. A missing Origin fails:
 * browsers always send one on WebSocket upgrades and POSTs, so its absence is not a browser of ours.
 */
export function isSameOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined || hostHeader === undefined) return false;
  return origin.toLowerCase() === `http://${hostHeader.trim().toLowerCase()}`;
}

/** Compare a presented token with the real one in constant time. */
export function tokenMatches(presented: string | null | undefined, token: string): boolean {
  if (!presented) return false;
  // Hash both so the comparison does not leak the length either.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** A request target split into its path and query, without trusting URL parsing of `//host` forms. */
export function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  return { path, query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
}

/**
 * The file under `rootDir` that a URL path names, or null when it names none or tries to leave
 * it (`..`, encoded separators, NUL, absolute or drive paths). `/` names `index.html`. The caller
 * must still check the real path (symlinks).
 */
export function staticFilePath(rootDir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return null;
  if (decoded.split('/').some((seg) => seg === '..')) return null;
  const normal = posix.normalize(decoded);
  const rel = normal === '/' ? 'index.html' : normal.replace(/^\/+/, '');
  if (rel === '' || /^[a-z]:/i.test(rel)) return null;
  const root = resolve(rootDir);
  const full = resolve(root, ...rel.split('/'));
  const back = relative(root, full);
  if (back === '' || back.startsWith('..') || isAbsolute(back) || back.split(sep).includes('..')) return null;
  return full;
}

/** Whether `candidate` (a real path) lies inside `root` (a real path). */
export function isInside(root: string, candidate: string): boolean {
  const back = relative(root, candidate);
  return back !== '' && !back.startsWith('..') && !isAbsolute(back);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Content type of a static file by its extension; unknown types are served as opaque bytes. */
export function contentTypeFor(file: string): string {
  const dot = file.lastIndexOf('.');
  return (dot >= 0 && CONTENT_TYPES[file.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

/**
 * Headers on every answer. The page may load only its own scripts, styles and images, talk only
 * to its own host (`ws://<host>` spelled out for browsers that do not map 'self' to ws:), and
 * never be framed.
 */
export function securityHeaders(
  hostHeader: string | null,
  mediaOrigins: readonly string[] = [],
): Record<string, string> {
  const ws = hostHeader ? ` ws://${hostHeader}` : '';
  // Heatmaps play from Authenta's storage (https:) or, in the Sandbox, from the simulator on loopback.
  const media = ['https:', ...mediaOrigins.filter(isLoopbackHttpOrigin)].join(' ');
  return {
    'Content-Security-Policy':
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: ${media}; ` +
      `media-src 'self' blob: ${media}; ` +
      `connect-src 'self'${ws}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    'Cache-Control': 'no-store',
  };
}
