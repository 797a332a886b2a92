/**
 * The browser's WebSocket client (src/renderer/src/lib/ws-api.ts) against the real web host on
 * 127.0.0.1: calls, events, errors with codes, reconnecting after the host comes back, and
 * uploads of dropped files. `ws` stands in for the browser's WebSocket, sending the Origin a
 * browser would send and the token in the protocol list, as the page does.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startWebHost, WEB_CAPABILITIES, type WebHost } from '../../../src/main/headless/web-host';
import {
  createWsApi,
  uploadDroppedFiles,
  whenOpen,
  WsApiError,
  type SocketConstructor,
  type WsApi,
} from '../../../src/renderer/src/lib/ws-api';
import type { Logger } from '../../../src/main/core/ports';
import { COMMAND_NAMES } from '../../../src/shared/contract';
import type { JobChange } from '../../../src/shared/domain';
import { RecordingApi, sampleJob } from './recording-api';
import { waitFor } from './http-client';
import { unusedPort } from '../../helpers/ports';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let dir: string;
let recording: RecordingApi;
let host: WebHost;
let client: WsApi | null = null;

async function startHost(port = 0, maxUploadBytes?: number): Promise<void> {
  host = await startWebHost({
    api: recording.api,
    port,
    rendererDir: join(dir, 'renderer'),
    inboxDir: join(dir, 'inbox'),
    logger: quiet,
    ...(maxUploadBytes === undefined ? {} : { maxUploadBytes }),
  });
}

/** A browser-like WebSocket: the page's Origin goes with every connection, the token in the protocol list. */
function browserSocket(): SocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols?: string[]) {
      super(url, protocols ?? [], { origin: host.origin });
    }
  } as unknown as SocketConstructor;
}

function connect(extra: { callTimeoutMs?: number } = {}): WsApi {
  client = createWsApi({
    url: `ws://127.0.0.1:${host.port}/ws`,
    // Read at each connection, like a reloaded page would read its new address.
    token: () => host.token,
    WebSocketImpl: browserSocket(),
    backoff: { initialMs: 20, maxMs: 200 },
    ...extra,
  });
  return client;
}

/** fetch as the page would call it: same origin (the token header comes from uploadDroppedFiles). */
const pageFetch: typeof fetch = (input, init) =>
  fetch(input, {
    ...init,
    headers: { ...(init?.headers as Record<string, string>), origin: host.origin },
  });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authenta-wsapi-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  recording = new RecordingApi();
  await startHost();
});

