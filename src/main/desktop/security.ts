/**
 * The window's security policy: what the renderer may load, where it may navigate, which
 * permissions it gets and which IPC senders are trusted. The decisions are pure functions of an
 * `AppTarget` (table-tested); `guardWebContents` and `applySessionPolicy` only apply them to
 * Electron objects. See https://www.electronjs.org/docs/latest/tutorial/security.
 */
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindowConstructorOptions, Session, WebContents, WebPreferences } from 'electron';
import type { Logger } from '../core/ports';
import { isLoopbackHttpOrigin } from '../common/loopback';
import { MEDIA_HOST, MEDIA_SCHEME } from './media-protocol';

/** Where the app's own page comes from: the built file, or electron-vite's dev server. */
export type AppTarget = { kind: 'file'; indexFile: string } | { kind: 'dev'; url: string };

/**
 * The page to load. The dev server is honoured only in an unpackaged app and only on loopback,
 * so an environment variable can never point a packaged app at remote content.
 */
export function appTarget(input: {
  isPackaged: boolean;
  devServerUrl: string | undefined;
  rendererIndex: string;
}): AppTarget {
  if (!input.isPackaged && input.devServerUrl) {
    const url = parseUrl(input.devServerUrl);
    if (url && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) {
      return { kind: 'dev', url: url.href };
    }
  }
  return { kind: 'file', indexFile: resolve(input.rendererIndex) };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function filePath(url: URL): string | null {
  if (url.protocol !== 'file:' || (url.host !== '' && url.host !== 'localhost')) return null;
  try {
    return resolve(fileURLToPath(new URL(url.pathname, 'file://')));
  } catch {
    return null;
  }
}

/** True for the app's own page (any query or hash), false for everything else. */
export function isAppUrl(text: string, target: AppTarget): boolean {
  const url = parseUrl(text);
  if (!url) return false;
  if (target.kind === 'dev') return url.origin === new URL(target.url).origin;
  return filePath(url) === target.indexFile;
}

/** An external link the user may open in the browser: https only, no credentials in it. */
export function isSafeExternalUrl(text: string): boolean {
  const url = parseUrl(text);
  return !!url && url.protocol === 'https:' && url.hostname !== '' && !url.username && !url.password;
}

/** What else a request may be allowed for: pictures and videos (heatmaps) from these origins. */
export interface RequestContext {
  /** Electron's resourceType of the request ('image', 'media', 'script', ...). */
  resourceType?: string;
  /** Loopback origins heatmaps may come from (the Sandbox simulator's). */
  mediaOrigins?: readonly string[];
}

/**
 * Whether the renderer may fetch this URL at all ("no remote content"): the app's own files (or
 * dev server, including its HMR WebSocket), data: and blob: URLs, DevTools, and the local media
 * scheme. Heatmaps (issue 12) are the one remote content: an image or a video (never a script,
 * a page or a fetch) from an https: address, or in the Sandbox from the simulator on loopback.
 */
export function isAllowedRequest(text: string, target: AppTarget, context: RequestContext = {}): boolean {
  const url = parseUrl(text);
  if (!url) return false;
  if (['data:', 'blob:', 'devtools:', 'chrome-devtools:'].includes(url.protocol)) return true;
  if (url.protocol === `${MEDIA_SCHEME}:`) return url.host === MEDIA_HOST;
  if (context.resourceType === 'image' || context.resourceType === 'media') {
    if (isSafeExternalUrl(text)) return true;
    if ((context.mediaOrigins ?? []).some((o) => isLoopbackHttpOrigin(o) && url.origin === o)) return true;
  }
  if (target.kind === 'dev') {
    const dev = new URL(target.url);
    if (url.protocol === 'ws:') return url.host === dev.host;
    return url.origin === dev.origin;
  }
  const path = filePath(url);
  const root = dirname(target.indexFile);
  return path !== null && (path === root || path.startsWith(root + sep));
}

export type NavigationDecision = 'allow' | 'open-external' | 'deny';

/** What to do when the page tries to navigate: stay only on the app; https links go to the browser. */
export function navigationDecision(url: string, target: AppTarget): NavigationDecision {
  if (isAppUrl(url, target)) return 'allow';
  return isSafeExternalUrl(url) ? 'open-external' : 'deny';
}

/** What to do when the page asks for a new window: never one; https links go to the browser. */
export function windowOpenDecision(url: string): Exclude<NavigationDecision, 'allow'> {
  return isSafeExternalUrl(url) ? 'open-external' : 'deny';
}

/** Permissions the app's page may use: writing to the clipboard (copy a record id), nothing else. */
export const ALLOWED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write'];

/** Whether to grant a permission request or check coming from the page at `requestingUrl`. */
export function permissionDecision(permission: string, requestingUrl: string, target: AppTarget): boolean {
  return ALLOWED_PERMISSIONS.includes(permission) && isAppUrl(requestingUrl, target);
}

/**
 * The Content-Security-Policy of the app's page, also sent as a response header. In development
 * the dev server's HMR WebSocket is the one extra source.
 */
export function contentSecurityPolicy(target: AppTarget, mediaOrigins: readonly string[] = []): string {
  const connect = target.kind === 'dev' ? `'self' ws://${new URL(target.url).host}` : "'self'";
  // The local media scheme, and heatmaps: https:, or the Sandbox simulator on loopback.
  const media = [`${MEDIA_SCHEME}:`, 'https:', ...mediaOrigins.filter(isLoopbackHttpOrigin)].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Svelte and Vite inject component styles at run time.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${media}`,
    `media-src 'self' blob: ${media}`,
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The renderer's webPreferences: isolated, sandboxed, no Node, web security on. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    // A file dropped outside the drop zone must not replace the app with the file.
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // A middle click must not open a link in a new window (Electronegativity AUXCLICK_JS_CHECK).
    disableBlinkFeatures: 'Auxclick',
  };
}

/** Size and place of the window, as remembered in preferences.window. */
export interface WindowPlacement {
  x?: number | undefined;
  y?: number | undefined;
  width: number;
  height: number;
}

/** The main window's options; the window stays hidden until its page is ready to show. */
export function mainWindowOptions(input: {
  preloadPath: string;
  placement: WindowPlacement;
  iconPath: string | null;
}): BrowserWindowConstructorOptions {
  const { x, y, width, height } = input.placement;
  return {
    ...(x !== undefined && y !== undefined ? { x, y } : {}),
    width,
    height,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Authenta Watch',
    autoHideMenuBar: true,
    backgroundColor: '#0f172a',
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: secureWebPreferences(input.preloadPath),
  };
}

/** Who sent an IPC message, as far as the trust decision needs it. */
export interface SenderInfo {
  webContentsId: number;
  /** URL of the frame that sent it; null when the frame is gone. */
  frameUrl: string | null;
  isMainFrame: boolean;
}

/** Only the main frame of the app's own window, showing the app's own page, may call the engine. */
export function isTrustedSender(
  sender: SenderInfo,
  trusted: { webContentsId: number | null; target: AppTarget },
): boolean {
  return (
    trusted.webContentsId !== null &&
    sender.webContentsId === trusted.webContentsId &&
    sender.isMainFrame &&
    sender.frameUrl !== null &&
    isAppUrl(sender.frameUrl, trusted.target)
  );
}

/** Where the guards send links they let out, and where they report what they blocked. */
export interface GuardOptions {
  target: AppTarget;
  openExternal(url: string): void;
  logger: Logger;
}

/**
 * Denies every navigation away from the app, every new window and every <webview>; https links
 * open in the browser instead. Applied to every WebContents the app creates.
 */
export function guardWebContents(contents: WebContents, options: GuardOptions): void {
  const { target, logger } = options;
  const onNavigate = (event: { preventDefault(): void }, url: string, kind: string): void => {
    const decision = navigationDecision(url, target);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') options.openExternal(url);
    else logger.warn('Blocked a navigation away from the app', { kind, url: redactUrl(url) });
  };
  contents.on('will-navigate', (event) => onNavigate(event, event.url, 'navigate'));
  contents.on('will-redirect', (event) => onNavigate(event, event.url, 'redirect'));
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) {
      event.preventDefault();
      logger.warn('Blocked a frame navigation', { url: redactUrl(event.url) });
    }
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logger.warn('Blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenDecision(url) === 'open-external') options.openExternal(url);
    else logger.warn('Blocked a new window', { url: redactUrl(url) });
    return { action: 'deny' };
  });
}

/**
 * Applies the policy to the app's session: the CSP header on every response, no request outside
 * the app's own files, and no permission but the clipboard.
 */
export function applySessionPolicy(
  session: Session,
  target: AppTarget,
  logger: Logger,
  mediaOrigins: () => readonly string[] = () => [],
): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequest(details.url, target, {
      resourceType: details.resourceType,
      mediaOrigins: mediaOrigins(),
    });
    if (!allowed) logger.warn('Blocked a request for remote content', { url: redactUrl(details.url) });
    callback({ cancel: !allowed });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [contentSecurityPolicy(target, mediaOrigins())];
    callback({ responseHeaders: headers });
  });
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(permissionDecision(permission, details.requestingUrl || contents.getURL(), target));
  });
  session.setPermissionCheckHandler((contents, permission, _origin, details) =>
    permissionDecision(permission, details.requestingUrl ?? contents?.getURL() ?? '', target),
  );
}

/** A URL fit for a log line: scheme, host and path only (query strings can hold signatures). */
export function redactUrl(text: string): string {
  const url = parseUrl(text);
  return url ? `${url.protocol}//${url.host}${url.pathname}` : '[unparseable url]';
}
