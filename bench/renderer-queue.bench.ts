/**
 * The queue with 10,000 jobs in Chromium: how long until the first rows show and until every
 * page of the list is loaded, and how smooth scrolling from the top to the bottom is (frame
 * times). Runs the real headless host (`authenta-watch --ui --simulate`, built CLI and renderer)
 * on a ledger seeded with finished jobs (straight into SQLite through SqliteLedger, each job
 * walked through the same states the pipeline writes), and drives Debian's Chromium with
 * playwright-core. Baselines measured in the same run: the same app with 100 jobs, and a plain
 * HTML table of 10,000 rows (no framework, no virtual list). Prints a markdown table.
 *
 * Every seeded job carries its thumbnails: a 256 px WebP and the row's 80x56 cut of it, made with
 * sharp and put in the data folder's thumbnail cache under the job's sha256 (as the engine caches
 * and prefetches them), so each row's Thumb loads a real image from the host's media route while
 * the list scrolls. After each scroll the bench
 * checks that the rows on screen show decoded thumbnails (not type icons).
 *
 * BENCH_QUEUE_JOBS overrides the job count (default 10000); BENCH_QUEUE_RUNS the number of page
 * loads per case (default 3, the median is shown).
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Verdict } from '../src/shared/domain';
import { SqliteLedger } from '../src/main/core/ledger/sqlite-ledger';
import { ROW_THUMBNAIL, THUMBNAIL_EDGE } from '../src/main/core/media/thumbnails';
import { folderIdFor } from '../src/main/headless/run-settings';
import { launchChromium, startHeadless, type HeadlessHost } from '../tests/e2e/harness';

const JOBS = Number(process.env['BENCH_QUEUE_JOBS'] ?? 10_000);
const RUNS = Number(process.env['BENCH_QUEUE_RUNS'] ?? 3);
const VIEWPORT = { width: 1280, height: 800 };
/** BENCH_QUEUE_TRACE=1: profile each scroll of the big list (CDP trace + CPU profile), summary on stderr. */
const TRACE = process.env['BENCH_QUEUE_TRACE'] === '1';
/** BENCH_QUEUE_TRACE=load: profile the page load up to the first rows instead. */
const TRACE_LOAD = process.env['BENCH_QUEUE_TRACE'] === 'load';
/** BENCH_QUEUE_PROFILE_OUT=file.cpuprofile: also keep the last traced CPU profile (opens in DevTools). */
const PROFILE_OUT = process.env['BENCH_QUEUE_PROFILE_OUT'];

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  /** Thread (CPU) time, µs: what the work cost, not how long it waited for a core. */
  tdur?: number;
  tid: number;
  pid: number;
  args?: { name?: string; data?: { frames?: unknown } };
}

/**
 * Start a Chrome DevTools Protocol trace (devtools.timeline: style, layout, paint, script, image
 * decoding, GC) and a sampling CPU profile of the page; `stop` returns a text summary: where the
 * renderer's main thread spent the scroll, and the JavaScript functions with the most self time.
 */
