/**
 * Which proxy a request goes through, and the connections that go through it. The hosts hand the
 * engine a ProxyResolver (the CLI: HTTPS_PROXY/HTTP_PROXY/NO_PROXY; the desktop: Electron's session,
 * PAC included); NetworkRoutes turns its answer into an undici dispatcher for the API calls and an
 * http.Agent for the streamed S3 PUT. A proxy URL may carry a user name and password: it is only
 * ever shown through redactProxyUrl.
 */
import type * as http from 'node:http';
import { getProxyForUrl } from 'proxy-from-env';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { ProxyAgent, type Dispatcher } from 'undici';
import type { Disposable } from '../ports';

/**
 * The proxy a request to `target` goes through (`http://[user:password@]host:port`), or null to
 * go straight. May reject: the request then goes straight, as a browser does when its PAC fails.
 */
export type ProxyResolver = (target: URL) => Promise<string | null>;

/** Every request goes straight (the default when a host hands no resolver). */
export const directResolver: ProxyResolver = () => Promise.resolve(null);

/**
 * The proxy the environment names for a URL: `https_proxy`/`HTTPS_PROXY` for https, `http_proxy`/
 * `HTTP_PROXY` for http (lower-case first), `all_proxy` otherwise, none for a host `no_proxy`/
 * `NO_PROXY` lists (`*`, `host`, `.domain`, `host:port`). Read at each request, so a changed
 * environment counts; the rules are proxy-from-env's (the ones curl and most tools follow).
 */
export function envProxyResolver(): ProxyResolver {
  return (target) => Promise.resolve(getProxyForUrl(target.href) || null);
}

/**
 * The first proxy of a PAC answer this app can use (what Electron's `session.resolveProxy`
 * gives: `PROXY host:port; HTTPS host:port; DIRECT`), as a URL; null for DIRECT, for an empty
 * answer, or when DIRECT comes before any usable proxy. SOCKS entries are skipped (the upload's
 * agent does not speak SOCKS). Pure.
 */
export function proxyFromPac(answer: string): string | null {
  for (const raw of answer.split(';')) {
    const [type = '', hostPort = ''] = raw.trim().split(/\s+/);
    const kind = type.toUpperCase();
    if (kind === 'DIRECT') return null;
    if (!hostPort) continue;
    if (kind === 'PROXY' || kind === 'HTTP') return `http://${hostPort}`;
    if (kind === 'HTTPS') return `https://${hostPort}`;
  }
  return null;
}

/** A proxy URL fit for a log line or a message: its user name and password replaced. Pure. */
export function redactProxyUrl(proxy: string): string {
  try {
    const u = new URL(proxy);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return `${u.protocol}//${u.username ? '***@' : ''}${u.host}`;
  } catch {
    return '(an unreadable proxy address)';
  }
}

/** How one request leaves: straight (`proxy` null) or through the proxy named. */
export interface Route {
  proxy: string | null;
}

/**
 * The routes of the API calls and uploads: asks the resolver for each request and keeps one
 * connection pool per proxy (undici's ProxyAgent for fetch, http(s)-proxy-agent for the PUT), closed
 * on dispose.
 */
export class NetworkRoutes implements Disposable {
  private readonly dispatchers = new Map<string, ProxyAgent>();
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly resolver: ProxyResolver = directResolver) {}

  /** The route of a request to `target`; straight when the resolver fails or names no usable proxy. */
  async route(target: URL): Promise<Route> {
    let proxy: string | null;
    try {
      proxy = await this.resolver(target);
    } catch {
      proxy = null;
    }
    if (!proxy) return { proxy: null };
    try {
      const u = new URL(proxy);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return { proxy: null };
    } catch {
      return { proxy: null };
    }
    return { proxy };
  }

  /** The undici dispatcher that sends fetch calls through `proxy` (one per proxy, reused). */
  dispatcherFor(proxy: string): Dispatcher {
    let d = this.dispatchers.get(proxy);
    if (!d) {
      d = new ProxyAgent({ uri: proxy });
      this.dispatchers.set(proxy, d);
    }
    return d;
  }

  /**
   * The agent of one PUT to `target` through `proxy`: a CONNECT tunnel for https, the absolute
   * URL form for plain http. Not kept alive: one connection per upload, as without a proxy.
   */
  uploadAgentFor(target: URL, proxy: string): http.Agent {
    const key = `${target.protocol} ${proxy}`;
    let a = this.agents.get(key);
    if (!a) {
      a = target.protocol === 'https:' ? new HttpsProxyAgent(proxy) : new HttpProxyAgent(proxy);
      this.agents.set(key, a);
    }
    return a;
  }

  dispose(): void {
    for (const d of this.dispatchers.values()) void d.close().catch(() => undefined);
    for (const a of this.agents.values()) a.destroy();
    this.dispatchers.clear();
    this.agents.clear();
  }
}
