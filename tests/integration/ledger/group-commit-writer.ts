/**
 * The other side of the group-commit crash test: a real process writing to a SQLite ledger in
 * batches, as the engine does when several uploads start together. Each round inserts and claims
 * BATCH jobs, then moves them all to `uploading` (a durable state) in one tick. It prints
 * "written <round>" once the round's commits are made and their shared fsync is still to come,
 * and "durable <id>" (synchronously, so the line is out before anything else runs) when a job's
 * transition resolves: the moment the engine would start that PUT. It runs until it is killed.
 */
import { writeSync } from 'node:fs';
import { SqliteLedger } from '../../../src/main/core/ledger/sqlite-ledger';

const BATCH = 20;
const ledger = SqliteLedger.open({ file: process.argv[2]!, now: Date.now });
const say = (line: string): void => {
  writeSync(1, `${line}\n`);
};

for (let round = 1; ; round++) {
  const ids: number[] = [];
  for (let i = 0; i < BATCH; i++) {
    const job = await ledger.insert({
      path: `/drop/r${round}-${i}.png`,
      name: `r${round}-${i}.png`,
      folderId: null,
      size: 1000 + i,
      mtimeMs: round,
      profileId: 'p1',
      simulated: true,
      state: 'queued',
      sha256: `${round}-${i}`.padStart(64, '0'),
      model: 'm',
    });
    await ledger.transition(job.id, 'queued', 'creating');
    ids.push(job.id);
  }
  const durable = ids.map((id) =>
    ledger
      .transition(id, 'creating', 'uploading', { remoteId: `mid-${id}` }, 'upload URL received')
      .then((row) => {
        if (row) say(`durable ${id}`);
      }),
  );
  say(`written ${round}`);
  await Promise.all(durable);
}
