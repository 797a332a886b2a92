import { describe, expect, it } from 'vitest';
import { afterQuietly } from '../../../../src/renderer/src/lib/settle';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('afterQuietly', () => {
  it('runs each callback once after its delay, and never one cancelled before', async () => {
    const ran: string[] = [];
    afterQuietly(20, () => ran.push('a'));
    const cancel = afterQuietly(20, () => ran.push('cancelled'));
    afterQuietly(60, () => ran.push('b'));
    cancel();
    expect(ran).toEqual([]);
    await sleep(40);
    expect(ran).toEqual(['a']);
    await sleep(60);
    expect(ran).toEqual(['a', 'b']);
    await sleep(30);
    expect(ran).toEqual(['a', 'b']);
  });

  it('keeps working after everything ran (a new delay starts a new timer)', async () => {
    let n = 0;
    afterQuietly(5, () => n++);
    await sleep(30);
    afterQuietly(5, () => n++);
    await sleep(30);
    expect(n).toBe(2);
  });
});
