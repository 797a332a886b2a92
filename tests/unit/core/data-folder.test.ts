import { describe, expect, it } from 'vitest';
import { describeDataFolderError, watchDiskFull } from '../../../src/main/core/data-folder';

const paths = { dataDir: '/srv/aw', ledgerFile: '/srv/aw/ledger.sqlite' };
const err = (code: string, message = code, path?: string): Error =>
  Object.assign(new Error(message), { code, ...(path ? { path } : {}) });

describe('describeDataFolderError', () => {
  it.each<[string, Error, string | null, RegExp | null]>([
    ['a read-only disk', err('EROFS'), 'read-only', /\/srv\/aw is on a read-only file system.*--data-dir/],
    ['SQLite refusing to write', err('SQLITE_READONLY'), 'read-only', /read-only/],
    [
      'no write permission',
      err('EACCES', 'denied', '/srv/aw/logs'),
      'no-permission',
      /may not write to \/srv\/aw\/logs in the data folder \/srv\/aw/,
    ],
    [
      'a full disk (SQLite)',
      err('SQLITE_FULL'),
      'disk-full',
      /disk of the data folder \/srv\/aw is full \(12\.3 kB free\)/,
    ],
    ['a full disk (ENOSPC)', err('ENOSPC'), 'disk-full', /is full/],
    [
      'a damaged ledger',
      err('SQLITE_CORRUPT', 'database disk image is malformed'),
      'damaged-ledger',
      /ledger \/srv\/aw\/ledger\.sqlite is damaged \(SQLite: database disk image is malformed\).*set-aside-ledger --data-dir \/srv\/aw/,
    ],
    ['not a database', err('SQLITE_NOTADB', 'file is not a database'), 'damaged-ledger', /is damaged/],
    ['anything else', err('ECONNRESET'), null, null],
  ])('%s', (_name, e, kind, message) => {
    const problem = describeDataFolderError(e, paths, 12_345);
    if (kind === null) expect(problem).toBeNull();
    else expect(problem).toMatchObject({ kind, message: expect.stringMatching(message!) });
  });
});

describe('watchDiskFull', () => {
  it('tells of a full disk from a thrown or rejected call, and passes every outcome through', async () => {
    const seen: string[] = [];
    const target = {
      n: 7,
      sync(): number {
        return this.n;
      },
      async full(): Promise<void> {
        throw err('SQLITE_FULL', 'database or disk is full');
      },
      other(): never {
        throw err('SQLITE_BUSY');
      },
    };
    const watched = watchDiskFull(target, (e) => seen.push((e as Error).message));
    expect(watched.sync()).toBe(7);
    await expect(watched.full()).rejects.toThrow('database or disk is full');
    expect(() => watched.other()).toThrow('SQLITE_BUSY');
    expect(seen).toEqual(['database or disk is full']);
  });
});
