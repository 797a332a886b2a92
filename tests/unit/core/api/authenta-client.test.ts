import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthentaClient,
  authHeaders,
  uploadTimeoutMs,
  type ApiCall,
} from '../../../../src/main/core/api/authenta-client';
import { AuthentaError } from '../../../../src/main/core/api/errors';
import { json, startRawServer, type RawServer } from './raw-server';

let server: RawServer;
let dir: string;

beforeAll(async () => {
  server = await startRawServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authenta-client-'));
});

afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const clientCreds = { kind: 'client', clientId: 'cid-123', clientSecret: 'csecret-456' } as const;
const keyCreds = { kind: 'apikey', apiKey: 'api_apikey_789' } as const;

function writeFile(name: string, bytes: number): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, crypto.randomBytes(bytes));
  return p;
}

describe('authHeaders', () => {
  it('sends both client headers for client credentials', () => {
    expect(authHeaders(clientCreds)).toEqual({ 'x-client-id': 'cid-123', 'x-client-secret': 'csecret-456' });
  });
  it('sends one Bearer header for an API key', () => {
    expect(authHeaders(keyCreds)).toEqual({ authorization: 'Bearer api_apikey_789' });
  });
});

describe('uploadTimeoutMs', () => {
  it.each([
    [0, 60_000],
    [-5, 60_000],
    [Number.NaN, 60_000],
    [100_000, 61_000],
    [10_000_000, 160_000],
    [1024 ** 3, 60_000 + Math.ceil(1024 ** 3 / 100)],
  ])('%d bytes -> %d ms', (size, ms) => {
    expect(uploadTimeoutMs(size)).toBe(ms);
  });
  it('grows with the size', () => {
    expect(uploadTimeoutMs(2e9)).toBeGreaterThan(uploadTimeoutMs(1e9));
  });
});