async function startProfile(page: Page): Promise<{ stop: (frames?: number) => Promise<string> }> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8,blink,cc,gpu,__metadata',
    transferMode: 'ReportEvents',
  });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return {
    stop: async (frames = 1) => {
      const { profile } = (await cdp.send('Profiler.stop')) as {
        profile: {
          nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
          samples: number[];
          timeDeltas: number[];
        };
      };
      if (PROFILE_OUT) await writeFile(PROFILE_OUT, JSON.stringify(profile));
      const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
      await cdp.send('Tracing.end');
      await done;
      await cdp.detach();
      // The renderer main thread: the thread named CrRendererMain with the most events.
      const mains = new Map<string, number>();
      for (const e of events)
        if (e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mains.set(`${e.pid}:${e.tid}`, 0);
      for (const e of events) {
        const key = `${e.pid}:${e.tid}`;
        if (mains.has(key)) mains.set(key, mains.get(key)! + 1);
      }
      const main = [...mains.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
      const byName = new Map<string, number>();
      for (const e of events) {
        if (`${e.pid}:${e.tid}` !== main || e.ph !== 'X' || e.dur === undefined) continue;
        byName.set(e.name, (byName.get(e.name) ?? 0) + (e.tdur ?? e.dur) / 1000);
      }
      const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
      const self = new Map<string, number>();
      profile.samples.forEach((id, i) => {
        const f = nodes.get(id);
        if (!f) return;
        const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
        self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      });
      const top = (m: Map<string, number>, n: number): string =>
        [...m.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, n)
          .map(([k, v]) => `  ${v.toFixed(1).padStart(8)} ms  ${k}`)
          .join('\n');
      // Thread (CPU) time per frame: the work itself, much less coloured by a loaded machine than frame times.
      const cpu = (name: string, thread = main): number =>
        events
          .filter((e) => e.name === name && e.ph === 'X' && `${e.pid}:${e.tid}` === thread)
          .reduce((sum, e) => sum + (e.tdur ?? e.dur ?? 0) / 1000, 0) / frames;
      const rasterThreads = new Set(
        events
          .filter((e) => e.name === 'thread_name' && /CompositorTileWorker/.test(e.args?.name ?? ''))
          .map((e) => `${e.pid}:${e.tid}`),
      );
      const raster =
        events
          .filter((e) => e.ph === 'X' && e.name === 'RunTask' && rasterThreads.has(`${e.pid}:${e.tid}`))
          .reduce((sum, e) => sum + (e.tdur ?? e.dur ?? 0) / 1000, 0) / frames;
      const perFrame = [
        ['main thread, all tasks', cpu('RunTask')],
        ['script (FunctionCall)', cpu('FunctionCall')],
        ['style (UpdateLayoutTree)', cpu('UpdateLayoutTree')],
        ['layout (Layout)', cpu('Layout')],
        ['paint (Paint)', cpu('Paint')],
        ['image requests (ResourceFetcher::requestResource)', cpu('ResourceFetcher::requestResource')],
        ['image responses (ResponseBodyLoader::OnStateChange)', cpu('ResponseBodyLoader::OnStateChange')],
        ['raster worker threads, all tasks', raster],
      ]
        .map(([k, v]) => `  ${(v as number).toFixed(2).padStart(8)} ms  ${k as string}`)
        .join('\n');
      return `\n# CPU (thread) time per frame over ${frames} frames\n${perFrame}\n# main thread, inclusive thread (CPU) time by trace event (ms)\n${top(byName, 25)}\n# CPU profile, self time\n${top(self, 30)}\n`;
    },
  };
}

/** What one page load and one scroll measured. */
interface Measure {
  firstRowsMs: number;
  allLoadedMs: number;
  frames: number[];
}

const VERDICTS: Verdict[] = [
  { label: 'authentic', confidence: 0.93 },
  { label: 'fake', confidence: 0.97 },
  { label: 'suspect', confidence: 0.55, reason: 'The model leans towards fake, with low confidence' },
  {
    label: 'fake',
    faces: 3,
    deepFakes: 1,
    participants: [0, 1, 2].map((i) => ({ id: String(i), fake: i === 0 })),
  },
  { label: 'inconclusive', faces: 0, deepFakes: 0, participants: [], reason: 'No face found' },
];

/** A few distinct thumbnails (256 px WebP, as the engine makes them), copied for every job. */
const THUMB_COLOURS = ['#3b6ea5', '#a53b3b', '#3ba55c', '#a5953b', '#6e3ba5'];

/** Put a thumbnail of each seeded job (`sha256OfJob(i)`) into the data folder's cache. */
async function seedThumbnails(dataDir: string, count: number): Promise<void> {
  const dir = join(dataDir, 'thumbs');
  await mkdir(dir, { recursive: true });
  const samples: { large: string; row: string }[] = [];
  for (const [k, colour] of THUMB_COLOURS.entries()) {
    const large = join(dir, `sample-${k}.tmp`);
    const row = join(dir, `sample-${k}-row.tmp`);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${THUMBNAIL_EDGE}" height="${Math.round((THUMBNAIL_EDGE * 3) / 4)}"><rect width="100%" height="100%" fill="${colour}"/><circle cx="128" cy="96" r="${40 + k * 8}" fill="#fff" fill-opacity="0.6"/></svg>`;
    await writeFile(large, await sharp(Buffer.from(svg)).webp({ quality: 72, effort: 2 }).toBuffer());
    await writeFile(
      row,
      await sharp(large)
        .resize(ROW_THUMBNAIL.width, ROW_THUMBNAIL.height, { fit: 'cover' })
        .webp({ quality: 70, effort: 2 })
        .toBuffer(),
    );
    samples.push({ large, row });
  }
  const { width, height } = ROW_THUMBNAIL;
  for (let i = 0; i < count; i++) {
    const sample = samples[i % samples.length]!;
    await copyFile(sample.large, join(dir, `${sha256OfJob(i)}-${THUMBNAIL_EDGE}.webp`));
    await copyFile(sample.row, join(dir, `${sha256OfJob(i)}-${width}x${height}.webp`));
  }
  for (const file of samples.flatMap((x) => [x.large, x.row])) await rm(file, { force: true });
}

/** The seeded job's content hash (unique per job, so each has its own cached thumbnail). */
const sha256OfJob = (i: number): string => i.toString(16).padStart(64, '0');

/** Write `count` finished jobs of `folder` into a new ledger in `dataDir`; resolves with the time it took. */
async function seedLedger(dataDir: string, folder: string, count: number): Promise<number> {
  const started = performance.now();
  const ledger = SqliteLedger.open({ file: join(dataDir, 'ledger.sqlite'), now: Date.now });
  const db = ledger.connection;
  // One outer transaction for speed. The ledger makes some transitions durable with
  // synchronous=FULL, which SQLite refuses inside a transaction; durability does not matter to a
  // seed, so here those run as plain (nested) transactions.
  (ledger as unknown as { durably: <T>(fn: () => T) => T }).durably = (fn) => db.transaction(fn)();
  const folderId = folderIdFor(folder);
  db.exec('BEGIN');
  try {
    for (let i = 0; i < count; i++) {
      const video = i % 5 >= 3;
      const name = `${video ? 'clip' : 'photo'}-${String(i).padStart(5, '0')}.${video ? 'mp4' : 'jpg'}`;
      const job = await ledger.insert({
        path: join(folder, name),
        name,
        folderId,
        size: 40_000 + ((i * 7919) % 5_000_000),
        mtimeMs: Date.now() - i * 1000,
        profileId: 'sandbox',
        simulated: true,
        state: 'queued',
        sha256: sha256OfJob(i),
        contentType: video ? 'video/mp4' : 'image/jpeg',
        kind: video ? 'video' : 'image',
        model: video ? 'DF-1' : 'AC-1',
      });
      const mid = `bench-${i}`;
      await ledger.transition(job.id, 'queued', 'creating', { generation: 'media-client' });
      await ledger.transition(job.id, 'creating', 'uploading', { remoteId: mid });
      await ledger.transition(job.id, 'uploading', 'processing', { uploadedAt: Date.now() });
      await ledger.transition(job.id, 'processing', 'done', {
        verdict: VERDICTS[i % VERDICTS.length]!,
        raw: { mid, status: 'PROCESSED', simulated: true },
        doneAt: Date.now(),
      });
    }
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  } finally {
    await ledger.close();
  }
  await seedThumbnails(dataDir, count);
  return performance.now() - started;
}

/**
 * Marks taken inside the page (CSP does not govern init scripts): when the first job row appears
 * and when the count says every job is loaded ("10,000 jobs" with no "(… loaded)"); and, for the
 * start-up breakdown, when the app opened its WebSocket, when it was open, when the first answer
 * holding a page of jobs came, and how many commands were sent before it.
 */
function marksScript(count: number): string {
  return `(() => {
    const marks = (window.__marks = {});
    const Native = window.WebSocket;
    if (Native) {
      window.WebSocket = class extends Native {
        constructor(...args) {
          super(...args);
          if (marks.wsNew === undefined) {
            marks.wsNew = performance.now();
            marks.sentBeforeJobs = 0;
            this.addEventListener('open', () => (marks.wsOpen ??= performance.now()));
            this.addEventListener('message', (ev) => {
              if (marks.firstJobs === undefined && typeof ev.data === 'string' && ev.data.includes('"jobs":['))
                marks.firstJobs = performance.now();
            });
          }
        }
        send(data) {
          if (marks.firstJobs === undefined && typeof data === 'string' && data.includes('"command"'))
            marks.sentBeforeJobs++;
          if (marks.jobsAsked === undefined && typeof data === 'string' && data.includes('"listJobs"'))
            marks.jobsAsked = performance.now();
          return super.send(data);
        }
      };
    }
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') marks.fcp = e.startTime;
    }).observe({ type: 'paint', buffered: true });
    const observer = new MutationObserver(() => {
      if (marks.firstRows === undefined && document.querySelector('[data-testid="job-row"]'))
        marks.firstRows = performance.now();
      const c = document.querySelector('[data-testid="job-count"]');
      const text = c ? c.textContent.trim() : '';
      if (marks.allLoaded === undefined && !/loaded/.test(text) && text.replace(/\\D/g, '') === '${count}')
        marks.allLoaded = performance.now();
      if (marks.firstRows !== undefined && marks.allLoaded !== undefined) observer.disconnect();
    });
    observer.observe(document, { subtree: true, childList: true, characterData: true });
  })()`;
}

/** Where the time to the first rows went in one page load (ms from the start of navigation). */
interface Breakdown {
  /** The HTML received. */
  html: number;
  /** Every script and style sheet the HTML names received (the bundle's download). */
  bundle: number;
  /** The app opened its WebSocket: the bundle's modules are evaluated up to main.ts. */
  wsNew: number;
  /** DOMContentLoaded ended: main.ts ran to its end (the app mounted). */
  dcl: number;
  wsOpen: number;
  /** The first command asking for jobs was sent. */
  jobsAsked: number;
  /** The first answer with a page of jobs arrived. */
  firstJobs: number;
  /** First contentful paint (the header and empty frame). */
  fcp: number;
  firstRows: number;
  /** Commands sent before the first page of jobs arrived. */
  sentBeforeJobs: number;
  /** Bytes of script and style the page loaded up to then. */
  bundleBytes: number;
}

/** Read the breakdown marks and the page's navigation and resource timing. */
const BREAKDOWN_SCRIPT = `(() => {
  const m = window.__marks;
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource').filter((r) => /\\.(js|css)$/.test(new URL(r.name).pathname) && r.startTime < m.firstRows);
  return {
    html: nav.responseEnd,
    bundle: Math.max(0, ...res.map((r) => r.responseEnd)),
    wsNew: m.wsNew ?? NaN,
    dcl: nav.domContentLoadedEventEnd,
    wsOpen: m.wsOpen ?? NaN,
    jobsAsked: m.jobsAsked ?? NaN,
    firstJobs: m.firstJobs ?? NaN,
    fcp: m.fcp ?? NaN,
    firstRows: m.firstRows,
    sentBeforeJobs: m.sentBeforeJobs ?? NaN,
    bundleBytes: res.reduce((n, r) => n + (r.encodedBodySize || 0), 0),
  };
})()`;

/**
 * Scroll the element `scroller` (a JavaScript expression) from the top to the bottom, one
 * viewport per animation frame, and return the time between frames. Every frame checks that a
 * row is on screen in the middle of the list.
 */
function scrollScript(scroller: string, rowSelector: string): string {
  return `new Promise((resolve, reject) => {
    const el = ${scroller};
    if (!el) return reject(new Error('no scroller'));
    el.scrollTop = 0;
    const frames = [];
    let last = null;
    let empty = 0;
    const step = () => {
      const now = performance.now();
      if (last !== null) frames.push(now - last);
      last = now;
      const box = el.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + 40, box.top + box.height / 2);
      if (!hit || !hit.closest(${JSON.stringify(rowSelector)})) empty++;
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return resolve({ frames, empty });
      el.scrollTop += el.clientHeight;
      requestAnimationFrame(step);
    };
    requestAnimationFrame(() => requestAnimationFrame(step));
  })`;
}

interface ScrollResult {
  frames: number[];
  /** Frames where the middle of the list showed no row (blank while scrolling). */
  empty: number;
}

async function measureApp(
  browser: Browser,
  host: HeadlessHost,
  count: number,
): Promise<Measure & { empty: number; breakdown: Breakdown }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.addInitScript(marksScript(count));
    const loadProfile = TRACE_LOAD && count === JOBS ? await startProfile(page) : null;
    await page.goto(host.url);
    if (loadProfile) {
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { __marks?: { firstRows?: number } }).__marks?.firstRows !== undefined,
      );
      process.stderr.write(`\n## page load to first rows${await loadProfile.stop()}`);
    }
    // A function, not a string: the page's CSP forbids eval.
    await page.waitForFunction(
      () => (globalThis as unknown as { __marks?: { allLoaded?: number } }).__marks?.allLoaded !== undefined,
      undefined,
      { timeout: 120_000 },
    );
    const marks = (await page.evaluate('window.__marks')) as { firstRows: number; allLoaded: number };
    const breakdown = (await page.evaluate(BREAKDOWN_SCRIPT)) as Breakdown;
    process.stderr.write(
      JSON.stringify(
        await page.evaluate(
          `performance.getEntries().map((e) => [e.entryType, e.name.slice(-30), Math.round(e.startTime), Math.round(e.requestStart ?? 0), Math.round(e.responseStart ?? 0), Math.round(e.responseEnd ?? 0), Math.round(e.duration)])`,
        ),
      ) + '\n',
    );
    // The list's scrolling element is the parent of the rows' listbox.
    const scroller = `document.querySelector('[data-testid="job-list"]').parentElement`;
    const profile = TRACE && count === JOBS ? await startProfile(page) : null;
    const scroll = (await page.evaluate(scrollScript(scroller, '[data-testid="job-row"]'))) as ScrollResult;
    if (profile) process.stderr.write(await profile.stop(scroll.frames.length));
    const last = await page.locator('[data-testid="job-row"]').last().getAttribute('aria-posinset');
    if (Number(last) !== count) throw new Error(`the bottom of the list shows row ${last}, not ${count}`);
    // The rows at the bottom show their thumbnails, decoded from the media route (not type icons).
    const thumbsShown = `(() => { const imgs = Array.from(document.querySelectorAll('[data-testid="job-row"] [data-testid="thumb-img"]'));
      return imgs.length >= 5 && imgs.every((i) => i.complete && i.naturalWidth > 0); })()`;
    const deadline = Date.now() + 30_000;
    while (!(await page.evaluate(thumbsShown))) {
      if (Date.now() > deadline) {
        const seen = await page.evaluate(
          `JSON.stringify(Array.from(document.querySelectorAll('[data-testid="job-row"] [data-testid="thumb"]')).slice(-6).map((t) => { const i = t.querySelector('img'); return i ? [i.getAttribute('src'), i.complete, i.naturalWidth] : t.textContent; }))`,
        );
        throw new Error(`the rows at the bottom show no thumbnails: ${String(seen)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      firstRowsMs: marks.firstRows,
      allLoadedMs: marks.allLoaded,
      frames: scroll.frames,
      empty: scroll.empty,
      breakdown,
    };
  } finally {
    await context.close();
  }
}

/** The plain table: built by the browser from HTML, the whole table in the DOM. */
function plainTable(count: number): string {
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    rows.push(
      `<tr><td>photo-${String(i).padStart(5, '0')}.jpg</td><td>Incoming</td><td>${40 + (i % 5000)} KB</td>` +
        `<td>Image · AC-1</td><td>Done</td><td>${['Authentic 93%', 'Fake 97%', 'Suspect 55%'][i % 3]}</td><td>09:00</td></tr>`,
    );
  }
  return `<!doctype html><html lang="en"><title>plain</title>
    <style>body{margin:0;font:13px system-ui} #s{height:100vh;overflow:auto} table{border-spacing:0} td{height:35px;border-bottom:1px solid #ddd;padding:0 12px}</style>
    <div id="s"><table data-testid="plain"><tbody>${rows.join('')}</tbody></table></div></html>`;
}

async function measurePlain(browser: Browser, count: number): Promise<Measure & { empty: number }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const html = plainTable(count);
    await page.goto('about:blank');
    const started = Date.now();
    await page.setContent(html, { waitUntil: 'load' });
    // The first frame after load is when the rows are on screen.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const shownMs = Date.now() - started;
    const scroll = (await page.evaluate(scrollScript(`document.getElementById('s')`, 'tr'))) as ScrollResult;
    return { firstRowsMs: shownMs, allLoadedMs: shownMs, frames: scroll.frames, empty: scroll.empty };
  } finally {
    await context.close();
  }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const median = (values: number[]): number => quantile(values, 0.5);
const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0) : '–');

interface Row {
  name: string;
  loads: (Measure & { empty: number; breakdown?: Breakdown })[];
}

/** The start-up breakdown of one case: the median of each mark over its page loads. */
function breakdownRow(r: Row): string | null {
  const all = r.loads.map((l) => l.breakdown).filter((b): b is Breakdown => b !== undefined);
  if (all.length === 0) return null;
  const m = (key: keyof Breakdown): number => median(all.map((b) => b[key]));
  return [
    r.name,
    ms(m('html')),
    `${ms(m('bundle'))} (${Math.round(m('bundleBytes') / 1024)} KiB)`,
    ms(m('wsNew')),
    ms(m('dcl')),
    ms(m('fcp')),
    ms(m('wsOpen')),
    ms(m('jobsAsked')),
    ms(m('firstJobs')),
    ms(m('firstRows')),
    String(m('sentBeforeJobs')),
  ].join(' | ');
}

function tableRow(r: Row): string {
  const frames = r.loads.flatMap((l) => l.frames);
  const long = frames.filter((f) => f > 50).length;
  return [
    r.name,
    ms(median(r.loads.map((l) => l.firstRowsMs))),
    ms(median(r.loads.map((l) => l.allLoadedMs))),
    String(Math.round(frames.length / r.loads.length)),
    ms(quantile(frames, 0.5)),
    ms(quantile(frames, 0.95)),
    ms(Math.max(...frames)),
    `${long} (${((100 * long) / Math.max(1, frames.length)).toFixed(1)} %)`,
    String(r.loads.reduce((n, l) => n + l.empty, 0)),
  ].join(' | ');
}

/** A host on its own data folder, seeded with `count` jobs of its watched folder. */
async function seededHost(count: number): Promise<{ host: HeadlessHost; root: string; seedMs: number }> {
  const root = await mkdtemp(join(tmpdir(), 'authenta-bench-queue-'));
  const dataDir = join(root, 'data');
  const folder = join(root, 'Incoming');
  await mkdir(folder, { recursive: true });
  await mkdir(dataDir, { recursive: true });
  try {
    const seedMs = await seedLedger(dataDir, folder, count);
    const host = await startHeadless({
      replaceArgs: true,
      noFolder: true,
      args: ['--simulate', '--data-dir', dataDir, folder],
    });
    return { host, root, seedMs };
  } catch (e) {
    await rm(root, { recursive: true, force: true });
    throw e;
  }
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  const version = browser.version();
  const rows: Row[] = [];
  const seeds: string[] = [];
  try {
    for (const count of [JOBS, 100]) {
      const { host, root, seedMs } = await seededHost(count);
      seeds.push(`${count.toLocaleString('en-US')} jobs seeded in ${(seedMs / 1000).toFixed(1)} s`);
      try {
        const loads = [];
        for (let i = 0; i < RUNS; i++) loads.push(await measureApp(browser, host, count));
        rows.push({ name: `Authenta Watch queue, ${count.toLocaleString('en-US')} jobs`, loads });
      } finally {
        await host.stop();
        await rm(root, { recursive: true, force: true });
      }
    }
    const plain = [];
    for (let i = 0; i < RUNS; i++) plain.push(await measurePlain(browser, JOBS));
    rows.push({ name: `plain HTML table, ${JOBS.toLocaleString('en-US')} rows (baseline)`, loads: plain });
  } finally {
    await browser.close();
  }

  const out = [
    `Chromium ${version} headless, viewport ${VIEWPORT.width}x${VIEWPORT.height}, ` +
      `median of ${RUNS} page loads; scrolling one viewport per animation frame from the top to the bottom ` +
      `(frame times over all runs). ${seeds.join('; ')}.`,
    '',
    '| case | first rows visible (ms) | all pages loaded (ms) | frames per scroll | frame p50 (ms) | frame p95 (ms) | frame max (ms) | frames > 50 ms | blank frames |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${tableRow(r)} |`),
    '',
    'Start-up to the first rows, median of each mark, ms from the start of navigation:',
    '',
    '| case | HTML received | scripts and styles received | WebSocket created | DOMContentLoaded end (app mounted) | first contentful paint | WebSocket open | jobs asked | first page of jobs received | first rows | commands sent before it |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.flatMap((r) => {
      const line = breakdownRow(r);
      return line === null ? [] : [`| ${line} |`];
    }),
    '',
    'First rows and all pages are timed inside the page from the start of navigation (the token',
    'exchange included); the plain table from setContent to its first frame. A blank frame is one',
    'where the middle of the list showed no row while scrolling. Every job has cached thumbnails (a',
    '256 px WebP and its 80x56 row cut) served by the host; rows load the row cut as they come into view.',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(
    `renderer-queue bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
  );
  process.exitCode = 1;
});
