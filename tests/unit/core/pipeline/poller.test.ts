/**
 * The poller's pure part (shared polling, issue 11): which records share one turn to poll. The
 * poller itself is tested through the engine (tests/integration/engine/polling.test.ts) and, for
 * a team, through desks on one PostgreSQL (tests/integration/team/shared-polling.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ApiGeneration } from '../../../../src/shared/domain';
import { pollScope } from '../../../../src/main/core/pipeline/poller';

describe('pollScope', () => {
  const cases: [string, [string, ApiGeneration | null], [string, ApiGeneration | null], boolean][] = [
    [
      'a client pair and an API key read the same media records',
      ['default', 'media-client'],
      ['default', 'media-apikey'],
      true,
    ],
    [
      'a row written before generations were kept counts as media',
      ['default', null],
      ['default', 'media-apikey'],
      true,
    ],
    ['the Jobs API reads other records', ['default', 'media-apikey'], ['default', 'jobs-v1'], false],
    ['another profile is another account', ['default', 'jobs-v1'], ['archive', 'jobs-v1'], false],
  ];
  it.each(cases)('%s', (_, [p1, g1], [p2, g2], same) => {
    expect(pollScope(p1, g1) === pollScope(p2, g2)).toBe(same);
  });
});
