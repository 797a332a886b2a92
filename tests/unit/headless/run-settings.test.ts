import { describe, expect, it } from 'vitest';
import { parseCli, type RunCommand } from '../../../src/main/headless/args';
import {
  ensureProfile,
  fitsCredentials,
  folderIdFor,
  generationFor,
  generationForChoice,
  needsDetection,
  prepareRunSettings,
  profileIdFor,
} from '../../../src/main/headless/run-settings';
import { defaultSettings, SANDBOX_PROFILE_ID, type Settings } from '../../../src/shared/settings';

const run = (argv: string[]): RunCommand => {
  const c = parseCli(argv, { env: {}, platform: 'linux', homeDir: '/home/ana', cwd: '/w' });
  if (c.kind !== 'run') throw new Error(JSON.stringify(c));
  return c;
};

describe('prepareRunSettings', () => {
  it('--simulate makes the Sandbox active and watches the given folders with the flag options', () => {
    const { settings, profileId, folderIds } = prepareRunSettings(
      defaultSettings(),
      run([
        'in',
        '--simulate',
        '--recursive',
        '--poll=700',
        '--stability',
        '50',
        '--after',
        'move',
        '--concurrency',
        '5',
        '--max-upload-rate',
        '2M',
      ]),
      null,
    );
    expect(profileId).toBe(SANDBOX_PROFILE_ID);
    expect(settings.activeProfileId).toBe(SANDBOX_PROFILE_ID);
    expect(settings.preferences.concurrency).toBe(5);
    expect(settings.preferences.maxUploadBytesPerSecond).toBe(2_000_000);
    expect(folderIds).toEqual([folderIdFor('/w/in')]);
    expect(settings.folders).toEqual([
      expect.objectContaining({
        id: folderIdFor('/w/in'),
        path: '/w/in',
        paused: false,
        recursive: true,
        usePolling: true,
        pollIntervalMs: 700,
        stabilityMs: 50,
        after: 'move',
        videoModel: 'DF-1',
        imageModel: 'AC-1',
      }),
    ]);
  });

  it('replaces the folders of an earlier run, keeping the id of a folder watched again', () => {
    const first = prepareRunSettings(defaultSettings(), run(['a', 'b', '--simulate']), null).settings;
    const renamed: Settings = {
      ...first,
      folders: first.folders.map((f) => (f.path === '/w/b' ? { ...f, id: 'kept-id', ignore: ['*.tmp'] } : f)),
    };
    const second = prepareRunSettings(renamed, run(['b', 'c', 'b', '--simulate']), null);
    expect(second.settings.folders.map((f) => [f.id, f.path])).toEqual([
      ['kept-id', '/w/b'],
      [folderIdFor('/w/c'), '/w/c'],
    ]);
    expect(second.settings.folders[0]?.ignore).toEqual(['*.tmp']);
    expect(second.folderIds).toEqual(['kept-id', folderIdFor('/w/c')]);
  });

  it('--ui without folders keeps the stored folders', () => {
    const first = prepareRunSettings(defaultSettings(), run(['a', '--simulate']), null).settings;
    const second = prepareRunSettings(first, run(['--ui', '--simulate']), null);
    expect(second.settings.folders).toEqual(first.folders);
    expect(second.folderIds).toEqual([folderIdFor('/w/a')]);
  });

  it('without --simulate uses the default profile with the given base URL and the credentials’ generation', () => {
    const { settings, profileId } = prepareRunSettings(
      defaultSettings(),
      run(['a', '--base-url', 'http://127.0.0.1:5000']),
      'client',
    );
    expect(profileId).toBe('default');
    expect(settings.profiles.find((p) => p.id === 'default')).toEqual({
      id: 'default',
      name: 'default',
      baseUrl: 'http://127.0.0.1:5000/api',
      generation: 'media-client',
      simulated: false,
    });
    const again = prepareRunSettings(settings, run(['a']), 'apikey');
    expect(again.settings.profiles.find((p) => p.id === 'default')).toMatchObject({
      baseUrl: 'http://127.0.0.1:5000/api',
      generation: 'media-apikey',
    });
    expect(again.settings.profiles.filter((p) => p.id === 'default')).toHaveLength(1);
  });
});

