import { describe, expect, it } from 'vitest';
import { emptyCounts, type JobState } from '../../../src/shared/domain';
import {
  activitySummary,
  folderName,
  TOOLTIP_MAX,
  trayIconFile,
  trayIconState,
  trayMenu,
  trayTooltip,
  type TrayMenuItem,
} from '../../../src/main/desktop/tray-model';
import { makeFolder, makeStatus } from './fake-engine';

function counts(partial: Partial<Record<JobState, number>>): Record<JobState, number> {
  return { ...emptyCounts(), ...partial };
}

const BLOCK = {
  kind: 'credits' as const,
  code: 'INSUFFICIENT_BALANCE',
  message: 'out of credits',
  action: 'Buy more credits in the Authenta console, then resume the queue.',
  since: 0,
  retryAt: null,
};

describe('trayIconState', () => {
  it.each([
    ['starting', null, 'idle'],
    ['nothing to do', makeStatus(), 'idle'],
    [
      'done and failed jobs only',
      makeStatus({ counts: counts({ done: 40, failed: 2, skipped: 3 }) }),
      'idle',
    ],
    ['uploading', makeStatus({ counts: counts({ uploading: 1 }) }), 'working'],
    ['waiting for verdicts', makeStatus({ counts: counts({ processing: 12 }) }), 'working'],
    ['files settling', makeStatus({ counts: counts({ waiting: 1 }) }), 'working'],
    ['paused with a queue', makeStatus({ paused: true, counts: counts({ queued: 5 }) }), 'idle'],
    ['blocked', makeStatus({ blocks: [BLOCK], counts: counts({ blocked: 3 }) }), 'attention'],
    [
      'a folder unavailable',
      makeStatus({
        folders: [makeFolder({ health: { state: 'unavailable', message: 'gone', lastEventAt: null } })],
      }),
      'attention',
    ],
    ['blocked while working', makeStatus({ blocks: [BLOCK], counts: counts({ uploading: 2 }) }), 'attention'],
  ])('%s -> %s', (_name, status, state) => {
    expect(trayIconState(status)).toBe(state);
  });
});

describe('trayIconFile', () => {
  it.each([
    ['idle', 'darwin', 'tray-idleTemplate.png'],
    ['attention', 'darwin', 'tray-attentionTemplate.png'],
    ['working', 'win32', 'tray-working.png'],
    ['working', 'linux', 'tray-working@2x.png'],
  ] as const)('%s on %s: %s', (state, platform, file) => {
    expect(trayIconFile(state, platform)).toBe(file);
  });
});

describe('activitySummary and tooltip', () => {
  it.each([
    [counts({}), 'Nothing to check'],
    [counts({ uploading: 3, processing: 12 }), '3 uploading, 12 waiting for verdicts'],
    [counts({ creating: 1, uploading: 1, finalizing: 1 }), '3 uploading'],
    [counts({ processing: 1 }), '1 waiting for a verdict'],
    [counts({ waiting: 2, queued: 3, blocked: 4 }), '5 queued, 4 blocked'],
    [counts({ done: 100, failed: 1 }), 'Nothing to check'],
  ])('%j -> %s', (c, text) => {
    expect(activitySummary(c)).toBe(text);
  });

  it.each([
    [null, 'Authenta Watch: starting'],
    [
      makeStatus({ counts: counts({ uploading: 3, processing: 12 }) }),
      'Authenta Watch: 3 uploading, 12 waiting for verdicts',
    ],
    [makeStatus({ paused: true, counts: counts({ queued: 2 }) }), 'Authenta Watch: paused. 2 queued'],
    [
      makeStatus({ blocks: [BLOCK], counts: counts({ blocked: 2 }) }),
      'Authenta Watch: stopped, out of credits. 2 blocked',
    ],
  ])('tooltip %#', (status, text) => {
    expect(trayTooltip(status)).toBe(text);
  });

  it('stays within what Windows shows', () => {
    const long = makeStatus({ blocks: [{ ...BLOCK, message: 'x'.repeat(300) }] });
    const text = trayTooltip(long);
    expect(text.length).toBe(TOOLTIP_MAX);
    expect(text.endsWith('…')).toBe(true);
  });
});

function labels(items: TrayMenuItem[]): unknown[] {
  return items.map((i) =>
    i.kind === 'separator' ? '---' : i.kind === 'submenu' ? [i.label, labels(i.items)] : i.label,
  );
}

describe('trayMenu', () => {
  it('offers everything without a click on the icon (Linux), pause when running', () => {
    const status = makeStatus({
      counts: counts({ uploading: 3, processing: 12 }),
      folders: [
        makeFolder({ id: 'a', path: '/srv/share/Incoming' }),
        makeFolder({
          id: 'b',
          path: '/media/card/DCIM/',
          health: {
            state: 'unavailable',
            message: 'The card was removed; insert it again.',
            lastEventAt: null,
          },
        }),
        makeFolder({ id: 'c', path: 'C:\\Users\\desk\\Downloads', paused: true }),
      ],
    });
    expect(labels(trayMenu(status))).toEqual([
      'Open Authenta Watch',
      '---',
      '3 uploading, 12 waiting for verdicts',
      'Pause all',
      '---',
      [
        'Watched folders',
        [
          ['Incoming (watching)', ['/srv/share/Incoming', '---', 'Pause watching', 'Show in file manager']],
          [
            'DCIM (unavailable)',
            [
              '/media/card/DCIM/',
              'The card was removed; insert it again.',
              '---',
              'Pause watching',
              'Show in file manager',
            ],
          ],
          [
            'Downloads (paused)',
            ['C:\\Users\\desk\\Downloads', '---', 'Resume watching', 'Show in file manager'],
          ],
        ],
      ],
      'Add a folder…',
      '---',
      'Open the logs folder',
      '---',
      'Quit Authenta Watch',
    ]);
  });

  it('offers resume when paused and names each block', () => {
    const items = trayMenu(makeStatus({ paused: true, blocks: [BLOCK] }));
    expect(labels(items)).toContain('Resume all');
    expect(labels(items)).not.toContain('Pause all');
    expect(labels(items)).toContain('Stopped: out of credits');
    expect(labels(items)).toContainEqual(['Watched folders', ['No folder yet']]);
  });

  it('maps each item to its action', () => {
    const items = trayMenu(makeStatus({ folders: [makeFolder({ id: 'a' })] }));
    const actions = JSON.stringify(items);
    for (const type of ['open', 'pauseAll', 'pauseFolder', 'showFolder', 'addFolder', 'openLogs', 'quit']) {
      expect(actions).toContain(`"type":"${type}"`);
    }
    expect(actions).toContain('"folderId":"a"');
  });

  it('while starting, still opens, adds and quits', () => {
    expect(labels(trayMenu(null))).toEqual([
      'Open Authenta Watch',
      '---',
      'Starting…',
      'Add a folder…',
      '---',
      'Open the logs folder',
      '---',
      'Quit Authenta Watch',
    ]);
  });

  it.each([
    ['/a/b/c', 'c'],
    ['/a/b/c/', 'c'],
    ['C:\\x\\y', 'y'],
    ['/', '/'],
  ])('folderName(%s) = %s', (path, name) => {
    expect(folderName(path)).toBe(name);
  });
});
