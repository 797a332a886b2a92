/**
 * Upload bandwidth cap accuracy (issue 14): two uploads at once through AuthentaClient share one
 * UploadRateLimiter; a loopback storage sink counts the bytes it receives. Over a 10 s window from
 * the first byte, the bytes received per second are compared with the cap (goal: within 10 %),
 * and each upload's share is shown. Prints a markdown table.
 *
 * BENCH_RATES overrides the caps measured (bytes per second, comma-separated; default 2000000,500000).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { AuthentaClient } from '../src/main/core/api/authenta-client';
import { formatRate, UploadRateLimiter } from '../src/main/core/api/upload-rate';
import { systemClock } from '../src/main/core/ports';

const RATES = (process.env['BENCH_RATES'] ?? '2000000,500000').split(',').map(Number);
const WINDOW_MS = 10_000;

interface Row {
  rate: number;
  measured: number;
  perUpload: number[];
}

async function measure(rate: number, dir: string): Promise<Row> {
  // Each upload would take ~1.6x the window at half the cap: both still run when the window ends.
  const size = Math.ceil(rate * 0.8 * (WINDOW_MS / 1000) * 2);
  const received = new Map<string, number>();
  let firstByteAt = 0;
  let windowEnd = 0;
  const inWindow = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const key = req.url ?? '';
    req.on('data', (c: Buffer) => {
      const now = performance.now();
      if (!firstByteAt) {
        firstByteAt = now;
        windowEnd = now + WINDOW_MS;
      }
      received.set(key, (received.get(key) ?? 0) + c.length);
      if (now <= windowEnd) inWindow.set(key, (inWindow.get(key) ?? 0) + c.length);
    });
    req.on('end', () => res.end());
    req.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const limiter = new UploadRateLimiter(systemClock, rate);
  const client = new AuthentaClient({
    baseUrl: `${origin}/api`,
    credentials: { kind: 'client', clientId: 'bench', clientSecret: 'bench' },
    network: { uploadRate: limiter },
  });
  const stop = new AbortController();
  const names = ['one', 'two'];
  const uploads = names.map((name) => {
    const file = path.join(dir, `${name}-${rate}.bin`);
    fs.writeFileSync(file, crypto.randomBytes(size));
    return client
      .upload(`${origin}/${name}`, { path: file, contentType: 'video/mp4', size }, { signal: stop.signal })
      .catch(() => undefined);
  });
  while (!firstByteAt || performance.now() < windowEnd + 200) await new Promise((r) => setTimeout(r, 100));
  stop.abort();
  await Promise.all(uploads);
  limiter.dispose();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const total = [...inWindow.values()].reduce((a, b) => a + b, 0);
  return {
    rate,
    measured: total / (WINDOW_MS / 1000),
    perUpload: names.map((n) => (inWindow.get(`/${n}`) ?? 0) / (WINDOW_MS / 1000)),
  };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-upload-rate-'));
  try {
    const rows: Row[] = [];
    for (const rate of RATES) rows.push(await measure(rate, dir));
    console.log(
      `Two uploads at once sharing one cap; bytes received by a loopback sink over ${WINDOW_MS / 1000} s.\n`,
    );
    console.log('| cap | received per s | error | upload 1 | upload 2 |');
    console.log('|---|---|---|---|---|');
    for (const r of rows) {
      const err = ((r.measured - r.rate) / r.rate) * 100;
      console.log(
        `| ${formatRate(r.rate)} | ${formatRate(Math.round(r.measured))} | ${err >= 0 ? '+' : ''}${err.toFixed(1)} % | ${formatRate(Math.round(r.perUpload[0]!))} | ${formatRate(Math.round(r.perUpload[1]!))} |`,
      );
    }
    const worst = Math.max(...rows.map((r) => Math.abs(r.measured - r.rate) / r.rate));
    console.log(`\nWorst error ${(worst * 100).toFixed(1)} % (goal: within 10 %).`);
    if (worst > 0.1) process.exitCode = 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
