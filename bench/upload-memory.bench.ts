/**
 * Upload memory and throughput: streams a 1 GiB sparse file to the simulator's pre-signed URL
 * with AuthentaClient.upload, sampling this process's RSS (peak growth over the baseline), then
 * sends the same file with `curl -T` to a fresh upload URL for comparison. The simulator runs in
 * a child process so its own memory is not counted. Prints a markdown table.
 *
 * BENCH_UPLOAD_BYTES overrides the file size (default 1 GiB).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AuthentaClient } from '../src/main/core/api/authenta-client';
import { curlUpload } from './lib/curl';
import { procMemory, resetPeakRss } from './lib/proc';

const SIZE = Number(process.env['BENCH_UPLOAD_BYTES'] ?? 1024 ** 3);
const MiB = 1024 * 1024;

interface SimInfo {
  url: string;
  clientId: string;
  clientSecret: string;
}

/** Child role: run the simulator, print how to reach it, stop when stdin closes. */
async function simRole(): Promise<void> {
  const { startSimulator } = await import('../src/main/sim/index');
  const sim = await startSimulator({ processingMs: 60_000, urlExpirySec: 3600 });
  process.stdout.write(`${JSON.stringify({ url: sim.url, ...sim.credentials })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void sim.close().then(() => process.exit(0)));
  process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
}

function startSimChild(): Promise<{ child: ChildProcess; info: SimInfo }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, [...process.execArgv, self], {
    env: { ...process.env, BENCH_ROLE: 'sim' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve({ child, info: JSON.parse(line) as SimInfo }));
    child.once('exit', (code) => reject(new Error(`the simulator exited early (code ${code})`)));
  });
}

/** A sparse file of `size` bytes (a marker in its first bytes makes the simulated verdict "real"). */
function sparseFile(dir: string, size: number, name = 'one-gib.mp4'): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  try {
    fs.ftruncateSync(fd, size);
    fs.writeSync(fd, Buffer.from('AUTHENTA-SIM:real\n'), 0, 18, 0);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

interface Row {
  who: string;
  seconds: number;
  peakGrowth: number;
  baseline: number;
  peak: number;
  status: string;
}

async function clientUpload(client: AuthentaClient, file: string, size = SIZE): Promise<Row> {
  const { data } = await client.createMedia({
    name: path.basename(file),
    contentType: 'video/mp4',
    size,
    modelType: 'DF-1',
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage.rss();
  const hwmReset = resetPeakRss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const started = performance.now();
  await client.upload(data.uploadUrl, { path: file, contentType: 'video/mp4', size }, { mid: data.mid });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  const hwm = hwmReset ? procMemory('self')?.hwm : undefined;
  if (hwm && Number.isFinite(hwm)) peak = Math.max(peak, hwm);
  return {
    who: 'AuthentaClient.upload (Node stream)',
    seconds,
    peakGrowth: peak - baseline,
    baseline,
    peak,
    status: '200',
  };
}

async function curlRow(
  client: AuthentaClient,
  file: string,
  size: number,
  baselineOverride?: number,
): Promise<Row> {
  const run = await curlUpload(client, file, size);
  const base = baselineOverride ?? run.lowest;
  return {
    who: 'curl -T',
    seconds: run.seconds,
    peakGrowth: Number.isFinite(base) ? run.peak - base : NaN,
    baseline: Number.isFinite(base) ? base : NaN,
    peak: run.peak,
    status: run.status,
  };
}

/** Reads the file once so both uploaders find it in the page cache. */
async function warmPageCache(file: string): Promise<void> {
  for await (const _chunk of fs.createReadStream(file, { highWaterMark: MiB })) {
    // Discard: only the reading matters.
  }
}

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const WARMUP_BYTES = 4 * MiB;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authenta-bench-'));
  const { child, info } = await startSimChild();
  try {
    const file = sparseFile(dir, SIZE);
    const client = new AuthentaClient({
      baseUrl: info.url,
      credentials: { kind: 'client', clientId: info.clientId, clientSecret: info.clientSecret },
    });
    await warmPageCache(file);
    // Warm-up: a small upload by each, not counted. It loads the client's code paths once (their
    // one-time cost is not upload memory) and gives curl's baseline: its peak RSS for a small file.
    const small = sparseFile(dir, WARMUP_BYTES, 'warm-up.mp4');
    await clientUpload(client, small, WARMUP_BYTES);
    const curlBaseline = (await curlUpload(client, small, WARMUP_BYTES)).peak;
    // Rounds alternate the two uploaders so a busy neighbour on the machine hits both alike.
    const runs: Row[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      runs.push(await clientUpload(client, file));
      runs.push(await curlRow(client, file, SIZE, curlBaseline));
    }
    const mb = (b: number) => (b / MiB).toFixed(1);
    const mbps = (r: Row) => SIZE / 1e6 / r.seconds;
    console.log(
      `Upload of a ${mb(SIZE)} MiB sparse file to the simulator's pre-signed URL on 127.0.0.1 ` +
        `(Node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)} at the end; ` +
        `the simulator runs in its own process and hashes every byte). ${ROUNDS} alternating rounds; ` +
        'throughput is the best round, RSS growth the worst.\n',
    );
    console.log(
      '| Uploader | Size (MiB) | Best time (s) | Throughput (MB/s) | All rounds (MB/s) | Peak RSS growth (MiB) | RSS baseline (MiB) |',
    );
    console.log('| --- | ---: | ---: | ---: | --- | ---: | ---: |');
    for (const who of [...new Set(runs.map((r) => r.who))]) {
      const mine = runs.filter((r) => r.who === who);
      const best = mine.reduce((a, b) => (b.seconds < a.seconds ? b : a));
      const worstGrowth = Math.max(...mine.map((r) => r.peakGrowth));
      console.log(
        `| ${who} | ${mb(SIZE)} | ${best.seconds.toFixed(2)} | ${mbps(best).toFixed(1)} | ${mine.map((r) => mbps(r).toFixed(0)).join(', ')} | ${mb(worstGrowth)} | ${mb(best.baseline)} |`,
      );
    }
    console.log(
      '\nPeak RSS growth: for the client, the peak RSS of this process during the upload (sampled every 10 ms, and ' +
        'VmHWM after resetting it through /proc/self/clear_refs) minus its RSS just before, after one uncounted ' +
        '4 MiB warm-up upload; for curl, its peak RSS minus its peak RSS for that 4 MiB warm-up upload.',
    );
  } finally {
    child.stdin?.end();
    child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env['BENCH_ROLE'] === 'sim') void simRole();
else
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
