/** proxy-from-env ships no types: the one function this app uses. */
declare module 'proxy-from-env' {
  /** The proxy URL the environment names for `url`, or '' when none (NO_PROXY included). */
  export function getProxyForUrl(url: string | URL): string;
}
