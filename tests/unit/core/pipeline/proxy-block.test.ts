/** The proxy's refusals stop the queue with a 'proxy' block that says what to do, tested again by one call. */
import { describe, expect, it } from 'vitest';
import { proxyAnswerError } from '../../../../src/main/core/api/error-mapping';
import {
  blockOrder,
  decideOnError,
  describeBlock,
  isBlocked,
  PROXY_RECHECK_MS,
} from '../../../../src/main/core/pipeline/error-policy';

const target = new URL('https://api.authenta.ai/api/media');

describe('a proxy error', () => {
  it.each(['create', 'upload', 'finalize', 'get', 'list'] as const)(
    'during %s blocks the queue (kind proxy), tested again after a while',
    (op) => {
      const error = proxyAnswerError(407, 'http://desk:pw@proxy.desk:3128', target);
      const outcome = decideOnError(op, error, 1, () => 0.5);
      expect(outcome).toEqual({ type: 'block', block: 'proxy' });
      const order = blockOrder(outcome, error, 1000, 60_000);
      expect(order).toMatchObject({ kind: 'proxy', retryAt: 1000 + PROXY_RECHECK_MS });
      const block = describeBlock('proxy', order!.error, 1000, order!.retryAt);
      expect(block.message).toBe(
        'The proxy proxy.desk:3128 did not accept its user name and password (407 Proxy Authentication Required). Nothing is sent until the proxy lets it through.',
      );
      expect(block.action).toBe(error.action);
      expect(`${block.message}${block.action}`).not.toContain('pw');
      expect(isBlocked(op, [block])).toBe(true);
    },
  );

  it('a refused tunnel names the host to allow', () => {
    const error = proxyAnswerError(403, 'http://proxy.desk:3128', target);
    expect(error).toMatchObject({ code: 'PROXY_REFUSED', kind: 'proxy', status: 403 });
    expect(error.message).toBe('The proxy proxy.desk:3128 refused to connect to api.authenta.ai (HTTP 403)');
    expect(error.action).toContain('allow api.authenta.ai through the proxy');
  });
});
