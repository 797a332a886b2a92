import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import {
  allowedHostHeaders,
  isAllowedHost,
  isSameOrigin,
  securityHeaders,
  staticFilePath,
  tokenMatches,
} from '../../../../src/main/headless/web/policy';

describe('allowedHostHeaders', () => {
  it.each<[string, string[], string[]]>([
    ['127.0.0.1', [], ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']],
    ['localhost', [], ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']],
    ['::1', [], ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']],
    ['192.168.1.20', [], ['192.168.1.20:8080']],
    ['desk.example', ['Desk.Example.Lan'], ['desk.example:8080', 'desk.example.lan:8080']],
    [
      '0.0.0.0',
      ['box', '10.0.0.5'],
      ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'box:8080', '10.0.0.5:8080'],
    ],
  ])('%s %j', (host, extra, expected) => {
    expect([...allowedHostHeaders(host, 8080, extra)].sort()).toEqual(expected.sort());
  });

  it('matching ignores case and surrounding space, never a missing header', () => {
    const allowed = allowedHostHeaders('127.0.0.1', 80);
    expect(isAllowedHost(' LocalHost:80 ', allowed)).toBe(true);
    expect(isAllowedHost('localhost', allowed)).toBe(false);
    expect(isAllowedHost('localhost:81', allowed)).toBe(false);
    expect(isAllowedHost('evil.example:80', allowed)).toBe(false);
    expect(isAllowedHost(undefined, allowed)).toBe(false);
  });
});

describe('isSameOrigin', () => {
  it.each<[string | undefined, string | undefined, boolean]>([
    ['http://127.0.0.1:8080', '127.0.0.1:8080', true],
    ['http://LOCALHOST:8080', 'localhost:8080', true],
    ['http://localhost:8080', '127.0.0.1:8080', false],
    ['https://127.0.0.1:8080', '127.0.0.1:8080', false],
    ['http://127.0.0.1:8081', '127.0.0.1:8080', false],
    ['null', '127.0.0.1:8080', false],
    [undefined, '127.0.0.1:8080', false],
    ['http://127.0.0.1:8080', undefined, false],
  ])('%s for %s -> %s', (origin, host, ok) => expect(isSameOrigin(origin, host)).toBe(ok));
});

describe('tokens', () => {
  it.each<[string | null | undefined, boolean]>([
    ['s3cret-token', true],
    ['s3cret-toke', false],
    ['s3cret-token ', false],
    ['', false],
    [null, false],
    [undefined, false],
  ])('%j matches: %s', (presented, ok) => expect(tokenMatches(presented, 's3cret-token')).toBe(ok));
});

describe('staticFilePath', () => {
  const root = resolve('/srv/renderer');
  it.each<[string, string | null]>([
    ['/', join(root, 'index.html')],
    ['/index.html', join(root, 'index.html')],
    ['/assets/app-1.js', join(root, 'assets', 'app-1.js')],
    ['/assets/a%20b.css', join(root, 'assets', 'a b.css')],
    ['/assets/./x.js', join(root, 'assets', 'x.js')],
    ['/../etc/passwd', null],
    ['/assets/../../etc/passwd', null],
    ['/%2e%2e/etc/passwd', null],
    ['/assets/..%2f..%2fetc/passwd', null],
    ['/..%5cwindows', null],
    ['/a%00b', null],
    ['/%E0%A4%A', null],
    ['/C:/windows/win.ini', null],
    ['relative', null],
    ['/assets/', join(root, 'assets')],
  ])('%s', (urlPath, expected) => expect(staticFilePath(root, urlPath)).toBe(expected));
});

describe('securityHeaders', () => {
  it('forbid framing, sniffing and referrers and allow only this host', () => {
    const h = securityHeaders('127.0.0.1:8080');
    expect(h['Content-Security-Policy']).toMatch(/^default-src 'self';/);
    expect(h['Content-Security-Policy']).toContain("connect-src 'self' ws://127.0.0.1:8080;");
    expect(h['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['Referrer-Policy']).toBe('no-referrer');
    expect(securityHeaders(null)['Content-Security-Policy']).toContain("connect-src 'self';");
  });

  it('let heatmaps play from https: and the Sandbox simulator on loopback, nothing wider', () => {
    const csp = securityHeaders('127.0.0.1:8080', [
      'http://127.0.0.1:4321',
      'http://evil.example:80',
      'https://x.example',
    ])['Content-Security-Policy'];
    expect(csp).toContain("img-src 'self' data: blob: https: http://127.0.0.1:4321;");
    expect(csp).toContain("media-src 'self' blob: https: http://127.0.0.1:4321;");
    expect(csp).not.toContain('evil.example');
    expect(csp).not.toContain('x.example');
    expect(csp).not.toContain('*');
    expect(securityHeaders(null)['Content-Security-Policy']).toContain("media-src 'self' blob: https:;");
  });
});
