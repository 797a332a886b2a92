import { beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMAND_ARGS, EVENT_METHODS, EVENT_NAMES } from '../../../src/shared/contract';
import { createLogger, MemoryLogSink } from '../../../src/main/core/logger';
import {
  COMMAND_NAMES,
  EVENT_LIST,
  EVENT_SUBSCRIPTIONS,
  commandChannel,
  eventChannel,
} from '../../../src/main/ipc-channels';
import { forwardEvents, registerCommands } from '../../../src/main/ipc';
import { isTrustedSender, type AppTarget } from '../../../src/main/desktop/security';
import { FakeEngine, makeJob, makeStatus } from './fake-engine';
import { FakeWebContents, fake, resetFakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const TARGET: AppTarget = { kind: 'file', indexFile: '/app/out/renderer/index.html' };
const APP_URL = 'file:///app/out/renderer/index.html';

describe('the channel lists match the contract', () => {
  it('has one command per entry of COMMAND_ARGS and one event per event', () => {
    expect([...COMMAND_NAMES].sort()).toEqual(Object.keys(COMMAND_ARGS).sort());
    expect(EVENT_LIST).toEqual([...EVENT_NAMES]);
    expect(EVENT_SUBSCRIPTIONS).toEqual(EVENT_METHODS);
    expect(new Set(COMMAND_NAMES.map(commandChannel)).size).toBe(COMMAND_NAMES.length);
  });
});

describe('registerCommands', () => {
  let engine: FakeEngine;
  let app: FakeWebContents;
  let sink: MemoryLogSink;

  beforeEach(() => {
    resetFakeElectron();
    engine = new FakeEngine();
    app = new FakeWebContents();
    app.mainFrame.url = APP_URL;
    sink = new MemoryLogSink();
    registerCommands(
      engine,
      (sender) => isTrustedSender(sender, { webContentsId: app.id, target: TARGET }),
      createLogger({ sinks: [sink] }),
    );
  });

  it('registers one handler per command', () => {
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(COMMAND_NAMES.map(commandChannel).sort());
  });

  it('runs a command from the app window with validated, defaulted arguments', async () => {
    engine.jobs.set(3, makeJob({ id: 3 }));
    await expect(fake.ipcMain.invoke(commandChannel('retryJob'), app, [3])).resolves.toEqual({
      ok: true,
      value: undefined,
    });
    const reply = await fake.ipcMain.invoke(commandChannel('listJobs'), app, [{ search: 'clip' }]);
    expect(reply).toMatchObject({ ok: true, value: { total: 1 } });
    expect(engine.called('listJobs')).toEqual([
      [{ search: 'clip', sort: 'createdAt', order: 'desc', offset: 0, limit: 200 }],
    ]);
  });

  it('refuses another window, a sub-frame, a foreign page and a vanished frame', async () => {
    const other = new FakeWebContents();
    other.mainFrame.url = APP_URL;
    const forbidden = {
      ok: false,
      error: { message: 'Only the Authenta Watch window may call the engine.', code: 'FORBIDDEN_SENDER' },
    };
    await expect(fake.ipcMain.invoke(commandChannel('pauseAll'), other, [])).resolves.toEqual(forbidden);
    await expect(
      fake.ipcMain.invoke(commandChannel('pauseAll'), app, [], { url: APP_URL, parent: app.mainFrame }),
    ).resolves.toEqual(forbidden);
    await expect(
      fake.ipcMain.invoke(commandChannel('pauseAll'), app, [], {
        url: 'https://evil.example/',
        parent: null,
      }),
    ).resolves.toEqual(forbidden);
    await expect(fake.ipcMain.invoke(commandChannel('pauseAll'), app, [], null)).resolves.toEqual(forbidden);
    expect(engine.called('pauseAll')).toEqual([]);
    expect(sink.text()).toContain('Refused an IPC call');
  });

  it.each([
    ['retryJob', ['3']],
    ['retryJob', [-1]],
    ['retryJob', []],
    ['retryJob', [3, 'extra']],
    ['listJobs', [{ limit: 0 }]],
    ['listJobs', [{ states: ['nope'] }]],
    ['addPaths', [[]]],
    ['addPaths', ['/not/a/list']],
    ['setSecret', ['sandbox', { password: 'x' }]],
    ['openLink', [{ id: 1, kind: 'javascript' }]],
  ] as const)('refuses %s(%j) before it reaches the engine', async (name, args) => {
    const reply = (await fake.ipcMain.invoke(commandChannel(name), app, [...args])) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe('INVALID_ARGS');
    expect(reply.error.message).toContain(`Invalid arguments for ${name}`);
    expect(engine.calls.filter((c) => c[0] !== 'getStatus')).toEqual([]);
  });

  it('carries an engine error across as {message, code}', async () => {
    await expect(fake.ipcMain.invoke(commandChannel('testConnection'), app, ['sandbox'])).resolves.toEqual({
      ok: false,
      error: { message: 'Authenta refused the client ID and secret.', code: 'IAM001' },
    });
    await expect(fake.ipcMain.invoke(commandChannel('getJob'), app, [99])).resolves.toEqual({
      ok: false,
      error: { message: 'No job 99.', code: 'NOT_FOUND' },
    });
  });

  it('removes its handlers when disposed', () => {
    resetFakeElectron();
    const registration = registerCommands(engine, () => true, createLogger({ sinks: [] }));
    registration.dispose();
    expect(fake.ipcMain.handlers.size).toBe(0);
  });
});

describe('forwardEvents', () => {
  it('pushes each engine event to the window on its own channel', () => {
    const engine = new FakeEngine();
    const contents = new FakeWebContents();
    let current: FakeWebContents | null = contents;
    const forwarding = forwardEvents(engine, () => current as unknown as Electron.WebContents | null);
    const status = makeStatus({ paused: true });
    engine.emitStatus(status);
    engine.emitJobs([{ type: 'removed', id: 4 }]);
    engine.emitProgress([{ id: 1, bytesSent: 10, size: 20, bytesPerSecond: 5 }]);
    expect(contents.sent).toEqual([
      { channel: eventChannel('status'), payload: status },
      { channel: eventChannel('jobsChanged'), payload: [{ type: 'removed', id: 4 }] },
      { channel: eventChannel('progress'), payload: [{ id: 1, bytesSent: 10, size: 20, bytesPerSecond: 5 }] },
    ]);

    contents.destroyed = true;
    engine.emitStatus(status);
    current = null;
    engine.emitStatus(status);
    expect(contents.sent).toHaveLength(3);

    forwarding.dispose();
    expect(engine.listenerCount()).toBe(0);
  });
});
