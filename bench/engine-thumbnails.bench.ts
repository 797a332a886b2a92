/**
 * Thumbnails cost the pipeline nothing measurable (issue 12): the same real JPEG photos end to end
 * against the simulator, once with nobody looking, once with a "UI" that asks for every job's
 * thumbnail as soon as the job appears (as a queue scrolled through them would), while the engine
 * sniffs, hashes and uploads: the engine holds them back while it reads files (at most 5 s each).
 * Runs alternate (quiet, looking, quiet, looking) on fresh data folders and a fresh simulator
 * process each, and report files per second, the sending phase (first POST to last PUT) and the
 * thumbnails actually made.
 *
 * BENCH_THUMB_FILES overrides the photo count (default 200); BENCH_THUMB_ROUNDS the number of
 * quiet/looking pairs (default 4: with two, one round under load read 0.78x where six rounds read 1.00x).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import type { RequestLogEntry } from '../src/main/sim';
import { createBenchEngine, describeProblems, foldersWatching, whenFinished } from './lib/bench-engine';
import { fixed, machineNote, progress, ratio, runBench, table } from './lib/report';
import { startSimProcess } from './lib/sim-process';
import { makeTempDir, removeTempDir } from './lib/temp';

const FILES = Number(process.env['BENCH_THUMB_FILES'] ?? 200);
const ROUNDS = Number(process.env['BENCH_THUMB_ROUNDS'] ?? 4);
const PROCESSING_MS = 1_000;
const STABILITY_MS = 500;
const WIDTH = 2400;
const HEIGHT = 1600;

interface Outcome {
  ms: number;
  done: number;
  sendingMs: number;
  thumbs: number;
  thumbMs: number[];
  cpuMs: number;
  notes: string[];
}

/** `FILES` distinct camera-sized JPEGs (noise, so each one is real decoding work), made once. */
async function makePhotos(dir: string): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const base = await sharp({
    create: {
      width: WIDTH,
      height: HEIGHT,
      channels: 3,
      background: '#777',
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .jpeg({ quality: 85 })
    .toBuffer();
  const files: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const file = path.join(dir, `photo-${String(i).padStart(4, '0')}.jpg`);
    // Distinct bytes (and so distinct hashes): a COM segment with the index and the simulator's marker.
    const marker = Buffer.from(`AUTHENTA-SIM:real photo ${i}`, 'latin1');
    const com = Buffer.alloc(4);
    com.writeUInt16BE(0xfffe, 0);
    com.writeUInt16BE(marker.length + 2, 2);
    fs.writeFileSync(file, Buffer.concat([base.subarray(0, 2), com, marker, base.subarray(2)]));
    files.push(file);
  }
  return files;
}

function sendingMs(log: readonly RequestLogEntry[]): number {
  const puts = log.filter((r) => r.method === 'PUT').map((r) => r.at);
  const posts = log.filter((r) => r.method === 'POST' && r.route.startsWith('/media')).map((r) => r.at);
  return Math.max(...puts) - Math.min(...posts);
}

async function run(root: string, photos: string[], label: string, looking: boolean): Promise<Outcome> {
  const sim = await startSimProcess({ processingMs: PROCESSING_MS });
  const inbox = path.join(root, `${label}-inbox`);
  const staging = path.join(root, `${label}-staging`);
  fs.mkdirSync(inbox);
  fs.mkdirSync(staging);
  for (const p of photos) fs.copyFileSync(p, path.join(staging, path.basename(p)));
  const { engine, problems } = await createBenchEngine({
    dataDir: path.join(root, `${label}-data`),
    sim,
    folders: [{ id: 'f-inbox', path: inbox, options: { stabilityMs: STABILITY_MS } }],
  });
  const thumbMs: number[] = [];
  let thumbs = 0;
  const asked = new Set<number>();
  const pending: Promise<void>[] = [];
  try {
    await engine.start();
    await foldersWatching(engine);
    if (looking) {
      engine.onJobsChanged((changes) => {
        for (const c of changes) {
          if (c.type !== 'upsert' || !c.job.sha256 || asked.has(c.job.id)) continue;
          asked.add(c.job.id);
          const t = performance.now();
          pending.push(
            engine.media.respond({ method: 'GET', path: `/thumb/${c.job.id}` }).then(async (answer) => {
              if (answer.body && typeof answer.body !== 'string') for await (const _ of answer.body);
              if (answer.status === 200) {
                thumbs++;
                thumbMs.push(performance.now() - t);
              }
            }),
          );
        }
      });
    }
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const finished = whenFinished(engine, FILES);
    for (const f of fs.readdirSync(staging)) fs.renameSync(path.join(staging, f), path.join(inbox, f));
    await finished;
    const ms = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    await Promise.all(pending);
    const status = await engine.getStatus();
    const notes = describeProblems(problems);
    if (status.counts.failed || status.counts.skipped)
      notes.unshift(`${status.counts.failed} failed, ${status.counts.skipped} skipped`);
    return {
      ms,
      done: status.counts.done,
      sendingMs: sendingMs(await sim.requests()),
      thumbs,
      thumbMs,
      cpuMs: (used.user + used.system) / 1000,
      notes,
    };
  } finally {
    await engine.dispose();
    await sim.close();
  }
}

async function main(): Promise<void> {
  const root = makeTempDir('thumbnails');
  try {
    progress(`making ${FILES} photos of ${WIDTH}x${HEIGHT}...`);
    const photos = await makePhotos(path.join(root, 'photos'));
    const bytes = photos.reduce((n, p) => n + fs.statSync(p).size, 0);
    const quiet: Outcome[] = [];
    const looking: Outcome[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      progress(`round ${r + 1}: nobody looking...`);
      quiet.push(await run(root, photos, `quiet-${r}`, false));
      progress(`round ${r + 1}: a UI asking for every thumbnail...`);
      looking.push(await run(root, photos, `looking-${r}`, true));
    }
    const fps = (o: Outcome) => o.done / (o.ms / 1000);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const baseFps = mean(quiet.map(fps));
    const row = (who: string, o: Outcome) => [
      who,
      fixed(o.ms / 1000, 1),
      fixed(fps(o), 1),
      ratio(fps(o), baseFps),
      fixed(o.sendingMs / 1000, 1),
      String(o.thumbs),
      o.thumbMs.length ? fixed(mean(o.thumbMs), 0) : '–',
      fixed(o.cpuMs / FILES, 1),
      `${o.done}/${FILES}`,
    ];
    console.log(
      `${FILES} JPEG photos of ${WIDTH}x${HEIGHT} (${fixed(bytes / FILES / 1024, 0)} KiB each, distinct bytes) end to end ` +
        `against the simulator (${PROCESSING_MS / 1000} s processing, its own process), moved into the watched folder at ` +
        `once (${STABILITY_MS} ms stability window). "Looking": a UI asks for each job's thumbnail as soon as the job ` +
        'has its hash, while the engine is still sniffing, hashing and uploading the rest; the engine makes them ' +
        'when it is not reading files (a request waits at most 5 s).\n',
    );
    const rows: string[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      rows.push(row(`Round ${r + 1}, nobody looking`, quiet[r]!));
      rows.push(row(`Round ${r + 1}, a UI asking for every thumbnail`, looking[r]!));
    }
    console.log(
      table(
        [
          'Run',
          'Time (s)',
          'Files/s',
          'vs quiet (mean)',
          'POST→last PUT (s)',
          'Thumbnails made',
          'Thumbnail wait (ms, mean)',
          'CPU ms per file',
          'Verdicts',
        ],
        rows,
      ),
    );
    const lookingFps = mean(looking.map(fps));
    const sending = (os: Outcome[]) => mean(os.map((o) => o.sendingMs)) / 1000;
    console.log(
      `\nMean files/s: nobody looking ${fixed(baseFps, 1)}, looking ${fixed(lookingFps, 1)} ` +
        `(${ratio(lookingFps, baseFps)}). Mean sending phase (first POST to last PUT): nobody looking ` +
        `${fixed(sending(quiet), 2)} s, looking ${fixed(sending(looking), 2)} s ` +
        `(${ratio(sending(quiet), sending(looking))} the speed). Thumbnails are made one at a time with one libvips ` +
        'thread; the CPU column includes them.',
    );
    const notes = [...quiet, ...looking].flatMap((o) => o.notes);
    if (notes.length) console.log(`\nThe engine: ${[...new Set(notes)].join('; ')}`);
    console.log(`\n${machineNote()}`);
  } finally {
    removeTempDir(root);
  }
}

runBench(main);
