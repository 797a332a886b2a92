/**
 * The engine behind a proxy and under a bandwidth cap (issue 14): a proxy that asks for a
 * password stops the queue with a 'proxy' block that says what to do (the file waits, nothing
 * fails); once the proxy lets the calls through, the next test call lifts it and the file is
 * checked, every call having gone through the proxy. A cap set in the preferences holds an upload
 * back; lifting it (0) applies at once to the upload under way.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy, type ProxyServer } from 'proxy';
import { afterEach, describe, expect, it } from 'vitest';
import { makeMp4, makePng } from '../../helpers/media-fixtures';
import { startHarness, type Harness } from '../../helpers/engine-harness';
import { PROXY_RECHECK_MS } from '../../../src/main/core/pipeline/error-policy';

let h: Harness | undefined;
let proxy: ProxyServer | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  if (proxy) await new Promise<void>((resolve) => proxy!.close(() => resolve()));
  proxy = undefined;
});

const PASSWORD = 'engine-proxy-pw';

async function startProxy(): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  proxy = createProxy(http.createServer());
  proxy.authenticate = (req) =>
    req.headers['proxy-authorization'] === `Basic ${Buffer.from(`desk:${PASSWORD}`).toString('base64')}`;
  proxy.prependListener('request', (req: http.IncomingMessage) => seen.push(`${req.method} ${req.url}`));
  proxy.prependListener('connect', (req: http.IncomingMessage) => seen.push(`CONNECT ${req.url}`));
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, seen };
}

describe('the engine behind a proxy', () => {
  it('a 407 blocks the queue with what to do; with the password the next test call lifts it', async () => {
    const p = await startProxy();
    let current = p.url; // no user name and password yet
    h = await startHarness({ engine: { proxy: () => Promise.resolve(current) } });
    await h.watch('in');
    await h.write('in/a.png', makePng({ marker: 'AUTHENTA-SIM:real' }));
    const status = await h.waitFor(
      async () => {
        const s = await h!.engine.getStatus();
        return s.blocks.find((b) => b.kind === 'proxy') ? s : null;
      },
      { message: 'a proxy block' },
    );
    const block = status.blocks.find((b) => b.kind === 'proxy')!;
    expect(block.code).toBe('PROXY_AUTH');
    expect(block.message).toMatch(/^The proxy 127\.0\.0\.1:\d+ asks for a user name and password/);
    expect(block.action).toContain('HTTPS_PROXY=http://user:password@host:port');
    expect(h.creates()).toBe(0); // nothing reached Authenta
    const [job] = await h.jobs();
    expect(job?.state).not.toBe('failed');

    current = p.url.replace('http://', `http://desk:${PASSWORD}@`);
    h.clock.advance(PROXY_RECHECK_MS);
    const done = await h.waitForJob('a.png', ['done']);
    expect(done.verdict).not.toBeNull();
    expect((await h.engine.getStatus()).blocks).toEqual([]);
    const origin = new URL(h.sim.url).host;
    expect(p.seen).toContain(`CONNECT ${origin}`);
    expect(p.seen.some((s) => s.startsWith(`PUT ${new URL(h!.sim.url).origin}/`))).toBe(true);
    expect(h.logs.text()).not.toContain(PASSWORD);
  });
});

describe('the Sandbox', () => {
  it('reaches its simulator on this computer straight, whatever proxy the system names', async () => {
    const p = await startProxy();
    h = await startHarness({ sandbox: true, engine: { proxy: () => Promise.resolve(p.url) } });
    await h.watch('in');
    await h.write('in/s.png', makePng({ marker: 'AUTHENTA-SIM:real' }));
    await h.waitForJob('s.png', ['done']);
    expect(p.seen).toEqual([]);
  });
});

describe('the upload bandwidth cap', () => {
  it('holds an upload back, and lifting it (0) while it runs lets it finish', async () => {
    h = await startHarness({ preferences: { maxUploadBytesPerSecond: 2000 } });
    await h.watch('in');
    // 600 kB at 2 kB/s would take five minutes.
    await h.write('in/clip.mp4', makeMp4({ marker: 'AUTHENTA-SIM:real', mdatBytes: 600_000 }));
    const uploading = await h.waitForJob('clip.mp4', ['uploading'], { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await h.jobs()).find((j) => j.id === uploading.id)?.state).toBe('uploading');
    expect(h.puts({ ok: true })).toHaveLength(0);

    await h.engine.updatePreferences({ maxUploadBytesPerSecond: 0 });
    await h.waitForJob('clip.mp4', ['done'], { timeoutMs: 20_000 });
    expect(h.puts({ ok: true })).toHaveLength(1);
  });
});
