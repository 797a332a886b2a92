import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
import { createLogger, MemoryLogSink } from '../../../src/main/core/logger';
import { FakeWebContents, fake, resetFakeElectron } from './fake-electron';
import {
  applySessionPolicy,
  appTarget,
  contentSecurityPolicy,
  guardWebContents,
  isAllowedRequest,
  isAppUrl,
  isSafeExternalUrl,
  isTrustedSender,
  mainWindowOptions,
  navigationDecision,
  permissionDecision,
  redactUrl,
  secureWebPreferences,
  windowOpenDecision,
  type AppTarget,
} from '../../../src/main/desktop/security';

const INDEX = resolve('/opt/authenta/resources/app.asar/out/renderer/index.html');
const FILE: AppTarget = { kind: 'file', indexFile: INDEX };
const DEV: AppTarget = { kind: 'dev', url: 'http://localhost:5173/' };
const indexUrl = pathToFileURL(INDEX).href;

describe('appTarget', () => {
  it.each([
    ['packaged app ignores a dev server', true, 'http://localhost:5173', 'file'],
    ['development uses a loopback dev server', false, 'http://localhost:5173', 'dev'],
    ['development with 127.0.0.1', false, 'http://127.0.0.1:5173', 'dev'],
    ['a remote dev server is never loaded', false, 'http://evil.example:5173', 'file'],
    ['https dev server is not electron-vite', false, 'https://localhost:5173', 'file'],
    ['no dev server', false, undefined, 'file'],
    ['garbage', false, 'not a url', 'file'],
  ])('%s', (_name, isPackaged, devServerUrl, kind) => {
    expect(appTarget({ isPackaged, devServerUrl, rendererIndex: INDEX }).kind).toBe(kind);
  });
});

describe('isAppUrl', () => {
  it.each([
    [FILE, indexUrl, true],
    [FILE, `${indexUrl}#/jobs/3`, true],
    [FILE, `${indexUrl}?x=1`, true],
    [FILE, pathToFileURL(join(INDEX, '..', 'other.html')).href, false],
    [FILE, pathToFileURL('/etc/passwd').href, false],
    [FILE, 'https://platform.authenta.ai/', false],
    [FILE, 'file://remote-host/share/index.html', false],
    [DEV, 'http://localhost:5173/', true],
    [DEV, 'http://localhost:5173/src/main.ts', true],
    [DEV, 'http://localhost:5174/', false],
    [DEV, 'http://127.0.0.1:5173/', false],
    [DEV, indexUrl, false],
    [FILE, '', false],
  ])('%j %s -> %s', (target, url, expected) => {
    expect(isAppUrl(url, target)).toBe(expected);
  });
});

