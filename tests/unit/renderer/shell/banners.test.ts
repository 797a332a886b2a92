import { describe, expect, it } from 'vitest';
import type { Block } from '../../../../src/shared/domain';
import { bannersFrom } from '../../../../src/renderer/src/shell/banners';
import { makeFolder, makeStatus } from '../fake-api';

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
    ['auth', 'IAM001', 'Credentials rejected', 'error', false, true],
    ['permission', 'IAM002', 'Permission missing', 'error', false, true],
    ['quota-query', 'AA001', 'Query quota reached: checking for verdicts is paused', 'warning', true, false],
    ['quota-mutation', 'AA001', 'Upload quota reached: new uploads are paused', 'warning', true, false],
    ['credits', 'U007', 'Credits exhausted: no new files are sent', 'error', true, false],
    ['offline', 'NETWORK', 'Authenta cannot be reached', 'warning', false, false],
    ['offline', '503', 'Authenta is answering with server errors', 'warning', false, false],
  ] as const)('%s (%s): "%s"', (kind, code, heading, tone, offerResume, offerAccount) => {
    const [banner] = bannersFrom(makeStatus({ blocks: [block({ kind, code, retryAt: 42 })] }));
    expect(banner).toMatchObject({ kind, code, heading, tone, offerResume, offerAccount, retryAt: 42 });
    // The engine's own words and advice are shown as they are.
    expect(banner?.message).toBe('The client secret was rejected.');
    expect(banner?.action).toBe('Enter the client ID and secret again in Account.');
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
});
