import { describe, expect, it } from 'vitest';
import {
  baseName,
  countOf,
  describeVerdict,
  errorText,
  formatBytes,
  formatDateTime,
  formatDuration,
  formatFaces,
  formatPercent,
  formatTime,
  timelineStamps,
} from '../../../../src/renderer/src/lib/format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [-5, '0 B'],
    [Number.NaN, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [10 * 1024, '10 KB'],
    [5.25 * 1024 ** 2, '5.3 MB'],
    [120 * 1024 ** 2, '120 MB'],
    [3 * 1024 ** 3, '3.0 GB'],
    [2 * 1024 ** 5, '2048 TB'],
  ])('%s bytes reads "%s"', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, 'under 1 s'],
    [999, 'under 1 s'],
    [Number.POSITIVE_INFINITY, 'under 1 s'],
    [1000, '1 s'],
    [42_400, '42 s'],
    [60_000, '1 min'],
    [185_000, '3 min 5 s'],
    [3_600_000, '1 h'],
    [4_800_000, '1 h 20 min'],
  ])('%s ms reads "%s"', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatPercent', () => {
  it.each([
    [0, '0%'],
    [0.973, '97%'],
    [0.995, '100%'],
    [1, '100%'],
    [1.4, '100%'],
    [-0.2, '0%'],
  ])('%s reads "%s"', (fraction, text) => {
    expect(formatPercent(fraction)).toBe(text);
  });
});

describe('countOf', () => {
  it.each([
    ['0 queries', 0, 'query', 'queries'],
    ['1 query', 1, 'query', 'queries'],
    ['2 queries', 2, 'query', 'queries'],
    ['1 mutation', 1, 'mutation', undefined],
    ['1,234 files', 1234, 'file', undefined],
    ['1 face', 1, 'face', undefined],
  ])('reads "%s"', (text, n, singular, plural) => {
    expect(countOf(n, singular, plural, 'en-US')).toBe(text);
  });
});

describe('faces and verdicts', () => {
  it.each([
    [{ label: 'fake' as const, faces: 3, deepFakes: 1 }, '1/3 faces fake'],
    [{ label: 'authentic' as const, faces: 2 }, '0/2 faces fake'],
    [{ label: 'authentic' as const, faces: 1, deepFakes: 0 }, '0/1 face fake'],
    [{ label: 'fake' as const, faces: 1, deepFakes: 1 }, '1/1 face fake'],
    [{ label: 'inconclusive' as const, faces: 0, deepFakes: 0 }, 'no face'],
    [{ label: 'fake' as const, confidence: 0.9 }, null],
  ])('%o shows faces as %s', (verdict, text) => {
    expect(formatFaces(verdict)).toBe(text);
  });

  it('describes a verdict in words for screen readers', () => {
    expect(describeVerdict({ label: 'fake', confidence: 0.97, faces: 3, deepFakes: 1 })).toBe(
      'Fake, 97% confidence, 1/3 faces fake',
    );
    expect(describeVerdict({ label: 'authentic' })).toBe('Authentic');
  });
});

describe('formatTime', () => {
  const now = new Date(2025, 2, 12, 18, 0).getTime();
  it('shows only the clock time today', () => {
    const text = formatTime(new Date(2025, 2, 12, 14, 5).getTime(), now, 'en-GB');
    expect(text).toBe('14:05');
  });
  it('adds the day earlier this year', () => {
    const text = formatTime(new Date(2025, 0, 3, 9, 7).getTime(), now, 'en-GB');
    expect(text).toContain('3 Jan');
    expect(text).toContain('09:07');
  });
  it('shows the date in an earlier year', () => {
    expect(formatTime(new Date(2023, 10, 30, 9, 7).getTime(), now, 'en-GB')).toBe('30 Nov 2023');
  });
});

describe('formatTime and formatDateTime with cached formatters', () => {
  const now = new Date(2025, 2, 12, 18, 0).getTime();
  const moments = [
    new Date(2025, 2, 12, 7, 3),
    new Date(2025, 0, 3, 21, 7, 9),
    new Date(2021, 6, 1, 0, 0, 5),
  ];
  it.each(['en-GB', 'en-US', 'de-DE', 'ja-JP'])(
    'writes what toLocaleString writes (%s), call after call',
    (locale) => {
      for (let round = 0; round < 2; round++) {
        for (const d of moments) {
          expect(formatDateTime(d.getTime(), locale)).toBe(
            d.toLocaleString(locale, {
              year: 'numeric',
              month: 'short',
              day: 'numeric',
              hour: '2-digit',
              minute: '2-digit',
              second: '2-digit',
            }),
          );
        }
        expect(formatTime(moments[0]!.getTime(), now, locale)).toBe(
          moments[0]!.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }),
        );
        expect(formatTime(moments[1]!.getTime(), now, locale)).toBe(
          moments[1]!.toLocaleString(locale, {
            day: 'numeric',
            month: 'short',
            hour: '2-digit',
            minute: '2-digit',
          }),
        );
        expect(formatTime(moments[2]!.getTime(), now, locale)).toBe(
          moments[2]!.toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' }),
        );
      }
    },
  );
});

describe('baseName and errorText', () => {
  it.each([
    ['/watch/inbox', 'inbox'],
    ['/watch/inbox/', 'inbox'],
    ['C:\\Users\\desk\\Drop', 'Drop'],
    ['relative', 'relative'],
    ['/', '/'],
  ])('baseName(%s) is %s', (path, name) => {
    expect(baseName(path)).toBe(name);
  });

  it('reads messages from errors, wire failures and anything else', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText({ name: 'AuthentaWatchError', message: 'IAM001: bad secret', code: 'IAM001' })).toBe(
      'IAM001: bad secret',
    );
    expect(errorText('plain')).toBe('plain');
  });
});

describe('timelineStamps', () => {
  it('gives the date where the day changes and the clock time otherwise', () => {
    const day1 = new Date(2025, 2, 12, 23, 59, 58).getTime();
    const stamps = timelineStamps([day1, day1 + 1000, day1 + 3000], 'en-GB');
    expect(stamps[0]).toContain('2025');
    expect(stamps[1]).toBe('23:59:59');
    expect(stamps[2]).toContain('13 Mar 2025');
    expect(timelineStamps([])).toEqual([]);
  });
});
