/**
 * A full run (every route, an upload, failures of every family, a reset, a retried 500 burst)
 * with a debug-level logger that knows no secrets: the client itself must never write the client
 * secret, the API key or an upload URL's signature to any log line, error or call report.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuthentaClient, type ApiCall } from '../../../src/main/core/api/authenta-client';
import { createDetectionService } from '../../../src/main/core/api/media-service';
import { withRetry } from '../../../src/main/core/api/retry-policy';
import { ConsoleLogSink, FileLogSink, MemoryLogSink, createLogger } from '../../../src/main/core/logger';
import type { Credentials } from '../../../src/main/core/ports';
import { startSimulator, type Simulator } from '../../../src/main/sim/index';
import { mediaFile, pollUntil, tempDir } from './helpers';

const CLIENT_SECRET = 'cs-live-7d0f6c2e9a4b41c3';
const API_KEY = 'api_apikey_live_5b8e21f07c3d49aa';

let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({
    processingMs: 30,
    credentials: [{ clientId: 'desk-1', clientSecret: CLIENT_SECRET }],
    apiKeys: [{ key: API_KEY }],
  });
  dir = tempDir('nosecrets');
});
afterAll(async () => {
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('no log line, error or call report of a full run holds a secret or a signature', async () => {
  const memory = new MemoryLogSink();
  const fileSink = new FileLogSink({ dir: path.join(dir, 'logs'), maxBytes: 64 * 1024, maxFiles: 3 });
  const stderr = new PassThrough();
  let console = '';
  stderr.on('data', (c: Buffer) => (console += c.toString()));
  const logger = createLogger({ sinks: [memory, fileSink, new ConsoleLogSink(stderr)], level: 'debug' });
  const calls: ApiCall[] = [];
  const errors: unknown[] = [];
  const signatures: string[] = [];

  const clientCreds: Credentials = { kind: 'client', clientId: 'desk-1', clientSecret: CLIENT_SECRET };
  const keyCreds: Credentials = { kind: 'apikey', apiKey: API_KEY };

  for (const credentials of [clientCreds, keyCreds]) {
    const service = createDetectionService({
      baseUrl: sim.url,
      credentials,
      logger,
      onCall: (c) => calls.push(c),
    });
    const file = mediaFile(dir, `run-${credentials.kind}.mp4`, 'faces=2,fakes=1', 512 * 1024);
    const size = fs.statSync(file).size;
    const created = await service.create({
      name: 'run.mp4',
      contentType: 'video/mp4',
      size,
      model: 'DF-1',
      kind: 'video',
    });
    signatures.push(new URL(created.uploadUrl).searchParams.get('X-Signature') ?? 'missing');
    sim.faults.resetNextPuts = 1;
    await withRetry(() => service.upload(created, { path: file, contentType: 'video/mp4', size }), {
      policy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 1000 },
      onRetry: (i) => errors.push(i.error),
    });
    const done = await pollUntil(async () => {
      const r = await service.get(created.remoteId);
      return r.phase === 'processed' ? r : undefined;
    });
    for (const p of done.verdict?.participants ?? [])
      if (p.heatmap) signatures.push(new URL(p.heatmap).searchParams.get('X-Signature')!);
    sim.faults.serverErrorBurst = 2;
    await withRetry(() => service.list({ limit: 10, offset: 0 }), {
      policy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 1000 },
    });
    // An expired URL, a wrong content type, and a refused call.
    sim.faults.urlExpirySec = 0;
    const late = await service.create({
      name: 'late.mp4',
      contentType: 'video/mp4',
      size,
      model: 'DF-1',
      kind: 'video',
    });
    sim.faults.urlExpirySec = null;
    signatures.push(new URL(late.uploadUrl).searchParams.get('X-Signature')!);
    await service.upload(late, { path: file, contentType: 'video/mp4', size }).catch((e) => errors.push(e));
    const typed = await service.create({
      name: 'typed.mp4',
      contentType: 'video/mp4',
      size,
      model: 'DF-1',
      kind: 'video',
    });
    signatures.push(new URL(typed.uploadUrl).searchParams.get('X-Signature')!);
    await service.upload(typed, { path: file, contentType: 'video/webm', size }).catch((e) => errors.push(e));
    await service.remove(created.remoteId);
    await service.get(created.remoteId).catch((e) => errors.push(e));
  }
  // Wrong credentials of both kinds.
  for (const credentials of [
    { ...clientCreds, clientSecret: `${CLIENT_SECRET}-old` },
    { kind: 'apikey', apiKey: `${API_KEY}x` } as Credentials,
  ]) {
    const c = new AuthentaClient({ baseUrl: sim.url, credentials, logger, onCall: (x) => calls.push(x) });
    await c.listMedia({ limit: 1, offset: 0 }).catch((e) => errors.push(e));
  }
  fileSink.dispose();

  const fileText = fileSink
    .files()
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('');
  const everything = [
    memory.text(),
    fileText,
    console,
    JSON.stringify(calls),
    JSON.stringify(errors),
    errors.map((e) => (e instanceof Error ? `${e.message}\n${e.stack}` : String(e))).join('\n'),
  ].join('\n');

  // The run did log, and did fail in every way it should have.
  expect(memory.records.length).toBeGreaterThan(20);
  expect(fileText.split('\n').filter(Boolean).length).toBe(memory.records.length);
  expect(memory.records.some((r) => r.level === 'warn' && r.fields['code'] === 'IAM001')).toBe(true);
  expect(memory.records.some((r) => r.fields['code'] === 'INVALID_API_KEY')).toBe(true);
  expect(
    memory.records.some((r) => r.fields['code'] === 'AccessDenied' && typeof r.fields['mid'] === 'string'),
  ).toBe(true);
  expect(memory.records.some((r) => r.fields['code'] === 'SignatureDoesNotMatch')).toBe(true);
  expect(memory.records.some((r) => r.fields['code'] === 'SERVER_ERROR')).toBe(true);
  expect(errors.length).toBeGreaterThanOrEqual(10);
  for (const r of memory.records.filter((x) => x.level !== 'debug')) {
    expect(r.fields).toHaveProperty('code');
    expect(r.fields).toHaveProperty('message');
    expect(r.fields).toHaveProperty('mid');
  }

  // And none of it holds a secret.
  expect(everything).not.toContain(CLIENT_SECRET);
  expect(everything).not.toContain(API_KEY);
  expect(everything).not.toContain(API_KEY.slice('api_apikey_'.length));
  expect(signatures.length).toBeGreaterThanOrEqual(6);
  for (const s of signatures) {
    expect(s.length).toBeGreaterThan(16);
    expect(everything).not.toContain(s);
  }
});