describe('API calls', () => {
  it('client credentials go in the two x-client headers, never as Bearer', async () => {
    const c = new AuthentaClient({ baseUrl: server.url + '/', credentials: clientCreds });
    server.answer(json(200, { mid: 'm1', status: 'INITED' }));
    await c.getMedia('m1');
    const seen = server.seen.at(-1)!;
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/api/media/m1');
    expect(seen.headers['x-client-id']).toBe('cid-123');
    expect(seen.headers['x-client-secret']).toBe('csecret-456');
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('an API key goes in Authorization: Bearer, without the client headers', async () => {
    const c = new AuthentaClient({ baseUrl: server.origin, credentials: keyCreds });
    server.answer(json(200, { limit: 5, offset: 10, total: 0, data: [] }));
    await c.listMedia({ limit: 5, offset: 10 });
    const seen = server.seen.at(-1)!;
    expect(seen.url).toBe('/api/media?limit=5&offset=10');
    expect(seen.headers.authorization).toBe('Bearer api_apikey_789');
    expect(seen.headers['x-client-id']).toBeUndefined();
    expect(seen.headers['x-client-secret']).toBeUndefined();
  });

  it('an error quoting the secret or the key back comes out without it, the rest of the message kept', async () => {
    const cases = [
      { credentials: clientCreds, secret: clientCreds.clientSecret },
      {
        credentials: { kind: 'apikey', apiKey: 'live-key-5e4d3c2b1a' } as const,
        secret: 'live-key-5e4d3c2b1a',
      },
    ];
    for (const { credentials, secret } of cases) {
      const c = new AuthentaClient({ baseUrl: server.origin, credentials });
      server.answer(json(400, { code: 'BAD', message: `You sent ${secret}, which we refuse` }));
      const e = await c.getMedia('m1').then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(AuthentaError);
      const error = e as AuthentaError;
      expect(error.message).toContain('You sent [redacted], which we refuse');
      expect(JSON.stringify(error) + error.message + error.action + String(error.stack)).not.toContain(
        secret,
      );
    }
  });

  it('createMedia posts the JSON body and keeps unknown fields in data and raw', async () => {
    const calls: ApiCall[] = [];
    const c = new AuthentaClient({
      baseUrl: server.url,
      credentials: clientCreds,
      onCall: (x) => calls.push(x),
    });
    const answer = {
      mid: 'm2',
      name: 'clip.mp4',
      type: 'Video',
      status: 'INITED',
      modelType: 'DF-1',
      createdAt: '2025-12-02T19:39:27.525Z',
      uploadUrl: 'https://bucket.example/x?X-Amz-Signature=1',
      expiresIn: 900,
      brandNewField: { nested: true },
    };
    server.answer(json(201, answer));
    const got = await c.createMedia({
      name: 'clip.mp4',
      contentType: 'video/mp4',
      size: 1234,
      modelType: 'DF-1',
    });
    expect(got.status).toBe(201);
    expect(got.data.mid).toBe('m2');
    expect(got.data.expiresIn).toBe(900);
    expect((got.data as Record<string, unknown>)['brandNewField']).toEqual({ nested: true });
    expect(got.raw).toEqual(answer);
    const seen = server.seen.at(-1)!;
    expect(seen.method).toBe('POST');
    expect(seen.headers['content-type']).toBe('application/json');
    expect(calls.at(-1)).toMatchObject({
      kind: 'mutation',
      method: 'POST',
      route: '/media',
      status: 201,
      code: null,
    });
  });

  it('deleteMedia sends DELETE and counts as a mutation', async () => {
    const calls: ApiCall[] = [];
    const c = new AuthentaClient({
      baseUrl: server.url,
      credentials: clientCreds,
      onCall: (x) => calls.push(x),
    });
    server.answer({ status: 204 });
    await c.deleteMedia('m/3');
    expect(server.seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/api/media/m%2F3' });
    expect(calls).toEqual([
      expect.objectContaining({
        kind: 'mutation',
        method: 'DELETE',
        route: '/media/:mid',
        status: 204,
        mid: 'm/3',
      }),
    ]);
  });

  it('a cancelled call says so and is not a transient failure', async () => {
    const c = new AuthentaClient({ baseUrl: server.url, credentials: clientCreds });
    server.answer({ status: 200, hang: true });
    const controller = new AbortController();
    const p = c.getMedia('m4', controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(p).rejects.toMatchObject({ code: 'ABORTED', kind: 'local' });
  });

  it('refuses a garbage base URL up front', () => {
    expect(() => new AuthentaClient({ baseUrl: 'ftp://nope', credentials: clientCreds })).toThrow(/https/);
  });
});

/** A storage stand-in that hashes what it receives and records the headers. */
async function startSink(opts: { respond?: boolean } = {}) {
  const got: { headers: http.IncomingHttpHeaders; bytes: number; sha256: string }[] = [];
  const srv = http.createServer((req, res) => {
    const hash = crypto.createHash('sha256');
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      hash.update(c);
    });
    req.on('end', () => {
      got.push({ headers: req.headers, bytes, sha256: hash.digest('hex') });
      if (opts.respond !== false) res.writeHead(200, { ETag: '"x"' }).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/bucket/key?X-Amz-Signature=s3cr3t`;
  return {
    url,
    got,
    close: () =>
      new Promise<void>((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  };
}

describe('upload', () => {
  it('streams exactly the file with exact Content-Type and Content-Length and no API headers', async () => {
    const sink = await startSink();
    try {
      const size = 3 * 1024 * 1024 + 17;
      const file = writeFile('clip.mp4', size);
      const expected = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      const progress: number[] = [];
      const calls: ApiCall[] = [];
      const c = new AuthentaClient({
        baseUrl: server.url,
        credentials: clientCreds,
        onCall: (x) => calls.push(x),
      });
      await c.upload(
        sink.url,
        { path: file, contentType: 'video/mp4', size },
        { onProgress: (n) => progress.push(n) },
      );
      expect(sink.got).toHaveLength(1);
      const put = sink.got[0]!;
      expect(put.bytes).toBe(size);
      expect(put.sha256).toBe(expected);
      expect(put.headers['content-type']).toBe('video/mp4');
      expect(put.headers['content-length']).toBe(String(size));
      expect(put.headers['x-client-id']).toBeUndefined();
      expect(put.headers['x-client-secret']).toBeUndefined();
      expect(put.headers.authorization).toBeUndefined();
      expect(progress.length).toBeGreaterThan(1);
      expect(progress.at(-1)).toBe(size);
      for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]!);
      expect(calls).toEqual([
        expect.objectContaining({ kind: 'upload', method: 'PUT', route: 'upload', status: 200, code: null }),
      ]);
    } finally {
      await sink.close();
    }
  });

  it('uploads an empty file', async () => {
    const sink = await startSink();
    try {
      const file = writeFile('empty.png', 0);
      const c = new AuthentaClient({ baseUrl: server.url, credentials: keyCreds });
      await c.upload(sink.url, { path: file, contentType: 'image/png', size: 0 });
      expect(sink.got[0]).toMatchObject({ bytes: 0 });
      expect(sink.got[0]!.headers['content-length']).toBe('0');
    } finally {
      await sink.close();
    }
  });

  it('refuses to send a file whose size changed since the record was created', async () => {
    const sink = await startSink();
    try {
      const file = writeFile('grown.jpg', 2048);
      const c = new AuthentaClient({ baseUrl: server.url, credentials: clientCreds });
      const p = c.upload(sink.url, { path: file, contentType: 'image/jpeg', size: 1024 });
      await expect(p).rejects.toBeInstanceOf(AuthentaError);
      await expect(p).rejects.toMatchObject({ code: 'SIZE_CHANGED', kind: 'local' });
      await expect(p).rejects.toThrow(/2048 bytes but its record was created for 1024 bytes/);
      expect(sink.got).toHaveLength(0);
    } finally {
      await sink.close();
    }
  });

  it('a file that shrinks while it is sent fails as local SIZE_CHANGED, not as a network fault', async () => {
    const sink = await startSink({ respond: false });
    try {
      const size = 8 * 1024 * 1024;
      const file = writeFile('shrinking.mp4', size);
      const c = new AuthentaClient({ baseUrl: server.url, credentials: clientCreds });
      let truncated = false;
      const p = c.upload(
        sink.url,
        { path: file, contentType: 'video/mp4', size },
        {
          onProgress: () => {
            if (!truncated) fs.truncateSync(file, 0);
            truncated = true;
          },
        },
      );
      await expect(p).rejects.toMatchObject({ code: 'SIZE_CHANGED', kind: 'local' });
    } finally {
      await sink.close();
    }
  });

  it('a missing file is a local error naming the file', async () => {
    const c = new AuthentaClient({ baseUrl: server.url, credentials: clientCreds });
    const missing = path.join(dir, 'gone.jpg');
    await expect(
      c.upload('http://127.0.0.1:9/x', { path: missing, contentType: 'image/jpeg', size: 1 }),
    ).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
      kind: 'local',
      message: expect.stringContaining('gone.jpg: it no longer exists'),
    });
  });

  it('a non-http upload URL is refused', async () => {
    const c = new AuthentaClient({ baseUrl: server.url, credentials: clientCreds });
    const file = writeFile('a.jpg', 10);
    await expect(
      c.upload('file:///etc/passwd', { path: file, contentType: 'image/jpeg', size: 10 }),
    ).rejects.toMatchObject({
      code: 'BAD_UPLOAD_URL',
    });
  });

  it('can be cancelled mid-way', async () => {
    const sink = await startSink({ respond: false });
    try {
      const size = 8 * 1024 * 1024;
      const file = writeFile('big.mp4', size);
      const c = new AuthentaClient({ baseUrl: server.url, credentials: clientCreds });
      const controller = new AbortController();
      const p = c.upload(
        sink.url,
        { path: file, contentType: 'video/mp4', size },
        { signal: controller.signal, onProgress: (n) => n > 0 && controller.abort() },
      );
      await expect(p).rejects.toMatchObject({ code: 'ABORTED', kind: 'local' });
    } finally {
      await sink.close();
    }
  });

  it('fails as transient when storage stops answering (idle timeout)', async () => {
    const sink = await startSink({ respond: false });
    try {
      const file = writeFile('idle.jpg', 1000);
      const c = new AuthentaClient({
        baseUrl: server.url,
        credentials: clientCreds,
        uploadIdleTimeoutMs: 300,
      });
      await expect(
        c.upload(sink.url, { path: file, contentType: 'image/jpeg', size: 1000 }),
      ).rejects.toMatchObject({
        code: 'TIMEOUT',
        kind: 'transient',
      });
    } finally {
      await sink.close();
    }
  });
});
