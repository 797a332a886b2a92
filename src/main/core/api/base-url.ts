/**
 * The base URL of a profile, in one canonical form: `scheme://host[:port][/prefix]/api`, no
 * trailing slash. People paste many forms (with or without `https://`, `/api` or a final slash).
 */

/** A base URL that cannot be used, with what to type instead. */
export class BaseUrlError extends Error {
  override readonly name = 'BaseUrlError';
}

const EXAMPLE = 'Enter it like https://platform.authenta.ai/api.';

/**
 * Returns the canonical `.../api` form of `input` (https assumed when no scheme is given), or
 * throws a BaseUrlError that says what is wrong. Query strings, fragments and credentials are refused.
 */
export function normaliseBaseUrl(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '') throw new BaseUrlError(`The API address is empty. ${EXAMPLE}`);
  if (/\s/.test(trimmed)) throw new BaseUrlError(`The API address contains spaces. ${EXAMPLE}`);

  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  if (!hasScheme && /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(trimmed)) {
    throw new BaseUrlError(`"${trimmed}" is not a web address. ${EXAMPLE}`);
  }
  let url: URL;
  try {
    url = new URL(hasScheme ? trimmed : `https://${trimmed}`);
  } catch {
    throw new BaseUrlError(`"${trimmed}" is not a valid web address. ${EXAMPLE}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BaseUrlError(`The API address must start with https:// (got ${url.protocol}//). ${EXAMPLE}`);
  }
  if (url.hostname === '' || !/^[a-z0-9.[\]:_-]+$/i.test(url.hostname) || url.hostname.startsWith('.')) {
    throw new BaseUrlError(`"${trimmed}" has no valid host name. ${EXAMPLE}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new BaseUrlError(
      'The API address must not contain a user name or password; enter credentials in their own fields.',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new BaseUrlError(`The API address must not contain "?" or "#". ${EXAMPLE}`);
  }

  const segments = url.pathname.split('/').filter((s) => s !== '');
  // A pasted route (".../api/media", ".../api/media/<mid>", ".../api/v1/jobs") still names the same API.
  const apiAt = segments.findIndex((s) => s.toLowerCase() === 'api');
  const route = segments.slice(apiAt + 1, apiAt + 3).map((s) => s.toLowerCase());
  if (apiAt >= 0 && (route[0] === 'media' || (route[0] === 'v1' && route[1] === 'jobs'))) {
    segments.length = apiAt + 1;
  }
  if (segments[segments.length - 1]?.toLowerCase() !== 'api') segments.push('api');
  else segments[segments.length - 1] = 'api';
  return `${url.protocol}//${url.host}/${segments.join('/')}`;
}

/** The origin (scheme, host, port) of a base URL: what credentials are bound to. */
export function originOf(baseUrl: string): string {
  return new URL(baseUrl).origin;
}

/** True for a host name only this machine answers to (127.x.x.x, localhost, ::1). */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Throws a BaseUrlError unless `baseUrl` (canonical) is https, or plain http to this machine:
 * a secret sent over plain http to another machine can be read on the way.
 */
export function requireSecureBaseUrl(baseUrl: string): void {
  const url = new URL(baseUrl);
  if (url.protocol === 'https:' || isLoopbackHostname(url.hostname)) return;
  throw new BaseUrlError(
    `The API address must start with https:// (plain http is accepted only for this computer: 127.0.0.1 or localhost). ${EXAMPLE}`,
  );
}
