/**
 * Query calls per file and time to the verdicts (issue 3, item 6 and the polling targets), with
 * the simulator processing every file for 4 s. Three cases: 24 images that arrive together, 6
 * videos together, one lone image. The engine (fresh ledger, default tuning, a folder with the
 * default 2 s stability window) gets the files in its watched folder; the baseline is the vendor
 * SDKs' pattern written with AuthentaClient: one file at a time, POST, PUT, then GET the record
 * at once and every 5 s until it is processed.
 *
 * Every case has its own simulator (in this process: the work is a few tiny files). The engine's
 * cases run one after another; the baseline's three run meanwhile, side by side, because the
 * baseline is mostly asleep (one GET per 5 s) and would otherwise take three minutes alone.
 * Times run from the case's first `POST /media` to its last Query call (the one that brought the
 * last verdict), so the stability window and hashing are not counted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AuthentaClient } from '../src/main/core/api/authenta-client';
import { startSimulator, type RequestLogEntry, type Simulator } from '../src/main/sim';
import { makeMp4, makePng } from '../tests/helpers/media-fixtures';
import { createBenchEngine, describeProblems, foldersWatching, whenFinished } from './lib/bench-engine';
import { fixed, machineNote, progress, ratio, runBench, table } from './lib/report';
import { makeTempDir, removeTempDir } from './lib/temp';

const PROCESSING_MS = 4_000;
const SDK_POLL_MS = 5_000;

interface Case {
  id: string;
  title: string;
  count: number;
  kind: 'image' | 'video';
  /** The target from issue 3: Query calls per file at most this. */
  target: number;
}

const CASES: Case[] = [
  { id: 'images', title: '24 images together', count: 24, kind: 'image', target: 0.5 },
  { id: 'videos', title: '6 videos together', count: 6, kind: 'video', target: 1.5 },
  { id: 'lone', title: '1 lone image', count: 1, kind: 'image', target: 2 },
];

/** What one run of one case measured. */
interface Outcome {
  files: number;
  done: number;
  query: number;
  lists: number;
  gets: number;
  mutation: number;
  /** First POST to last Query call, ms. */
  wallMs: number;
  /** Last PUT to last Query call, ms. */
  tailMs: number;
  problems: string[];
}

function fileBytes(c: Case, i: number, run: string): Buffer {
  // Distinct bytes per file (the engine shares the verdict of identical bytes), marked for the simulator.
  return c.kind === 'video'
    ? makeMp4({ marker: `AUTHENTA-SIM:faces=2,fakes=1 ${run} ${i}`, mdatBytes: 32 * 1024 })
    : makePng({ marker: `AUTHENTA-SIM:real ${run} ${i}`, width: 32, height: 32 });
}

function writeFiles(dir: string, c: Case, run: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return Array.from({ length: c.count }, (_, i) => {
    const file = path.join(
      dir,
      `${c.id}-${String(i).padStart(2, '0')}.${c.kind === 'video' ? 'mp4' : 'png'}`,
    );
    fs.writeFileSync(file, fileBytes(c, i, run));
    return file;
  });
}

function summarise(
  log: readonly RequestLogEntry[],
  files: number,
  done: number,
  problems: string[],
): Outcome {
  const api = log.filter((r) => r.route.startsWith('/media'));
  const queries = api.filter((r) => r.method === 'GET');
  const posts = api.filter((r) => r.method === 'POST' && r.route === '/media');
  const puts = log.filter((r) => r.method === 'PUT');
  const firstPost = Math.min(...posts.map((r) => r.at));
  const lastQuery = Math.max(...queries.map((r) => r.at));
  const lastPut = Math.max(...puts.map((r) => r.at));
  return {
    files,
    done,
    query: queries.length,
    lists: queries.filter((r) => r.route === '/media').length,
    gets: queries.filter((r) => r.route === '/media/:mid').length,
    mutation: api.filter((r) => r.method !== 'GET').length,
    wallMs: lastQuery - firstPost,
    tailMs: lastQuery - lastPut,
    problems,
  };
}

/** The engine: files land in its watched folder together (moved in from a staging folder). */
async function engineCase(c: Case): Promise<Outcome> {
  const root = makeTempDir(`polling-${c.id}`);
  const sim = await startSimulator({ processingMs: PROCESSING_MS });
  const { engine, problems } = await createBenchEngine({
    dataDir: path.join(root, 'data'),
    sim,
    folders: [{ id: 'f-inbox', path: path.join(root, 'inbox') }],
  });
  fs.mkdirSync(path.join(root, 'inbox'));
  try {
    await engine.start();
    await foldersWatching(engine);
    const staged = writeFiles(path.join(root, 'staging'), c, 'engine');
    const finished = whenFinished(engine, c.count, 180_000);
    for (const f of staged) fs.renameSync(f, path.join(root, 'inbox', path.basename(f)));
    await finished;
    const status = await engine.getStatus();
    await new Promise((r) => setTimeout(r, 300)); // any straggling call would show in the log
    return summarise(sim.requests, c.count, status.counts.done, describeProblems(problems));
  } finally {
    await engine.dispose();
    await sim.close();
    removeTempDir(root);
  }
}

