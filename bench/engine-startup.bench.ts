/**
 * Start-up with 100,000 files already done (issue 3, item 4): a watched tree of 100,000 small
 * PNGs (100 folders of 1,000) and a ledger where every one of them is done. Measures, each in a fresh child process: the engine from `start()` until
 * `whenIdle()` (the first scan is finished and nothing is queued), against chokidar's bare scan
 * (`watch(tree, {ignoreInitial: false})` until 'ready'), plus chokidar with the options the engine
 * gives it (`alwaysStat`, no symlinks) to tell the engine's own cost from the scan's. Time, peak
 * RSS growth, RSS kept after the scan, CPU time. The simulator runs in the parent process.
 *
 * BENCH_STARTUP_FILES overrides the file count (default 100000).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { watch } from 'chokidar';
import { startSimulator } from '../src/main/sim';
import { createBenchEngine } from './lib/bench-engine';
import { currentRole, forkRole, heard, runRole, tell, type Message } from './lib/child';
import { inotifyLimit, inotifyWatches, PeakRss } from './lib/proc';
import { fixed, machineNote, mib, progress, ratio, runBench, table } from './lib/report';
import { makeTree, seedDoneLedger } from './lib/seed';
import { makeTempDir, removeTempDir } from './lib/temp';

const FILES = Number(process.env['BENCH_STARTUP_FILES'] ?? 100_000);
const FOLDER_ID = 'f-startup';
const SELF = fileURLToPath(import.meta.url);

interface Go extends Message {
  tree: string;
  dataDir: string;
  simUrl: string;
  clientId: string;
  clientSecret: string;
}

interface Result extends Message {
  ms: number;
  /** For the engine: until `start()` returned. */
  startMs?: number;
  files: number;
  baseline: number;
  peak: number;
  kept: number;
  cpuMs: number;
  /** Inotify watches held once the scan is done. */
  watches: number;
  note: string;
}

/** Time, memory and CPU of `run` in this process; `kept` is the RSS 2 s after, after a GC. */
async function measure(
  run: () => Promise<{ files: number; startMs?: number; note: string }>,
): Promise<Result> {
  const mem = new PeakRss();
  mem.start();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const out = await run();
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const { baseline, peak } = mem.stop();
  const watches = inotifyWatches();
  await new Promise((r) => setTimeout(r, 2_000));
  (globalThis as { gc?: () => void }).gc?.();
  const kept = process.memoryUsage.rss();
  return {
    type: 'result',
    ms,
    startMs: out.startMs,
    files: out.files,
    baseline,
    peak,
    kept,
    cpuMs: (used.user + used.system) / 1000,
    watches,
    note: out.note,
  };
}

async function engineRole(): Promise<void> {
  const go = await heard<Go>('go');
  const { engine, problems } = await createBenchEngine({
    dataDir: go.dataDir,
    sim: { url: go.simUrl, credentials: { clientId: go.clientId, clientSecret: go.clientSecret } },
    folders: [{ id: FOLDER_ID, path: go.tree }],
  });
  let startMs = 0;
  const result = await measure(async () => {
    const t0 = performance.now();
    await engine.start();
    startMs = performance.now() - t0;
    await engine.whenIdle();
    const status = await engine.getStatus();
    const notDone = Object.entries(status.counts).filter(([s, n]) => s !== 'done' && n > 0);
    return {
      files: status.counts.done,
      startMs,
      note:
        (notDone.length ? `rows not done: ${JSON.stringify(Object.fromEntries(notDone))}; ` : '') +
        `folder ${status.folders[0]?.health.state}` +
        (problems.length ? `; ${problems.length} warnings, first: ${problems[0]!.msg}` : ''),
    };
  });
  await engine.dispose();
  tell(result);
}

async function chokidarRole(engineOptions: boolean): Promise<void> {
  const go = await heard<Go>('go');
  const result = await measure(async () => {
    let files = 0;
    const w = watch(
      go.tree,
      engineOptions
        ? {
            ignoreInitial: false,
            persistent: true,
            followSymlinks: false,
            alwaysStat: true,
            awaitWriteFinish: false,
          }
        : { ignoreInitial: false },
    );
    w.on('add', () => files++);
    await new Promise<void>((resolve, reject) => {
      w.once('ready', resolve);
      w.once('error', reject);
    });
    // Close after measuring: 'kept' is the memory of a watcher still watching.
    setTimeout(() => void w.close(), 2_500);
    return { files, note: '' };
  });
  tell(result);
}

