import { describe, expect, it } from 'vitest';
import { rowsPerPage, scrollTopFor, visibleRange } from '../../../../src/renderer/src/lib/virtual-range';

describe('visibleRange', () => {
  it.each([
    // scrollTop, viewport, rowHeight, count, overscan -> start, end
    { top: 0, vh: 360, rh: 36, count: 10_000, over: 0, start: 0, end: 10 },
    { top: 0, vh: 360, rh: 36, count: 10_000, over: 5, start: 0, end: 15 },
    { top: 3600, vh: 360, rh: 36, count: 10_000, over: 5, start: 95, end: 115 },
    { top: 3610, vh: 360, rh: 36, count: 10_000, over: 0, start: 100, end: 111 },
    // Scrolled past the end (the list shrank): clamp to the last screen.
    { top: 999_999, vh: 360, rh: 36, count: 100, over: 2, start: 88, end: 100 },
    { top: -50, vh: 360, rh: 36, count: 100, over: 0, start: 0, end: 10 },
    { top: 0, vh: 360, rh: 36, count: 3, over: 6, start: 0, end: 3 },
    { top: 0, vh: 360, rh: 36, count: 0, over: 6, start: 0, end: 0 },
    // No layout yet: still at least one row.
    { top: 0, vh: 0, rh: 36, count: 50, over: 0, start: 0, end: 1 },
  ])('top $top, viewport $vh, $count rows -> [$start, $end)', ({ top, vh, rh, count, over, start, end }) => {
    const range = visibleRange(top, vh, rh, count, over);
    expect(range.start).toBe(start);
    expect(range.end).toBe(end);
    expect(range.offsetTop).toBe(start * rh);
    expect(range.totalHeight).toBe(count * rh);
  });

  it('renders a bounded number of rows for any list size', () => {
    for (const count of [100, 10_000, 1_000_000]) {
      const range = visibleRange(count * 18, 720, 36, count);
      expect(range.end - range.start).toBeLessThanOrEqual(720 / 36 + 1 + 12);
    }
  });
});

describe('scrollTopFor', () => {
  it.each([
    { index: 5, top: 0, expected: 0 }, // visible: stay
    { index: 10, top: 0, expected: 36 }, // just below: scroll by one row
    { index: 50, top: 0, expected: 50 * 36 + 36 - 360 }, // far below: bottom-align
    { index: 2, top: 360, expected: 72 }, // above: top-align
    { index: 0, top: 100, expected: 0 },
  ])('row $index from top $top -> $expected', ({ index, top, expected }) => {
    expect(scrollTopFor(index, top, 360, 36)).toBe(expected);
  });
});

describe('rowsPerPage', () => {
  it.each([
    [360, 36, 10],
    [370, 36, 10],
    [10, 36, 1],
    [0, 36, 1],
  ])('viewport %s with rows of %s -> %s', (vh, rh, rows) => {
    expect(rowsPerPage(vh, rh)).toBe(rows);
  });
});
