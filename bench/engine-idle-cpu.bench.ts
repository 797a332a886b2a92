/**
 * Idle CPU while watching (issue 3, item 5): a watched tree of 1,000 PNGs (10 folders of 100),
 * every one already done in the ledger, so nothing is left to do. Each case runs in a fresh child
 * process: it starts, waits until it is settled, then measures its CPU time (process.cpuUsage),
 * event-loop utilisation and RSS over a window of idle watching. The engine (defaults) against a
 * bare chokidar watcher of the same tree, and, for scale, a Node process that only keeps a timer.
 * The simulator runs in the parent; any API call the engine makes while idle is counted.
 *
 * BENCH_IDLE_SECONDS overrides the window (default 20); BENCH_IDLE_FILES the file count (default 1000).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { watch } from 'chokidar';
import { startSimulator } from '../src/main/sim';
import { createBenchEngine } from './lib/bench-engine';
import { currentRole, forkRole, heard, runRole, tell, type Message } from './lib/child';
import { fixed, machineNote, mib, progress, ratio, runBench, table } from './lib/report';
import { makeTree, seedDoneLedger } from './lib/seed';
import { makeTempDir, removeTempDir } from './lib/temp';

const WINDOW_S = Number(process.env['BENCH_IDLE_SECONDS'] ?? 20);
const FILES = Number(process.env['BENCH_IDLE_FILES'] ?? 1_000);
const SETTLE_MS = 3_000;
const FOLDER_ID = 'f-idle';
const SELF = fileURLToPath(import.meta.url);

interface Go extends Message {
  tree: string;
  dataDir: string;
  simUrl: string;
  clientId: string;
  clientSecret: string;
}

interface Idle extends Message {
  cpuMs: number;
  userMs: number;
  systemMs: number;
  busy: number;
  rssStart: number;
  rssEnd: number;
  note: string;
}

/** Settle, tell the parent the window starts, measure it, report. */
async function idleWindow(note: () => Promise<string>): Promise<void> {
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  (globalThis as { gc?: () => void }).gc?.();
  tell({ type: 'window' });
  const rssStart = process.memoryUsage.rss();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  const used = process.cpuUsage(cpu);
  const busy = performance.eventLoopUtilization(elu).utilization;
  const rssEnd = process.memoryUsage.rss();
  tell({
    type: 'idle',
    cpuMs: (used.user + used.system) / 1000,
    userMs: used.user / 1000,
    systemMs: used.system / 1000,
    busy,
    rssStart,
    rssEnd,
    note: await note(),
  } satisfies Idle);
}

async function engineRole(): Promise<void> {
  const go = await heard<Go>('go');
  const { engine, problems } = await createBenchEngine({
    dataDir: go.dataDir,
    sim: { url: go.simUrl, credentials: { clientId: go.clientId, clientSecret: go.clientSecret } },
    folders: [{ id: FOLDER_ID, path: go.tree }],
  });
  await engine.start();
  await engine.whenIdle();
  await idleWindow(async () => {
    const s = await engine.getStatus();
    const active = Object.entries(s.counts).filter(([state, n]) => state !== 'done' && n > 0);
    return [
      `folder ${s.folders[0]?.health.state}`,
      active.length ? `rows not done: ${JSON.stringify(Object.fromEntries(active))}` : '',
      problems.length ? `${problems.length} warnings` : '',
    ]
      .filter(Boolean)
      .join('; ');
  });
  await engine.dispose();
}

async function chokidarRole(): Promise<void> {
  const go = await heard<Go>('go');
  const w = watch(go.tree, { ignoreInitial: false });
  let files = 0;
  w.on('add', () => files++);
  await new Promise<void>((resolve) => w.once('ready', () => resolve()));
  await idleWindow(async () => `${files} files seen`);
  await w.close();
}

async function floorRole(): Promise<void> {
  await heard<Go>('go');
  const keepAlive = setInterval(() => undefined, 60_000);
  await idleWindow(async () => 'no watcher');
  clearInterval(keepAlive);
}

async function main(): Promise<void> {
  const root = makeTempDir('idle');
  const sim = await startSimulator({ processingMs: 4_000 });
  try {
    const tree = path.join(root, 'tree');
    const dataDir = path.join(root, 'data');
    fs.mkdirSync(tree);
    fs.mkdirSync(dataDir);
    const files = makeTree(tree, FILES, 100);
    await seedDoneLedger(dataDir, FOLDER_ID, files);
    const cases = [
      { role: 'engine', who: 'Engine (defaults), watching, nothing to do' },
      { role: 'chokidar', who: 'Bare chokidar watcher of the same tree' },
      { role: 'floor', who: 'For scale: a Node process with one timer, no watcher' },
    ];
    const results = new Map<string, Idle & { calls: number }>();
    for (const c of cases) {
      progress(`${c.role}: settling, then ${WINDOW_S} s of idle...`);
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
        await child.next('window', 300_000);
        const from = sim.requests.length;
        const r = await child.next<Idle>('idle', (WINDOW_S + 60) * 1000);
        results.set(c.role, { ...r, calls: sim.requests.length - from });
      } finally {
        await child.stop();
      }
    }

    const chokidar = results.get('chokidar')!;
    const perMin = (r: Idle) => (r.cpuMs / WINDOW_S) * 60;
    console.log(
      `CPU while idle: a watched tree of ${FILES.toLocaleString('en')} PNGs (${FILES / 100} folders of 100), all already ` +
        `done in the ledger. Each case is a fresh Node process, measured over ${WINDOW_S} s after it settled ` +
        `(engine: \`whenIdle()\` resolved; chokidar: 'ready'; then ${SETTLE_MS / 1000} s).\n`,
    );
    console.log(
      table(
        [
          'Case',
          'CPU (ms per minute)',
          'vs bare chokidar',
          'Share of one core',
          'User / system (ms)',
          'Event loop busy',
          'RSS change (MiB)',
          'API calls',
          'Notes',
        ],
        cases.map((c) => {
          const r = results.get(c.role)!;
          return [
            c.who,
            fixed(perMin(r), 0),
            ratio(perMin(r), perMin(chokidar)),
            `${fixed((r.cpuMs / (WINDOW_S * 1000)) * 100, 2)} %`,
            `${fixed(r.userMs, 0)} / ${fixed(r.systemMs, 0)}`,
            `${fixed(r.busy * 100, 2)} %`,
            fixed((r.rssEnd - r.rssStart) / 1024 ** 2, 1),
            String(r.calls),
            r.note || '-',
          ];
        }),
        'lrrrrrrrl',
      ),
    );
    console.log(
      `\nRSS change: RSS at the end of the window minus at its start (after a GC), in MiB; ` +
        `RSS at the start: ${cases.map((c) => `${c.role} ${mib(results.get(c.role)!.rssStart)}`).join(', ')} MiB. ` +
        'API calls: requests the simulator received during the window.',
    );
    console.log(`\n${machineNote()}`);
  } finally {
    await sim.close();
    removeTempDir(root);
  }
}

const role = currentRole();
if (role === 'engine') runRole(engineRole);
else if (role === 'chokidar') runRole(chokidarRole);
else if (role === 'floor') runRole(floorRole);
else runBench(main);
