import { describe, expect, it } from 'vitest';
import type { EventName } from '../../../../src/shared/contract';
import {
  HARD_BUFFER_LIMIT,
  SOFT_BUFFER_LIMIT,
  backpressure,
  decodeClientMessage,
  idOf,
  type Backpressure,
} from '../../../../src/main/headless/web/ws-protocol';

describe('backpressure', () => {
  const cases: [EventName, number, Backpressure][] = [
    ['progress', 0, 'send'],
    ['progress', SOFT_BUFFER_LIMIT, 'send'],
    ['progress', SOFT_BUFFER_LIMIT + 1, 'skip'],
    ['jobsChanged', SOFT_BUFFER_LIMIT + 1, 'send'],
    ['status', SOFT_BUFFER_LIMIT + 1, 'send'],
    ['openJob', SOFT_BUFFER_LIMIT + 1, 'send'],
    ['jobsChanged', HARD_BUFFER_LIMIT, 'send'],
    ['jobsChanged', HARD_BUFFER_LIMIT + 1, 'drop'],
    ['progress', HARD_BUFFER_LIMIT + 1, 'drop'],
    ['status', HARD_BUFFER_LIMIT + 1, 'drop'],
  ];
  it.each(cases)('%s with %i bytes waiting: %s', (event, buffered, expected) => {
    expect(backpressure(event, buffered)).toBe(expected);
  });

  it('skips before it drops', () => {
    expect(SOFT_BUFFER_LIMIT).toBeLessThan(HARD_BUFFER_LIMIT);
  });
});

describe('decodeClientMessage', () => {
  it('reads a command', () => {
    expect(decodeClientMessage('{"id":3,"command":"getStatus","args":[]}')).toEqual({
      ok: true,
      message: { id: 3, command: 'getStatus', args: [] },
    });
  });

  it('reads a subscription', () => {
    expect(decodeClientMessage('{"subscribe":["status"]}')).toEqual({
      ok: true,
      message: { subscribe: ['status'] },
    });
  });

  const bad: [string, string | null, number | null][] = [
    ['binary', null, null],
    ['not JSON', 'hello', null],
    ['JSON without an id', '{"command":"getStatus"}', null],
    ['a negative id cannot be answered', '{"id":-1,"command":1}', null],
    ['a fractional id cannot be answered', '{"id":1.5,"command":1}', null],
    ['a bad command with an id is answered', '{"id":7,"command":42,"args":[]}', 7],
    ['a bad subscription with an id is answered', '{"id":8,"subscribe":"all"}', 8],
  ];
  it.each(bad)('%s: BAD_MESSAGE, answered to id %s', (_name, text, id) => {
    const decoded = decodeClientMessage(text);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.id).toBe(id);
    expect(decoded.error.code).toBe('BAD_MESSAGE');
    expect(decoded.error.message.length).toBeGreaterThan(0);
  });

  it('says a binary message is not part of the protocol', () => {
    expect(decodeClientMessage(null)).toMatchObject({
      ok: false,
      error: { message: 'Binary messages are not part of the protocol.' },
    });
  });

  it('idOf finds no id in text that is not JSON', () => {
    expect(idOf('{"id": 4')).toBeNull();
    expect(idOf('[4]')).toBeNull();
    expect(idOf('{"id": 4}')).toBe(4);
  });
});