async function main(): Promise<void> {
  const root = makeTempDir('startup');
  const sim = await startSimulator({ processingMs: 4_000 });
  try {
    const tree = path.join(root, 'tree');
    fs.mkdirSync(tree);
    const t = performance.now();
    const files = makeTree(tree, FILES);
    const treeMs = performance.now() - t;
    progress(`made ${FILES} files in ${(treeMs / 1000).toFixed(1)} s; seeding the ledger...`);
    const seedDir = path.join(root, 'seed');
    fs.mkdirSync(seedDir);
    const seedMs = await seedDoneLedger(seedDir, FOLDER_ID, files);
    progress(`seeded ${FILES} done jobs in ${(seedMs / 1000).toFixed(1)} s`);

    const cases = [
      { role: 'chokidar-bare', who: "chokidar's bare scan (`ignoreInitial: false` until 'ready')" },
      { role: 'engine', who: 'Engine: `start()` until `whenIdle()`' },
      {
        role: 'chokidar-engine-options',
        who: "chokidar with the engine's options (`alwaysStat`, no symlinks)",
      },
    ];
    const results = new Map<string, Result>();
    let runs = 0;
    for (const c of cases) {
      // Each engine run gets a fresh copy of the seeded ledger.
      const dataDir = path.join(root, `data-${runs++}`);
      if (c.role === 'engine') fs.cpSync(seedDir, dataDir, { recursive: true });
      const from = sim.requests.length;
      const child = forkRole(SELF, c.role);
      try {
        child.send({
          type: 'go',
          tree,
          dataDir,
          simUrl: sim.url,
          clientId: sim.credentials.clientId,
          clientSecret: sim.credentials.clientSecret,
        } satisfies Go);
        const r = await child.next<Result>('result');
        const calls = sim.requests.length - from;
        if (calls) r.note += `${r.note ? '; ' : ''}${calls} API requests`;
        results.set(c.role, r);
        progress(`${c.role}: ${(r.ms / 1000).toFixed(2)} s, ${r.files} files`);
      } finally {
        await child.stop();
        removeTempDir(dataDir);
      }
    }

    const bare = results.get('chokidar-bare')!;
    const s = (ms: number) => fixed(ms / 1000, 2);
    console.log(
      `Start-up with ${FILES.toLocaleString('en')} files already done in the watched tree ` +
        `(${FILES / 1000} folders of 1,000 PNGs of ${files[0]?.size ?? 0} bytes; the ledger holds a done job for each). ` +
        'Each row is a fresh Node process, measured from just before the call (modules already loaded) until ' +
        'the scan is over: for the engine, `start()` until `whenIdle()` resolves (first scan done, every file ' +
        'recognised as done, nothing queued). The tree was just written, so it is in the page cache for every row.\n',
    );
    console.log(
      table(
        [
          'Case',
          'Time (s)',
          'vs bare scan',
          'Files seen',
          'RSS before (MiB)',
          'Peak RSS growth (MiB)',
          'vs bare scan',
          'RSS kept, growth (MiB)',
          'RSS at rest (MiB)',
          'vs bare scan',
          'CPU (s)',
          'Inotify watches',
          'Notes',
        ],
        cases.map((c) => {
          const r = results.get(c.role)!;
          const note = [r.startMs !== undefined ? `start() returned after ${s(r.startMs)} s` : '', r.note]
            .filter(Boolean)
            .join('; ');
          return [
            c.who,
            s(r.ms),
            ratio(r.ms, bare.ms),
            r.files.toLocaleString('en'),
            mib(r.baseline),
            mib(r.peak - r.baseline),
            ratio(r.peak - r.baseline, bare.peak - bare.baseline),
            mib(r.kept - r.baseline),
            mib(r.kept),
            ratio(r.kept, bare.kept),
            fixed(r.cpuMs / 1000, 2),
            r.watches.toLocaleString('en'),
            note || '-',
          ];
        }),
        'lrrrrrrrrrrrl',
      ),
    );
    console.log(
      `\nPeak RSS growth: the highest RSS during the scan (sampled every 10 ms, and VmHWM after resetting it) minus ` +
        'the RSS just before. RSS kept: the RSS 2 s after the scan, after a garbage collection, watcher still open, minus the RSS before; ' +
        'RSS at rest: that RSS itself (the whole process, idle, still watching). ' +
        `Files seen: for the engine, done jobs in its ledger; for chokidar, 'add' events. Inotify watches: held by ` +
        `the process after the scan (bare chokidar watches every file and folder); this machine allows ${inotifyLimit().toLocaleString('en')} ` +
        'per user, shared by all its processes. ' +
        `Setting up took ${fixed(treeMs / 1000, 1)} s for the files and ${fixed(seedMs / 1000, 1)} s for the ledger (not measured above).\n`,
    );
    console.log(machineNote());
  } finally {
    await sim.close();
    removeTempDir(root);
  }
}

const role = currentRole();
if (role === 'engine') runRole(engineRole);
else if (role === 'chokidar-bare') runRole(() => chokidarRole(false));
else if (role === 'chokidar-engine-options') runRole(() => chokidarRole(true));
else runBench(main);
