/**
 * The update feed handled by electron-updater's own GenericProvider against a real HTTP server on
 * 127.0.0.1 serving a `latest-linux.yml` (issue 14). What runs without Electron: the provider's
 * request of the channel file and its YAML parsing into UpdateInfo (version, files, sha512,
 * release notes), through builder-util-runtime's HttpExecutor over node:http. What cannot run
 * here: AppUpdater itself (it needs Electron's app and net), the download and the install.
 */
import { createServer, request, type ClientRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpExecutor } from 'builder-util-runtime';
import { GenericProvider } from 'electron-updater/out/providers/GenericProvider';
import { releaseNotesText } from '../../../src/main/desktop/update-policy';

class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: object, callback: (response: unknown) => void): ClientRequest {
    return request(options, callback);
  }
}

const LATEST = `version: 1.2.0
files:
  - url: Authenta-Watch-1.2.0.AppImage
    sha512: c2hhNTEyLW9mLXRoZS1hcHBpbWFnZQ==
    size: 98000000
path: Authenta-Watch-1.2.0.AppImage
sha512: c2hhNTEyLW9mLXRoZS1hcHBpbWFnZQ==
releaseDate: '2026-12-03T10:00:00.000Z'
releaseNotes: |
  <h3>New</h3><ul><li>The account's history</li><li>Updates from your own feed</li></ul>
`;

let server: Server;
let base: string;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const path = (req.url ?? '').split('?')[0];
    if (path === '/feed/latest-linux.yml') {
      res.writeHead(200, { 'content-type': 'text/yaml' });
      res.end(LATEST);
    } else if (path === '/broken/latest-linux.yml') {
      res.writeHead(200, { 'content-type': 'text/yaml' });
      res.end('version: [unclosed');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

function provider(url: string): GenericProvider {
  const updater = { channel: null, isAddNoCacheQuery: false };
  return new GenericProvider({ provider: 'generic', url }, updater as never, {
    // ElectronHttpExecutor's extra members are not used by getLatestVersion/resolveFiles.
    executor: new NodeHttpExecutor() as never,
    isUseMultipleRangeRequest: false,
    platform: 'linux',
  });
}

describe('the generic update feed', () => {
  it('reads latest-linux.yml from the feed: version, file, size, release notes', async () => {
    const info = await provider(`${base}/feed`).getLatestVersion();
    expect(info.version).toBe('1.2.0');
    expect(info.files[0]).toMatchObject({ url: 'Authenta-Watch-1.2.0.AppImage', size: 98_000_000 });
    expect(releaseNotesText(info.releaseNotes)).toBe(
      "New\n• The account's history\n• Updates from your own feed",
    );
    const files = provider(`${base}/feed`).resolveFiles(info);
    expect(files[0]?.url.href).toBe(`${base}/feed/Authenta-Watch-1.2.0.AppImage`);
    expect(seen).toContain('/feed/latest-linux.yml');
  });

  it('a feed without the channel file is an error naming it', async () => {
    await expect(provider(`${base}/nothing`).getLatestVersion()).rejects.toThrow(
      /Cannot find channel "latest-linux.yml"/,
    );
  });

  it('a broken channel file is an error, not an update', async () => {
    await expect(provider(`${base}/broken`).getLatestVersion()).rejects.toThrow(/latest-linux\.yml/);
  });
});