afterEach(async () => {
  client?.close();
  client = null;
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

describe('createWsApi', () => {
  it('calls commands and returns their results', async () => {
    const api = connect();
    expect(await api.getCapabilities()).toEqual(WEB_CAPABILITIES);
    const page = await api.listJobs({ search: 'clip' });
    expect(page.jobs[0]?.name).toBe('clip-1.mp4');
    await api.retryJob(3);
    expect(recording.callsOf('retryJob')).toEqual([{ command: 'retryJob', args: [3] }]);
    expect(api.connectionState()).toBe('open');
  });

  it('carries reviews and poster frames to the engine; the host answers media, files and PDF itself', async () => {
    const api = connect();
    const reviewed = await api.setReview(4, { status: 'escalated', note: 'check the source' });
    expect(reviewed.review).toEqual({ status: 'escalated', note: 'check the source', at: 1 });
    await expect(api.setReview(4, { status: 'nope' as never })).rejects.toMatchObject({
      code: 'INVALID_ARGS',
    });
    await api.saveVideoPoster(4, 'data:image/jpeg;base64,/9j/AAAA');
    await expect(api.saveVideoPoster(4, 'data:image/png;base64,AAAA')).rejects.toMatchObject({
      code: 'INVALID_ARGS',
    });
    expect(recording.callsOf('setReview')).toEqual([
      { command: 'setReview', args: [4, { status: 'escalated', note: 'check the source' }] },
    ]);
    expect(recording.callsOf('saveVideoPoster')).toHaveLength(1);
    // The media base is the host's own route with its media key, not the engine's answer.
    const base = await api.getMediaBase();
    expect(base).toMatch(/^\/media\/[A-Za-z0-9_-]{20,}$/);
    expect(base).not.toContain(host.token);
    expect(await api.pickFiles()).toEqual([]);
    await expect(api.savePdf('Case 1')).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    expect(recording.callsOf('getMediaBase')).toEqual([]);
    expect(recording.callsOf('pickFiles')).toEqual([]);
    expect(recording.callsOf('savePdf')).toEqual([]);
  });

  it('knows every command of the contract: each reaches the host and gets its answer', async () => {
    const api = connect();
    const codes: [string, string | null][] = [];
    for (const name of COMMAND_NAMES) {
      // Without arguments most are refused by their schema: still an answer of that command.
      const code = await (api[name] as unknown as () => Promise<unknown>)().then(
        () => null,
        (e: unknown) => (e instanceof WsApiError ? e.code : String(e)),
      );
      codes.push([name, code]);
    }
    expect(
      codes.filter(([, code]) => code !== null && code !== 'INVALID_ARGS' && code !== 'NOT_SUPPORTED'),
    ).toEqual([]);
  });

  it('rejects with the host’s message and code', async () => {
    const api = connect();
    const bad = await api.getJob(-1).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(WsApiError);
    expect(bad).toMatchObject({ code: 'INVALID_ARGS' });
    expect((bad as Error).message).toMatch(/getJob/);
    await expect(api.addFolder({ path: '/nowhere' })).rejects.toMatchObject({
      message: 'No folder at /nowhere.',
      code: 'NO_FOLDER',
    });
  });

  it('delivers events to its listeners until they unsubscribe', async () => {
    const api = connect();
    const changes: JobChange[][] = [];
    const opened: number[] = [];
    const off = api.onJobsChanged((c) => changes.push(c));
    api.onOpenJob((id) => opened.push(id));
    await api.getStatus(); // the subscription went out before this call
    recording.emit('jobsChanged', [{ type: 'removed', id: 9 }]);
    recording.emit('openJob', 5);
    await waitFor(() => changes.length === 1 && opened.length === 1, 'both events');
    off();
    await api.getStatus();
    recording.emit('jobsChanged', [{ type: 'removed', id: 10 }]);
    recording.emit('openJob', 6);
    await waitFor(() => opened.length === 2, 'the second openJob');
    expect(changes).toEqual([[{ type: 'removed', id: 9 }]]);
  });

  it('rejects pending calls when the host goes away, then reconnects and keeps its listeners', async () => {
    // The host comes back on the same port: one the kernel does not hand out to others meanwhile.
    await host.close();
    await startHost(await unusedPort());
    const api = connect();
    const states: string[] = [];
    api.onConnection((s) => states.push(s));
    const statuses: unknown[] = [];
    api.onStatus((s) => statuses.push(s));
    const jobs: JobChange[][] = [];
    api.onJobsChanged((c) => jobs.push(c));
    await api.getStatus();

    // A call the host never answers, then the host stops.
    let release: (() => void) | null = null;
    recording.api.pauseAll = () => new Promise<void>((r) => (release = r));
    const pending = api.pauseAll().catch((e: unknown) => e);
    await waitFor(() => release !== null, 'the call to reach the host');
    const port = host.port;
    await host.close();
    const lost = await pending;
    expect(lost).toMatchObject({ code: 'DISCONNECTED' });
    expect((lost as Error).message).toMatch(/lost before it answered "pauseAll"/);
    (release as (() => void) | null)?.();

    // Same port, new token: the page would reload with the new address; here the token getter follows.
    await startHost(port);
    await waitFor(() => api.connectionState() === 'open', 'reconnected', 30_000);
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('open');
    // After a reconnect the status listeners get a fresh status by themselves.
    await waitFor(() => statuses.length >= 1, 'a fresh status');
    recording.emit('jobsChanged', [{ type: 'upsert', job: sampleJob(7) }]);
    await waitFor(() => jobs.length === 1, 'events after the reconnect');
  });

  it('fails a call made while the host is unreachable, with what to do', async () => {
    const api = connect({ callTimeoutMs: 300 });
    await api.getStatus();
    await host.close();
    await waitFor(() => api.connectionState() !== 'open', 'disconnected');
    const err = await api.getStatus().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNREACHABLE' });
    expect((err as Error).message).toMatch(/authenta-watch --ui/);
    api.close();
    await expect(api.getStatus()).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await startHost();
  });
});

describe('whenOpen', () => {
  it('resolves true once the host accepted the connection, and a call made before it is answered', async () => {
    const api = connect();
    // The page's first call goes out before the UI is built: made while connecting, sent on open.
    const status = api.getStatus();
    expect(api.connectionState()).toBe('connecting');
    await expect(whenOpen(api, 30_000)).resolves.toBe(true);
    await expect(status).resolves.toBeTruthy();
    await expect(whenOpen(api, 30_000)).resolves.toBe(true);
  });

  it('resolves false after the wait when the host is away (the UI is then built anyway)', async () => {
    await host.close();
    const api = connect();
    const started = Date.now();
    await expect(whenOpen(api, 200)).resolves.toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(api.connectionState()).not.toBe('open');
    api.close();
    await startHost();
  });
});

describe('uploadDroppedFiles', () => {
  it('uploads each file into the inbox and reports what the engine accepted', async () => {
    recording.addPathsAnswer = (paths) =>
      paths[0]?.endsWith('.txt')
        ? { accepted: 0, rejected: [{ path: paths[0], reason: 'Not a photo or video.' }] }
        : { accepted: 1, rejected: [] };
    const result = await uploadDroppedFiles(
      [new File([new Uint8Array(2048).fill(3)], 'photo.jpg'), new File(['hi'], 'notes.txt')],
      { baseUrl: host.origin, fetchImpl: pageFetch, token: host.token },
    );
    expect(result).toEqual({
      accepted: 1,
      rejected: [{ path: 'notes.txt', reason: 'Not a photo or video.' }],
    });
    expect((await readFile(join(dir, 'inbox', 'photo.jpg'))).length).toBe(2048);
  });

  it('refuses a file larger than the host accepts before sending it, once it knows the limit', async () => {
    await host.close();
    await startHost(0, 100);
    const api = connect();
    await api.getStatus(); // the hello with the limit has arrived
    const result = await uploadDroppedFiles([new File([new Uint8Array(500)], 'big.mp4')], {
      baseUrl: host.origin,
      fetchImpl: pageFetch,
      token: host.token,
    });
    expect(result.accepted).toBe(0);
    expect(result.rejected[0]).toMatchObject({
      path: 'big.mp4',
      reason: expect.stringMatching(/larger than this host accepts/),
    });
    expect(recording.callsOf('addPaths')).toEqual([]);
  });

  it('explains an expired token instead of failing silently', async () => {
    const result = await uploadDroppedFiles([new File(['x'], 'a.jpg')], {
      baseUrl: host.origin,
      fetchImpl: pageFetch,
      token: 'a-token-of-an-earlier-start',
    });
    expect(result.rejected[0]?.reason).toMatch(/access token/);
  });
});
