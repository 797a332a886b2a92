import { describe, expect, it } from 'vitest';
import type { Clock, Disposable } from '../../../../src/main/core/ports';
import { NewFolderRewalk, outermost } from '../../../../src/main/core/watch/new-folder-rewalk';

/** A clock whose timers fire only when the test advances it. */
class ManualClock implements Clock {
  private t = 0;
  private timers: { due: number; fn: () => void }[] = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): Disposable {
    const timer = { due: this.t + ms, fn };
    this.timers.push(timer);
    return {
      dispose: () => {
        this.timers = this.timers.filter((x) => x !== timer);
      },
    };
  }
  async advance(ms: number): Promise<void> {
    this.t += ms;
    const due = this.timers.filter((x) => x.due <= this.t);
    this.timers = this.timers.filter((x) => x.due > this.t);
    for (const x of due) x.fn();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
  get pending(): number {
    return this.timers.length;
  }
}

describe('outermost', () => {
  it.each([
    [['/a/b', '/a'], ['/a']],
    [
      ['/a', '/ab'],
      ['/a', '/ab'],
    ],
    [
      ['/a/b/c', '/a/b', '/x', '/x'],
      ['/a/b', '/x'],
    ],
    [[], []],
  ])('%j -> %j', (input, expected) => {
    expect(outermost(input)).toEqual(expected);
  });
});

describe('NewFolderRewalk', () => {
  it('walks new folders after each delay, one timer per round, nested ones once', async () => {
    const clock = new ManualClock();
    const walks: string[][] = [];
    const rewalk = new NewFolderRewalk(clock, async (f) => void walks.push(f), [100, 1000]);
    rewalk.add('/in/a');
    rewalk.add('/in/a/b');
    rewalk.add('/in/c');
    expect(clock.pending).toBe(1);
    await clock.advance(99);
    expect(walks).toEqual([]);
    await clock.advance(1);
    expect(walks).toEqual([['/in/a', '/in/c']]);
    await clock.advance(1000);
    expect(walks).toEqual([
      ['/in/a', '/in/c'],
      ['/in/a', '/in/c'],
    ]);
    expect(clock.pending).toBe(0);
  });

  it('walks nothing after clear()', async () => {
    const clock = new ManualClock();
    const walks: string[][] = [];
    const rewalk = new NewFolderRewalk(clock, async (f) => void walks.push(f), [100, 1000]);
    rewalk.add('/in/a');
    rewalk.clear();
    await clock.advance(5000);
    expect(walks).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
