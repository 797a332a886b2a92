import { describe, expect, it } from 'vitest';
import {
  NO_TOKEN_MESSAGE,
  routeRequest,
  routeUpgrade,
  type RequestFacts,
  type RequestRoute,
  type UpgradeFacts,
  type UpgradeRoute,
} from '../../../../src/main/headless/web/routes';
import { allowedHostHeaders } from '../../../../src/main/headless/web/policy';

const TOKEN = 'the-real-token';
const HOST = '127.0.0.1:4800';
const secrets = { token: TOKEN, allowedHosts: allowedHostHeaders('127.0.0.1', 4800) };

function request(over: Partial<RequestFacts>): RequestFacts {
  return {
    method: 'GET',
    path: '/',
    host: HOST,
    origin: undefined,
    token: null,
    contentLength: undefined,
    ...over,
  };
}

const upload: Partial<RequestFacts> = {
  method: 'POST',
  path: '/upload',
  token: TOKEN,
  origin: `http://${HOST}`,
  contentLength: '12',
};

function refused(status: number, why: string | null = null): Partial<RequestRoute> {
  return { kind: 'refuse', status, why };
}

describe('routeRequest', () => {
  const cases: [string, Partial<RequestFacts>, Partial<RequestRoute>][] = [
    ['the page itself is public', {}, { kind: 'static' }],
    ['HEAD of an asset is served', { method: 'HEAD', path: '/assets/app.js' }, { kind: 'static' }],
    ['a zero Content-Length is no body', { contentLength: '0' }, { kind: 'static' }],
    [
      'a foreign Host is refused first (DNS rebinding)',
      { host: 'evil.example:4800' },
      refused(421, 'host not allowed'),
    ],
    ['no Host at all is refused', { host: undefined }, refused(421, 'host not allowed')],
    [
      'a foreign Host is refused even for media',
      { host: 'evil.example', path: '/media/k/thumb/1' },
      refused(421, 'host not allowed'),
    ],
    ['media carries its own key: no UI token needed', { path: '/media/key/original/1' }, { kind: 'media' }],
    ['the bare media prefix goes to media (404 there)', { path: '/media' }, { kind: 'media' }],
    ['a path that only starts like media is static', { path: '/mediafoo' }, { kind: 'static' }],
    ['an upload with token and own Origin', upload, { kind: 'upload' }],
    ['an upload by GET is refused', { ...upload, method: 'GET' }, refused(405)],
    ['an upload without token', { ...upload, token: null }, refused(401, 'no token')],
    ['an upload with an empty token', { ...upload, token: '' }, refused(401, 'no token')],
    ['an upload with a wrong token', { ...upload, token: 'guess' }, refused(401, 'wrong token')],
    [
      'an upload from another page',
      { ...upload, origin: 'http://evil.example' },
      refused(403, 'foreign origin'),
    ],
    ['an upload with no Origin', { ...upload, origin: undefined }, refused(403, 'foreign origin')],
    [
      'the token is checked before the Origin',
      { ...upload, token: null, origin: undefined },
      refused(401, 'no token'),
    ],
    ['POST elsewhere is refused', { method: 'POST', path: '/' }, refused(405)],
    ['PUT is refused', { method: 'PUT', path: '/index.html' }, refused(405)],
    ['a GET with a body is refused', { contentLength: '5' }, refused(413)],
  ];
  it.each(cases)('%s', (_name, over, expected) => {
    expect(routeRequest(request(over), secrets)).toMatchObject(expected);
  });

  it('tells a browser without the token where to find it', () => {
    const route = routeRequest(request({ ...upload, token: null }), secrets);
    expect(route).toEqual({ kind: 'refuse', status: 401, message: NO_TOKEN_MESSAGE, why: 'no token' });
    expect(NO_TOKEN_MESSAGE).toContain('?token=');
  });

  it('never puts the token in a refusal', () => {
    for (const [, over] of cases) {
      expect(JSON.stringify(routeRequest(request(over), secrets))).not.toContain(TOKEN);
    }
  });
});

function upgrade(over: Partial<UpgradeFacts>): UpgradeFacts {
  return { path: '/ws', host: HOST, origin: `http://${HOST}`, token: TOKEN, closing: false, ...over };
}

describe('routeUpgrade', () => {
  const cases: [string, Partial<UpgradeFacts>, UpgradeRoute][] = [
    ['our own page with the token', {}, { kind: 'accept' }],
    [
      'localhost is the same machine',
      { host: 'localhost:4800', origin: 'http://localhost:4800' },
      { kind: 'accept' },
    ],
    [
      'a closing host takes no one',
      { closing: true },
      { kind: 'deny', status: 503, reason: 'Service Unavailable', why: 'shutting down' },
    ],
    [
      'a foreign Host',
      { host: 'evil.example:4800', origin: 'http://evil.example:4800' },
      { kind: 'deny', status: 421, reason: 'Misdirected Request', why: 'host not allowed' },
    ],
    ['no token', { token: null }, { kind: 'deny', status: 401, reason: 'Unauthorized', why: 'no token' }],
    [
      'a wrong token',
      { token: 'guess' },
      { kind: 'deny', status: 401, reason: 'Unauthorized', why: 'wrong token' },
    ],
    [
      'another page with the token (CSWSH)',
      { origin: 'http://evil.example' },
      { kind: 'deny', status: 403, reason: 'Forbidden', why: 'foreign origin' },
    ],
    [
      'no Origin',
      { origin: undefined },
      { kind: 'deny', status: 403, reason: 'Forbidden', why: 'foreign origin' },
    ],
    [
      'another path',
      { path: '/socket' },
      { kind: 'deny', status: 404, reason: 'Not Found', why: 'unknown websocket path' },
    ],
    [
      'the path is checked last: no token says 401 first',
      { path: '/socket', token: null },
      { kind: 'deny', status: 401, reason: 'Unauthorized', why: 'no token' },
    ],
  ];
  it.each(cases)('%s', (_name, over, expected) => {
    expect(routeUpgrade(upgrade(over), secrets)).toEqual(expected);
  });
});
