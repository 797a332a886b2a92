import { describe, expect, it } from 'vitest';
import { splitMediaPath } from '../../../../src/main/headless/web/media-route';
import { isMediaPath } from '../../../../src/main/headless/web/routes';

describe('splitMediaPath', () => {
  const cases: [string, { presented: string; route: string }][] = [
    ['/media/KEY/original/7', { presented: 'KEY', route: '/original/7' }],
    ['/media/KEY/thumb/7', { presented: 'KEY', route: '/thumb/7' }],
    ['/media/KEY', { presented: 'KEY', route: '' }],
    ['/media/KEY/', { presented: 'KEY', route: '/' }],
    ['/media/', { presented: '', route: '' }],
    ['/media', { presented: '', route: '' }],
    ['/media//original/7', { presented: '', route: '/original/7' }],
  ];
  it.each(cases)('%s', (path, expected) => {
    expect(isMediaPath(path)).toBe(true);
    expect(splitMediaPath(path)).toEqual(expected);
  });
});
