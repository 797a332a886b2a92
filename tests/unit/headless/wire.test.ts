import { describe, expect, it } from 'vitest';
import { parseClientMessage, parseServerMessage, WireProtocolError } from '../../../src/shared/wire';

describe('parseClientMessage', () => {
  it.each([
    ['{"id":1,"command":"getStatus","args":[]}', { id: 1, command: 'getStatus', args: [] }],
    ['{"subscribe":["status","jobsChanged"]}', { subscribe: ['status', 'jobsChanged'] }],
    ['{"subscribe":[]}', { subscribe: [] }],
  ])('accepts %s', (text, parsed) => expect(parseClientMessage(text)).toEqual(parsed));

  it.each([
    ['not json', /not JSON/],
    ['[]', /Expected \{id, command, args\}/],
    ['{"id":-1,"command":"getStatus","args":[]}', /Expected/],
    ['{"id":1.5,"command":"getStatus","args":[]}', /Expected/],
    ['{"id":1,"command":"getStatus"}', /Expected/],
    ['{"id":1,"command":"getStatus","args":{}}', /Expected/],
    ['{"id":1,"command":"","args":[]}', /Expected/],
    ['{"subscribe":["nope"]}', /Invalid subscription/],
    ['{"subscribe":"status"}', /Invalid subscription/],
  ])('refuses %s', (text, message) => {
    expect(() => parseClientMessage(text)).toThrow(WireProtocolError);
    expect(() => parseClientMessage(text)).toThrow(message);
  });
});

describe('parseServerMessage', () => {
  it.each([
    '{"id":3,"ok":true,"result":{"a":1}}',
    '{"id":3,"ok":true}',
    '{"id":3,"ok":false,"error":{"message":"m","code":null}}',
    '{"event":"openJob","payload":5}',
    '{"hello":{"protocol":1,"capabilities":{"host":"web"},"maxUploadBytes":10}}',
  ])('accepts %s', (text) => expect(parseServerMessage(text)).toEqual(JSON.parse(text)));

  it('keeps only the fields the protocol names, as a schema would', () => {
    expect(parseServerMessage('{"id":3,"ok":true,"result":[1],"extra":2}')).toEqual({
      id: 3,
      ok: true,
      result: [1],
    });
    expect(
      parseServerMessage('{"id":4,"ok":false,"error":{"message":"m","code":"U007","stack":"x"}}'),
    ).toEqual({
      id: 4,
      ok: false,
      error: { message: 'm', code: 'U007' },
    });
  });

  it.each([
    'junk',
    '{"id":3}',
    '{"id":3,"ok":false}',
    '{"event":"other","payload":1}',
    'null',
    '[1]',
    '{"id":-1,"ok":true}',
    '{"id":1.5,"ok":true}',
    '{"id":3,"ok":false,"error":{"message":"m","code":7}}',
    '{"hello":{"protocol":1,"maxUploadBytes":10}}',
  ])('ignores %s', (text) => expect(parseServerMessage(text)).toBeNull());
});
