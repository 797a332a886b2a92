import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConsoleLogSink,
  createLogger,
  FileLogSink,
  MemoryLogSink,
  REDACTED,
  redactValue,
} from '../../../src/main/core/logger';
import { AuthentaError } from '../../../src/main/core/api/errors';

const SECRET = 'cs_live_9f8e7d6c5b4a';
const API_KEY = 'api_apikey_0123456789abcdef';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('redaction', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['clientSecret field', { clientSecret: 'anything-at-all' }, { clientSecret: REDACTED }],
    ['apiKey field', { apiKey: 'k' }, { apiKey: REDACTED }],
    ['api_key field', { api_key: 'k' }, { api_key: REDACTED }],
    [
      'authorization header',
      { headers: { authorization: 'Bearer x', accept: 'json' } },
      { headers: { authorization: REDACTED, accept: 'json' } },
    ],
    [
      'x-client-secret header',
      { 'x-client-secret': 'abc', 'x-client-id': 'id-1' },
      { 'x-client-secret': REDACTED, 'x-client-id': 'id-1' },
    ],
    [
      'password and token',
      { password: 'p', refreshToken: 't' },
      { password: REDACTED, refreshToken: REDACTED },
    ],
    [
      'a secret value inside a message',
      { message: `failed with ${SECRET} in it` },
      { message: `failed with ${REDACTED} in it` },
    ],
    [
      'a secret value deep in an array',
      { list: [{ x: [`a${SECRET}b`] }] },
      { list: [{ x: [`a${REDACTED}b`] }] },
    ],
    [
      'a Bearer token in text',
      { line: 'Authorization: Bearer abc.def-ghi' },
      { line: `Authorization: Bearer ${REDACTED}` },
    ],
    ['an API key in text', { line: `key=${API_KEY}!` }, { line: `key=${REDACTED}!` }],
    [
      'a pre-signed URL signature',
      { url: 'https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=deadbeef&x=1' },
      { url: `https://b.s3.amazonaws.com/k?X-Amz-Credential=${REDACTED}&X-Amz-Signature=${REDACTED}&x=1` },
    ],
    [
      'a simulator-style signature',
      { url: 'http://127.0.0.1:1/s3/u?X-Expires=17&X-Signature=abc123' },
      { url: `http://127.0.0.1:1/s3/u?X-Expires=17&X-Signature=${REDACTED}` },
    ],
    ['a flag about a secret is kept', { hasSecret: true }, { hasSecret: true }],
    [
      'ordinary fields untouched',
      { mid: 'm1', code: 'IAM001', size: 5 },
      { mid: 'm1', code: 'IAM001', size: 5 },
    ],
  ])('%s', (_name, input, expected) => {
    expect(redactValue(input, [SECRET])).toEqual(expected);
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a['self'] = a;
    expect(redactValue(a, [])).toEqual({ name: 'a', self: '[circular]' });
  });

  it('scrubs errors, their causes and stacks', () => {
    const e = new AuthentaError({
      code: 'NETWORK',
      kind: 'transient',
      message: `could not reach with ${SECRET}`,
      cause: new Error(`inner ${SECRET}`),
    });
    const out = JSON.stringify(redactValue({ error: e }, [SECRET]));
    expect(out).not.toContain(SECRET);
    expect(out).toContain('"code":"NETWORK"');
    expect(out).toContain('"kind":"transient"');
  });
});

