/**
 * The desktop's proxy: what Electron's session would use for a URL (the system settings, a PAC
 * script included), so uploads and API calls leave the way the rest of the desk's traffic does.
 * A proxy named in HTTPS_PROXY/HTTP_PROXY wins: it can carry the user name and password that a
 * PAC answer cannot.
 */
import type { Session } from 'electron';
import { envProxyResolver, proxyFromPac, type ProxyResolver } from '../core/api/proxy';

/**
 * A ProxyResolver asking `session.resolveProxy(url)` (e.g. `PROXY proxy.desk:3128; DIRECT`) after
 * the environment; a failing lookup goes straight, as Chromium does when its PAC script fails.
 */
export function electronProxyResolver(
  session: Pick<Session, 'resolveProxy'>,
  fromEnv: ProxyResolver = envProxyResolver(),
): ProxyResolver {
  return async (target) => {
    const env = await fromEnv(target);
    if (env) return env;
    return proxyFromPac(await session.resolveProxy(target.href));
  };
}