describe('external links', () => {
  it.each([
    ['https://platform.authenta.ai/docs', true],
    ['https://media.example/heat.png?X-Amz-Signature=1', true],
    ['http://platform.authenta.ai/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['mailto:desk@example.com', false],
    ['https://user:pw@example.com/', false],
    ['smb://share/folder', false],
    ['not a url', false],
  ])('%s is safe to open: %s', (url, safe) => {
    expect(isSafeExternalUrl(url)).toBe(safe);
    expect(windowOpenDecision(url)).toBe(safe ? 'open-external' : 'deny');
  });

  it.each([
    [indexUrl, 'allow'],
    ['https://platform.authenta.ai/', 'open-external'],
    ['http://example.com/', 'deny'],
    ['file:///home/desk/photo.jpg', 'deny'],
    ['data:text/html,<script>1</script>', 'deny'],
  ])('navigating the window to %s: %s', (url, decision) => {
    expect(navigationDecision(url, FILE)).toBe(decision);
  });
});

describe('no remote content', () => {
  it.each([
    [FILE, indexUrl, true],
    [FILE, pathToFileURL(join(INDEX, '..', 'assets', 'index-abc.js')).href, true],
    [FILE, pathToFileURL(join(INDEX, '..', '..', 'main', 'index.js')).href, false],
    [FILE, pathToFileURL('/home/desk/photo.jpg').href, false],
    [FILE, 'https://cdn.example/lib.js', false],
    [FILE, 'http://127.0.0.1:8080/', false],
    [FILE, 'data:image/png;base64,AAAA', true],
    [FILE, 'blob:file:///abc', true],
    [FILE, 'devtools://devtools/bundled/inspector.html', true],
    [DEV, 'http://localhost:5173/@vite/client', true],
    [DEV, 'ws://localhost:5173/', true],
    [DEV, 'ws://localhost:9999/', false],
    [DEV, 'https://fonts.example/x.woff', false],
  ])('%j request for %s allowed: %s', (target, url, allowed) => {
    expect(isAllowedRequest(url, target)).toBe(allowed);
  });
});

describe('media requests (issue 12)', () => {
  const SIM = 'http://127.0.0.1:4321';
  it.each<[string, string | undefined, boolean]>([
    ['authenta-media://local/original/12', undefined, true],
    ['authenta-media://local/thumb/12', 'image', true],
    ['authenta-media://elsewhere/original/12', 'media', false],
    ['https://s3.example/heatmap.mp4?X-Amz-Signature=x', 'media', true],
    ['https://s3.example/heatmap.png', 'image', true],
    ['https://s3.example/heatmap.mp4', 'xhr', false],
    ['https://cdn.example/lib.js', 'script', false],
    ['https://evil.example/', 'mainFrame', false],
    ['https://user:pw@s3.example/heatmap.mp4', 'media', false],
    [`${SIM}/heatmaps/1.mp4`, 'media', true],
    [`${SIM}/heatmaps/1.mp4`, 'xhr', false],
    ['http://127.0.0.1:9999/heatmaps/1.mp4', 'media', false],
    ['http://s3.example/heatmap.mp4', 'media', false],
  ])('%s as %s: %s', (url, resourceType, allowed) => {
    expect(isAllowedRequest(url, FILE, { resourceType, mediaOrigins: [SIM] })).toBe(allowed);
  });
});

describe('permissions', () => {
  it.each([
    ['clipboard-sanitized-write', indexUrl, true],
    ['clipboard-sanitized-write', 'https://evil.example/', false],
    ['notifications', indexUrl, false],
    ['media', indexUrl, false],
    ['geolocation', indexUrl, false],
    ['openExternal', indexUrl, false],
  ])('%s from %s: %s', (permission, url, granted) => {
    expect(permissionDecision(permission, url, FILE)).toBe(granted);
  });
});

describe('content security policy', () => {
  it('allows only the app itself, and no inline or eval script', () => {
    const csp = contentSecurityPolicy(FILE);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('*');
    // Remote addresses only for pictures and videos (heatmaps, issue 12), nowhere else.
    const directives = csp.split('; ');
    for (const d of directives) {
      if (!d.startsWith('img-src') && !d.startsWith('media-src')) expect(d).not.toMatch(/https?:/);
    }
  });

  it('lets pictures and videos come from the local media scheme and heatmaps from https: or the Sandbox only', () => {
    const csp = contentSecurityPolicy(FILE, [
      'http://127.0.0.1:4321',
      'http://evil.example:80',
      'https://x.example',
    ]);
    expect(csp).toContain("img-src 'self' data: blob: authenta-media: https: http://127.0.0.1:4321");
    expect(csp).toContain("media-src 'self' blob: authenta-media: https: http://127.0.0.1:4321");
    expect(csp).not.toContain('evil.example');
    expect(csp).not.toContain('x.example');
    expect(contentSecurityPolicy(FILE)).toContain("media-src 'self' blob: authenta-media: https:;");
  });

  it('lets the dev server push hot reloads in development only', () => {
    expect(contentSecurityPolicy(DEV)).toContain("connect-src 'self' ws://localhost:5173");
  });
});

describe('window options', () => {
  it('isolates, sandboxes and denies Node to the page', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });

  it('opens hidden at the remembered place, with the secure preferences', () => {
    const options = mainWindowOptions({
      preloadPath: '/p.cjs',
      placement: { x: 10, y: 20, width: 1000, height: 700 },
      iconPath: '/icon.png',
    });
    expect(options).toMatchObject({ x: 10, y: 20, width: 1000, height: 700, show: false, icon: '/icon.png' });
    expect(options.webPreferences).toEqual(secureWebPreferences('/p.cjs'));
    const centred = mainWindowOptions({
      preloadPath: '/p.cjs',
      placement: { width: 800, height: 600 },
      iconPath: null,
    });
    expect(centred).not.toHaveProperty('x');
    expect(centred).not.toHaveProperty('icon');
  });
});

