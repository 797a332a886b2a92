/**
 * API calls and the streamed S3 PUT through a real HTTP proxy on 127.0.0.1 (TooTallNate's `proxy`,
 * with Basic auth): the calls reach Authenta through it, the proxy's own refusals (407, a closed
 * port, a refused tunnel) become 'proxy' errors that say what to do, and the proxy's password
 * never shows in an error or a log line.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createProxy, type ProxyServer } from 'proxy';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthentaClient } from '../../../src/main/core/api/authenta-client';
import { AuthentaError } from '../../../src/main/core/api/errors';
import { envProxyResolver, NetworkRoutes, type ProxyResolver } from '../../../src/main/core/api/proxy';
import { decideOnError } from '../../../src/main/core/pipeline/error-policy';
import type { Logger } from '../../../src/main/core/ports';
import { startRawServer, type RawServer } from '../../unit/core/api/raw-server';
import { unusedPort } from '../../helpers/ports';

const PASSWORD = 'pr0xy-s3cret';
let api: RawServer;
let proxy: ProxyServer;
let proxyUrl: string;
/** Requests the proxy handled: plain ones by their URL, tunnels as `CONNECT host:port`. */
const proxied: string[] = [];
let dir: string;
const routes: NetworkRoutes[] = [];

beforeAll(async () => {
  api = await startRawServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-test-'));
  proxy = createProxy(http.createServer());
  proxy.authenticate = (req) => {
    const header = req.headers['proxy-authorization'] ?? '';
    return header === `Basic ${Buffer.from(`desk:${PASSWORD}`).toString('base64')}`;
  };
  proxy.prependListener('request', (req: http.IncomingMessage) => proxied.push(req.url ?? ''));
  proxy.prependListener('connect', (req: http.IncomingMessage) => proxied.push(`CONNECT ${req.url}`));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const r of routes) r.dispose();
  await api.close();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  proxied.length = 0;
  vi.unstubAllEnvs();
});

function withAuth(url: string, user = 'desk', password = PASSWORD): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.href.replace(/\/$/, '');
}

function lines(): { logger: Logger; text: () => string } {
  const out: string[] = [];
  const log = (msg: string, fields?: Record<string, unknown>) =>
    out.push(`${msg} ${JSON.stringify(fields ?? {})}`);
  return {
    logger: { debug: log, info: log, warn: log, error: log } as Logger,
    text: () => out.join('\n'),
  };
}

function client(resolver: ProxyResolver, logger?: Logger): AuthentaClient {
  const r = new NetworkRoutes(resolver);
  routes.push(r);
  return new AuthentaClient({
    baseUrl: api.url,
    credentials: { kind: 'client', clientId: 'cid', clientSecret: 'csecret' },
    network: { routes: r },
    fetchTimeoutMs: 10_000,
    ...(logger ? { logger } : {}),
  });
}

function file(bytes: number): { path: string; contentType: string; size: number } {
  const p = path.join(dir, `f-${crypto.randomUUID()}.jpg`);
  fs.writeFileSync(p, crypto.randomBytes(bytes));
  return { path: p, contentType: 'image/jpeg', size: bytes };
}

async function failure(p: Promise<unknown>): Promise<AuthentaError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AuthentaError);
    return e as AuthentaError;
  }
  throw new Error('expected a failure');
}

