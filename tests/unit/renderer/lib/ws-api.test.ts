import { describe, expect, it } from 'vitest';
import {
  createWsApi,
  pageToken,
  takeEarlySocket,
  uploadDroppedFiles,
  type SocketLike,
  type TokenWindow,
} from '../../../../src/renderer/src/lib/ws-api';
import { TOKEN_STORAGE_KEY, WS_PATH, wsProtocols } from '../../../../src/shared/wire';
// The file as the page loads it (src/renderer/index.html), not built.
import earlyConnect from '../../../../src/renderer/public/early-connect.js?raw';

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

/** A browser WebSocket stand-in: records what is sent; the test plays the host. */
class FakeSocket implements SocketLike {
  static made: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(
    readonly url = 'ws://127.0.0.1:8123/ws',
    readonly protocols: string[] = [],
  ) {
    FakeSocket.made.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
}

const HELLO = JSON.stringify({ hello: { protocol: 1, capabilities: {}, maxUploadBytes: 10 } });

describe('the socket the page opened before its script (early-connect.js)', () => {
  it('is taken over when open: the first calls leave at once, and what the host sent before is not lost', async () => {
    FakeSocket.made = [];
    const early = new FakeSocket();
    early.readyState = 1;
    const ws = createWsApi({
      url: early.url,
      token: 'abc',
      WebSocketImpl: FakeSocket,
      firstSocket: { token: 'abc', url: early.url, socket: early, messages: [HELLO] },
    });
    try {
      expect(FakeSocket.made).toEqual([early]);
      expect(ws.connectionState()).toBe('open');
      void ws.getStatus().catch(() => undefined);
      expect(early.sent.at(-1)).toMatchObject({ command: 'getStatus' });
      // The hello that came before the take-over counts: a file over its limit is refused here.
      const result = await uploadDroppedFiles([new File(['more than ten bytes'], 'big.png')], {
        token: 'abc',
        fetchImpl: () => Promise.reject(new Error('must not be sent')),
      });
      expect(result.rejected.map((r) => r.reason)).toEqual([
        'The file is larger than this host accepts; copy it into a watched folder instead.',
      ]);
    } finally {
      ws.close();
    }
  });

  it('is taken over while it connects; a closed one, or one for another token or address, is not', () => {
    FakeSocket.made = [];
    const connecting = new FakeSocket();
    const ws = createWsApi({
      url: connecting.url,
      token: 'abc',
      WebSocketImpl: FakeSocket,
      firstSocket: { token: 'abc', url: connecting.url, socket: connecting, messages: [] },
    });
    void ws.getStatus().catch(() => undefined);
    expect(ws.connectionState()).toBe('connecting');
    connecting.open();
    expect(ws.connectionState()).toBe('open');
    expect(connecting.sent.at(-1)).toMatchObject({ command: 'getStatus' });
    ws.close();
    expect(FakeSocket.made).toHaveLength(1);

    for (const [token, url, state] of [
      ['abc', 'ws://127.0.0.1:8123/ws', 3],
      ['other', 'ws://127.0.0.1:8123/ws', 1],
      ['abc', 'ws://127.0.0.1:9999/ws', 1],
    ] as const) {
      FakeSocket.made = [];
      const stale = new FakeSocket(url);
      stale.readyState = state;
      const api = createWsApi({
        url: 'ws://127.0.0.1:8123/ws',
        token: 'abc',
        WebSocketImpl: FakeSocket,
        firstSocket: { token, url, socket: stale, messages: [] },
      });
      expect(FakeSocket.made).toHaveLength(2);
      expect(stale.readyState).toBe(3);
      api.close();
    }
  });

  it('early-connect.js opens it with the token of the address, as the client would, and keeps what arrives', () => {
    const page = window as unknown as Record<string, unknown>;
    const before = page['WebSocket'];
    FakeSocket.made = [];
    page['WebSocket'] = FakeSocket;
    window.history.replaceState(null, '', '/?token=abc-123');
    try {
      new Function(earlyConnect)();
      const early = takeEarlySocket('abc-123');
      expect(early?.socket).toBe(FakeSocket.made[0]);
      expect(FakeSocket.made[0]?.url).toBe(`ws://${window.location.host}${WS_PATH}`);
      expect(FakeSocket.made[0]?.protocols).toEqual(wsProtocols('abc-123'));
      FakeSocket.made[0]?.onmessage?.({ data: HELLO });
      expect(early?.messages).toEqual([HELLO]);
      // Taken once; the address still carries the token for pageToken to move.
      expect(takeEarlySocket('abc-123')).toBeNull();
      expect(window.location.search).toBe('?token=abc-123');
    } finally {
      page['WebSocket'] = before;
      window.history.replaceState(null, '', '/');
    }
  });
});
