/**
 * A 2 GiB video through the engine (issue 3, item 3): a sparse MP4 (valid boxes: ftyp, a free box
 * with the simulator's marker, a 2 GiB mdat, moov at the end) moved into the watched folder. The
 * engine runs in a child process with its defaults; the figures are its upload throughput (from
 * `uploading` to `processing` in the job's timeline), its whole way from the file's arrival to
 * the upload's end (stability window subtracted: sniff, hash, POST, PUT), and its peak RSS growth
 * over that way. Baseline: `curl -T` of the same file to a fresh upload URL of the same simulator
 * (throughput and curl's peak RSS growth). The simulator runs in this process and hashes every byte.
 *
 * BENCH_VIDEO_BYTES overrides the size (default 2 GiB); BENCH_VIDEO_ROUNDS the rounds (default 2).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobTransition } from '../src/shared/domain';
import { AuthentaClient } from '../src/main/core/api/authenta-client';
import { startSimulator } from '../src/main/sim';
import { readOnce } from '../src/main/core/watch/one-pass';
import { createBenchEngine, describeProblems, foldersWatching } from './lib/bench-engine';
import { currentRole, forkRole, heard, runRole, tell, type Message } from './lib/child';
import { PeakRss } from './lib/proc';
import { fixed, machineNote, mib, progress, ratio, runBench, table } from './lib/report';
import { makeTempDir, removeTempDir } from './lib/temp';
import { curlUpload, type CurlRun } from './lib/curl';

const SIZE = Number(process.env['BENCH_VIDEO_BYTES'] ?? 2 * 1024 ** 3);
const ROUNDS = Number(process.env['BENCH_VIDEO_ROUNDS'] ?? 2);
const WARMUP_BYTES = 4 * 1024 * 1024;
const STABILITY_MS = 2_000;
const SELF = fileURLToPath(import.meta.url);

function box(type: string, payload: Buffer, size = payload.length + 8): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(size, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

/**
 * A sparse MP4 of exactly `size` bytes: ftyp, free (marker), mdat (a hole), moov. Its top-level
 * boxes add up to its size, so sniffing and the completeness check accept it.
 */
function sparseMp4(file: string, size: number, marker: string): void {
  const ftyp = box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2mp41', 'latin1'));
  const free = box('free', Buffer.from(marker, 'latin1'));
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12); // timescale
  mvhd.writeUInt32BE(1000, 16); // duration
  mvhd.writeUInt32BE(0x00010000, 20); // rate
  mvhd.writeUInt16BE(0x0100, 24); // volume
  mvhd.writeUInt32BE(2, 96); // next track id
  const moov = box('moov', box('mvhd', mvhd));
  const mdatSize = size - ftyp.length - free.length - moov.length;
  if (mdatSize < 8 || mdatSize > 0xffffffff) throw new Error(`cannot make an MP4 of ${size} bytes`);
  const mdatHead = box('mdat', Buffer.alloc(0), mdatSize);
  const fd = fs.openSync(file, 'w');
  try {
    fs.ftruncateSync(fd, size);
    const head = Buffer.concat([ftyp, free, mdatHead]);
    fs.writeSync(fd, head, 0, head.length, 0);
    fs.writeSync(fd, moov, 0, moov.length, size - moov.length);
  } finally {
    fs.closeSync(fd);
  }
}

interface Go extends Message {
  inbox: string;
  dataDir: string;
  simUrl: string;
  clientId: string;
  clientSecret: string;
}

interface Measured extends Message {
  name: string;
  state: string;
  error: string | null;
  timeline: JobTransition[];
  baseline: number;
  peak: number;
  problems: string[];
}

/** Child: the engine. Per `expect`: arm the RSS sampler, then report the job once its upload is over. */
async function engineRole(): Promise<void> {
  const go = await heard<Go>('go');
  const { engine, problems } = await createBenchEngine({
    dataDir: go.dataDir,
    sim: { url: go.simUrl, credentials: { clientId: go.clientId, clientSecret: go.clientSecret } },
    folders: [{ id: 'f-videos', path: go.inbox, options: { stabilityMs: STABILITY_MS } }],
  });
  await engine.start();
  await foldersWatching(engine);
  tell({ type: 'ready' });
  for (;;) {
    const expect = await heard<Message & { name: string; readAlone?: string }>('expect');
    if (expect.readAlone !== undefined) {
      // The one-pass reader alone, in this process, on a file the engine already sent.
      const t0 = performance.now();
      const r = await readOnce(expect.readAlone);
      tell({ type: 'read-alone', seconds: (performance.now() - t0) / 1000, outcome: r.outcome });
      continue;
    }
    if (expect.name === '') break;
    const mem = new PeakRss();
    const over = new Promise<{ id: number; state: string; error: string | null }>((resolve) => {
      const off = engine.onJobsChanged((changes) => {
        for (const c of changes) {
          if (c.type !== 'upsert' || c.job.name !== expect.name) continue;
          if (['processing', 'done', 'failed', 'skipped'].includes(c.job.state)) {
            off();
            resolve({ id: c.job.id, state: c.job.state, error: c.job.errorMessage });
          }
        }
      });
    });
    mem.start();
    tell({ type: 'armed' });
    const job = await over;
    const { baseline, peak } = mem.stop();
    const details = await engine.getJob(job.id);
    tell({
      type: 'measured',
      name: expect.name,
      state: job.state,
      error: job.error,
      timeline: details.timeline,
      baseline,
      peak,
      problems: describeProblems(problems),
    } satisfies Measured);
  }
  await engine.dispose();
}

