/**
 * Every command and event of the contract (src/shared/contract.ts) is bridged everywhere it must
 * be: the IPC handlers and the preload, the desktop host, the browser's WebSocket client and the
 * three test fakes. A command added to the table but left out of any of these fails here.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  COMMAND_NAMES,
  EVENT_METHODS,
  EVENT_NAMES,
  type AuthentaWatchApi,
} from '../../../src/shared/contract';
import { createLogger } from '../../../src/main/core/logger';
import { registerCommands, forwardEvents } from '../../../src/main/ipc';
import { commandChannel } from '../../../src/main/ipc-channels';
import { createDesktopApi, type NativeHost } from '../../../src/main/desktop/host-api';
import { isTrustedSender } from '../../../src/main/desktop/security';
import { createWsApi, type SocketLike } from '../../../src/renderer/src/lib/ws-api';
import { FakeApi } from '../renderer/fake-api';
import { RecordingApi } from '../../integration/headless/recording-api';
import { FakeEngine } from './fake-engine';
import { FakeWebContents, fake, resetFakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const MEMBERS = [...COMMAND_NAMES, ...EVENT_NAMES.map((name) => EVENT_METHODS[name])];

/** The members of the contract this object has no function for. */
function missing(bridge: object): string[] {
  return MEMBERS.filter((m) => typeof (bridge as Record<string, unknown>)[m] !== 'function');
}

const native: NativeHost = {
  pickFolder: async () => null,
  pickFiles: async () => [],
  savePdf: async () => null,
  showItemInFolder: () => undefined,
  openExternal: async () => undefined,
};

async function loadPreload(engine: FakeEngine): Promise<AuthentaWatchApi> {
  resetFakeElectron();
  const contents = new FakeWebContents();
  contents.mainFrame.url = 'file:///app/out/renderer/index.html';
  contents.renderer = fake.ipcRenderer;
  fake.ipcRenderer.target = { contents };
  const target = { kind: 'file' as const, indexFile: '/app/out/renderer/index.html' };
  registerCommands(
    engine,
    (s) => isTrustedSender(s, { webContentsId: contents.id, target }),
    createLogger({ sinks: [] }),
  );
  forwardEvents(engine, () => contents as unknown as Electron.WebContents);
  vi.resetModules();
  await import('../../../src/preload/index');
  return fake.exposed.get('authenta') as AuthentaWatchApi;
}

/** A WebSocket that is open at once and keeps what the client sends. */
class RecordingSocket implements SocketLike {
  static last: RecordingSocket | null = null;
  readonly readyState = 1;
  readonly sent: unknown[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor() {
    RecordingSocket.last = this;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.onclose?.({});
  }
}

describe('every command and event of the contract', () => {
  it('is a function of every bridge and every fake', async () => {
    const engine = new FakeEngine();
    const ws = createWsApi({ url: 'ws://127.0.0.1:1/ws', token: null, WebSocketImpl: RecordingSocket });
    try {
      expect(missing(await loadPreload(engine))).toEqual([]);
      expect(missing(createDesktopApi(engine, native))).toEqual([]);
      expect(missing(ws)).toEqual([]);
      expect(missing(new FakeApi())).toEqual([]);
      expect(missing(engine)).toEqual([]);
      expect(missing(new RecordingApi().api)).toEqual([]);
    } finally {
      ws.close();
    }
  });

  it('has an IPC handler, and the preload reaches it on the command’s own channel', async () => {
    const engine = new FakeEngine();
    const api = await loadPreload(engine);
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(COMMAND_NAMES.map(commandChannel).sort());
    const invoked: string[] = [];
    const invoke = fake.ipcMain.invoke.bind(fake.ipcMain);
    fake.ipcMain.invoke = (channel, ...rest) => {
      invoked.push(channel);
      return invoke(channel, ...rest);
    };
    for (const name of COMMAND_NAMES) {
      // Called without arguments: most answer INVALID_ARGS, which is an answer from the handler.
      const call = (api[name] as unknown as () => Promise<unknown>)();
      const outcome = await call.then(
        () => 'answered',
        (e: { name?: string }) => (e.name === 'AuthentaWatchError' ? 'answered' : String(e)),
      );
      expect([name, outcome]).toEqual([name, 'answered']);
    }
    expect(invoked).toEqual(COMMAND_NAMES.map(commandChannel));
  });

  it('goes over the WebSocket under its own name, and every event is subscribed to', async () => {
    const ws = createWsApi({ url: 'ws://127.0.0.1:1/ws', token: null, WebSocketImpl: RecordingSocket });
    try {
      const socket = RecordingSocket.last;
      if (!socket) throw new Error('no socket was made');
      socket.onopen?.({});
      for (const name of COMMAND_NAMES)
        void (ws[name] as unknown as () => Promise<unknown>)().catch(() => {});
      const commands = socket.sent.flatMap((m) =>
        'command' in (m as object) ? [(m as { command: string }).command] : [],
      );
      expect(commands).toEqual([...COMMAND_NAMES]);
      for (const name of EVENT_NAMES) (ws[EVENT_METHODS[name]] as (l: () => void) => void)(() => {});
      expect(socket.sent.at(-1)).toEqual({ subscribe: [...EVENT_NAMES] });
    } finally {
      ws.close();
    }
  });
});
