/**
 * Addresses only this machine can reach: the web host warns when it listens elsewhere, and both
 * hosts let the Sandbox simulator's loopback origin into their content security policy.
 */

/** True for an address that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** True for `http://127.0.0.1:PORT` (or localhost, [::1]) exactly: the Sandbox simulator's origin. */
export function isLoopbackHttpOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && isLoopbackHost(url.hostname) && url.origin === origin && url.port !== '';
}
