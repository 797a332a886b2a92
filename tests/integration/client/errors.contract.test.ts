/**
 * Every error code of both families, answered by the simulator for real causes (wrong secret,
 * missing permission, used-up quota, no credits), arrives as an AuthentaError of the right kind
 * and is never retried.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthentaClient, type ApiCall } from '../../../src/main/core/api/authenta-client';
import { AuthentaError } from '../../../src/main/core/api/errors';
import { withRetry } from '../../../src/main/core/api/retry-policy';
import type { Credentials } from '../../../src/main/core/ports';
import { startSimulator, type Simulator } from '../../../src/main/sim/index';

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ processingMs: 30 });
});
afterEach(async () => {
  await sim.close();
});

const body = { name: 'a.jpg', contentType: 'image/jpeg', size: 100, modelType: 'AC-1' };

async function failure(p: Promise<unknown>): Promise<AuthentaError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AuthentaError);
    return e as AuthentaError;
  }
  throw new Error('expected the call to fail');
}

function client(credentials: Credentials, calls: ApiCall[] = []): AuthentaClient {
  return new AuthentaClient({ baseUrl: sim.url, credentials, onCall: (c) => calls.push(c) });
}

const good = (): Credentials => ({ kind: 'client', ...sim.credentials });

describe('client-credentials family {code, type, message}', () => {
  it('IAM001: a wrong secret', async () => {
    const e = await failure(
      client({ kind: 'client', clientId: sim.credentials.clientId, clientSecret: 'wrong' }).listMedia({
        limit: 1,
        offset: 0,
      }),
    );
    expect(e).toMatchObject({ code: 'IAM001', kind: 'auth', status: 401 });
    expect(e.message).toMatch(/client ID or secret/);
  });

  it('IAM001: an unknown client id', async () => {
    const e = await failure(
      client({ kind: 'client', clientId: 'nobody', clientSecret: 'x' }).createMedia(body),
    );
    expect(e).toMatchObject({ code: 'IAM001', kind: 'auth' });
  });

  it('IAM002: a key without write permission creating a record', async () => {
    const readOnly = sim.addCredentials({
      clientId: 'reader',
      clientSecret: 'reader-secret-123',
      permissions: ['read'],
    });
    const c = client({ kind: 'client', ...readOnly });
    await c.listMedia({ limit: 1, offset: 0 });
    const e = await failure(c.createMedia(body));
    expect(e).toMatchObject({ code: 'IAM002', kind: 'permission', status: 403 });
  });

  it('IAM002: a key without delete permission deleting a record', async () => {
    const writer = sim.addCredentials({
      clientId: 'writer',
      clientSecret: 'writer-secret-123',
      permissions: ['read', 'write'],
    });
    const c = client({ kind: 'client', ...writer });
    const { data } = await c.createMedia(body);
    const e = await failure(c.deleteMedia(data.mid));
    expect(e).toMatchObject({ code: 'IAM002', kind: 'permission', mid: data.mid });
  });

  it('AA001: the Query quota used up, on a GET', async () => {
    sim.setQuota({ query: 2 });
    const calls: ApiCall[] = [];
    const c = client(good(), calls);
    await c.listMedia({ limit: 1, offset: 0 });
    await c.listMedia({ limit: 1, offset: 0 });
    const e = await failure(c.listMedia({ limit: 1, offset: 0 }));
    expect(e).toMatchObject({ code: 'AA001', kind: 'quota', quota: 'query', status: 429 });
    expect(e.message).toMatch(/Query quota/);
    // Mutations still work: the quotas are separate.
    await c.createMedia(body);
    expect(calls.map((x) => `${x.kind}:${x.code ?? 'ok'}`)).toEqual([
      'query:ok',
      'query:ok',
      'query:AA001',
      'mutation:ok',
    ]);
  });

  it('AA001: the Mutation quota used up, on a POST and a DELETE', async () => {
    sim.setQuota({ mutation: 1 });
    const c = client(good());
    const { data } = await c.createMedia(body);
    expect(await failure(c.createMedia(body))).toMatchObject({ code: 'AA001', quota: 'mutation' });
    expect(await failure(c.deleteMedia(data.mid))).toMatchObject({
      code: 'AA001',
      quota: 'mutation',
      mid: data.mid,
    });
    await c.getMedia(data.mid);
  });

  it('U007: no credits left', async () => {
    sim.setCredits(0);
    const e = await failure(client(good()).createMedia(body));
    expect(e).toMatchObject({ code: 'U007', kind: 'credits', status: 400 });
    expect(e.action).toMatch(/credits/);
  });
});

describe('API-key family {code, statusCode, message}', () => {
  it('INVALID_API_KEY: an unknown key', async () => {
    const e = await failure(client({ kind: 'apikey', apiKey: 'api_apikey_not_a_real_one' }).getMedia('abc'));
    expect(e).toMatchObject({ code: 'INVALID_API_KEY', kind: 'auth', status: 401 });
  });

  it('FORBIDDEN: a read-only key creating a record', async () => {
    const key = sim.addApiKey({ permissions: ['read'] });
    const e = await failure(client({ kind: 'apikey', apiKey: key }).createMedia(body));
    expect(e).toMatchObject({ code: 'FORBIDDEN', kind: 'permission', status: 403 });
  });

  it('INSUFFICIENT_BALANCE: no credits left', async () => {
    sim.setCredits(0);
    const e = await failure(client({ kind: 'apikey', apiKey: sim.apiKey }).createMedia(body));
    expect(e).toMatchObject({ code: 'INSUFFICIENT_BALANCE', kind: 'credits', status: 402 });
  });

  it('a missing record is not-found', async () => {
    const e = await failure(
      client({ kind: 'apikey', apiKey: sim.apiKey }).getMedia('000000000000000000000000'),
    );
    expect(e).toMatchObject({ kind: 'not-found', status: 404, mid: '000000000000000000000000' });
  });
});

describe('bad requests', () => {
  it('a model that does not fit the media is invalid, with the server message', async () => {
    const e = await failure(client(good()).createMedia({ ...body, modelType: 'DF-1' }));
    expect(e).toMatchObject({ code: 'V001', kind: 'invalid', status: 400 });
    expect(e.message).toMatch(/DF-1/);
  });
});

describe('none of these is retried', () => {
  it.each<[string, () => Promise<unknown>]>([
    [
      'IAM001',
      () => client({ kind: 'client', clientId: 'x', clientSecret: 'y' }).listMedia({ limit: 1, offset: 0 }),
    ],
    ['U007', () => (sim.setCredits(0), client(good()).createMedia(body))],
    ['AA001', () => (sim.setQuota({ query: 0 }), client(good()).getMedia('m'))],
    [
      'FORBIDDEN',
      () =>
        client({ kind: 'apikey', apiKey: sim.addApiKey({ permissions: [] }) }).listMedia({
          limit: 1,
          offset: 0,
        }),
    ],
  ])('%s reaches the server once', async (code, call) => {
    const before = sim.requests.length;
    const e = await failure(withRetry(() => call(), { random: () => 0 }));
    expect(e.code).toBe(code);
    expect(sim.requests.length - before).toBe(1);
  });
});
