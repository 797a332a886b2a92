/**
 * SqliteLedger: the Ledger port's shared suite (ledger-contract.ts) on a real SQLite file. What
 * only the file-based adapter does (migrations of old files, damage checks, the CLI's handling of
 * a read-only or damaged file) is tested in migrations.test.ts and tests/integration/cli.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLedger } from '../../../../src/main/core/ledger/sqlite-ledger';
import { describeLedgerContract } from './ledger-contract';

describeLedgerContract('SqliteLedger', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-ledger-'));
  const file = join(dir, 'ledger.sqlite');
  return {
    open: async (now, desk) => SqliteLedger.open({ file, now, ...desk }),
    async seedDone(count) {
      const seeder = SqliteLedger.open({ file, now: () => 1 });
      const insert = seeder.connection.prepare(
        `INSERT INTO jobs (path, name, size, mtime_ms, state, profile_id, created_at, updated_at)
         VALUES (?, ?, ?, 1, 'done', 'p1', 1, 1)`,
      );
      seeder.connection.transaction(() => {
        for (let i = 0; i < count; i++) insert.run(`/big/${i}.jpg`, `${i}.jpg`, i);
      })();
      await seeder.close();
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
