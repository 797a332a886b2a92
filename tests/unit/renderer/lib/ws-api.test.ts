import { describe, expect, it } from 'vitest';
import { pageToken, type TokenWindow } from '../../../../src/renderer/src/lib/ws-api';
import { TOKEN_STORAGE_KEY } from '../../../../src/shared/wire';

function fakeWindow(href: string): TokenWindow & { store: Map<string, string>; replaced: string[] } {
  const store = new Map<string, string>();
  const replaced: string[] = [];
  return {
    store,
    replaced,
    location: { href },
    history: { replaceState: (_d, _u, url) => replaced.push(url), state: null },
    sessionStorage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
  };
}

describe('pageToken', () => {
  it('moves the token from the address into this tab’s session storage and out of the address bar', () => {
    const win = fakeWindow('http://127.0.0.1:8123/?token=abc-123&view=queue#top');
    expect(pageToken(win)).toBe('abc-123');
    expect(win.store.get(TOKEN_STORAGE_KEY)).toBe('abc-123');
    expect(win.replaced).toEqual(['/?view=queue#top']);
  });

  it('after a reload, takes it from session storage; without either there is none', () => {
    const win = fakeWindow('http://127.0.0.1:8123/');
    expect(pageToken(win)).toBeNull();
    win.store.set(TOKEN_STORAGE_KEY, 'abc-123');
    expect(pageToken(win)).toBe('abc-123');
    expect(win.replaced).toEqual([]);
  });
});
