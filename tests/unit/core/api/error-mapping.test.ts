/**
 * Every way an answer can fail, fed as real HTTP answers from a server on 127.0.0.1 through the
 * client, and checked for the kind, code, quota and retry hint the engine decides by.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthentaClient, type ApiCall } from '../../../../src/main/core/api/authenta-client';
import {
  errorFromNetwork,
  parseRetryAfter,
  parseS3ErrorXml,
} from '../../../../src/main/core/api/error-mapping';
import { AuthentaError } from '../../../../src/main/core/api/errors';
import { json, s3Error, startRawServer, type RawAnswer, type RawServer } from './raw-server';

let server: RawServer;
let dir: string;
let file: string;
const calls: ApiCall[] = [];
let client: AuthentaClient;

beforeAll(async () => {
  server = await startRawServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authenta-errors-'));
  file = path.join(dir, 'photo.jpg');
  fs.writeFileSync(file, Buffer.alloc(1000, 7));
  client = new AuthentaClient({
    baseUrl: server.url,
    credentials: { kind: 'client', clientId: 'id-1', clientSecret: 'secret-value-1' },
    onCall: (c) => calls.push(c),
    fetchTimeoutMs: 10_000,
  });
});

afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<AuthentaError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AuthentaError);
    return e as AuthentaError;
  }
  throw new Error('expected the call to fail');
}

type Route = 'get' | 'list' | 'create' | 'delete';
const run: Record<Route, () => Promise<unknown>> = {
  get: () => client.getMedia('m-1'),
  list: () => client.listMedia({ limit: 10, offset: 0 }),
  create: () =>
    client.createMedia({ name: 'a.jpg', contentType: 'image/jpeg', size: 1000, modelType: 'AC-1' }),
  delete: () => client.deleteMedia('m-1'),
};

describe('API error answers', () => {
  it.each<[string, Route, RawAnswer, Partial<AuthentaError>]>([
    [
      'IAM001',
      'get',
      json(401, { code: 'IAM001', type: 'UNAUTHENTICATED', message: 'You are not authenticated' }),
      { code: 'IAM001', kind: 'auth', status: 401, quota: null, mid: 'm-1' },
    ],
    [
      'IAM002',
      'delete',
      json(403, { code: 'IAM002', type: 'UNAUTHORIZED', message: 'You are not authorized' }),
      { code: 'IAM002', kind: 'permission', status: 403, mid: 'm-1' },
    ],
    [
      'AA001 on a GET uses up the Query quota',
      'list',
      json(429, { code: 'AA001', type: 'CLIENT_ERROR', message: 'API limit reached' }),
      { code: 'AA001', kind: 'quota', status: 429, quota: 'query' },
    ],
    [
      'AA001 on a POST uses up the Mutation quota',
      'create',
      json(429, { code: 'AA001', type: 'CLIENT_ERROR', message: 'API limit reached' }),
      { code: 'AA001', kind: 'quota', quota: 'mutation' },
    ],
    [
      'AA001 on a DELETE uses up the Mutation quota',
      'delete',
      json(
        429,
        { code: 'AA001', type: 'CLIENT_ERROR', message: 'API limit reached' },
        { 'retry-after': '120' },
      ),
      { code: 'AA001', kind: 'quota', quota: 'mutation', retryAfterMs: 120_000 },
    ],
    [
      'U007',
      'create',
      json(400, { code: 'U007', type: 'CLIENT_ERROR', message: 'Insufficient credits' }),
      { code: 'U007', kind: 'credits', status: 400 },
    ],
    [
      'INVALID_API_KEY',
      'get',
      json(401, { code: 'INVALID_API_KEY', statusCode: 401, message: 'Invalid API key' }),
      { code: 'INVALID_API_KEY', kind: 'auth', status: 401 },
    ],
    [
      'FORBIDDEN',
      'delete',
      json(403, { code: 'FORBIDDEN', statusCode: 403, message: 'Forbidden' }),
      { code: 'FORBIDDEN', kind: 'permission', status: 403 },
    ],
    [
      'INSUFFICIENT_BALANCE',
      'create',
      json(402, { code: 'INSUFFICIENT_BALANCE', statusCode: 402, message: 'Insufficient balance' }),
      { code: 'INSUFFICIENT_BALANCE', kind: 'credits', status: 402 },
    ],
    ['404 with no body', 'get', { status: 404 }, { code: 'HTTP_404', kind: 'not-found', status: 404 }],
    [
      '404 with an unknown code',
      'get',
      json(404, { code: 'M404', type: 'CLIENT_ERROR', message: 'Media not found' }),
      { code: 'M404', kind: 'not-found' },
    ],
    [
      'other 4xx',
      'create',
      json(400, { code: 'V001', type: 'CLIENT_ERROR', message: 'size must be positive' }),
      { code: 'V001', kind: 'invalid', status: 400 },
    ],
    ['422 HTML', 'create', { status: 422, body: '<html>nope</html>' }, { code: 'HTTP_422', kind: 'invalid' }],
    ['500', 'get', json(500, { message: 'boom' }), { code: 'HTTP_500', kind: 'transient', status: 500 }],
    [
      '502 from a proxy, HTML',
      'list',
      { status: 502, body: '<html>Bad Gateway</html>' },
      { code: 'HTTP_502', kind: 'transient' },
    ],
    [
      '503 with Retry-After',
      'get',
      { status: 503, headers: { 'retry-after': '7' } },
      { code: 'HTTP_503', kind: 'transient', retryAfterMs: 7000 },
    ],
    ['a 429 that is not AA001', 'get', { status: 429 }, { code: 'HTTP_429', kind: 'transient' }],
    [
      'a redirect is never followed',
      'get',
      { status: 302, headers: { location: 'https://elsewhere.example/api/media?sig=abc' } },
      { code: 'HTTP_302', kind: 'invalid' },
    ],
    [
      'a 200 that is not JSON',
      'get',
      { status: 200, body: '<html>login</html>' },
      { code: 'BAD_RESPONSE', kind: 'invalid' },
    ],
    [
      'a 200 of the wrong shape',
      'get',
      json(200, { hello: 'world' }),
      { code: 'BAD_RESPONSE', kind: 'invalid' },
    ],
  ])('%s', async (_name, route, answer, expected) => {
    server.answer(answer);
    const e = await failure(run[route]());
    expect(e).toMatchObject(expected);
    expect(e.message).not.toBe('');
    expect(e.action).not.toBe('');
    expect(calls.at(-1)).toMatchObject({ code: expected.code, status: answer.status });
  });

  it('says which quota ran out in words', async () => {
    server.answer(json(429, { code: 'AA001', type: 'CLIENT_ERROR', message: 'API limit reached' }));
    const e = await failure(run.get());
    expect(e.message).toMatch(/Query quota/);
  });

  it('does not leak a redirect target query string', async () => {
    server.answer({
      status: 301,
      headers: { location: 'https://elsewhere.example/api?X-Amz-Signature=abc' },
    });
    const e = await failure(run.get());
    expect(e.message).toContain('https://elsewhere.example/api');
    expect(e.message).not.toContain('Signature');
  });
});

describe('storage (S3) error answers of the upload', () => {
  const source = () => ({ path: file, contentType: 'image/jpeg', size: 1000 });
  it.each<[string, RawAnswer, Partial<AuthentaError>]>([
    [
      'expired URL',
      s3Error(403, 'AccessDenied', 'Request has expired'),
      { code: 'AccessDenied', kind: 'expired-url', status: 403 },
    ],
    [
      'expired URL, answered before the body was read',
      { ...s3Error(403, 'AccessDenied', 'Request has expired'), early: true },
      { code: 'AccessDenied', kind: 'expired-url' },
    ],
    [
      'ExpiredToken',
      s3Error(400, 'ExpiredToken', 'The provided token has expired.'),
      { code: 'ExpiredToken', kind: 'expired-url' },
    ],
    [
      'content type differs from the signed one',
      s3Error(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      ),
      { code: 'SignatureDoesNotMatch', kind: 'invalid', status: 403 },
    ],
    [
      'AccessDenied, not expired',
      s3Error(403, 'AccessDenied', 'Access Denied'),
      { code: 'AccessDenied', kind: 'invalid' },
    ],
    [
      'SlowDown',
      s3Error(503, 'SlowDown', 'Please reduce your request rate.'),
      { code: 'SlowDown', kind: 'transient' },
    ],
    [
      'InternalError',
      s3Error(500, 'InternalError', 'We encountered an internal error.'),
      { code: 'InternalError', kind: 'transient' },
    ],
    [
      'RequestTimeout (a 400)',
      s3Error(400, 'RequestTimeout', 'Your socket connection timed out.'),
      { code: 'RequestTimeout', kind: 'transient' },
    ],
    [
      'EntityTooLarge',
      s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'),
      { code: 'EntityTooLarge', kind: 'invalid' },
    ],
    ['a bare 500', { status: 500 }, { code: 'HTTP_500', kind: 'transient' }],
    ['a bare 403', { status: 403 }, { code: 'HTTP_403', kind: 'invalid' }],
    [
      'a reset mid-body',
      { status: 200, reset: true, afterBytes: 1 },
      { code: 'RESET', kind: 'transient', status: null },
    ],
  ])('%s', async (_name, answer, expected) => {
    server.answer(answer);
    const e = await failure(
      client.upload(`${server.origin}/s3/put?X-Amz-Signature=xyz`, source(), { mid: 'm-9' }),
    );
    expect(e).toMatchObject({ ...expected, mid: 'm-9' });
    expect(calls.at(-1)).toMatchObject({ kind: 'upload', code: expected.code });
  });
});

describe('network failures', () => {
  it('a refused connection is transient', async () => {
    const closed = await startRawServer();
    const url = closed.url;
    await closed.close();
    const c = new AuthentaClient({ baseUrl: url, credentials: { kind: 'apikey', apiKey: 'api_apikey_x' } });
    const e = await failure(c.getMedia('m-2'));
    expect(e).toMatchObject({ code: 'NETWORK', kind: 'transient', status: null, mid: 'm-2' });
    expect(e.message).toMatch(/ECONNREFUSED/);
  });

  it('a reset before the answer is transient', async () => {
    server.answer({ status: 200, reset: true });
    const e = await failure(run.get());
    expect(e).toMatchObject({ kind: 'transient', status: null });
  });

  it('a server that never answers times out as transient', async () => {
    const c = new AuthentaClient({
      baseUrl: server.url,
      credentials: { kind: 'client', clientId: 'a', clientSecret: 'b' },
      fetchTimeoutMs: 300,
    });
    server.answer({ status: 200, hang: true });
    const e = await failure(c.listMedia({ limit: 1, offset: 0 }));
    expect(e).toMatchObject({ code: 'TIMEOUT', kind: 'transient' });
  });

  it.each([
    [{ code: 'ECONNRESET' }, 'RESET', 'transient'],
    [new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }), 'RESET', 'transient'],
    [new TypeError('fetch failed', { cause: { code: 'ENOTFOUND' } }), 'NETWORK', 'transient'],
    [new TypeError('fetch failed', { cause: { code: 'CERT_HAS_EXPIRED' } }), 'TLS', 'invalid'],
    [new TypeError('fetch failed', { cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } }), 'TLS', 'invalid'],
    [new Error('socket hang up'), 'NETWORK', 'transient'],
  ])('errorFromNetwork(%o)', (error, code, kind) => {
    expect(errorFromNetwork(error, 'Authenta')).toMatchObject({ code, kind });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1500],
    [' 3 ', 3000],
    ['Wed, 01 Jan 2025 00:00:30 GMT', 30_000],
    ['Tue, 31 Dec 2024 23:00:00 GMT', 0],
    ['soon', null],
    ['', null],
    [null, null],
    [undefined, null],
  ])('%j -> %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('parseS3ErrorXml', () => {
  it.each([
    [
      '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
      { code: 'AccessDenied', message: 'Request has expired' },
    ],
    ['<Error>\n  <Code> SlowDown </Code>\n</Error>', { code: 'SlowDown', message: '' }],
    [
      '<Error><Code>X</Code><Message>a &amp; b &lt;c&gt;</Message></Error>',
      { code: 'X', message: 'a & b <c>' },
    ],
    ['{"code":"IAM001"}', null],
    ['', null],
  ])('%j', (xml, expected) => {
    expect(parseS3ErrorXml(xml)).toEqual(expected);
  });
});
