import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  envProxyResolver,
  NetworkRoutes,
  proxyFromPac,
  redactProxyUrl,
} from '../../../../src/main/core/api/proxy';

describe('proxyFromPac', () => {
  it.each([
    ['DIRECT', null],
    ['', null],
    ['PROXY proxy.desk:3128', 'http://proxy.desk:3128'],
    ['PROXY proxy.desk:3128; DIRECT', 'http://proxy.desk:3128'],
    ['HTTPS secure.desk:443; PROXY proxy.desk:3128', 'https://secure.desk:443'],
    ['HTTP 10.0.0.1:8080', 'http://10.0.0.1:8080'],
    ['SOCKS5 socks.desk:1080; PROXY proxy.desk:3128', 'http://proxy.desk:3128'],
    ['SOCKS5 socks.desk:1080', null],
    ['DIRECT; PROXY proxy.desk:3128', null],
    ['  proxy   proxy.desk:3128 ;DIRECT', 'http://proxy.desk:3128'],
  ])('%j -> %s', (answer, proxy) => {
    expect(proxyFromPac(answer)).toBe(proxy);
  });
});

describe('redactProxyUrl', () => {
  it.each([
    ['http://proxy.desk:3128', 'http://proxy.desk:3128'],
    ['http://desk:s3cret@proxy.desk:3128/', 'http://***@proxy.desk:3128'],
    ['https://only-user@proxy.desk', 'https://***@proxy.desk'],
    ['not a url s3cret', '(an unreadable proxy address)'],
  ])('%s -> %s', (url, shown) => {
    expect(redactProxyUrl(url)).toBe(shown);
  });
});

describe('envProxyResolver', () => {
  afterEach(() => vi.unstubAllEnvs());
  const resolve = (url: string) => envProxyResolver()(new URL(url));

  it('takes HTTPS_PROXY for https and HTTP_PROXY for http, lower-case first', async () => {
    vi.stubEnv('https_proxy', 'http://lower:1');
    vi.stubEnv('HTTPS_PROXY', 'http://upper:2');
    vi.stubEnv('http_proxy', '');
    vi.stubEnv('HTTP_PROXY', 'http://plain:3');
    vi.stubEnv('no_proxy', '');
    vi.stubEnv('NO_PROXY', '');
    expect(await resolve('https://api.authenta.ai/api/media')).toBe('http://lower:1');
    expect(await resolve('http://s3.example/bucket')).toBe('http://plain:3');
  });

  it('goes straight for hosts NO_PROXY lists, and with no proxy set', async () => {
    vi.stubEnv('https_proxy', 'http://p:1');
    vi.stubEnv('no_proxy', '');
    vi.stubEnv('NO_PROXY', '.internal, s3.example:443');
    expect(await resolve('https://files.internal/x')).toBeNull();
    expect(await resolve('https://s3.example/x')).toBeNull();
    expect(await resolve('https://api.authenta.ai/x')).toBe('http://p:1');
    vi.stubEnv('NO_PROXY', '*');
    expect(await resolve('https://api.authenta.ai/x')).toBeNull();
    vi.stubEnv('NO_PROXY', '');
    vi.stubEnv('https_proxy', '');
    vi.stubEnv('HTTPS_PROXY', '');
    vi.stubEnv('all_proxy', '');
    vi.stubEnv('ALL_PROXY', '');
    expect(await resolve('https://api.authenta.ai/x')).toBeNull();
  });
});

describe('NetworkRoutes.route', () => {
  it('goes straight when the resolver fails or names something that is not an http(s) proxy', async () => {
    const url = new URL('https://api.authenta.ai/api');
    expect(await new NetworkRoutes(() => Promise.reject(new Error('PAC broke'))).route(url)).toEqual({
      proxy: null,
    });
    expect(await new NetworkRoutes(() => Promise.resolve('socks5://s:1080')).route(url)).toEqual({
      proxy: null,
    });
    expect(await new NetworkRoutes(() => Promise.resolve('http://p:3128')).route(url)).toEqual({
      proxy: 'http://p:3128',
    });
    expect(await new NetworkRoutes().route(url)).toEqual({ proxy: null });
  });
});