describe('through a proxy with a user name and password', () => {
  it('sends API calls and the upload through the proxy and they succeed', async () => {
    const c = client(() => Promise.resolve(withAuth(proxyUrl)));
    api.answer({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
    const answer = await c.request('GET', '/ping', '/ping', null);
    expect(answer.raw).toEqual({ ok: true });
    api.answer({ status: 200 });
    const src = file(300_000);
    const receipt = await c.upload(`${api.origin}/bucket/key?X-Amz-Signature=abc`, src);
    expect(receipt.bytes).toBe(300_000);
    const origin = new URL(api.origin).host;
    // undici tunnels the API call; the plain-http PUT goes to the proxy in absolute form.
    expect(proxied).toContain(`CONNECT ${origin}`);
    expect(proxied).toContain(`${api.origin}/bucket/key?X-Amz-Signature=abc`);
    expect(api.seen.at(-1)?.bytes).toBe(300_000);
  });

  it('reads HTTPS_PROXY / NO_PROXY from the environment (lower-case too)', async () => {
    vi.stubEnv('HTTP_PROXY', '');
    vi.stubEnv('http_proxy', withAuth(proxyUrl));
    vi.stubEnv('NO_PROXY', '');
    vi.stubEnv('no_proxy', '');
    const c = client(envProxyResolver());
    await c.request('GET', '/ping', '/ping', null);
    expect(proxied.length).toBe(1);

    vi.stubEnv('no_proxy', 'example.org,127.0.0.1');
    await c.request('GET', '/ping', '/ping', null);
    expect(proxied.length).toBe(1); // the second call went straight
  });
});

describe("the proxy's own errors become 'proxy' blocks that say what to do", () => {
  it('407 without credentials: API call and upload', async () => {
    const c = client(() => Promise.resolve(proxyUrl));
    const e = await failure(c.listMedia({ limit: 1, offset: 0 }));
    expect(e).toMatchObject({ code: 'PROXY_AUTH', kind: 'proxy', status: 407 });
    expect(e.message).toContain('asks for a user name and password');
    expect(e.action).toContain('HTTPS_PROXY=http://user:password@host:port');
    expect(decideOnError('list', e, 1, () => 0.5)).toEqual({ type: 'block', block: 'proxy' });

    const u = await failure(c.upload(`${api.origin}/bucket/k`, file(50_000)));
    expect(u).toMatchObject({ code: 'PROXY_AUTH', kind: 'proxy', status: 407 });
    expect(decideOnError('upload', u, 1, () => 0.5)).toEqual({ type: 'block', block: 'proxy' });
  });

  it('407 with a wrong password: says so, and the password is in no message or log line', async () => {
    const log = lines();
    const wrong = withAuth(proxyUrl, 'desk', 'not-the-' + PASSWORD);
    const c = client(() => Promise.resolve(wrong), log.logger);
    const e = await failure(c.getMedia('m1'));
    expect(e).toMatchObject({ code: 'PROXY_AUTH', kind: 'proxy' });
    expect(e.message).toContain('did not accept its user name and password');
    const u = await failure(c.upload(`${api.origin}/bucket/k`, file(10_000)));
    expect(u.code).toBe('PROXY_AUTH');
    const shown = `${e.message} ${e.action} ${u.message} ${u.action} ${log.text()}`;
    expect(log.text()).toContain('127.0.0.1'); // the proxy is named...
    expect(shown).not.toContain(PASSWORD); // ...without its password
    expect(shown).not.toContain('desk:');
  });

  it('a proxy that cannot be reached: PROXY_UNREACHABLE, for calls and uploads', async () => {
    const port = await unusedPort();
    const c = client(() => Promise.resolve(`http://u:${PASSWORD}@127.0.0.1:${port}`));
    const e = await failure(c.listMedia({ limit: 1, offset: 0 }));
    expect(e).toMatchObject({ code: 'PROXY_UNREACHABLE', kind: 'proxy' });
    expect(e.message).toBe(`The proxy 127.0.0.1:${port} cannot be reached (ECONNREFUSED)`);
    const u = await failure(c.upload(`${api.origin}/bucket/k`, file(10_000)));
    expect(u).toMatchObject({ code: 'PROXY_UNREACHABLE', kind: 'proxy' });
    expect(`${e.message}${u.message}`).not.toContain(PASSWORD);
  });

  it('a refused tunnel (the proxy cannot connect on): PROXY_REFUSED naming the host', async () => {
    // The proxy answers a CONNECT to a closed port with an error status (500 here).
    const port = await unusedPort();
    const r = new NetworkRoutes(() => Promise.resolve(withAuth(proxyUrl)));
    routes.push(r);
    const dead = new AuthentaClient({
      baseUrl: `http://127.0.0.1:${port}/api`,
      credentials: { kind: 'client', clientId: 'cid', clientSecret: 'csecret' },
      network: { routes: r },
    });
    const e = await failure(dead.request('GET', '/ping', '/ping', null));
    expect(e).toMatchObject({ code: 'PROXY_REFUSED', kind: 'proxy', status: 500 });
    expect(e.message).toBe(
      `The proxy ${new URL(proxyUrl).host} refused to connect to 127.0.0.1:${port} (HTTP 500)`,
    );
    expect(e.action).toContain('NO_PROXY');
  });
});
