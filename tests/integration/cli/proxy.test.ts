/**
 * The CLI behind a proxy (issue 14): `http_proxy` (lower case; HTTPS_PROXY for https addresses)
 * sends every API call and upload through a real proxy on 127.0.0.1 that wants a password; without
 * the password the run prints a 'proxy' block that says what to do, and the password never shows
 * in the output or the log.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProxy, type ProxyServer } from 'proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src/main/sim';
import { makePng, simMarker, writeFixture } from '../../helpers/media-fixtures';
import { ensureCliBuilt } from './cli-build';
import { ndjson, runCli } from './run-cli';

const CLIENT_ID = 'proxy-cli-client';
const SECRET = 'proxy-cli-secret-7e11';
const PASSWORD = 'cli-proxy-pw-93f';

let dir: string;
let sim: Simulator;
let proxy: ProxyServer;
let proxyUrl: string;
const seen: string[] = [];

beforeAll(async () => {
  ensureCliBuilt();
  dir = await mkdtemp(join(tmpdir(), 'authenta-proxy-cli-'));
  sim = await startSimulator({
    processingMs: 200,
    credentials: [{ clientId: CLIENT_ID, clientSecret: SECRET }],
  });
  proxy = createProxy(http.createServer());
  proxy.authenticate = (req) =>
    req.headers['proxy-authorization'] === `Basic ${Buffer.from(`desk:${PASSWORD}`).toString('base64')}`;
  proxy.prependListener('request', (req: http.IncomingMessage) => seen.push(`${req.method} ${req.url}`));
  proxy.prependListener('connect', (req: http.IncomingMessage) => seen.push(`CONNECT ${req.url}`));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 240_000);

afterAll(async () => {
  await sim?.close();
  if (proxy) await new Promise<void>((resolve) => proxy.close(() => resolve()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function logText(dataDir: string): Promise<string> {
  const logs = join(dataDir, 'logs');
  const files = await readdir(logs).catch(() => [] as string[]);
  const parts = await Promise.all(files.map((f) => readFile(join(logs, f), 'utf8')));
  return parts.join('\n');
}

describe('the CLI behind a proxy', () => {
  it('goes through http_proxy with its password; without it, a proxy block says what to do', async () => {
    const watchDir = join(dir, 'watch');
    await writeFixture(join(watchDir, 'a.png'), makePng({ marker: simMarker('fake') }));
    const base = ['--once', '--json', '--base-url', sim.url, '--stability', '50', '--api', 'media'];
    const env = {
      AUTHENTA_CLIENT_ID: CLIENT_ID,
      AUTHENTA_CLIENT_SECRET: SECRET,
      NO_PROXY: '',
      no_proxy: '',
      HTTP_PROXY: '',
      HTTPS_PROXY: '',
      https_proxy: '',
    };

    const noPassword = join(dir, 'data-no-password');
    // The deadline leaves room for start-up and the first call on a loaded machine (with 4 s, a
    // slow start could give up before any call met the proxy, and no block line was printed).
    const refused = await runCli([...base, '--timeout', '15', '--data-dir', noPassword, watchDir], {
      env: { ...env, http_proxy: proxyUrl },
      timeoutMs: 60_000,
    });
    expect(refused.code, refused.stderr).toBe(5); // gave up waiting: nothing failed, all resumes later
    const block = ndjson(refused.stdout).find((l) => l.type === 'block');
    expect(block).toMatchObject({ kind: 'proxy', code: 'PROXY_AUTH' });
    expect(JSON.stringify(block)).toContain('user name and password');
    expect(sim.counts().mutation).toBe(0);

    seen.length = 0;
    const dataDir = join(dir, 'data');
    const withPassword = proxyUrl.replace('http://', `http://desk:${PASSWORD}@`);
    const ok = await runCli([...base, '--data-dir', dataDir, watchDir], {
      env: { ...env, http_proxy: withPassword },
      timeoutMs: 90_000,
    });
    expect(ok.code, ok.stderr).toBe(0);
    const last = ndjson(ok.stdout)
      .filter((l) => l.type === 'job')
      .at(-1);
    expect(last).toMatchObject({ name: 'a.png', state: 'done', verdict: { label: 'fake' } });
    const host = new URL(sim.url).host;
    expect(seen).toContain(`CONNECT ${host}`);
    expect(seen.some((s) => s.startsWith(`PUT ${new URL(sim.url).origin}/`))).toBe(true);
    const everything = `${refused.stdout}${refused.stderr}${ok.stdout}${ok.stderr}${await logText(dataDir)}${await logText(noPassword)}`;
    expect(everything).not.toContain(PASSWORD);
  });
});
