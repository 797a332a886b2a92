/**
 * 1,000 small images end to end against the simulator (issue 3, item 2): files per second from
 * the moment they land in the watched folder until every verdict is in the ledger. The engine
 * runs with its defaults (3 uploads at once, 2 s stability window, default polling tuning). The
 * baseline is a minimal script making the same HTTP calls for the same files: 3 workers doing
 * POST then PUT, and each record polled on its own (GET 4 s after its upload, then every second)
 * until processed. The simulator (4 s processing) runs in its own process, a fresh one per side,
 * so this process holds only the engine or the script; CPU time is this process's.
 *
 * BENCH_THROUGHPUT_FILES overrides the file count (default 1000).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AuthentaClient } from '../src/main/core/api/authenta-client';
import { SqliteLedger } from '../src/main/core/ledger/sqlite-ledger';
import type { RequestLogEntry } from '../src/main/sim';
import { makePng } from '../tests/helpers/media-fixtures';
import { createBenchEngine, describeProblems, foldersWatching, whenFinished } from './lib/bench-engine';
import { fixed, machineNote, progress, ratio, runBench, table } from './lib/report';
import { startSimProcess } from './lib/sim-process';
import { makeTempDir, removeTempDir } from './lib/temp';

const FILES = Number(process.env['BENCH_THROUGHPUT_FILES'] ?? 1_000);
const PROCESSING_MS = 4_000;
const STABILITY_MS = 2_000;
const CONCURRENCY = 3;
const SIZE = 16 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  ms: number;
  done: number;
  cpuMs: number;
  /** Event-loop utilisation of this process over the run (0..1). */
  busy: number;
  query: number;
  /** Query calls that were list pages (`GET /media`) and single records (`GET /media/:mid`). */
  lists: number;
  gets: number;
  mutation: number;
  puts: number;
  /** First POST to last PUT: the sending phase. */
  sendingMs: number;
  notes: string[];
}

/** `FILES` distinct ~16 KiB PNGs in `dir`. */
function writeImages(dir: string, label: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const file = path.join(dir, `img-${String(i).padStart(4, '0')}.png`);
    const bytes = makePng({ marker: `AUTHENTA-SIM:real ${label} ${i}`, width: 8, height: 8, padding: SIZE });
    fs.writeFileSync(file, bytes);
    files.push(file);
  }
  return files;
}

function callsOf(log: readonly RequestLogEntry[]) {
  const api = log.filter((r) => r.route.startsWith('/media'));
  const puts = log.filter((r) => r.method === 'PUT');
  const posts = api.filter((r) => r.method === 'POST');
  return {
    query: api.filter((r) => r.method === 'GET').length,
    lists: api.filter((r) => r.method === 'GET' && r.route === '/media').length,
    gets: api.filter((r) => r.method === 'GET' && r.route === '/media/:mid').length,
    mutation: api.filter((r) => r.method !== 'GET').length,
    puts: puts.length,
    sendingMs: Math.max(...puts.map((r) => r.at)) - Math.min(...posts.map((r) => r.at)),
  };
}

const ledgerProto = SqliteLedger.prototype as unknown as { syncWal?: () => Promise<void> };

/**
 * Diagnostic only: drops the ledger's fsyncs of its write-ahead log (the ones that guard a PUT or
 * a finalize), to show what they cost. Returns the undo, or null when the ledger has no such method.
 */
function withoutDurableCommits(): (() => void) | null {
  const original = ledgerProto.syncWal;
  if (typeof original !== 'function') return null;
  ledgerProto.syncWal = async () => undefined;
  return () => {
    ledgerProto.syncWal = original;
  };
}

async function engineSide(root: string, label: string): Promise<Outcome> {
  const sim = await startSimProcess({ processingMs: PROCESSING_MS });
  const inbox = path.join(root, `${label}-inbox`);
  fs.mkdirSync(inbox);
  const staged = writeImages(path.join(root, `${label}-staging`), label);
  const { engine, problems } = await createBenchEngine({
    dataDir: path.join(root, `${label}-data`),
    sim,
    folders: [{ id: 'f-inbox', path: inbox, options: { stabilityMs: STABILITY_MS } }],
  });
  try {
    await engine.start();
    await foldersWatching(engine);
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    const t0 = performance.now();
    const finished = whenFinished(engine, FILES);
    // The files land together, as a card reader's dump or a sync would bring them.
    for (const f of staged) fs.renameSync(f, path.join(inbox, path.basename(f)));
    await finished;
    const ms = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    const busy = performance.eventLoopUtilization(elu).utilization;
    const status = await engine.getStatus();
    const notes = describeProblems(problems);
    if (status.counts.failed || status.counts.skipped)
      notes.unshift(`${status.counts.failed} failed, ${status.counts.skipped} skipped`);
    return {
      ms,
      done: status.counts.done,
      cpuMs: (used.user + used.system) / 1000,
      busy,
      ...callsOf(await sim.requests()),
      notes,
    };
  } finally {
    await engine.dispose();
    await sim.close();
  }
}

