import { describe, expect, it } from 'vitest';
import { parseDay, reportFileName, startOfDay } from '../../../../src/renderer/src/lib/dates';

describe('dates', () => {
  it('finds local midnight', () => {
    expect(startOfDay(new Date(2025, 2, 12, 18, 30, 5).getTime())).toBe(new Date(2025, 2, 12).getTime());
  });

  it.each([
    ['2025-03-12', false, new Date(2025, 2, 12).getTime()],
    ['2025-03-12', true, new Date(2025, 2, 13).getTime() - 1],
    ['2025-12-31', true, new Date(2026, 0, 1).getTime() - 1],
    ['', false, null],
    ['12/03/2025', false, null],
  ])('parseDay(%s, end %s)', (value, end, expected) => {
    expect(parseDay(value, end)).toBe(expected);
  });

  it('names reports by local date and time', () => {
    const at = new Date(2025, 2, 5, 9, 7).getTime();
    expect(reportFileName(at, 'csv')).toBe('authenta-report-2025-03-05-0907.csv');
    expect(reportFileName(at, 'json')).toBe('authenta-report-2025-03-05-0907.json');
  });
});
