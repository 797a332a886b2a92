import { describe, expect, it } from 'vitest';
import { formatRate, parseRate, UploadRateLimiter } from '../../../../src/main/core/api/upload-rate';
import { ManualClock } from '../../main/manual-clock';

/** Lets every settled take's continuation run (the ManualClock does not move meanwhile). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs `uploads` (each a list of chunk sizes, sent one after another) against one limiter and
 * returns when, after the start, each chunk was let through, per upload.
 */
async function run(
  clock: ManualClock,
  limiter: UploadRateLimiter,
  uploads: number[][],
  until: number,
  onTick?: (t: number) => void,
): Promise<number[][]> {
  const start = clock.now();
  const times: number[][] = uploads.map(() => []);
  uploads.forEach((chunks, u) => {
    void (async () => {
      for (const bytes of chunks) {
        await limiter.take(bytes);
        times[u]!.push(clock.now() - start);
      }
    })();
  });
  await flush();
  for (let t = 10; t <= until; t += 10) {
    clock.advance(10);
    onTick?.(t);
    await flush();
  }
  return times;
}

describe('UploadRateLimiter', () => {
  it.each([
    // rate (B/s), chunk size, chunks: the last chunk may go after (chunks - 1) * chunk / rate
    [1000, 100, 10, 900],
    [2_000_000, 262_144, 8, 917],
    [500_000, 262_144, 4, 1573],
  ])('at %i B/s, %i-byte chunks go one per chunk/rate: the %i-th at %i ms', async (rate, chunk, n, last) => {
    const clock = new ManualClock();
    const limiter = new UploadRateLimiter(clock, rate);
    const [times] = await run(clock, limiter, [Array<number>(n).fill(chunk)], 5000);
    expect(times).toHaveLength(n);
    expect(times![0]).toBe(0);
    // The timer resolution of the run is 10 ms.
    expect(times!.at(-1)).toBeGreaterThanOrEqual(last);
    expect(times!.at(-1)).toBeLessThan(last + 10);
  });

  it('two uploads share one cap evenly: together they get the rate, each about half', async () => {
    const clock = new ManualClock();
    const limiter = new UploadRateLimiter(clock, 100_000);
    const [a, b] = await run(clock, limiter, [Array(100).fill(10_000), Array(100).fill(10_000)], 5000);
    // 5 s at 100 kB/s = 500 kB = 50 chunks (+1 that goes at once), split between the two.
    const sent = a!.length + b!.length;
    expect(sent).toBeGreaterThanOrEqual(50);
    expect(sent).toBeLessThanOrEqual(51);
    expect(Math.abs(a!.length - b!.length)).toBeLessThanOrEqual(1);
  });

  it('0 means no cap: everything goes at once', async () => {
    const clock = new ManualClock();
    const limiter = new UploadRateLimiter(clock, 0);
    const [times] = await run(clock, limiter, [Array(1000).fill(1_000_000)], 0);
    expect(times).toHaveLength(1000);
    expect(new Set(times)).toEqual(new Set([0]));
  });

  it('a changed rate applies at once, to chunks already waiting', async () => {
    const clock = new ManualClock();
    const limiter = new UploadRateLimiter(clock, 1000);
    // 1000-byte chunks: one per second at 1000 B/s; after 2 s the cap rises to 10 000 B/s.
    const [times] = await run(clock, limiter, [Array(12).fill(1000)], 4000, (t) => {
      if (t === 2000) limiter.setRate(10_000);
    });
    expect(times!.slice(0, 3)).toEqual([0, 1000, 2000]);
    // After the change: one per 100 ms.
    expect(times![3]! - times![2]!).toBeLessThanOrEqual(110);
    expect(times).toHaveLength(12);
    expect(times!.at(-1)).toBeLessThanOrEqual(3000);
  });

  it('lifting the cap (0) lets every waiting chunk go; lowering it slows the next', async () => {
    const clock = new ManualClock();
    const limiter = new UploadRateLimiter(clock, 1000);
    const [times] = await run(clock, limiter, [Array(5).fill(1000)], 600, (t) => {
      if (t === 500) limiter.setRate(0);
    });
    expect(times).toEqual([0, 500, 500, 500, 500]);

    const slow = new UploadRateLimiter(clock, 10_000);
    const [later] = await run(clock, slow, [Array(3).fill(1000)], 3000, (t) => {
      if (t === 50) slow.setRate(1000); // 50 ms of the first 100 ms left: now 500 ms
    });
    expect(later).toEqual([0, 550, 1550]);
  });

  it('a cancelled upload stops waiting with ABORTED and leaves its place to the others', async () => {
    const clock = new ManualClock();
    const limiter = new UploadRateLimiter(clock, 1000);
    await limiter.take(1000);
    const ctrl = new AbortController();
    const waiting = limiter.take(1000, ctrl.signal);
    ctrl.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    const other = limiter.take(1000).then(() => clock.now());
    clock.advance(1000);
    await expect(other).resolves.toBe(1_001_000);
  });
});

describe('parseRate', () => {
  it.each([
    ['0', 0],
    ['500', 500],
    ['500k', 500_000],
    ['500K', 500_000],
    ['2M', 2_000_000],
    ['1.5MB/s', 1_500_000],
    ['2 mb', 2_000_000],
    ['1G', 1_000_000_000],
    ['10kbps', 10_000],
  ])('%s is %i bytes per second', (text, rate) => {
    expect(parseRate(text)).toBe(rate);
  });
  it.each(['', 'fast', '-1', '2T', '1,5M', 'M'])('%j is not a rate', (text) => {
    expect(parseRate(text)).toBeNull();
  });
});

describe('formatRate', () => {
  it.each([
    [0, 'no cap'],
    [500, '500 B/s'],
    [500_000, '500 kB/s'],
    [2_000_000, '2 MB/s'],
    [1_250_000, '1.25 MB/s'],
  ])('%i is %s', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });
});
