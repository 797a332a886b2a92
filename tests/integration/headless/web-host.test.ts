/**
 * The web host over real HTTP and WebSocket on 127.0.0.1: the token (never a cookie), Host and
 * Origin checks, body limits, path traversal, uploads into the inbox, the command bridge and
 * events fanned out to several browsers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { startWebHost, WEB_CAPABILITIES, type WebHost } from '../../../src/main/headless/web-host';
import type { Logger } from '../../../src/main/core/ports';
import { RecordingApi, sampleJob } from './recording-api';
import { TOKEN_HEADER, WS_PROTOCOL } from '../../../src/shared/wire';
import type { Job } from '../../../src/shared/domain';
import { collect, eventsOf, openSocket, rawRequest, waitFor } from './http-client';

const SECRET_TEXT = 'TOP-SECRET-OUTSIDE-THE-RENDERER';

interface LogLine {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

function memoryLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, msg, fields });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let dir: string;
let rendererDir: string;
let inboxDir: string;
let recording: RecordingApi;
let host: WebHost;
let logs: LogLine[];
const sockets: WebSocket[] = [];

async function start(extra: { maxUploadBytes?: number; maxMessageBytes?: number } = {}): Promise<WebHost> {
  host = await startWebHost({
    api: recording.api,
    rendererDir,
    inboxDir,
    logger: memoryLogger(logs),
    ...extra,
  });
  return host;
}

async function socket(token: string): Promise<WebSocket> {
  const ws = await openSocket({ port: host.port, token });
  sockets.push(ws);
  return ws;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authenta-webhost-'));
  rendererDir = join(dir, 'renderer');
  inboxDir = join(dir, 'data', 'inbox');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Authenta Watch</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
  await writeFile(join(dir, 'secret.txt'), SECRET_TEXT);
  await symlink(join(dir, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
  recording = new RecordingApi();
  logs = [];
  await start();
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the token', () => {
  it('is required for commands and uploads: none and a wrong one are refused with a hint', async () => {
    await expect(openSocket({ port: host.port })).rejects.toMatchObject({ status: 401 });
    await expect(openSocket({ port: host.port, token: 'nope' })).rejects.toMatchObject({ status: 401 });
    const origin = `http://127.0.0.1:${host.port}`;
    const attempts: Record<string, string>[] = [{ origin }, { origin, [TOKEN_HEADER]: 'nope' }];
    for (const headers of attempts) {
      const res = await rawRequest({
        port: host.port,
        method: 'POST',
        path: '/upload?name=a.jpg',
        headers,
        body: 'x',
      });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body).error.message).toMatch(/address authenta-watch printed/);
    }
    expect(recording.calls).toEqual([]);
  });

  it('is never put in a cookie, which every service on 127.0.0.1 would receive; a cookie holding it opens nothing', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
    const first = await rawRequest({ port: host.port, path: `/?token=${host.token}&view=queue` });
    expect(first.status).toBe(200);
    expect(first.headers['set-cookie']).toBeUndefined();
    expect(first.body).toContain('<title>Authenta Watch</title>');
    const cookie = `authenta_token_${host.port}=${host.token}; token=${host.token}`;
    await expect(openSocket({ port: host.port, cookie })).rejects.toMatchObject({ status: 401 });
    const origin = `http://127.0.0.1:${host.port}`;
    const upload = await rawRequest({
      port: host.port,
      method: 'POST',
      path: '/upload?name=a.jpg',
      headers: { origin, cookie },
      body: 'x',
    });
    expect(upload.status).toBe(401);
  });

  it('travels in a header, or in the WebSocket protocol list, and the host answers with its protocol only', async () => {
    const ws = await socket(host.token);
    expect(ws.protocol).toBe(WS_PROTOCOL);
    await waitFor(() => collect(ws).length > 0, 'the hello');
    expect(collect(ws)[0]).toMatchObject({ hello: { protocol: 1 } });
  });

  it('is not needed for the page itself: the built renderer is public, the Host check still applies', async () => {
    const page = await rawRequest({ port: host.port, path: '/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const js = await rawRequest({ port: host.port, path: '/assets/app.js' });
    expect(js.body).toBe('console.log("app")');
    const rebound = await rawRequest({
      port: host.port,
      path: '/',
      headers: { host: `evil.example:${host.port}` },
    });
    expect(rebound.status).toBe(421);
  });

  it('never reaches the log', async () => {
    await rawRequest({ port: host.port, path: `/?token=${host.token}` });
    await openSocket({ port: host.port, token: 'wrong-token-value' }).catch(() => undefined);
    const text = JSON.stringify(logs);
    expect(logs.some((l) => l.msg.includes('refused'))).toBe(true);
    expect(text).not.toContain(host.token);
    expect(text).not.toContain('wrong-token-value');
  });
});

describe('every answer', () => {
  it('carries the security headers', async () => {
    const auth = { [TOKEN_HEADER]: host.token };
    for (const res of [
      await rawRequest({ port: host.port, path: '/', headers: { ...auth } }),
      await rawRequest({ port: host.port, path: '/' }),
      await rawRequest({ port: host.port, path: '/missing', headers: { ...auth } }),
    ]) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });
});

describe('the Host header', () => {
  it('must name this server (DNS rebinding)', async () => {
    const auth = { [TOKEN_HEADER]: host.token };
    const evil = await rawRequest({
      port: host.port,
      path: '/',
      headers: { ...auth, host: `evil.example:${host.port}` },
    });
    expect(evil.status).toBe(421);
    expect(evil.body).not.toContain('Authenta Watch</title>');
    const otherPort = await rawRequest({
      port: host.port,
      path: '/',
      headers: { ...auth, host: '127.0.0.1:1' },
    });
    expect(otherPort.status).toBe(421);
    const local = await rawRequest({
      port: host.port,
      path: '/',
      headers: { ...auth, host: `localhost:${host.port}` },
    });
    expect(local.status).toBe(200);
  });
});

describe('static files', () => {
  it('serves the built renderer and nothing outside it', async () => {
    const auth = { [TOKEN_HEADER]: host.token };
    const js = await rawRequest({ port: host.port, path: '/assets/app.js', headers: { ...auth } });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);

    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/..%5c..%5csecret.txt',
      `/${encodeURIComponent(join(dir, 'secret.txt'))}`,
      `/${join(dir, 'secret.txt')}`,
      '//../secret.txt',
      '/assets/link.txt',
      '/%00index.html',
      '/%E0%A4%A',
    ];
    for (const path of attempts) {
      const res = await rawRequest({ port: host.port, path, headers: { ...auth } });
      expect(res.body, path).not.toContain(SECRET_TEXT);
      expect([400, 404], path).toContain(res.status);
    }
  });

  it('refuses other methods and bodies on GET', async () => {
    const auth = { [TOKEN_HEADER]: host.token };
    const origin = `http://127.0.0.1:${host.port}`;
    const post = await rawRequest({
      port: host.port,
      method: 'POST',
      path: '/',
      headers: { ...auth, origin },
      body: 'x',
    });
    expect(post.status).toBe(405);
    const put = await rawRequest({
      port: host.port,
      method: 'PUT',
      path: '/index.html',
      headers: { ...auth, origin },
      body: 'x',
    });
    expect(put.status).toBe(405);
    const getBody = await rawRequest({
      port: host.port,
      path: '/',
      headers: { ...auth },
      body: 'x'.repeat(1000),
    });
    expect(getBody.status).toBe(413);
  });
});

describe('uploads', () => {
  const upload = async (
    name: string,
    body: Buffer | string,
    headers: Record<string, string>,
    chunked = false,
  ): Promise<{ status: number; json: { name?: string; accepted?: number; error?: { message: string } } }> => {
    const res = await rawRequest({
      port: host.port,
      method: 'POST',
      path: `/upload?name=${encodeURIComponent(name)}`,
      headers,
      body,
      chunked,
    });
    return { status: res.status, json: JSON.parse(res.body || '{}') };
  };

  it('stream into the inbox under a safe name and enter the pipeline', async () => {
    const auth = { [TOKEN_HEADER]: host.token };
    const origin = `http://127.0.0.1:${host.port}`;
    const bytes = Buffer.alloc(300_000, 7);
    const first = await upload('../../evil name.mp4', bytes, { ...auth, origin });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ name: 'evil name.mp4', accepted: 1 });
    const second = await upload('evil name.mp4', 'other', { ...auth, origin });
    expect(second.json.name).toBe('evil name (2).mp4');

    expect((await readdir(inboxDir)).sort()).toEqual(['evil name (2).mp4', 'evil name.mp4']);
    expect(await readFile(join(inboxDir, 'evil name.mp4'))).toEqual(bytes);
    expect(recording.callsOf('addPaths').map((c) => c.args[0])).toEqual([
      [join(inboxDir, 'evil name.mp4')],
      [join(inboxDir, 'evil name (2).mp4')],
    ]);
    await expect(readdir(dir)).resolves.not.toContain('evil name.mp4');
  });

  it('removes a file the engine rejects and says why', async () => {
    recording.addPathsAnswer = (paths) => ({
      accepted: 0,
      rejected: paths.map((p) => ({ path: p, reason: 'Not a photo or video.' })),
    });
    const auth = { [TOKEN_HEADER]: host.token };
    const res = await upload('notes.txt', 'hello', { ...auth, origin: `http://127.0.0.1:${host.port}` });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      accepted: 0,
      rejected: [{ path: 'notes.txt', reason: 'Not a photo or video.' }],
    });
    expect(JSON.stringify(res.json)).not.toContain(inboxDir);
    expect(await readdir(inboxDir)).toEqual([]);
  });

  it('removes a dropped copy once the engine finds it a duplicate, and keeps the others', async () => {
    const auth = { [TOKEN_HEADER]: host.token, origin: `http://127.0.0.1:${host.port}` };
    expect((await upload('photo.jpg', 'same bytes', auth)).status).toBe(200);
    expect((await upload('photo.jpg', 'same bytes', auth)).status).toBe(200);
    expect((await upload('other.jpg', 'other bytes', auth)).status).toBe(200);
    expect((await readdir(inboxDir)).sort()).toEqual(['other.jpg', 'photo (2).jpg', 'photo.jpg']);
    const job = (id: number, name: string, over: Partial<Job>): Job => ({
      ...sampleJob(id),
      path: join(inboxDir, name),
      name,
      ...over,
    });
    recording.emit('jobsChanged', [
      { type: 'upsert', job: job(1, 'photo.jpg', { state: 'done', duplicateOf: null }) },
      { type: 'upsert', job: job(2, 'photo (2).jpg', { state: 'skipped', duplicateOf: 1 }) },
      { type: 'upsert', job: job(3, 'other.jpg', { state: 'queued', duplicateOf: null }) },
    ]);
    // Polled until a deadline, not a count of tries: removing the file can take a while on a loaded machine.
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      if ((await readdir(inboxDir)).length === 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await readdir(inboxDir)).sort()).toEqual(['other.jpg', 'photo.jpg']);
  });

  it('need this page as Origin and the token', async () => {
    const auth = { [TOKEN_HEADER]: host.token };
    expect((await upload('a.jpg', 'x', { ...auth, origin: 'http://evil.example' })).status).toBe(403);
    expect((await upload('a.jpg', 'x', { ...auth })).status).toBe(403);
    expect((await upload('a.jpg', 'x', { ...auth, origin: `http://localhost:${host.port}` })).status).toBe(
      403,
    );
    expect((await upload('a.jpg', 'x', { origin: `http://127.0.0.1:${host.port}` })).status).toBe(401);
    expect(recording.callsOf('addPaths')).toEqual([]);
    await expect(readdir(inboxDir)).rejects.toThrow();
  });

  it('larger than the limit are refused and leave nothing behind', async () => {
    await host.close();
    await start({ maxUploadBytes: 1000 });
    const auth = { [TOKEN_HEADER]: host.token };
    const origin = `http://127.0.0.1:${host.port}`;
    const declared = await upload('big.mp4', Buffer.alloc(5000), { ...auth, origin });
    expect(declared.status).toBe(413);
    expect(declared.json.error?.message).toMatch(/larger than this host accepts/);

    // Without a Content-Length the limit is found while streaming; the host may cut the socket.
    const streamed = await upload('big.mp4', Buffer.alloc(200_000), { ...auth, origin }, true).catch(
      (e: NodeJS.ErrnoException) => ({ status: e.code ?? 'error', json: {} }),
    );
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(streamed.status);
    await waitFor(() => recording.callsOf('addPaths').length === 0, 'no addPaths');
    const left = await readdir(inboxDir).catch(() => []);
    expect(left).toEqual([]);

    const fits = await upload('small.jpg', Buffer.alloc(1000, 1), { ...auth, origin });
    expect(fits.status).toBe(200);
    expect(await readdir(inboxDir)).toEqual(['small.jpg']);
  });

  it('refuse an empty file and a missing name', async () => {
    const auth = { [TOKEN_HEADER]: host.token };
    const origin = `http://127.0.0.1:${host.port}`;
    expect((await upload('empty.jpg', '', { ...auth, origin })).status).toBe(400);
    const noName = await rawRequest({
      port: host.port,
      method: 'POST',
      path: '/upload',
      headers: { ...auth, origin },
      body: 'x',
    });
    expect(noName.status).toBe(400);
    expect(recording.callsOf('addPaths')).toEqual([]);
  });
});

describe('the WebSocket', () => {
  it('refuses a missing token, a foreign Origin, no Origin and a foreign Host', async () => {
    await expect(openSocket({ port: host.port })).rejects.toMatchObject({ status: 401 });
    await expect(openSocket({ port: host.port, token: 'x' })).rejects.toMatchObject({
      status: 401,
    });
    await expect(
      openSocket({ port: host.port, token: host.token, origin: 'http://evil.example' }),
    ).rejects.toMatchObject({
      status: 403,
    });
    await expect(openSocket({ port: host.port, token: host.token, origin: null })).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      openSocket({
        port: host.port,
        token: host.token,
        host: `evil.example:${host.port}`,
        origin: `http://evil.example:${host.port}`,
      }),
    ).rejects.toMatchObject({ status: 421 });
    await expect(openSocket({ port: host.port, token: host.token, path: '/other' })).rejects.toMatchObject({
      status: 404,
    });
    expect(host.clientCount()).toBe(0);
  });

  it('greets, answers commands with the web capabilities, and validates arguments', async () => {
    const ws = await socket(host.token);
    const seen = collect(ws);
    const send = (m: unknown): void => ws.send(JSON.stringify(m));
    send({ id: 1, command: 'getCapabilities', args: [] });
    send({ id: 2, command: 'getJob', args: ['seven'] });
    send({ id: 3, command: 'listJobs', args: [{ limit: 5 }] });
    send({ id: 4, command: 'launchMissiles', args: [] });
    send({ id: 5, command: 'revealJob', args: [1] });
    send({ id: 6, command: 'pickFolder', args: [] });
    send({ id: 7, command: 'addFolder', args: [{ path: '/nowhere' }] });
    send({ id: 8, command: 'retryJob', args: [4] });
    send({ id: 9, args: 'not an array' });
    await waitFor(() => seen.length >= 10, 'ten messages');
    const byId = new Map(
      seen
        .filter((m): m is { id: number } => typeof m === 'object' && m !== null && 'id' in m)
        .map((m) => [m.id, m]),
    );

    expect(seen[0]).toEqual({
      hello: { protocol: 1, capabilities: WEB_CAPABILITIES, maxUploadBytes: 20 * 1024 ** 3 },
    });
    expect(byId.get(1)).toEqual({ id: 1, ok: true, result: WEB_CAPABILITIES });
    expect(byId.get(2)).toMatchObject({ id: 2, ok: false, error: { code: 'INVALID_ARGS' } });
    expect((byId.get(2) as unknown as { error: { message: string } }).error.message).toMatch(/getJob/);
    expect(byId.get(3)).toMatchObject({ ok: true, result: { total: 1, jobs: [{ id: 1 }] } });
    expect(byId.get(4)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    expect(byId.get(5)).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } });
    expect(byId.get(6)).toEqual({ id: 6, ok: true, result: null });
    expect(byId.get(7)).toEqual({
      id: 7,
      ok: false,
      error: { message: 'No folder at /nowhere.', code: 'NO_FOLDER' },
    });
    expect(byId.get(8)).toEqual({ id: 8, ok: true });
    expect(byId.get(9)).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });

    // The engine saw only valid calls, with the contract's defaults filled in.
    expect(recording.callsOf('getJob')).toEqual([]);
    expect(recording.callsOf('revealJob')).toEqual([]);
    expect(recording.callsOf('listJobs')[0]?.args[0]).toMatchObject({
      limit: 5,
      offset: 0,
      sort: 'createdAt',
    });
    expect(recording.callsOf('retryJob')).toEqual([{ command: 'retryJob', args: [4] }]);
  });

  it('closes on a message that is not JSON or is too large', async () => {
    await host.close();
    await start({ maxMessageBytes: 4096 });
    const a = await socket(host.token);
    const aClosed = new Promise<number>((r) => a.once('close', (code) => r(code)));
    a.send('this is not json');
    expect(await aClosed).toBe(1008);
    const b = await socket(host.token);
    const bClosed = new Promise<number>((r) => b.once('close', (code) => r(code)));
    b.send(JSON.stringify({ id: 1, command: 'addPaths', args: [['x'.repeat(10_000)]] }));
    expect(await bClosed).toBe(1009);
    expect(recording.callsOf('addPaths')).toEqual([]);
  });

  it('pushes the same events to every browser, as each subscribed', async () => {
    const a = await socket(host.token);
    const b = await socket(host.token);
    const c = await socket(host.token);
    const [seenA, seenB, seenC] = [collect(a), collect(b), collect(c)];
    c.send(JSON.stringify({ subscribe: ['status'] }));
    // The subscription is applied in order with the messages that follow it.
    c.send(JSON.stringify({ id: 1, command: 'pauseAll', args: [] }));
    await waitFor(() => seenC.length >= 2, 'the answer to c');
    await waitFor(() => host.clientCount() === 3, 'three browsers');

    const job = sampleJob(42);
    recording.emit('jobsChanged', [{ type: 'upsert', job }]);
    recording.emit('progress', [{ id: 42, bytesSent: 10, size: 100, bytesPerSecond: 5 }]);
    recording.emit('openJob', 42);
    await waitFor(() => eventsOf(seenA).length >= 3 && eventsOf(seenB).length >= 3, 'events at a and b');
    for (const seen of [seenA, seenB]) {
      expect(eventsOf(seen)).toEqual([
        { event: 'jobsChanged', payload: [{ type: 'upsert', job }] },
        { event: 'progress', payload: [{ id: 42, bytesSent: 10, size: 100, bytesPerSecond: 5 }] },
        { event: 'openJob', payload: 42 },
      ]);
    }
    const status = await recording.api.getStatus();
    recording.emit('status', status);
    await waitFor(() => seenC.length >= 3, 'the status at c');
    expect(seenC.slice(1)).toEqual([
      { id: 1, ok: true },
      { event: 'status', payload: status },
    ]);
  });

  it('close() ends every connection, drops the engine listeners and frees the port', async () => {
    const ws = await socket(host.token);
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    // One listener per engine event (jobsChanged, status, progress, openJob, teamLedger).
    expect(recording.listenerCount()).toBe(5);
    const port = host.port;
    await host.close();
    expect(await closed).toBe(1001);
    expect(recording.listenerCount()).toBe(0);
    await expect(rawRequest({ port, path: '/' })).rejects.toThrow();
    await start();
  });
});
