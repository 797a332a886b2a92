import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  defaultDataDir,
  parseCli,
  type CliCommand,
  type CliContext,
  type RunCommand,
} from '../../../src/main/headless/args';

const ctx: CliContext = { env: {}, platform: 'linux', homeDir: '/home/ana', cwd: '/work' };
const parse = (argv: string[], env: CliContext['env'] = {}): CliCommand => parseCli(argv, { ...ctx, env });
const run = (argv: string[], env: CliContext['env'] = {}): RunCommand => {
  const c = parse(argv, env);
  if (c.kind !== 'run') throw new Error(`expected run, got ${JSON.stringify(c)}`);
  return c;
};

describe('parseCli: watching', () => {
  it('has the documented defaults', () => {
    expect(run(['incoming'])).toEqual({
      kind: 'run',
      folders: ['/work/incoming'],
      once: false,
      json: false,
      simulate: false,
      baseUrl: null,
      api: null,
      dataDir: '/home/ana/.config/authenta-watch',
      profile: null,
      videoModel: 'DF-1',
      imageModel: 'AC-1',
      concurrency: null,
      maxUploadRate: null,
      recursive: false,
      pollMs: null,
      stabilityMs: null,
      after: 'none',
      timeoutSec: null,
      ui: null,
      ledgerUrl: null,
    });
  });

  it.each<[string[], Partial<RunCommand>]>([
    [['a', '/b', '--once'], { folders: ['/work/a', '/b'], once: true, timeoutSec: 1800 }],
    [['a', '--once', '--timeout', '90'], { once: true, timeoutSec: 90 }],
    [['a', '--once', '--timeout', '0'], { once: true, timeoutSec: null }],
    [['a', '--json', '--simulate'], { json: true, simulate: true }],
    [['a', '--base-url', 'staging.authenta.ai'], { baseUrl: 'https://staging.authenta.ai/api' }],
    [['a', '--base-url=http://127.0.0.1:9/api/'], { baseUrl: 'http://127.0.0.1:9/api' }],
    [['a', '--data-dir', 'd'], { dataDir: '/work/d' }],
    [['a', '--video-model', 'FI-1', '--image-model', 'FD-1'], { videoModel: 'FI-1', imageModel: 'FD-1' }],
    [['a', '--concurrency', '8', '--recursive'], { concurrency: 8, recursive: true }],
    [['a', '--max-upload-rate', '2M'], { maxUploadRate: 2_000_000 }],
    [['a', '--max-upload-rate=500k'], { maxUploadRate: 500_000 }],
    [['a', '--max-upload-rate', '0'], { maxUploadRate: 0 }],
    [['--poll', 'a'], { pollMs: 2000, folders: ['/work/a'] }],
    [['a', '--poll=500'], { pollMs: 500 }],
    [['a', '--stability', '0'], { stabilityMs: 0 }],
    [['a', '--after', 'sidecar'], { after: 'sidecar' }],
    [['a', '--ui'], { ui: { host: '127.0.0.1', port: 0 } }],
    [['--ui'], { ui: { host: '127.0.0.1', port: 0 }, folders: [] }],
    [['a', '--ui', '--port', '8080', '--host', '0.0.0.0'], { ui: { host: '0.0.0.0', port: 8080 } }],
    [['a', '--profile', 'Newsroom'], { profile: 'Newsroom' }],
    [['a', '--api', 'jobs'], { api: 'jobs' }],
    [['a', '--api', 'media'], { api: 'media' }],
    // Both generations live under the same .../api address; the Jobs API's /v1 is not part of it.
    [
      ['a', '--base-url', 'https://platform.authenta.ai/api/v1/'],
      { baseUrl: 'https://platform.authenta.ai/api' },
    ],
    [
      ['a', '--base-url', 'https://platform.authenta.ai/api/v1/jobs'],
      { baseUrl: 'https://platform.authenta.ai/api' },
    ],
  ])('%j', (argv, expected) => {
    expect(run(argv)).toMatchObject(expected);
  });

  it('reads the environment, flags winning', () => {
    const env = { AUTHENTA_BASE_URL: 'https://env.example/api', AUTHENTA_DATA_DIR: '/data' };
    expect(run(['a'], env)).toMatchObject({ baseUrl: 'https://env.example/api', dataDir: '/data' });
    expect(run(['a', '--base-url', 'https://flag.example', '--data-dir', '/flag'], env)).toMatchObject({
      baseUrl: 'https://flag.example/api',
      dataDir: '/flag',
    });
  });

  it('ignores AUTHENTA_BASE_URL under --simulate', () => {
    expect(run(['a', '--simulate'], { AUTHENTA_BASE_URL: 'https://env.example' })).toMatchObject({
      baseUrl: null,
    });
  });
});