describe('the API generation of a run', () => {
  const key = (
    argv: string[],
    settings = defaultSettings(),
    detected: Parameters<typeof prepareRunSettings>[3] = null,
  ) =>
    prepareRunSettings(settings, run(argv), 'apikey', detected).settings.profiles.find(
      (p) => p.id === 'default',
    )?.generation;

  it('--api wins over the setting and over detection; otherwise detection decides a new profile', () => {
    expect(key(['a', '--api', 'jobs'])).toBe('jobs-v1');
    expect(key(['a', '--api', 'media'], defaultSettings(), 'jobs-v1')).toBe('media-apikey');
    expect(key(['a'], defaultSettings(), 'jobs-v1')).toBe('jobs-v1');
    // Nothing detected (the server could not tell): what the key implies.
    expect(key(['a'])).toBe('media-apikey');
    const jobs = prepareRunSettings(defaultSettings(), run(['a', '--api', 'jobs']), 'apikey').settings;
    expect(key(['a'], jobs)).toBe('jobs-v1');
  });

  it('asks the server only for an API key without --api and without a setting that fits the key', () => {
    const empty = defaultSettings();
    expect(needsDetection(empty, 'default', null, 'apikey')).toBe(true);
    expect(needsDetection(empty, 'default', 'jobs', 'apikey')).toBe(false);
    expect(needsDetection(empty, 'default', null, 'client')).toBe(false);
    expect(needsDetection(empty, 'default', null, null)).toBe(false);
    expect(needsDetection(empty, 'Sandbox', null, 'apikey')).toBe(false);
    const client = prepareRunSettings(empty, run(['a']), 'client').settings;
    expect(needsDetection(client, 'default', null, 'apikey')).toBe(true);
    const jobs = prepareRunSettings(empty, run(['a', '--api', 'jobs']), 'apikey').settings;
    expect(needsDetection(jobs, 'default', null, 'apikey')).toBe(false);
  });

  it.each<[Parameters<typeof generationForChoice>[0], Parameters<typeof generationForChoice>[1], string]>([
    ['jobs', 'apikey', 'jobs-v1'],
    ['jobs', 'client', 'jobs-v1'],
    ['media', 'apikey', 'media-apikey'],
    ['media', 'client', 'media-client'],
    ['media', null, 'media-client'],
  ])('--api %s with %s credentials is %s', (api, creds, out) => {
    expect(generationForChoice(api, creds)).toBe(out);
  });

  it('a client pair speaks only the media API with client credentials', () => {
    expect(fitsCredentials('media-client', 'client')).toBe(true);
    expect(fitsCredentials('jobs-v1', 'client')).toBe(false);
    expect(fitsCredentials('media-client', 'apikey')).toBe(false);
    expect(fitsCredentials('jobs-v1', 'apikey')).toBe(true);
    expect(fitsCredentials('media-apikey', null)).toBe(true);
  });
});

describe('ensureProfile', () => {
  it('finds a profile by name, ignoring case', () => {
    const s = ensureProfile(defaultSettings(), 'Newsroom Desk', null, null).settings;
    expect(s.profiles.map((p) => p.id)).toContain('newsroom-desk');
    const again = ensureProfile(s, 'newsroom desk', 'https://x.example/api', null);
    expect(again.profileId).toBe('newsroom-desk');
    expect(again.settings.profiles).toHaveLength(s.profiles.length);
    expect(again.settings.profiles.find((p) => p.id === 'newsroom-desk')?.baseUrl).toBe(
      'https://x.example/api',
    );
  });
  it('never turns the Sandbox into a real profile', () => {
    const { settings, profileId } = ensureProfile(
      defaultSettings(),
      'Sandbox',
      'https://x.example/api',
      'client',
    );
    expect(profileId).toBe('sandbox');
    expect(settings.profiles.find((p) => p.id === 'sandbox')).toMatchObject({
      simulated: true,
      baseUrl: 'sim://local',
    });
  });
});

describe('small helpers', () => {
  it.each([
    ['Default', 'default'],
    ['Newsroom / Desk 2', 'newsroom-desk-2'],
    ['!!!', 'default'],
    ['Émilie', 'emilie'],
  ])('profileIdFor(%s) = %s', (name, id) => expect(profileIdFor(name)).toBe(id));

  it.each<[Parameters<typeof generationFor>[0], Parameters<typeof generationFor>[1], string]>([
    [null, null, 'media-client'],
    [null, 'apikey', 'media-apikey'],
    ['media-apikey', 'client', 'media-client'],
    ['jobs-v1', 'apikey', 'jobs-v1'],
    ['jobs-v1', null, 'jobs-v1'],
  ])('generationFor(%s, %s) = %s', (current, creds, out) => expect(generationFor(current, creds)).toBe(out));

  it('folder ids are stable and distinct', () => {
    expect(folderIdFor('/a')).toBe(folderIdFor('/a'));
    expect(folderIdFor('/a')).not.toBe(folderIdFor('/b'));
    expect(folderIdFor('/a').length).toBeLessThanOrEqual(64);
  });
});
