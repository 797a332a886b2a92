/**
 * The baseline uploader of the upload benchmarks: `curl -T file` to a fresh pre-signed URL of the
 * simulator, with curl's own memory sampled every 5 ms from /proc.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { AuthentaClient } from '../../src/main/core/api/authenta-client';
import { procMemory } from './proc';

export interface CurlRun {
  seconds: number;
  /** Highest RSS (or VmHWM) of curl seen, in bytes. */
  peak: number;
  /** Lowest RSS of curl seen, in bytes (Infinity when never sampled). */
  lowest: number;
  /** The HTTP status curl reported. */
  status: string;
}

/** Create a record for `file` and PUT it with curl; throws unless S3 answered 200. */
export async function curlUpload(client: AuthentaClient, file: string, size: number): Promise<CurlRun> {
  const { data } = await client.createMedia({
    name: path.basename(file),
    contentType: 'video/mp4',
    size,
    modelType: 'DF-1',
  });
  const started = performance.now();
  const child = spawn(
    'curl',
    [
      '-sS',
      '-T',
      file,
      '-H',
      'Content-Type: video/mp4',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      data.uploadUrl,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  let lowest = Infinity;
  let peak = 0;
  const sample = () => {
    const m = child.pid ? procMemory(child.pid) : null;
    // Only samples of curl itself: right after spawn the pid may still be the forked parent.
    // A zombie (exited, not yet reaped) has no VmRSS: skip it.
    if (m && m.name === 'curl' && Number.isFinite(m.rss) && m.rss > 0) {
      lowest = Math.min(lowest, m.rss);
      peak = Math.max(peak, m.rss, Number.isFinite(m.hwm) ? m.hwm : 0);
    }
  };
  const sampler = setInterval(sample, 5);
  sample();
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c ?? 1));
  });
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0 || out.trim() !== '200')
    throw new Error(`curl failed: exit ${code}, HTTP ${out.trim() || 'none'}`);
  return { seconds, peak, lowest, status: out.trim() };
}
