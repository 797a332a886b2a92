/**
 * The banners above the queue: what bannersFrom decides (pure, in tables) and what the rendered
 * banners offer. Auth and permission problems lead to Account and resume the queue with one click;
 * being offline says whether the network or Authenta's servers fail, and when the next try is.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Block } from '../../../../src/shared/domain';
import { bannersFrom, offlineCause } from '../../../../src/renderer/src/shell/banners';
import { FakeApi, makeFolder, makeStatus } from '../fake-api';
import { mountApp, seriousA11yProblems, unmountAll, type Harness } from '../harness';

vi.setConfig({ testTimeout: 60_000 });

let harness: Harness | undefined;
afterEach(() => {
  unmountAll(harness);
  harness = undefined;
});

const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
const NOW = 1_700_000_500_000;

const block = (patch: Partial<Block>): Block => ({
  kind: 'auth',
  code: 'IAM001',
  message: 'The client secret was rejected.',
  action: 'Enter the client ID and secret again in Account.',
  since: 1,
  retryAt: null,
  ...patch,
});

describe('bannersFrom', () => {
  it('shows nothing for a healthy engine or no status', () => {
    expect(bannersFrom(null)).toEqual([]);
    expect(bannersFrom(makeStatus())).toEqual([]);
  });

  it.each([
    ['auth', 'IAM001', 'Credentials rejected', 'error', true, true],
    ['permission', 'IAM002', 'Permission missing', 'error', true, true],
    ['quota-query', 'AA001', 'Query quota reached: checking for verdicts is paused', 'warning', true, false],
    ['quota-mutation', 'AA001', 'Upload quota reached: new uploads are paused', 'warning', true, false],
    ['credits', 'U007', 'Credits exhausted: no new files are sent', 'error', true, false],
    ['offline', 'NETWORK', 'Authenta cannot be reached', 'warning', false, false],
    ['offline', 'HTTP_503', 'Authenta is answering with server errors', 'warning', false, false],
  ] as const)('%s (%s): "%s"', (kind, code, heading, tone, offerResume, offerAccount) => {
    const [banner] = bannersFrom(makeStatus({ blocks: [block({ kind, code, retryAt: 42 })] }));
    expect(banner).toMatchObject({ kind, code, heading, tone, offerResume, offerAccount, retryAt: 42 });
    // The engine's own words are shown as they are.
    expect(banner?.message).toBe('The client secret was rejected.');
  });

  it('gives the engine advice, except where the banner points at its own buttons', () => {
    const engineAction = 'Check it in Settings, then resume.';
    const actionOf = (kind: Block['kind']): string | undefined =>
      bannersFrom(makeStatus({ blocks: [block({ kind, action: engineAction })] }))[0]?.action;
    for (const kind of ['quota-query', 'quota-mutation', 'credits', 'offline'] as const) {
      expect(actionOf(kind)).toBe(engineAction);
    }
    // The screen is called Account and the button Resume queue: the advice says so.
    expect(actionOf('auth')).toBe(
      'Check the client ID and secret (or API key) of this profile in Account, then choose Resume queue.',
    );
    expect(actionOf('permission')).toContain('in Account), then choose Resume queue.');
    expect(actionOf('permission')).toContain('read and write permission in the Authenta console');
  });

  it.each([
    ['NETWORK', 'network', 'Authenta cannot be reached'],
    ['OFFLINE', 'network', 'Authenta cannot be reached'],
    ['RESET', 'network', 'Authenta cannot be reached'],
    ['TIMEOUT', 'network', 'Authenta cannot be reached'],
    ['ECONNREFUSED', 'network', 'Authenta cannot be reached'],
    ['ETIMEDOUT', 'network', 'Authenta cannot be reached'],
    ['EAI_AGAIN', 'network', 'Authenta cannot be reached'],
    ['HTTP_500', 'server', 'Authenta is answering with server errors'],
    ['HTTP_502', 'server', 'Authenta is answering with server errors'],
    ['503', 'server', 'Authenta is answering with server errors'],
    ['SERVER_ERROR', 'server', 'Authenta is answering with server errors'],
    ['INTERNAL_SERVER_ERROR', 'server', 'Authenta is answering with server errors'],
    ['ServiceUnavailable', 'server', 'Authenta is answering with server errors'],
    ['HTTP_429', 'rate', 'Authenta asks to slow down: too many requests'],
    ['TOO_MANY_REQUESTS', 'rate', 'Authenta asks to slow down: too many requests'],
    ['HTTP_408', 'other', 'Authenta is not answering normally'],
    ['TLS', 'other', 'Authenta is not answering normally'],
  ] as const)('an offline block with code %s is a %s problem: "%s"', (code, cause, heading) => {
    expect(offlineCause(code)).toBe(cause);
    const [banner] = bannersFrom(makeStatus({ blocks: [block({ kind: 'offline', code, retryAt: 7 })] }));
    expect(banner).toMatchObject({ heading, retryAt: 7, offerResume: false });
  });

  it('names each unavailable folder with its message', () => {
    const banners = bannersFrom(
      makeStatus({
        folders: [
          makeFolder({
            id: 'a',
            path: '/mnt/share',
            health: { state: 'unavailable', message: 'The share is gone.', lastEventAt: null },
          }),
          makeFolder({
            id: 'b',
            path: '/home/desk',
            health: { state: 'watching', message: null, lastEventAt: null },
          }),
        ],
      }),
    );
    expect(banners).toHaveLength(1);
    expect(banners[0]).toMatchObject({
      kind: 'folder',
      folderId: 'a',
      heading: 'Folder unavailable: /mnt/share',
      message: 'The share is gone.',
    });
  });

  it('puts the most serious first and shows each block kind once', () => {
    const banners = bannersFrom(
      makeStatus({
        paused: true,
        blocks: [
          block({ kind: 'offline', code: 'NETWORK' }),
          block({ kind: 'quota-mutation', code: 'AA001' }),
          block({ kind: 'auth', code: 'IAM001' }),
          block({ kind: 'auth', code: 'IAM001', message: 'again' }),
        ],
        folders: [makeFolder({ health: { state: 'unavailable', message: null, lastEventAt: null } })],
      }),
    );
    expect(banners.map((b) => b.kind)).toEqual(['auth', 'quota-mutation', 'offline', 'folder']);
  });

  it('offers one resume button, on the most serious banner that needs it', () => {
    const banners = bannersFrom(
      makeStatus({
        paused: true,
        blocks: [block({ kind: 'quota-query', code: 'AA001' }), block({ kind: 'credits', code: 'U007' })],
      }),
    );
    expect(banners.map((b) => [b.kind, b.offerResume])).toEqual([
      ['credits', true],
      ['quota-query', false],
    ]);
    const auth = bannersFrom(
      makeStatus({
        blocks: [block({ kind: 'credits', code: 'U007' }), block({ kind: 'auth', code: 'IAM001' })],
      }),
    );
    expect(auth.map((b) => [b.kind, b.offerResume, b.offerAccount])).toEqual([
      ['auth', true, true],
      ['credits', false, false],
    ]);
  });

  it('adds advice to a folder banner only when the engine sent no message', () => {
    const [silent] = bannersFrom(
      makeStatus({
        folders: [makeFolder({ health: { state: 'unavailable', message: null, lastEventAt: null } })],
      }),
    );
    expect(silent?.message).toBe('The folder cannot be read.');
    expect(silent?.action).toContain('Reconnect the drive or share');
    const [told] = bannersFrom(
      makeStatus({
        folders: [
          makeFolder({ health: { state: 'unavailable', message: 'Reconnect X.', lastEventAt: null } }),
        ],
      }),
    );
    expect(told?.action).toBe('');
  });

  it('says the queue is paused, with a resume button, unless a quota banner already offers one', () => {
    expect(bannersFrom(makeStatus({ paused: true })).map((b) => [b.kind, b.offerResume])).toEqual([
      ['paused', true],
    ]);
    const quota = bannersFrom(
      makeStatus({ paused: true, blocks: [block({ kind: 'quota-query', code: 'AA001' })] }),
    );
    expect(quota.map((b) => b.kind)).toEqual(['quota-query']);
  });

  it("says first that the data folder's disk is full, naming it, with nothing to press", () => {
    const message =
      'The disk of the data folder /srv/aw is full (12 kB free): no new file is taken and nothing is lost.';
    const banners = bannersFrom(
      makeStatus({
        diskFull: { path: '/srv/aw', freeBytes: 12_000, message },
        blocks: [block({ kind: 'offline', code: 'NETWORK' })],
      }),
    );
    expect(banners.map((b) => b.kind)).toEqual(['disk-full', 'offline']);
    expect(banners[0]).toMatchObject({
      tone: 'error',
      heading: "The data folder's disk is full",
      message,
      offerResume: false,
      offerAccount: false,
    });
    expect(banners[0]?.action).toContain('resumes by itself');
    expect(bannersFrom(makeStatus({ diskFull: null }))).toEqual([]);
  });
});

const engineBlock = (patch: Partial<Block>): Block => ({
  kind: 'auth',
  code: 'IAM001',
  message: 'Authenta did not accept the client secret. Nothing is sent until this is fixed.',
  action: 'Check the client ID and secret (or API key) of this profile in Settings, then resume.',
  since: 1,
  retryAt: null,
  ...patch,
});

describe('the rendered banners', () => {
  it.each([
    ['auth', 'IAM001', 'Credentials rejected'],
    ['permission', 'IAM002', 'Permission missing'],
  ] as const)('%s (%s) opens Account and resumes the queue', async (kind, code, heading) => {
    const api = new FakeApi();
    api.status = makeStatus({ blocks: [engineBlock({ kind, code })] });
    harness = await mountApp(api, { now: NOW });
    const banner = screen.getByTestId(`banner-${kind}`);
    expect(text(banner)).toContain(heading);
    // The words match the screen and the button the user sees.
    expect(text(banner)).toContain('in Account');
    expect(text(banner)).toContain('then choose Resume queue.');
    expect(text(banner)).not.toContain('Settings');
    const buttons = within(banner)
      .getAllByRole('button')
      .map((b) => text(b));
    expect(buttons).toEqual(['Open Account', 'Resume queue']);
    expect(await seriousA11yProblems(harness.container)).toEqual([]);

    await fireEvent.click(within(banner).getByTestId('banner-resume'));
    await waitFor(() => expect(api.callsOf('resumeAll')).toHaveLength(1));
    await fireEvent.click(within(banner).getByTestId('banner-account'));
    expect(await screen.findByRole('heading', { name: 'Account' })).toBeTruthy();
  });

  it.each([
    ['NETWORK', 'Authenta cannot be reached'],
    ['TIMEOUT', 'Authenta cannot be reached'],
    ['HTTP_503', 'Authenta is answering with server errors'],
    ['INTERNAL_SERVER_ERROR', 'Authenta is answering with server errors'],
  ])('offline with %s: "%s", with the next automatic try and no resume button', async (code, heading) => {
    const api = new FakeApi();
    api.status = makeStatus({
      blocks: [
        engineBlock({
          kind: 'offline',
          code,
          message: 'Could not reach Authenta. Everything waits for the network.',
          action: 'Nothing to do if the network comes back: the next try is automatic.',
          retryAt: NOW + 90_000,
        }),
      ],
    });
    harness = await mountApp(api, { now: NOW });
    const banner = screen.getByTestId('banner-offline');
    expect(text(banner.querySelector('.heading'))).toBe(`${heading} ${code}`);
    expect(text(within(banner).getByTestId('banner-retry-at'))).toMatch(
      /^Next automatic try at \d\d?:\d\d:\d\d.* \(in 1 min 30 s\)\.$/,
    );
    expect(within(banner).queryByTestId('banner-resume')).toBeNull();
  });
});
