import { describe, expect, it } from 'vitest';
import {
  isWatchLimitError,
  networkFsName,
  nextRetryDelay,
  unavailableMessage,
  watchLimitMessage,
} from '../../../../src/main/core/watch/watch-health';

describe('watch limit errors', () => {
  it.each([
    ['EMFILE', true],
    ['ENOSPC', true],
    ['ENFILE', true],
    ['ENOENT', false],
    ['EACCES', false],
    [undefined, false],
  ])('%s falls back to polling: %s', (code, expected) => {
    expect(isWatchLimitError(code)).toBe(expected);
  });

  it('tells Linux users how to raise the inotify watch limit', () => {
    const m = watchLimitMessage('ENOSPC', 'linux', 2000);
    expect(m).toContain('sysctl fs.inotify.max_user_watches=524288');
    expect(m).toContain('every 2 s');
  });

  it.each([
    ['linux', 'ulimit -n'],
    ['darwin', 'launchctl limit maxfiles'],
    ['win32', 'close other programs'],
  ] as const)('on %s, EMFILE advice mentions %s', (platform, advice) => {
    expect(watchLimitMessage('EMFILE', platform, 500)).toContain(advice);
    expect(watchLimitMessage('EMFILE', platform, 500)).toContain('every 0.5 s');
  });
});

describe('unavailableMessage', () => {
  it.each([
    ['ENOENT', 'deleted or renamed'],
    ['EACCES', 'permission denied'],
    ['ENOTDIR', 'is not a folder'],
    ['ESTALE', 'not responding'],
    ['EWHATEVER', 'EWHATEVER'],
  ])('%s: says %s and that it resumes by itself', (code, text) => {
    const m = unavailableMessage('/srv/drop', code);
    expect(m).toContain(text);
    expect(m).toContain('/srv/drop');
    expect(m).toContain('resumes by itself');
  });
});

describe('nextRetryDelay', () => {
  it.each([
    [null, 1000, 60000, 1000],
    [1000, 1000, 60000, 2000],
    [2000, 1000, 60000, 4000],
    [32000, 1000, 60000, 60000],
    [60000, 1000, 60000, 60000],
    [null, 5000, 3000, 3000],
  ])('after %s (base %s, max %s): %s', (prev, base, max, expected) => {
    expect(nextRetryDelay(prev, base, max)).toBe(expected);
  });
});

describe('networkFsName', () => {
  it.each([
    [0x6969, 'linux', 'NFS'],
    [0xff534d42, 'linux', 'CIFS'],
    [0xfe534d42 | 0, 'linux', 'SMB2'],
    [0xef53, 'linux', null], // ext4
    [0x01021994, 'linux', null], // tmpfs
    [0x6969, 'darwin', null],
  ] as const)('%s on %s is %s', (type, platform, expected) => {
    expect(networkFsName(type, platform)).toBe(expected);
  });
});
