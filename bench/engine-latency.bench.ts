/**
 * Latency from a file's last write to its `POST /media`, minus the stability window (issue 3,
 * item 1). A file is written into the watched folder the way a copy arrives, in three pieces
 * 100 ms apart, and closed; the simulator's request log says when its POST arrived. Baseline, in
 * the same run and interleaved with the engine's samples: a minimal script that watches with
 * chokidar's `awaitWriteFinish` (the same 2 s window, polled every 100 ms) and POSTs on 'add'.
 * The engine runs with its defaults (2 s window); both use one simulator each, in this process.
 *
 * BENCH_LATENCY_FILES overrides the number of files per side (default 12).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { watch } from 'chokidar';
import { AuthentaClient } from '../src/main/core/api/authenta-client';
import { startSimulator, type Simulator } from '../src/main/sim';
import { makePng } from '../tests/helpers/media-fixtures';
import { createBenchEngine, describeProblems, foldersWatching, waitUntil } from './lib/bench-engine';
import { fixed, machineNote, median, progress, quantile, ratio, runBench, table } from './lib/report';
import { makeTempDir, removeTempDir } from './lib/temp';

const FILES = Number(process.env['BENCH_LATENCY_FILES'] ?? 12);
const STABILITY_MS = 2_000;
const PIECES = 3;
const PIECE_GAP_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `bytes` in PIECES pieces PIECE_GAP_MS apart; resolves with the time the last piece was written. */
async function writeLikeACopy(file: string, bytes: Buffer): Promise<number> {
  const handle = await fs.promises.open(file, 'w');
  let last = 0;
  try {
    const piece = Math.ceil(bytes.length / PIECES);
    for (let i = 0; i < PIECES; i++) {
      if (i > 0) await sleep(PIECE_GAP_MS);
      await handle.write(bytes, i * piece, Math.min(piece, bytes.length - i * piece), i * piece);
      last = Date.now();
    }
  } finally {
    await handle.close();
  }
  return last;
}

/** Writes one file into `dir` and resolves with (its POST's arrival − its last write − the window), in ms. */
async function sample(sim: Simulator, dir: string, name: string, bytes: Buffer): Promise<number> {
  const from = sim.requests.length;
  const lastWrite = await writeLikeACopy(path.join(dir, name), bytes);
  const post = await waitUntil(
    () => sim.requests.slice(from).find((r) => r.method === 'POST' && r.route === '/media'),
    `the POST of ${name}`,
    60_000,
    5,
  );
  return post.at - lastWrite - STABILITY_MS;
}

async function main(): Promise<void> {
  const root = makeTempDir('latency');
  const engineSim = await startSimulator({ processingMs: 4_000 });
  const scriptSim = await startSimulator({ processingMs: 4_000 });
  const engineDir = path.join(root, 'engine-inbox');
  const scriptDir = path.join(root, 'script-inbox');
  fs.mkdirSync(engineDir);
  fs.mkdirSync(scriptDir);
  const { engine, problems } = await createBenchEngine({
    dataDir: path.join(root, 'data'),
    sim: engineSim,
    folders: [{ id: 'f-inbox', path: engineDir, options: { stabilityMs: STABILITY_MS } }],
  });
  // The minimal script: chokidar's own stability wait, then the POST.
  const client = new AuthentaClient({
    baseUrl: scriptSim.url,
    credentials: { kind: 'client', ...scriptSim.credentials },
  });
  const script = watch(scriptDir, {
    ignoreInitial: true,
    awaitWriteFinish: { stabilityThreshold: STABILITY_MS, pollInterval: 100 },
  });
  script.on('add', (file, stats) => {
    void client
      .createMedia({
        name: path.basename(file),
        contentType: 'image/png',
        size: stats?.size ?? 0,
        modelType: 'AC-1',
      })
      .catch((e: unknown) => progress(`script POST failed: ${String(e)}`));
  });
  try {
    await new Promise<void>((resolve) => script.once('ready', () => resolve()));
    await engine.start();
    await foldersWatching(engine);
    const engineMs: number[] = [];
    const scriptMs: number[] = [];
    for (let i = 0; i < FILES; i++) {
      // 48 KiB PNGs, distinct bytes each.
      const bytes = makePng({
        marker: `AUTHENTA-SIM:real latency ${i}`,
        padding: 48 * 1024,
        paddingByte: i % 256,
      });
      const name = `photo-${String(i).padStart(3, '0')}.png`;
      engineMs.push(await sample(engineSim, engineDir, name, bytes));
      await sleep(150 + Math.random() * 300);
      scriptMs.push(await sample(scriptSim, scriptDir, name, bytes));
      await sleep(150 + Math.random() * 300);
      progress(`file ${i + 1}/${FILES}: engine ${engineMs[i]} ms, script ${scriptMs[i]} ms`);
    }

    const row = (who: string, v: number[], base: number[]) => [
      who,
      fixed(median(v), 0),
      fixed(quantile(v, 0.9), 0),
      fixed(Math.min(...v), 0),
      fixed(Math.max(...v), 0),
      ratio(median(v), median(base)),
    ];
    console.log(
      `Time from a file's last write to its \`POST /media\`, minus the ${STABILITY_MS / 1000} s stability window, ` +
        `over ${FILES} files per side (48 KiB PNGs written in ${PIECES} pieces ${PIECE_GAP_MS} ms apart, then closed; ` +
        "the POST time is its arrival at the simulator on 127.0.0.1). The engine's and the baseline's files alternate.\n",
    );
    console.log(
      table(
        ['Who', 'Median (ms)', 'p90 (ms)', 'Min (ms)', 'Max (ms)', 'Median vs baseline'],
        [
          row(
            `Engine (folder watcher, stability window ${STABILITY_MS} ms, sniff, hash, ledger)`,
            engineMs,
            scriptMs,
          ),
          row(
            `Baseline: chokidar \`awaitWriteFinish\` (${STABILITY_MS} ms, polled every 100 ms), then POST`,
            scriptMs,
            scriptMs,
          ),
        ],
      ),
    );
    console.log(
      `\nEngine samples (ms): ${engineMs.join(', ')}. Baseline samples (ms): ${scriptMs.join(', ')}.`,
    );
    const logged = describeProblems(problems);
    if (logged.length) console.log(`\nThe engine logged: ${logged.join('; ')}`);
    console.log(`\n${machineNote()}`);
  } finally {
    await script.close();
    await engine.dispose();
    await engineSim.close();
    await scriptSim.close();
    removeTempDir(root);
  }
}

runBench(main);
