/**
 * The e2e harness: the real `authenta-watch --ui` (the built CLI serving the built renderer, the
 * engine against the simulator) in a child process, and Debian's Chromium driven by
 * playwright-core. Every e2e test starts from here:
 *
 *   const host = await startHeadless({ files: { 'a.png': makePng(...) } });
 *   const browser = await launchChromium();
 *   const page = await openApp(browser, host);
 *   ...
 *   await browser.close(); await host.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CLI_BIN, ROOT, ensureCliBuilt, ensureRendererBuilt } from '../integration/cli/cli-build';

export { ensureCliBuilt, ensureRendererBuilt, ROOT };

/** Where screenshots and other artifacts of the e2e tests go (looked at after a run). */
export const ARTIFACTS_DIR = join(ROOT, 'test-artifacts', 'e2e');

export interface HeadlessOptions {
  /** Files to create in the watched folder before the start, by relative path. */
  files?: Record<string, Buffer>;
  /** More CLI arguments (default: `--simulate --stability 100`). */
  args?: string[];
  /** Replace the default arguments entirely (keeps --ui, --data-dir and the folder). */
  replaceArgs?: boolean;
  /** Extra environment; AUTHENTA_* variables of the calling shell are never passed on. */
  env?: Record<string, string>;
  /** Watch no folder (the UI adds them). */
  noFolder?: boolean;
}

export interface HeadlessHost {
  /** The printed address, with the token. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  /** A temp folder holding data/ (the data dir) and watch/ (the watched folder). */
  readonly root: string;
  readonly dataDir: string;
  readonly watchDir: string;
  /** Where the web host puts dropped files. */
  readonly inboxDir: string;
  readonly process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, wait for a clean exit (SIGKILL after 30 s); removes the temp folder. Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Poll until `check` passes (no fixed sleeps). */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AUTHENTA_')) env[k] = v;
  return { ...env, ...extra };
}

/** Start `authenta-watch --ui` on a temp data dir and folder; resolves once it printed its address. */
export async function startHeadless(options: HeadlessOptions = {}): Promise<HeadlessHost> {
  ensureCliBuilt();
  ensureRendererBuilt();
  const root = await mkdtemp(join(tmpdir(), 'authenta-e2e-'));
  const dataDir = join(root, 'data');
  const watchDir = join(root, 'watch');
  await mkdir(watchDir, { recursive: true });
  for (const [rel, bytes] of Object.entries(options.files ?? {})) {
    const file = join(watchDir, rel);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, bytes);
  }
  const base = options.replaceArgs ? [] : ['--simulate', '--stability', '100'];
  const args = [
    CLI_BIN,
    '--ui',
    '--data-dir',
    dataDir,
    ...base,
    ...(options.args ?? []),
    ...(options.noFolder ? [] : [watchDir]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));

  try {
    await waitUntil(
      () => /Web UI: (http:\/\/\S+)/.test(err) || exitCode !== undefined,
      'the web UI address',
      60_000,
    );
  } catch (e) {
    child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\nstderr:\n${err}`);
  }
  const match = /Web UI: (http:\/\/\S+)/.exec(err);
  if (!match?.[1]) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`authenta-watch exited (${String(exitCode)}) before serving the UI:\n${err}`);
  }
  const url = new URL(match[1]);
  const token = url.searchParams.get('token') ?? '';
  let stopped: Promise<number | null> | null = null;
  return {
    url: url.toString(),
    origin: url.origin,
    token,
    port: Number(url.port),
    root,
    dataDir,
    watchDir,
    inboxDir: join(dataDir, 'inbox'),
    process: child,
    stdout: () => out,
    stderr: () => err,
    stop() {
      stopped ??= (async () => {
        if (exitCode === undefined) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        const code = await exited;
        clearTimeout(timer);
        await rm(root, { recursive: true, force: true });
        return code;
      })();
      return stopped;
    },
  };
}

/** Debian's Chromium, headless, with a fresh profile (playwright makes one per launch). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/** The WebSocket messages of a page, parsed, as they crossed the wire (both directions). */
export interface WireLog {
  received: unknown[];
  sent: unknown[];
}

/** Record every WebSocket message `page` exchanges from now on. */
export function recordWire(page: Page): WireLog {
  const log: WireLog = { received: [], sent: [] };
  const parse = (payload: string | Buffer): unknown => {
    try {
      return JSON.parse(payload.toString());
    } catch {
      return payload.toString();
    }
  };
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => log.received.push(parse(f.payload)));
    ws.on('framesent', (f) => log.sent.push(parse(f.payload)));
  });
  return log;
}

/**
 * A new browser context and page with the app open (the token moved into the tab's session storage),
 * and the log of its WebSocket messages.
 */
export async function openApp(
  browser: Browser,
  host: HeadlessHost,
): Promise<{ context: BrowserContext; page: Page; wire: WireLog }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const wire = recordWire(page);
  await page.goto(host.url);
  await page.waitForFunction('document.title.length > 0');
  return { context, page, wire };
}

/** Save a screenshot under test-artifacts/e2e/<name>.png and return its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