function at(timeline: readonly JobTransition[], state: string): number {
  const t = timeline.find((e) => e.state === state);
  if (!t) throw new Error(`the job never was ${state}: ${JSON.stringify(timeline)}`);
  return t.at;
}

interface EngineRun {
  uploadS: number;
  wayS: number;
  intakeS: number;
  /** Peak RSS during the file's way minus the RSS before it. */
  growth: number;
  baseline: number;
}

async function main(): Promise<void> {
  const root = makeTempDir('video');
  const inbox = path.join(root, 'inbox');
  const staging = path.join(root, 'staging');
  fs.mkdirSync(inbox);
  fs.mkdirSync(staging);
  const sim = await startSimulator({ processingMs: 2_000, urlExpirySec: 3_600 });
  const child = forkRole(SELF, 'engine');
  try {
    const client = new AuthentaClient({
      baseUrl: sim.url,
      credentials: { kind: 'client', ...sim.credentials },
    });
    child.send({
      type: 'go',
      inbox,
      dataDir: path.join(root, 'data'),
      simUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
    } satisfies Go);
    await child.next('ready', 120_000);

    /** Moves a staged file into the watched folder and waits for the engine's report on it. */
    const throughEngine = async (name: string): Promise<{ m: Measured; movedAt: number }> => {
      child.send({ type: 'expect', name });
      await child.next('armed');
      const movedAt = Date.now();
      fs.renameSync(path.join(staging, name), path.join(inbox, name));
      const m = await child.next<Measured>('measured', 600_000);
      if (m.state !== 'processing' && m.state !== 'done')
        throw new Error(
          `the engine did not upload ${name}: ${m.state} (${m.error}); ${m.problems.join('; ')}`,
        );
      return { m, movedAt };
    };

    // Warm-up, not counted: a small video through the engine (its code paths load once) and a
    // small curl upload (curl's RSS for a small file is its baseline).
    sparseMp4(path.join(staging, 'warm-up.mp4'), WARMUP_BYTES, 'AUTHENTA-SIM:noface warm-up');
    await throughEngine('warm-up.mp4');
    const warm = path.join(root, 'curl-warm-up.mp4');
    sparseMp4(warm, WARMUP_BYTES, 'AUTHENTA-SIM:noface curl warm-up');
    const curlBaseline = (await curlUpload(client, warm, WARMUP_BYTES)).peak;

    const engineRuns: EngineRun[] = [];
    const curlRuns: CurlRun[] = [];
    /** `openssl dgst -sha256` of each round's file, in seconds: the speed a hash of it can reach. */
    const opensslRuns: number[] = [];
    /** The engine's one-pass reader (type, structure check, sha256) alone on the same file, in seconds. */
    const readAloneRuns: number[] = [];
    /** `openssl dgst -sha256` of the file just made, before anything read it (page cache cold). */
    const coldOpensslRuns: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // A new file each round: the engine would rightly not send the same bytes twice.
      const name = `big-${round}.mp4`;
      sparseMp4(path.join(staging, name), SIZE, `AUTHENTA-SIM:noface round ${round}`);
      // The first read of a sparse file fills the page cache (the kernel zeroes 2 GiB of pages):
      // openssl pays it here, as a file just copied into the folder would already be in the cache.
      const c0 = performance.now();
      const cold = spawnSync('openssl', ['dgst', '-sha256', path.join(staging, name)]);
      if (cold.status === 0) coldOpensslRuns.push((performance.now() - c0) / 1000);
      progress(`round ${round + 1}: engine...`);
      const { m, movedAt } = await throughEngine(name);
      const uploadS = (at(m.timeline, 'processing') - at(m.timeline, 'uploading')) / 1000;
      engineRuns.push({
        uploadS,
        wayS: (at(m.timeline, 'processing') - movedAt - STABILITY_MS) / 1000,
        intakeS: (at(m.timeline, 'queued') - movedAt - STABILITY_MS) / 1000,
        growth: m.peak - m.baseline,
        baseline: m.baseline,
      });
      progress(`round ${round + 1}: engine PUT ${uploadS.toFixed(1)} s; curl...`);
      curlRuns.push(await curlUpload(client, path.join(inbox, name), SIZE));
      progress(`round ${round + 1}: curl ${curlRuns[round]!.seconds.toFixed(1)} s; openssl dgst...`);
      const t0 = performance.now();
      const dgst = spawnSync('openssl', ['dgst', '-sha256', path.join(inbox, name)]);
      if (dgst.status === 0) opensslRuns.push((performance.now() - t0) / 1000);
      child.send({ type: 'expect', name: '', readAlone: path.join(inbox, name) });
      const alone = await child.next<Message & { seconds: number; outcome: string }>('read-alone', 600_000);
      if (alone.outcome !== 'read') throw new Error(`the one-pass reader refused ${name}: ${alone.outcome}`);
      readAloneRuns.push(alone.seconds);
    }
    child.send({ type: 'expect', name: '' });

    const mbps = (s: number) => SIZE / 1e6 / s;
    const bestEngine = engineRuns.reduce((a, b) => (b.uploadS < a.uploadS ? b : a));
    const bestCurl = curlRuns.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const engineGrowth = Math.max(...engineRuns.map((r) => r.growth));
    const enginePeak = Math.max(...engineRuns.map((r) => r.baseline + r.growth));
    const curlPeak = Math.max(...curlRuns.map((r) => r.peak));
    const curlGrowth = Math.max(0, curlPeak - curlBaseline);
    console.log(
      `A ${fixed(SIZE / 1024 ** 3, 2)} GiB sparse MP4 moved into the engine's watched folder (defaults; ` +
        `${STABILITY_MS / 1000} s stability window), against \`curl -T\` of the same file to a fresh upload URL of the ` +
        `same simulator on 127.0.0.1 (it runs in the benchmark's process and hashes every byte). ${ROUNDS} round(s); ` +
        'the best time and the worst memory are shown. The engine runs in its own process, after one uncounted ' +
        `${WARMUP_BYTES / 1024 ** 2} MiB video.\n`,
    );
    const engineRow = (who: string, seconds: number) => [
      who,
      fixed(seconds, 2),
      fixed(mbps(seconds), 1),
      ratio(mbps(seconds), mbps(bestCurl.seconds)),
      mib(enginePeak),
      ratio(enginePeak, curlPeak, 1),
      `+${mib(engineGrowth)}`,
    ];
    console.log(
      table(
        [
          'Who',
          'Time (s)',
          'Throughput (MB/s)',
          'vs curl',
          'Peak RSS (MiB)',
          'vs curl',
          'RSS growth during it (MiB)',
        ],
        [
          engineRow('Engine: PUT (job timeline, `uploading` to `processing`)', bestEngine.uploadS),
          engineRow(
            'Engine: arrival to upload done, minus the window (sniff, hash, POST, PUT)',
            bestEngine.wayS,
          ),
          [
            '`curl -T`',
            fixed(bestCurl.seconds, 2),
            fixed(mbps(bestCurl.seconds), 1),
            '1.00x',
            mib(curlPeak),
            '1.0x',
            `+${mib(curlGrowth)}`,
          ],
        ],
      ),
    );
    const bestIntake = Math.min(...engineRuns.map((r) => r.intakeS));
    const bestOpenssl = opensslRuns.length ? Math.min(...opensslRuns) : NaN;
    console.log(
      `\nOf the engine's way, sniffing and hashing took ${fixed(bestEngine.intakeS, 2)} s (arrival to \`queued\`, minus the ` +
        `window; best round ${fixed(bestIntake, 2)} s, ${fixed(mbps(bestIntake), 0)} MB/s); \`openssl dgst -sha256\` of the same file ` +
        `took ${fixed(bestOpenssl, 2)} s (${fixed(mbps(bestOpenssl), 0)} MB/s; all rounds ${opensslRuns.map((x) => fixed(x, 2)).join(', ')} s; ` +
        `the first read of each new file, before the engine saw it, page cache cold: ${coldOpensslRuns.map((x) => fixed(x, 2)).join(', ')} s), ` +
        `so the engine's sniff and hash ran at ${ratio(mbps(bestIntake), mbps(bestOpenssl))} openssl's speed. The one-pass reader alone ` +
        `(sniff, structure check and sha256 in one pass, in the engine's process, on the same file after its round) took ` +
        `${fixed(Math.min(...readAloneRuns), 2)} s (${fixed(mbps(Math.min(...readAloneRuns)), 0)} MB/s; all rounds ${readAloneRuns.map((x) => fixed(x, 2)).join(', ')} s): ` +
        `${ratio(mbps(Math.min(...readAloneRuns)), mbps(bestOpenssl))} openssl's speed. All rounds, engine PUT (MB/s): ` +
        `${engineRuns.map((r) => fixed(mbps(r.uploadS), 0)).join(', ')}; curl (MB/s): ${curlRuns.map((r) => fixed(mbps(r.seconds), 0)).join(', ')}. ` +
        'Peak RSS: for the engine, the highest RSS of its Node process (runtime, engine, ledger and watcher included) from ' +
        "the file's arrival to the upload's end, sampled every 10 ms and VmHWM after resetting it; growth: that peak " +
        'minus its RSS just before. For curl, its peak RSS (every 5 ms from /proc); growth: minus its peak for a ' +
        `${WARMUP_BYTES / 1024 ** 2} MiB upload.`,
    );
    console.log(`\n${machineNote()}`);
  } finally {
    await child.stop();
    await sim.close();
    removeTempDir(root);
  }
}

if (currentRole() === 'engine') runRole(engineRole);
else runBench(main);