describe('createLogger', () => {
  it('cuts every registered secret out of messages and fields, as registered at write time', () => {
    const sink = new MemoryLogSink();
    const secrets: string[] = [];
    const log = createLogger({ sinks: [sink], level: 'debug', secrets: () => secrets });
    secrets.push(SECRET, API_KEY);
    log.info(`connecting with ${SECRET}`, { note: `key ${API_KEY}`, nested: { deeper: [SECRET] } });
    log.error('failed', { error: new Error(`boom ${SECRET}`) });
    const text = sink.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(API_KEY);
    expect(text.split(REDACTED).length - 1).toBeGreaterThanOrEqual(4);
  });

  it('drops records below the level and follows setLevel', () => {
    const sink = new MemoryLogSink();
    const log = createLogger({ sinks: [sink], level: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    log.setLevel('debug');
    log.debug('d2');
    expect(sink.records.map((r) => `${r.level}:${r.msg}`)).toEqual(['warn:w', 'error:e', 'debug:d2']);
  });

  it('children add their fields to every record', () => {
    const sink = new MemoryLogSink();
    const log = createLogger({ sinks: [sink], now: () => Date.parse('2025-05-05T10:00:00Z') });
    log.child({ component: 'api' }).info('hello', { mid: 'm1' });
    expect(JSON.parse(sink.text())).toEqual({
      time: '2025-05-05T10:00:00.000Z',
      level: 'info',
      msg: 'hello',
      component: 'api',
      mid: 'm1',
    });
  });

  it('a sink that throws does not stop the others', () => {
    const good = new MemoryLogSink();
    const log = createLogger({
      sinks: [
        {
          write: () => {
            throw new Error('disk full');
          },
        },
        good,
      ],
    });
    log.info('still here');
    expect(good.records).toHaveLength(1);
  });

  it('the console sink writes one readable line per record', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const log = createLogger({ sinks: [new ConsoleLogSink(out)], secrets: () => [SECRET] });
    log.warn('Authenta call failed', { code: 'IAM001', secret: SECRET });
    expect(text).toMatch(/^\S+Z WARN {2}Authenta call failed \{"code":"IAM001","secret":"\[redacted\]"\}\n$/);
  });

  it('the console sink shows control characters of a message escaped (a file name cannot redraw the terminal)', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const log = createLogger({ sinks: [new ConsoleLogSink(out)] });
    log.warn('Skipped /in/a\r\x1b[2K.jpg');
    expect(text).toMatch(/ WARN {2}Skipped \/in\/a\\r\\x1b\[2K\.jpg\n$/);
  });
});

describe('FileLogSink', () => {
  function tmp(): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'authenta-log-'));
    dirs.push(d);
    return d;
  }

  it('writes JSON lines to authenta-watch.log', () => {
    const dir = tmp();
    const sink = new FileLogSink({ dir });
    const log = createLogger({ sinks: [sink], secrets: () => [SECRET] });
    log.info('one', { mid: 'm1' });
    log.error('two', { apiKey: API_KEY });
    sink.dispose();
    const lines = fs.readFileSync(path.join(dir, 'authenta-watch.log'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: 'info', msg: 'one', mid: 'm1' }),
      expect.objectContaining({ level: 'error', msg: 'two', apiKey: REDACTED }),
    ]);
  });

  it('rotates to .1, .2 and keeps at most maxFiles old files, none larger than maxBytes', () => {
    const dir = tmp();
    const sink = new FileLogSink({ dir, maxBytes: 2048, maxFiles: 2 });
    const log = createLogger({ sinks: [sink] });
    for (let i = 0; i < 100; i++) log.info(`line ${i}`, { pad: 'x'.repeat(100) });
    sink.dispose();
    const names = fs.readdirSync(dir).sort();
    expect(names).toEqual(['authenta-watch.log', 'authenta-watch.log.1', 'authenta-watch.log.2']);
    for (const n of names) expect(fs.statSync(path.join(dir, n)).size).toBeLessThanOrEqual(2048);
    const newest = fs.readFileSync(path.join(dir, 'authenta-watch.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(newest.at(-1)!).msg).toBe('line 99');
    const older = fs.readFileSync(path.join(dir, 'authenta-watch.log.1'), 'utf8').trim().split('\n');
    const lastOlder = Number(JSON.parse(older.at(-1)!).msg.split(' ')[1]);
    const firstNewest = Number(JSON.parse(newest[0]!).msg.split(' ')[1]);
    expect(firstNewest).toBe(lastOlder + 1);
  });

  it('appends to an existing log after a restart and counts its size', () => {
    const dir = tmp();
    const first = new FileLogSink({ dir, maxBytes: 4096, maxFiles: 1 });
    createLogger({ sinks: [first] }).info('before restart', { pad: 'y'.repeat(3000) });
    first.dispose();
    const second = new FileLogSink({ dir, maxBytes: 4096, maxFiles: 1 });
    createLogger({ sinks: [second] }).info('after restart', { pad: 'z'.repeat(3000) });
    second.dispose();
    expect(fs.readFileSync(path.join(dir, 'authenta-watch.log.1'), 'utf8')).toContain('before restart');
    expect(fs.readFileSync(path.join(dir, 'authenta-watch.log'), 'utf8')).toContain('after restart');
    expect(second.files()).toHaveLength(2);
  });
});