/** The vendor SDKs' pattern: one file at a time, GET at once and then every 5 s. */
async function sdkCase(c: Case): Promise<Outcome> {
  const root = makeTempDir(`polling-sdk-${c.id}`);
  const sim: Simulator = await startSimulator({ processingMs: PROCESSING_MS });
  try {
    const files = writeFiles(root, c, 'sdk');
    const client = new AuthentaClient({
      baseUrl: sim.url,
      credentials: { kind: 'client', ...sim.credentials },
    });
    let done = 0;
    for (const file of files) {
      const size = fs.statSync(file).size;
      const contentType = c.kind === 'video' ? 'video/mp4' : 'image/png';
      const { data } = await client.createMedia({
        name: path.basename(file),
        contentType,
        size,
        modelType: c.kind === 'video' ? 'DF-1' : 'AC-1',
      });
      await client.upload(data.uploadUrl, { path: file, contentType, size }, { mid: data.mid });
      for (;;) {
        const { data: record } = await client.getMedia(data.mid);
        if (record.status === 'PROCESSED') {
          done++;
          break;
        }
        if (record.status === 'FAILED') break;
        await new Promise((r) => setTimeout(r, SDK_POLL_MS));
      }
    }
    return summarise(sim.requests, c.count, done, []);
  } finally {
    await sim.close();
    removeTempDir(root);
  }
}

async function main(): Promise<void> {
  progress('the SDK pattern runs its three cases in the background meanwhile');
  const sdk = Promise.all(CASES.map((c) => sdkCase(c)));
  // Do not leave a rejection unhandled while the engine's cases run.
  sdk.catch(() => undefined);
  const engine: Outcome[] = [];
  for (const c of CASES) {
    progress(`engine: ${c.title}...`);
    engine.push(await engineCase(c));
  }
  progress('waiting for the SDK pattern to finish...');
  const baseline = await sdk;

  const perFile = (o: Outcome) => o.query / o.files;
  console.log(
    `Query calls (API GETs) per file and time to the verdicts, with the simulator taking ${PROCESSING_MS / 1000} s to ` +
      'process each file. Engine: a fresh ledger (nothing learned yet), default polling tuning, files moved ' +
      "into its watched folder together. Baseline: the vendor SDKs' pattern with AuthentaClient, one file at a " +
      `time, GET at once after the upload and then every ${SDK_POLL_MS / 1000} s. Time: first \`POST /media\` to the ` +
      'last Query call of the case; "after last upload": last PUT to that call.\n',
  );
  const rows: string[][] = [];
  CASES.forEach((c, i) => {
    const e = engine[i]!;
    const b = baseline[i]!;
    const met = perFile(e) <= c.target;
    rows.push([
      c.title,
      `${fixed(perFile(e), 2)} (${e.lists} list + ${e.gets} get)`,
      `${fixed(perFile(b), 2)} (${b.gets} get)`,
      ratio(perFile(e), perFile(b)),
      `≤ ${c.target}: ${met ? 'met' : '**not met**'}`,
      `${fixed(e.wallMs / 1000, 1)} (${fixed(e.wallMs / PROCESSING_MS, 1)}× processing)`,
      fixed(e.tailMs / 1000, 1),
      fixed(b.wallMs / 1000, 1),
      ratio(e.wallMs, b.wallMs),
      `${e.done}/${e.files} · ${b.done}/${b.files}`,
    ]);
  });
  console.log(
    table(
      [
        'Case',
        'Engine: Query calls per file',
        'SDK pattern: Query calls per file',
        'Ratio',
        'Target (engine)',
        'Engine: time (s)',
        'Engine: after last upload (s)',
        'SDK pattern: time (s)',
        'Time ratio',
        'Verdicts (engine · SDK)',
      ],
      rows,
      'lrrrlrrrrr',
    ),
  );
  const mutations = CASES.map((c, i) => `${c.id} ${engine[i]!.mutation}/${baseline[i]!.mutation}`).join(', ');
  console.log(
    `\nMutation calls (POST, DELETE), engine/SDK: ${mutations}. Issue 3's targets: with 24 images pending ` +
      'together, at most 0.5 Query call per image in all and all done within about twice the processing time; ' +
      'each video at most 1.5; a lone file at most 2.',
  );
  const problems = engine.flatMap((e, i) => e.problems.map((p) => `${CASES[i]!.id}: ${p}`));
  if (problems.length) console.log(`\nThe engine logged: ${problems.join('; ')}`);
  console.log(`\n${machineNote()}`);
}

runBench(main);
