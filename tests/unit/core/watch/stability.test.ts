import { describe, expect, it } from 'vitest';
import { nextSweepAt, stabilityStep } from '../../../../src/main/core/watch/stability';

describe('stabilityStep', () => {
  const waiting = { size: 100, mtimeMs: 5_000, checkAt: 10_000 };
  it.each([
    ['unchanged, window over', { size: 100, mtimeMs: 5_000 }, 10_000, 'ready'],
    ['unchanged, long after the window', { size: 100, mtimeMs: 5_000 }, 99_000, 'ready'],
    ['unchanged, window not over', { size: 100, mtimeMs: 5_000 }, 9_999, 'wait'],
    ['grew', { size: 101, mtimeMs: 5_000 }, 10_000, 'changed'],
    ['shrank (rewritten)', { size: 50, mtimeMs: 5_000 }, 10_000, 'changed'],
    ['same size, touched', { size: 100, mtimeMs: 5_001 }, 10_000, 'changed'],
    ['same size, mtime set back (copy preserving times)', { size: 100, mtimeMs: 1_000 }, 10_000, 'changed'],
  ] as const)('%s: %s', (_case, observed, now, expected) => {
    expect(stabilityStep(waiting, observed, now)).toBe(expected);
  });
});

describe('nextSweepAt', () => {
  it.each([
    [[], null],
    [[{ size: 1, mtimeMs: 1, checkAt: 500 }], 500],
    [
      [
        { size: 1, mtimeMs: 1, checkAt: 900 },
        { size: 1, mtimeMs: 1, checkAt: 300 },
        { size: 1, mtimeMs: 1, checkAt: 700 },
      ],
      300,
    ],
  ])('%j: %s', (waiting, expected) => {
    expect(nextSweepAt(waiting)).toBe(expected);
  });
});
