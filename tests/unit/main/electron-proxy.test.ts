import { describe, expect, it, vi } from 'vitest';
import { fake } from './fake-electron';
import { electronProxyResolver } from '../../../src/main/desktop/electron-proxy';

describe('electronProxyResolver', () => {
  const none = () => Promise.resolve(null);

  it('asks the session (system settings, PAC included) for each URL and uses its first proxy', async () => {
    const session = fake.session;
    const asked: string[] = [];
    session.proxyAnswer = (url) => {
      asked.push(url);
      return url.includes('s3') ? 'DIRECT' : 'PROXY proxy.desk:3128; DIRECT';
    };
    const resolve = electronProxyResolver(session, none);
    expect(await resolve(new URL('https://api.authenta.ai/api/media'))).toBe('http://proxy.desk:3128');
    expect(await resolve(new URL('https://s3.amazonaws.com/b/k?sig=1'))).toBeNull();
    expect(asked).toEqual(['https://api.authenta.ai/api/media', 'https://s3.amazonaws.com/b/k?sig=1']);
  });

  it('prefers a proxy from the environment (it can carry a password); skips the session then', async () => {
    const session = { resolveProxy: vi.fn(() => Promise.resolve('PROXY system:8080')) };
    const resolve = electronProxyResolver(session, () => Promise.resolve('http://u:p@env:3128'));
    expect(await resolve(new URL('https://api.authenta.ai/'))).toBe('http://u:p@env:3128');
    expect(session.resolveProxy).not.toHaveBeenCalled();
  });
});
