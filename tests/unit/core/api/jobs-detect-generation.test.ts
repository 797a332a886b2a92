import { describe, expect, it } from 'vitest';
import { decideGeneration, probeOrder, type Probe } from '../../../../src/main/core/api/detect-generation';
import type { ApiGeneration } from '../../../../src/shared/domain';

const BASE = 'https://platform.authenta.ai/api';

const ok = (generation: ApiGeneration): Probe => ({
  generation,
  ok: true,
  status: 200,
  code: null,
  kind: null,
  message: null,
  action: null,
});
const refused = (generation: ApiGeneration, status: number | null, code: string, message: string): Probe => ({
  generation,
  ok: false,
  status,
  code,
  kind: status === null ? 'transient' : status === 404 ? 'not-found' : 'auth',
  message,
  action: status === null ? 'Nothing to do if the network comes back.' : 'Check the API key.',
});

describe('probeOrder', () => {
  it.each<['client' | 'apikey', ApiGeneration | undefined, ApiGeneration[]]>([
    ['client', undefined, ['media-client']],
    ['client', 'jobs-v1', ['media-client']],
    ['apikey', undefined, ['jobs-v1', 'media-apikey']],
    ['apikey', 'jobs-v1', ['jobs-v1', 'media-apikey']],
    ['apikey', 'media-client', ['jobs-v1', 'media-apikey']],
    ['apikey', 'media-apikey', ['media-apikey', 'jobs-v1']],
  ])('%s credentials, preferring %s -> %j', (kind, preferred, order) => {
    expect(probeOrder(kind, preferred)).toEqual(order);
  });
});

describe('decideGeneration', () => {
  const notFound = (g: ApiGeneration) => refused(g, 404, 'NOT_FOUND', 'Authenta answered 404: No such route');
  const badKey = (g: ApiGeneration) =>
    refused(g, 401, 'INVALID_API_KEY', 'Authenta did not accept the API key (INVALID_API_KEY: Invalid)');
  const offline = (g: ApiGeneration) =>
    refused(g, null, 'NETWORK', 'Could not reach Authenta (ECONNREFUSED)');

  it.each<
    [string, Probe[], { ok: boolean; generation: ApiGeneration | null; code: string | null; message: RegExp }]
  >([
    [
      'the Jobs API answers',
      [ok('jobs-v1')],
      {
        ok: true,
        generation: 'jobs-v1',
        code: null,
        message: /^Connected: the Jobs API v1 answered at https:\/\/platform/,
      },
    ],
    [
      'only the media API answers an API key',
      [notFound('jobs-v1'), ok('media-apikey')],
      { ok: true, generation: 'media-apikey', code: null, message: /the media API \(API key\) answered/ },
    ],
    [
      'client credentials work',
      [ok('media-client')],
      { ok: true, generation: 'media-client', code: null, message: /client ID and secret/ },
    ],
    [
      'nothing answers at this address',
      [notFound('jobs-v1'), notFound('media-apikey')],
      {
        ok: false,
        generation: null,
        code: 'NOT_FOUND',
        message:
          /^Neither the Jobs API v1 \(\/v1\/jobs\) nor the media API \(API key\) \(\/media\) answered at .*Check the API address/,
      },
    ],
    [
      'the media route is missing for client credentials',
      [notFound('media-client')],
      {
        ok: false,
        generation: null,
        code: 'NOT_FOUND',
        message: /^The media API \(client ID and secret\) \(\/media\) did not answer/,
      },
    ],
    [
      'the server cannot be reached',
      [offline('jobs-v1')],
      {
        ok: false,
        generation: null,
        code: 'NETWORK',
        message: /^Could not reach Authenta at https:.*ECONNREFUSED.*network comes back/,
      },
    ],
    [
      'the key is refused by both APIs',
      [badKey('jobs-v1'), badKey('media-apikey')],
      {
        ok: false,
        generation: null,
        code: 'INVALID_API_KEY',
        message: /did not accept the API key.*Check the API key/,
      },
    ],
    [
      'only the Jobs route exists and it refuses the key',
      [badKey('jobs-v1'), notFound('media-apikey')],
      {
        ok: false,
        generation: 'jobs-v1',
        code: 'INVALID_API_KEY',
        message: /^The server speaks the Jobs API v1, but refused/,
      },
    ],
    [
      'only the media route exists and it refuses the key',
      [notFound('jobs-v1'), badKey('media-apikey')],
      {
        ok: false,
        generation: 'media-apikey',
        code: 'INVALID_API_KEY',
        message: /speaks the media API \(API key\)/,
      },
    ],
    [
      'client credentials refused',
      [refused('media-client', 401, 'IAM001', 'Authenta did not accept the client ID or secret')],
      { ok: false, generation: 'media-client', code: 'IAM001', message: /client ID or secret/ },
    ],
    ['no probe at all', [], { ok: false, generation: null, code: 'NOT_FOUND', message: /did not answer/ }],
  ])('%s', (_name, probes, expected) => {
    const result = decideGeneration(probes, BASE);
    expect(result).toMatchObject({ ok: expected.ok, generation: expected.generation, code: expected.code });
    expect(result.message).toMatch(expected.message);
    expect(result.probes).toEqual(probes);
  });
});