async function scriptSide(root: string): Promise<Outcome> {
  const sim = await startSimProcess({ processingMs: PROCESSING_MS });
  const files = writeImages(path.join(root, 'script-files'), 'script');
  try {
    const client = new AuthentaClient({
      baseUrl: sim.url,
      credentials: { kind: 'client', ...sim.credentials },
    });
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    const t0 = performance.now();
    let next = 0;
    let done = 0;
    const polls: Promise<void>[] = [];
    const poll = async (mid: string): Promise<void> => {
      await sleep(PROCESSING_MS);
      for (;;) {
        const { data } = await client.getMedia(mid);
        if (data.status === 'PROCESSED' || data.status === 'FAILED') {
          if (data.status === 'PROCESSED') done++;
          return;
        }
        await sleep(1_000);
      }
    };
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const file = files[next++]!;
        const size = fs.statSync(file).size;
        const { data } = await client.createMedia({
          name: path.basename(file),
          contentType: 'image/png',
          size,
          modelType: 'AC-1',
        });
        await client.upload(
          data.uploadUrl,
          { path: file, contentType: 'image/png', size },
          { mid: data.mid },
        );
        polls.push(poll(data.mid));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await Promise.all(polls);
    const ms = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    const busy = performance.eventLoopUtilization(elu).utilization;
    return {
      ms,
      done,
      cpuMs: (used.user + used.system) / 1000,
      busy,
      ...callsOf(await sim.requests()),
      notes: [],
    };
  } finally {
    await sim.close();
  }
}

async function main(): Promise<void> {
  const root = makeTempDir('throughput');
  try {
    progress(`engine: ${FILES} images...`);
    const engine = await engineSide(root, 'engine');
    progress(`engine: ${(engine.ms / 1000).toFixed(1)} s; the minimal script...`);
    const script = await scriptSide(root);
    progress(
      `script: ${(script.ms / 1000).toFixed(1)} s; the engine without durable commits (diagnostic)...`,
    );
    const undo = withoutDurableCommits();
    let diagnostic: Outcome | null = null;
    try {
      if (undo) diagnostic = await engineSide(root, 'diagnostic');
    } finally {
      undo?.();
    }
    if (diagnostic) progress(`diagnostic: ${(diagnostic.ms / 1000).toFixed(1)} s`);

    const fps = (o: Outcome, ms = o.ms) => o.done / (ms / 1000);
    const base = fps(script);
    const row = (who: string, o: Outcome, ms = o.ms) => [
      who,
      fixed(ms / 1000, 1),
      fixed(fps(o, ms), 1),
      ratio(fps(o, ms), base),
      fixed(o.sendingMs / 1000, 1),
      `${fixed(o.query / FILES, 3)} (${o.lists} list + ${o.gets} get)`,
      fixed(o.mutation / FILES, 2),
      fixed(o.cpuMs / FILES, 2),
      `${Math.round(o.busy * 100)} %`,
      `${o.done}/${FILES}`,
    ];
    console.log(
      `${FILES.toLocaleString('en')} PNG images of ${SIZE / 1024} KiB (distinct bytes) end to end against the simulator ` +
        `(${PROCESSING_MS / 1000} s processing each, in its own process): from the moment the files are there until ` +
        `the last verdict. The engine gets them moved into its watched folder at once; its time includes noticing them, ` +
        `the ${STABILITY_MS / 1000} s stability window (also shown subtracted), sniffing, hashing and the ledger. The ` +
        `minimal script is handed the paths and makes the same HTTP calls: ${CONCURRENCY} workers doing POST then PUT, ` +
        `each record polled on its own with GET ${PROCESSING_MS / 1000} s after its upload, then every second.\n`,
    );
    const rows = [
      row('Engine', engine),
      row(`Engine, minus the ${STABILITY_MS / 1000} s stability window`, engine, engine.ms - STABILITY_MS),
      row('Minimal script (same HTTP calls)', script),
    ];
    if (diagnostic)
      rows.push(
        row(
          'Diagnostic: engine without the fsync before each PUT (not a real setting), minus the window',
          diagnostic,
          diagnostic.ms - STABILITY_MS,
        ),
      );
    console.log(
      table(
        [
          'Who',
          'Time (s)',
          'Files/s',
          'vs script',
          'POST→last PUT (s)',
          'Query calls per file',
          'Mutation calls per file',
          'CPU ms per file',
          'Event loop busy',
          'Verdicts',
        ],
        rows,
      ),
    );
    console.log(
      `\nPOST→last PUT: from the first \`POST /media\` to the last upload arriving at the simulator (the sending ` +
        'phase, without the wait for the last verdicts). Event loop busy: event-loop utilisation of the process ' +
        "running the engine or the script. The diagnostic row leaves out the ledger's fsyncs of its write-ahead log " +
        '(the group commit before each PUT, off the main thread), to show their share of the time.',
    );
    if (engine.notes.length) console.log(`\nThe engine: ${engine.notes.join('; ')}`);
    console.log(`\n${machineNote()}`);
  } finally {
    removeTempDir(root);
  }
}

runBench(main);
