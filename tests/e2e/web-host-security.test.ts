/**
 * The web host's defences, seen from a real browser: the token kept in the tab's session storage
 * (never a cookie, which every other service on 127.0.0.1 would receive, whatever its port) and
 * taken out of the address bar, security headers on the page, a hostile page on another port of
 * the same machine refused on the WebSocket, on uploads and in a frame, DNS rebinding refused by
 * the Host check, and a dropped file streamed into the inbox and checked by the engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { Job, JobChange } from '../../src/shared/domain';
import type { DropResult } from '../../src/shared/contract';
import { TOKEN_STORAGE_KEY } from '../../src/shared/wire';
import { makePng, simMarker } from '../helpers/media-fixtures';
import { launchChromium, openApp, screenshot, startHeadless, waitUntil, type HeadlessHost } from './harness';

/** What the app's page has on its window in a browser (the contract itself stays inside the bundle). */
interface AppWindow {
  authentaDrop: (files: File[]) => Promise<DropResult>;
}

const isAnswer = (m: unknown): m is { id: number; ok: boolean } =>
  typeof m === 'object' && m !== null && 'id' in m && 'ok' in m;
const isJobsChanged = (m: unknown): m is { event: 'jobsChanged'; payload: JobChange[] } =>
  typeof m === 'object' && m !== null && (m as { event?: unknown }).event === 'jobsChanged';

let host: HeadlessHost;
let browser: Browser;
let evil: Server;
let evilOrigin: string;
/** The Cookie header of every request the other local service received. */
const evilSaw: string[] = [];

/** The attacker's page: tries everything against the host from another origin of the same site. */
function attackerPage(target: string): string {
  return `<!doctype html><title>evil</title><body><script>
    window.results = {};
    const done = (k, v) => { window.results[k] = v; };
    const ws = new WebSocket(${JSON.stringify(target.replace('http', 'ws') + '/ws')});
    ws.onopen = () => done('ws', 'open');
    ws.onerror = () => done('ws', 'error');
    fetch(${JSON.stringify(target + '/upload?name=evil.png')}, { method: 'POST', mode: 'no-cors', credentials: 'include', body: 'x'.repeat(100) })
      .then(() => done('upload', 'sent'), () => done('upload', 'failed'));
    fetch(${JSON.stringify(target + '/')}, { credentials: 'include' })
      .then((r) => r.text().then((t) => done('read', t.slice(0, 100))), () => done('read', 'blocked'));
    const frame = document.createElement('iframe');
    frame.src = ${JSON.stringify(target + '/')};
    frame.onload = () => done('frame', 'loaded');
    document.body.append(frame);
  </script></body>`;
}

beforeAll(async () => {
  host = await startHeadless();
  browser = await launchChromium(['--host-resolver-rules=MAP rebind.test 127.0.0.1']);
  evil = createServer((req, res) => {
    evilSaw.push(String(req.headers.cookie ?? ''));
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(attackerPage(host.origin));
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => evil?.close(r));
  await host?.stop();
});

describe('the web host in Chromium', () => {
  it('keeps the token in the tab’s session storage, never in a cookie, and takes it out of the address bar', async () => {
    const { context, page, wire } = await openApp(browser, host);
    await page.waitForURL(`${host.origin}/`);
    expect(await page.title()).toBe('Authenta Watch');
    expect(await context.cookies()).toEqual([]);
    const stored = await page.evaluate(
      (k) =>
        (
          globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }
        ).sessionStorage.getItem(k),
      TOKEN_STORAGE_KEY,
    );
    expect(stored).toBe(host.token);
    // The app talks to the engine over the WebSocket: the host greets it with the web capabilities
    // and answers its commands.
    await waitUntil(() => wire.received.some((m) => isAnswer(m) && m.ok), 'an answer over the WebSocket');
    expect(wire.received[0]).toEqual({
      hello: {
        protocol: 1,
        capabilities: expect.objectContaining({
          host: 'web',
          nativeFolderPicker: false,
          revealInFolder: false,
          dropUploads: true,
        }),
        maxUploadBytes: expect.any(Number),
      },
    });
    expect(wire.sent.some((m) => typeof m === 'object' && m !== null && 'command' in m)).toBe(true);
    await context.close();
  });

  it('serves the page with the security headers; a reload keeps the tab connected', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(host.url);
    const response = await page.reload();
    await page.getByTestId('status-watchers').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('no-token').count()).toBe(0);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    await context.close();
  });

  it('without the token, the page says to open the printed address', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${host.origin}/`);
    await expect
      .poll(() => page.getByTestId('no-token').textContent(), { timeout: 30_000 })
      .toMatch(/Open the address authenta-watch printed at start/);
    await context.close();
  });

  it('another web service on 127.0.0.1 (another port) never receives the token', async () => {
    const { context, page } = await openApp(browser, host);
    await page.waitForURL(`${host.origin}/`);
    evilSaw.length = 0;
    const other = await context.newPage();
    await other.goto(evilOrigin);
    expect(evilSaw.length).toBeGreaterThan(0);
    expect(evilSaw.join('\n')).not.toContain(host.token);
    await context.close();
  });

  it('refuses a hostile page on another port of the same machine', async () => {
    const { context, page } = await openApp(browser, host);
    const attack = await context.newPage();
    await attack.goto(evilOrigin);
    await attack.waitForFunction(() => {
      const r = (globalThis as unknown as { results: Record<string, string> }).results;
      return r.ws !== undefined && r.upload !== undefined && r.read !== undefined && r.frame !== undefined;
    });
    const results = await attack.evaluate(
      () => (globalThis as unknown as { results: Record<string, string> }).results,
    );
    expect(results.ws).toBe('error');
    expect(results.read).toBe('blocked');
    const framed = attack.frames().find((f) => f !== attack.mainFrame());
    const framedTitle = await framed?.evaluate('document.title').catch(() => 'not reachable');
    expect(framedTitle).not.toBe('Authenta Watch');
    expect(await readdir(host.inboxDir).catch(() => [])).toEqual([]);
    await page.close();
    await context.close();
  });

  it('refuses DNS rebinding: a page under another name gets 421 even with the token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`http://rebind.test:${host.port}/?token=${host.token}`);
    expect(response?.status()).toBe(421);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it('streams a dropped file into the inbox, where the engine checks it', async () => {
    const { context, page, wire } = await openApp(browser, host);
    const png = makePng({ marker: simMarker('fake'), padding: 200_000 }).toString('base64');
    const result = await page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const file = new File([bytes], '../dropped photo.png', { type: 'image/png' });
      return (globalThis as unknown as AppWindow).authentaDrop([file]);
    }, png);
    expect(result).toEqual({ accepted: 1, rejected: [] });
    expect(await readdir(host.inboxDir)).toEqual(['dropped photo.png']);
    // The engine's events reach the page: the job goes to done with the simulator's verdict.
    const doneJob = (): Job | undefined =>
      wire.received
        .flatMap((m) => (isJobsChanged(m) ? m.payload : []))
        .flatMap((c) => (c.type === 'upsert' ? [c.job] : []))
        .find((j) => j.name === 'dropped photo.png' && j.state === 'done');
    await waitUntil(() => doneJob() !== undefined, 'the dropped file’s verdict', 60_000);
    expect(doneJob()).toMatchObject({ verdict: { label: 'fake' }, simulated: true, folderId: null });
    await expect
      .poll(() => page.getByText('dropped photo.png').first().isVisible(), { timeout: 30_000 })
      .toBe(true);
    await screenshot(page, 'web-host-after-drop');
    await context.close();
  });
});
