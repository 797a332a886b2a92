import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../../../src/main/core/ledger/sqlite-ledger';
import { createLogger, MemoryLogSink } from '../../../../src/main/core/logger';
import { localDay } from '../../../../src/main/core/pipeline/counting-service';
import { CallCounter } from '../../../../src/main/core/services/call-counter';
import { ManualClock } from '../../main/manual-clock';

const DAY_MS = 24 * 60 * 60 * 1000;
let clock: ManualClock;
let ledger: SqliteLedger;
let counted: number;

function counter(): CallCounter {
  return new CallCounter({
    clock,
    logger: createLogger({ sinks: [new MemoryLogSink()] }),
    onCount: () => counted++,
  });
}

beforeEach(() => {
  clock = new ManualClock();
  ledger = SqliteLedger.open({ file: ':memory:', now: () => clock.now() });
  counted = 0;
});
afterEach(async () => {
  await ledger.close();
});

describe('CallCounter', () => {
  it("counts today's calls by quota, keeps them in the ledger, and a restart goes on from there", async () => {
    const first = counter();
    await first.load(ledger);
    first.count('query');
    first.count('query');
    first.count('mutation');
    expect(first.today()).toEqual({ query: 2, mutation: 1 });
    expect(counted).toBe(3);
    await new Promise((r) => setTimeout(r, 0));
    expect(await ledger.callsOn(localDay(clock.now()))).toEqual({ query: 2, mutation: 1 });
    const again = counter();
    await again.load(ledger);
    expect(again.today()).toEqual({ query: 2, mutation: 1 });
  });

  it('a new day starts at zero', async () => {
    const c = counter();
    await c.load(ledger);
    c.count('mutation');
    clock.advance(DAY_MS);
    expect(c.today()).toEqual({ query: 0, mutation: 0 });
    c.count('query');
    expect(c.today()).toEqual({ query: 1, mutation: 0 });
  });

  it('after close it counts in memory only (the ledger is closing)', async () => {
    const c = counter();
    await c.load(ledger);
    c.close();
    c.count('query');
    expect(c.today()).toEqual({ query: 1, mutation: 0 });
    await new Promise((r) => setTimeout(r, 0));
    expect(await ledger.callsOn(localDay(clock.now()))).toEqual({ query: 0, mutation: 0 });
  });
});
