/**
 * A browser that stops reading (a frozen tab, a laptop lid closed mid-session) must not make the
 * host hold the engine's events in memory without end: past the hard limit it is disconnected
 * (its page reconnects and reloads), while a browser that keeps reading gets every change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { startWebHost, type WebHost } from '../../../src/main/headless/web-host';
import type { Logger } from '../../../src/main/core/ports';
import type { JobChange } from '../../../src/shared/domain';
import { HARD_BUFFER_LIMIT } from '../../../src/main/headless/web/ws-protocol';
import { RecordingApi, sampleJob } from './recording-api';
import { collect, eventsOf, openSocket, waitFor } from './http-client';

let dir: string;
let host: WebHost;
let recording: RecordingApi;
let warnings: string[];
const sockets: WebSocket[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'authenta-backpressure-'));
  await mkdir(join(dir, 'renderer'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  recording = new RecordingApi();
  warnings = [];
  const quiet = (): void => undefined;
  const logger: Logger = { debug: quiet, info: quiet, warn: (msg) => warnings.push(msg), error: quiet };
  host = await startWebHost({
    api: recording.api,
    rendererDir: join(dir, 'renderer'),
    inboxDir: join(dir, 'inbox'),
    logger,
  });
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

/** One big batch of job changes (about 1 MiB as JSON), as a large folder scan produces. */
function bigBatch(start: number): JobChange[] {
  return Array.from({ length: 1500 }, (_, i) => ({
    type: 'upsert' as const,
    job: { ...sampleJob(start + i), name: `${'long-file-name-'.repeat(20)}${start + i}.jpg` },
  }));
}

describe('a browser that stops reading', () => {
  it('is disconnected past the limit, while a browser that reads gets every batch', async () => {
    const reader = await openSocket({ port: host.port, token: host.token });
    const stalled = await openSocket({ port: host.port, token: host.token });
    sockets.push(reader, stalled);
    await waitFor(() => host.clientCount() === 2, 'both browsers connected');
    // The stalled tab reads nothing more: its socket stops pulling bytes from the kernel.
    (stalled as unknown as { _socket: Socket })._socket.pause();
    let closedWith: number | null = null;
    stalled.once('close', (code) => {
      closedWith = code;
    });

    const batchBytes = JSON.stringify({ event: 'jobsChanged', payload: bigBatch(0) }).length;
    const batches = Math.ceil((2 * HARD_BUFFER_LIMIT) / batchBytes) + 8;
    for (let b = 0; b < batches; b++) {
      recording.emit('jobsChanged', bigBatch(b * 10_000));
      // Let the sockets drain what the kernel takes between batches, as a real engine's batching does.
      await new Promise((r) => setTimeout(r, 5));
    }

    await waitFor(() => host.clientCount() === 1, 'the stalled browser to be dropped', 30_000);
    expect(warnings).toContain('web host: dropping a browser that does not keep up');
    await waitFor(
      () => eventsOf(collect(reader)).length === batches,
      'the reading browser to get every batch',
      30_000,
    );
    (stalled as unknown as { _socket: Socket })._socket.resume();
    await waitFor(() => closedWith !== null, 'the stalled browser to see its connection end', 30_000);
    // Cut without a close frame: the page's client reconnects and reloads its state.
    expect(closedWith).toBe(1006);
  }, 90_000);
});