describe('isTrustedSender', () => {
  const trusted = { webContentsId: 7, target: FILE };
  it.each([
    ['the app window main frame', { webContentsId: 7, frameUrl: indexUrl, isMainFrame: true }, true],
    ['another window', { webContentsId: 8, frameUrl: indexUrl, isMainFrame: true }, false],
    ['a sub-frame of the app', { webContentsId: 7, frameUrl: indexUrl, isMainFrame: false }, false],
    [
      'the app window showing a foreign page',
      { webContentsId: 7, frameUrl: 'https://evil.example/', isMainFrame: true },
      false,
    ],
    ['a destroyed frame', { webContentsId: 7, frameUrl: null, isMainFrame: true }, false],
  ])('%s: %s', (_name, sender, expected) => {
    expect(isTrustedSender(sender, trusted)).toBe(expected);
  });

  it('trusts nobody while there is no window', () => {
    expect(
      isTrustedSender(
        { webContentsId: 7, frameUrl: indexUrl, isMainFrame: true },
        { webContentsId: null, target: FILE },
      ),
    ).toBe(false);
  });
});

describe('redactUrl', () => {
  it('keeps no query string (pre-signed URLs carry signatures there)', () => {
    expect(redactUrl('https://s3.example/b/k.jpg?X-Amz-Signature=secret')).toBe('https://s3.example/b/k.jpg');
  });
});

// security.ts imports only types from electron: the fakes are handed in directly.
describe('guards applied to a WebContents and a session', () => {
  function setup() {
    resetFakeElectron();
    const contents = new FakeWebContents();
    const opened: string[] = [];
    const sink = new MemoryLogSink();
    guardWebContents(contents as unknown as Electron.WebContents, {
      target: FILE,
      openExternal: (url) => opened.push(url),
      logger: createLogger({ sinks: [sink] }),
    });
    return { contents, opened, sink };
  }

  it('denies navigation away from the app and opens https links in the browser instead', () => {
    const { contents, opened, sink } = setup();
    expect(contents.navigate(indexUrl).defaultPrevented).toBe(false);
    expect(contents.navigate('https://platform.authenta.ai/').defaultPrevented).toBe(true);
    expect(contents.navigate('http://insecure.example/').defaultPrevented).toBe(true);
    expect(contents.navigate('file:///etc/passwd').defaultPrevented).toBe(true);
    expect(contents.navigate('https://evil.example/', 'will-redirect').defaultPrevented).toBe(true);
    expect(contents.navigateFrame('https://platform.authenta.ai/').defaultPrevented).toBe(true);
    expect(opened).toEqual(['https://platform.authenta.ai/', 'https://evil.example/']);
    expect(sink.text()).toContain('Blocked a navigation');
  });

  it('never opens a new window; https links go to the browser', () => {
    const { contents, opened } = setup();
    const handler = contents.windowOpenHandler!;
    expect(handler({ url: 'https://platform.authenta.ai/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://platform.authenta.ai/']);
  });

  it('refuses <webview>', () => {
    const { contents } = setup();
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    contents.emit('will-attach-webview', event);
    expect(event.defaultPrevented).toBe(true);
  });

  it('sends the CSP header, blocks remote requests and grants only the clipboard', () => {
    resetFakeElectron();
    applySessionPolicy(fake.session as unknown as Electron.Session, FILE, createLogger({ sinks: [] }));
    const headers = fake.session.headersFor(indexUrl, { 'content-security-policy': ['default-src *'] });
    expect(headers['Content-Security-Policy']).toEqual([contentSecurityPolicy(FILE)]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(fake.session.allows(indexUrl)).toBe(true);
    expect(fake.session.allows('https://cdn.example/x.js')).toBe(false);
    let granted: boolean | null = null;
    fake.session.permissionRequest!(new FakeWebContents(), 'media', (ok) => (granted = ok), {
      requestingUrl: indexUrl,
    });
    expect(granted).toBe(false);
    expect(
      fake.session.permissionCheck!(null, 'clipboard-sanitized-write', 'file://', {
        requestingUrl: indexUrl,
      }),
    ).toBe(true);
    expect(fake.session.permissionCheck!(null, 'notifications', 'file://', { requestingUrl: indexUrl })).toBe(
      false,
    );
  });
});
