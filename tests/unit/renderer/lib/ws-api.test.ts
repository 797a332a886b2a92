import { describe, expect, it } from 'vitest';
import {
  createWsApi,
  pageToken,
  takeEarlySocket,
  uploadDroppedFiles,
  type EarlySocket,
  type SocketLike,
  type TokenWindow,
  type WsApiOptions,
} from '../../../../src/renderer/src/lib/ws-api';
import { TOKEN_STORAGE_KEY, WS_PATH, wsProtocols } from '../../../../src/shared/wire';
import { DEFAULT_FILTER, toQuery } from '../../../../src/renderer/src/state/job-query';
import { FIRST_PAGE_SIZE } from '../../../../src/renderer/src/state/jobs-state.svelte';
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
  readonly listeners: (() => void)[] = [];
  constructor(
    readonly url = 'ws://127.0.0.1:8123/ws',
    readonly protocols: string[] = [],
  ) {
    FakeSocket.made.push(this);
  }
  addEventListener(type: string, listener: () => void): void {
    if (type === 'open') this.listeners.push(listener);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    for (const l of this.listeners) l();
    this.onopen?.({});
  }
}

const HELLO = JSON.stringify({ hello: { protocol: 1, capabilities: {}, maxUploadBytes: 10 } });

/** A client of token `abc` that takes `socket` over as the page's first socket (at its address). */
function clientOver(
  socket: FakeSocket,
  messages: string[],
  more: { first?: EarlySocket['first']; backoff?: WsApiOptions['backoff'] } = {},
): ReturnType<typeof createWsApi> {
  return createWsApi({
    url: socket.url,
    token: 'abc',
    WebSocketImpl: FakeSocket,
    firstSocket: {
      token: 'abc',
      url: socket.url,
      socket,
      messages,
      ...('first' in more ? { first: more.first } : {}),
    },
    ...('backoff' in more ? { backoff: more.backoff } : {}),
  });
}

describe('the socket the page opened before its script (early-connect.js)', () => {
  it('is taken over when open: the first calls leave at once, and what the host sent before is not lost', async () => {
    FakeSocket.made = [];
    const early = new FakeSocket();
    early.readyState = 1;
    const ws = clientOver(early, [HELLO]);
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
    const ws = clientOver(connecting, []);
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
      // Once open, it asks for the queue's first page, exactly as the queue will.
      FakeSocket.made[0]?.open();
      const asked = { id: 0, command: 'listJobs', args: [toQuery(DEFAULT_FILTER, 0, FIRST_PAGE_SIZE)] };
      expect(FakeSocket.made[0]?.sent).toEqual([asked]);
      expect(early?.first).toEqual(asked);
      // The same JSON, key order included: the client matches the call by it.
      expect(JSON.stringify(early?.first?.args)).toBe(JSON.stringify(asked.args));
      // Taken once; the address still carries the token for pageToken to move.
      expect(takeEarlySocket('abc-123')).toBeNull();
      expect(window.location.search).toBe('?token=abc-123');
    } finally {
      page['WebSocket'] = before;
      window.history.replaceState(null, '', '/');
    }
  });

  it('early-connect.js asks for the first page before it sets up date and number formatting', () => {
    const page = window as unknown as Record<string, unknown>;
    const before = page['WebSocket'];
    const dateFormat = Intl.DateTimeFormat;
    const order: string[] = [];
    FakeSocket.made = [];
    page['WebSocket'] = FakeSocket;
    // Formatting set up first held the socket's open event, and so the question, back (issue 12).
    Intl.DateTimeFormat = function (...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      order.push('formatting');
      return new dateFormat(...args);
    } as typeof Intl.DateTimeFormat;
    window.history.replaceState(null, '', '/?token=abc-123');
    try {
      new Function(earlyConnect)();
      const socket = FakeSocket.made[0]!;
      const send = socket.send.bind(socket);
      socket.send = (data: string) => {
        order.push('first page asked');
        send(data);
      };
      expect(order).toEqual([]);
      socket.open();
      expect(order).toEqual(['first page asked', 'formatting']);
      expect(takeEarlySocket('abc-123')?.socket).toBe(socket);
    } finally {
      Intl.DateTimeFormat = dateFormat;
      page['WebSocket'] = before;
      window.history.replaceState(null, '', '/');
    }
  });

  it('early-connect.js without a token sets up the formatting at once and opens nothing', () => {
    const page = window as unknown as Record<string, unknown>;
    const before = page['WebSocket'];
    const dateFormat = Intl.DateTimeFormat;
    let formatted = 0;
    FakeSocket.made = [];
    page['WebSocket'] = FakeSocket;
    Intl.DateTimeFormat = function (...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      formatted++;
      return new dateFormat(...args);
    } as typeof Intl.DateTimeFormat;
    window.history.replaceState(null, '', '/');
    window.sessionStorage.removeItem(TOKEN_STORAGE_KEY);
    try {
      new Function(earlyConnect)();
      expect(FakeSocket.made).toEqual([]);
      expect(formatted).toBe(1);
      expect(takeEarlySocket(null)).toBeNull();
    } finally {
      Intl.DateTimeFormat = dateFormat;
      page['WebSocket'] = before;
    }
  });

  it('the first page it asked for answers the client’s first identical call: no second request', async () => {
    FakeSocket.made = [];
    const early = new FakeSocket();
    early.readyState = 1;
    const query = { sort: 'createdAt', order: 'desc', offset: 0, limit: 100 } as const;
    const page = { total: 1, offset: 0, jobs: [] };
    const ws = clientOver(early, [HELLO, JSON.stringify({ id: 0, ok: true, result: page })], {
      first: { id: 0, command: 'listJobs', args: [query] },
    });
    try {
      await expect(ws.listJobs({ ...query })).resolves.toEqual(page);
      // Taken once: the same call again, and any other, go to the host.
      void ws.listJobs({ ...query }).catch(() => undefined);
      void ws.listJobs({ ...query, offset: 100 }).catch(() => undefined);
      const sent = early.sent as { id: number; command: string }[];
      expect(sent.filter((m) => m.command === 'listJobs').map((m) => m.id)).toEqual([1, 2]);
    } finally {
      ws.close();
    }
  });

  it('an answer to it that comes after the take-over, or a lost connection, settles the call', async () => {
    FakeSocket.made = [];
    const early = new FakeSocket();
    const query = { sort: 'createdAt', order: 'desc', offset: 0, limit: 100 } as const;
    const first = { id: 0, command: 'listJobs', args: [query] };
    const ws = clientOver(early, [], { first, backoff: { initialMs: 60_000 } });
    try {
      const answer = ws.listJobs({ ...query });
      early.open();
      early.onmessage?.({
        data: JSON.stringify({ id: 0, ok: true, result: { total: 0, offset: 0, jobs: [] } }),
      });
      await expect(answer).resolves.toEqual({ total: 0, offset: 0, jobs: [] });
      expect((early.sent as { command?: string }[]).filter((m) => m.command === 'listJobs')).toEqual([]);
    } finally {
      ws.close();
    }
    FakeSocket.made = [];
    const lost = new FakeSocket();
    lost.readyState = 1;
    const ws2 = clientOver(lost, [], { first, backoff: { initialMs: 60_000 } });
    try {
      const answer = ws2.listJobs({ ...query });
      lost.readyState = 3;
      lost.onclose?.({});
      await expect(answer).rejects.toThrow(/lost before it answered "listJobs"/);
    } finally {
      ws2.close();
    }
  });
});