describe('parseCli: usage errors', () => {
  it.each<[string[], RegExp]>([
    [[], /at least one folder/],
    [['a', '--concurrency', '0'], /--concurrency must be between 1 and 16/],
    [['a', '--concurrency', 'many'], /whole number/],
    [['a', '--max-upload-rate', 'fast'], /--max-upload-rate must be bytes per second such as 500k or 2M/],
    // a rate under 1 byte per second rounds to 0, which would silently mean "no cap"
    [['a', '--max-upload-rate', '0.0001'], /--max-upload-rate .*at least 1 byte per second.*got "0.0001"/],
    [['a', '--max-upload-rate', '0.4'], /--max-upload-rate .*at least 1 byte per second/],
    [['a', '--stability', '-5'], /--stability/],
    [['a', '--poll=fast'], /--poll must be a whole number/],
    [['a', '--poll=10'], /between 100/],
    [['a', '--after', 'delete'], /Allowed choices are none, sidecar, move/],
    [['a', '--port', '8080'], /add --ui/],
    [['a', '--host', '0.0.0.0'], /add --ui/],
    [['a', '--ui', '--port', '70000'], /--port must be between 0 and 65535/],
    [['a', '--simulate', '--profile', 'x'], /Sandbox/],
    [['a', '--simulate', '--base-url', 'https://x.example'], /leave out --base-url/],
    [['a', '--base-url', 'ftp://x'], /--base-url: .*https:\/\//],
    [['a', '--bogus'], /unknown option '--bogus'/],
    [['--ui', '--once'], /--once needs at least one folder/],
    [['a', '--timeout', '60'], /--timeout limits a --once run: add --once/],
    [['a', '--once', '--timeout', 'soon'], /--timeout must be a whole number/],
    [['report', '--format', 'xml'], /Allowed choices are csv, json/],
    [['login', '--api-key', '--client-id', 'x'], /either --client-id or --api-key/],
    [['a', '--api', 'v2'], /Allowed choices are media, jobs/],
    [['a', '--simulate', '--api', 'jobs'], /leave out --api/],
    [['login', '--api', 'jobs', '--client-id', 'x'], /Jobs API takes an API key/],
  ])('%j', (argv, message) => {
    const c = parse(argv);
    expect(c.kind).toBe('usage-error');
    expect(c.kind === 'usage-error' && c.message).toMatch(message);
  });

  it('reports a bad AUTHENTA_BASE_URL by name', () => {
    const c = parse(['a'], { AUTHENTA_BASE_URL: 'not a url' });
    expect(c).toMatchObject({ kind: 'usage-error', message: expect.stringMatching(/^AUTHENTA_BASE_URL: /) });
  });
});

describe('parseCli: a team ledger', () => {
  it('takes --ledger, else AUTHENTA_LEDGER_URL; the flag wins', () => {
    expect(run(['a', '--ledger', 'postgres://desk:pw@db:5433/team']).ledgerUrl).toBe(
      'postgres://desk:pw@db:5433/team',
    );
    const env = { AUTHENTA_LEDGER_URL: 'postgresql://desk:pw@db/team' };
    expect(run(['a'], env).ledgerUrl).toBe('postgresql://desk:pw@db/team');
    expect(run(['a', '--ledger', 'postgres://other@db/x'], env).ledgerUrl).toBe('postgres://other@db/x');
    expect(run(['a'], { AUTHENTA_LEDGER_URL: '' }).ledgerUrl).toBeNull();
  });

  it.each([
    [['a', '--ledger', 'mysql://desk:hunter2@db/team'], {}, /^--ledger: .*must start with postgres:\/\//],
    [['a', '--ledger', 'postgres://desk:hunter2@db'], {}, /^--ledger: .*names no database/],
    [
      ['a'],
      { AUTHENTA_LEDGER_URL: 'postgres://desk:hunter2@db:99999/x' },
      /^AUTHENTA_LEDGER_URL: .*cannot be read/,
    ],
    [['report', '--ledger', 'desk:hunter2@db/team'], {}, /^--ledger: /],
  ])('refuses a bad URL as usage, naming the flag, never the password: %j', (argv, env, message) => {
    const c = parse(argv, env);
    expect(c).toMatchObject({ kind: 'usage-error', message: expect.stringMatching(message) });
    expect(JSON.stringify(c)).not.toContain('hunter2');
  });
});

describe('parseCli: subcommands', () => {
  it.each<[string[], CliCommand]>([
    [
      ['report'],
      { kind: 'report', dataDir: '/home/ana/.config/authenta-watch', format: 'json', ledgerUrl: null },
    ],
    [
      ['report', '--format', 'csv', '--data-dir', '/d'],
      { kind: 'report', dataDir: '/d', format: 'csv', ledgerUrl: null },
    ],
    [
      ['report', '--ledger', 'postgres://desk:pw@db/team'],
      {
        kind: 'report',
        dataDir: '/home/ana/.config/authenta-watch',
        format: 'json',
        ledgerUrl: 'postgres://desk:pw@db/team',
      },
    ],
    [
      ['login'],
      {
        kind: 'login',
        dataDir: '/home/ana/.config/authenta-watch',
        profile: 'default',
        clientId: null,
        apiKey: false,
        baseUrl: null,
        api: null,
      },
    ],
    [
      [
        'login',
        '--profile',
        'desk',
        '--client-id',
        'cid',
        '--base-url',
        'https://x.example',
        '--data-dir',
        '/d',
      ],
      {
        kind: 'login',
        dataDir: '/d',
        profile: 'desk',
        clientId: 'cid',
        apiKey: false,
        baseUrl: 'https://x.example/api',
        api: null,
      },
    ],
    [
      ['login', '--api-key'],
      {
        kind: 'login',
        dataDir: '/home/ana/.config/authenta-watch',
        profile: 'default',
        clientId: null,
        apiKey: true,
        baseUrl: null,
        api: null,
      },
    ],
    [
      ['login', '--api', 'jobs'],
      {
        kind: 'login',
        dataDir: '/home/ana/.config/authenta-watch',
        profile: 'default',
        clientId: null,
        apiKey: true,
        baseUrl: null,
        api: 'jobs',
      },
    ],
    [
      ['logout', '--profile', 'desk'],
      { kind: 'logout', dataDir: '/home/ana/.config/authenta-watch', profile: 'desk' },
    ],
  ])('%j', (argv, expected) => {
    expect(parse(argv)).toEqual(expected);
  });

  it('login takes the client id from the environment', () => {
    expect(parse(['login'], { AUTHENTA_CLIENT_ID: 'env-id' })).toMatchObject({ clientId: 'env-id' });
  });

  it('answers --help and --version as text, without exiting', () => {
    const help = parse(['--help']);
    expect(help.kind).toBe('info');
    expect(help.kind === 'info' && help.text).toMatch(/--once[\s\S]*--simulate[\s\S]*report[\s\S]*login/);
    const reportHelp = parse(['report', '--help']);
    expect(reportHelp.kind === 'info' && reportHelp.text).toMatch(/--format/);
    const version = parse(['--version'], { npm_package_version: '9.9.9' });
    expect(version).toEqual({ kind: 'info', text: '9.9.9\n' });
  });
});

describe('defaultDataDir', () => {
  it.each<[NodeJS.Platform, CliContext['env'], string]>([
    ['linux', {}, join('/home/ana', '.config', 'authenta-watch')],
    ['linux', { XDG_CONFIG_HOME: '/xdg' }, join('/xdg', 'authenta-watch')],
    ['darwin', {}, join('/home/ana', 'Library', 'Application Support', 'Authenta Watch')],
    [
      'win32',
      { APPDATA: 'C:/Users/ana/AppData/Roaming' },
      join('C:/Users/ana/AppData/Roaming', 'Authenta Watch'),
    ],
    ['win32', {}, join('/home/ana', 'AppData', 'Roaming', 'Authenta Watch')],
  ])('%s %j', (platform, env, expected) => {
    expect(defaultDataDir(platform, env, '/home/ana')).toBe(expected);
  });
});
