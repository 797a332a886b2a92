/**
 * Issue 13: the ledger's group commit under SIGKILL. Durable transitions (the state written before
 * a PUT or a finalize) share one fsync per tick, off the event loop. A real writer process is
 * killed while a batch is written and its fsync not yet done, at several moments; afterwards
 * every transition it announced as durable is in the ledger, no batch is torn (each job's state
 * is the last entry of its timeline), the file passes SQLite's check, and the ledger opens and
 * takes writes again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../../src/main/core/ledger/sqlite-ledger';

const WRITER = fileURLToPath(new URL('./group-commit-writer.ts', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs the writer until it says "written <round>", kills it at once with SIGKILL; returns what it announced. */
async function killDuringRound(
  file: string,
  round: number,
): Promise<{ durable: number[]; lastWritten: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const durable: number[] = [];
  let lastWritten = 0;
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const [what, n] = line.split(' ');
        if (what === 'durable') durable.push(Number(n));
        if (what === 'written') {
          lastWritten = Number(n);
          if (lastWritten >= round && child.exitCode === null) child.kill('SIGKILL');
        }
      }
    });
    child.once('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`the writer stopped by itself (${signal})`)),
    );
  });
  return { durable, lastWritten };
}

describe('SqliteLedger group commit, killed during a batch', () => {
  it.each([1, 4, 9])(
    'killed while round %i is written: every announced transition is there, no batch is torn',
    async (round) => {
      const dir = mkdtempSync(join(tmpdir(), 'aw-group-commit-'));
      dirs.push(dir);
      const file = join(dir, 'ledger.sqlite');
      const { durable, lastWritten } = await killDuringRound(file, round);
      expect(lastWritten).toBeGreaterThanOrEqual(round);
      // Every round before the last one written had all its transitions resolved.
      expect(durable.length).toBeGreaterThanOrEqual((lastWritten - 1) * 20);

      expect(SqliteLedger.damage(file)).toBeNull();
      const ledger = SqliteLedger.open({ file, now: Date.now });
      try {
        for (const id of durable) {
          const job = await ledger.get(id);
          expect(job, `job ${id}, announced durable`).toMatchObject({
            state: 'uploading',
            remoteId: `mid-${id}`,
          });
        }
        const all = await ledger.listByStates(['queued', 'creating', 'uploading']);
        expect(all.length).toBeGreaterThanOrEqual(durable.length);
        for (const job of all) {
          const timeline = await ledger.timeline(job.id);
          expect(timeline.at(-1)?.state, `job ${job.id}'s timeline ends in its state`).toBe(job.state);
          expect(job.state === 'uploading').toBe(job.remoteId === `mid-${job.id}`);
        }
        // It takes writes again, durable ones included.
        const next = all.find((j) => j.state === 'creating') ?? all[0]!;
        if (next.state === 'creating') {
          expect(
            await ledger.transition(next.id, 'creating', 'uploading', { remoteId: 'again' }),
          ).toMatchObject({
            state: 'uploading',
          });
        }
      } finally {
        await ledger.close();
      }
    },
  );
});
