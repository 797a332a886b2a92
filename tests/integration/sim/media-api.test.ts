/** The simulator's media API over real HTTP: routes, shapes, auth, check order, quotas, credits. */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/main/sim';
import {
  call,
  clientHeaders,
  createMedia,
  fileBytes,
  keyHeaders,
  put,
  screen,
  waitForVerdict,
} from './helpers';

let sims: Simulator[] = [];
async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ processingMs: 30, ...options });
  sims.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

const validBody = { name: 'holiday.jpg', contentType: 'image/jpeg', size: 1234, modelType: 'AC-1' };

describe('POST /media', () => {
  it('creates an INITED record with a pre-signed upload URL on the same server', async () => {
    const sim = await start();
    const r = await call(sim, 'POST', '/media', clientHeaders(sim), {
      ...validBody,
      name: 'clip.mp4',
      contentType: 'video/mp4',
      modelType: 'DF-1',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: 'clip.mp4',
      type: 'Video',
      status: 'INITED',
      modelType: 'DF-1',
      expiresIn: 900,
      simulated: true,
    });
    expect(r.body.mid).toMatch(/^[0-9a-f]{24}$/);
    expect(new Date(r.body.createdAt as string).toISOString()).toBe(r.body.createdAt);
    const upload = new URL(r.body.uploadUrl as string);
    expect(upload.origin).toBe(new URL(sim.url).origin);
    expect(upload.pathname).toBe(`/s3/uploads/${r.body.mid as string}/original.media`);
    expect(upload.searchParams.get('X-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(upload.searchParams.get('X-Expires'))).toBeGreaterThan(Date.now() / 1000 + 800);
  });

  it('answers type Image for image models and gives every record its own mid', async () => {
    const sim = await start();
    const a = await createMedia(sim, { size: 10, contentType: 'image/png', modelType: 'FD-1' });
    const b = await createMedia(sim, { size: 10 });
    expect(a.type).toBe('Image');
    expect(a.mid).not.toBe(b.mid);
  });

  it.each([
    ['not JSON', '{oops', /not valid JSON/],
    ['an array', [], /JSON object/],
    ['no name', { ...validBody, name: undefined }, /"name"/],
    ['an empty name', { ...validBody, name: '  ' }, /"name"/],
    [
      'webp',
      { ...validBody, contentType: 'image/webp' },
      /"contentType" must be one of image\/jpeg, image\/png, video\/mp4/,
    ],
    ['quicktime', { ...validBody, contentType: 'video/quicktime', modelType: 'DF-1' }, /"contentType"/],
    ['size 0', { ...validBody, size: 0 }, /"size" must be a positive integer/],
    ['a fractional size', { ...validBody, size: 1.5 }, /"size"/],
    ['a size as text', { ...validBody, size: '100' }, /"size"/],
    ['an unknown model', { ...validBody, modelType: 'XX-9' }, /"modelType" must be one of DF-1, AC-1, FD-1/],
    ['FI-1 (not simulated)', { ...validBody, modelType: 'FI-1' }, /"modelType"/],
    ['DF-1 for an image', { ...validBody, modelType: 'DF-1' }, /analyses video media.*use AC-1 or FD-1/],
    ['AC-1 for a video', { ...validBody, contentType: 'video/mp4' }, /analyses image media.*use DF-1/],
  ])('refuses %s with 400 V001 and says what to fix', async (_what, body, message) => {
    const sim = await start();
    const r = await call(sim, 'POST', '/media', clientHeaders(sim), body);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'V001', type: 'CLIENT_ERROR' });
    expect(r.body.message).toMatch(message);
    expect(sim.counts().posts).toBe(1);
  });
});

describe('GET /media/:mid and DELETE /media/:mid', () => {
  it('shows the upload URL while INITED and the verdict once PROCESSED', async () => {
    const sim = await start();
    const created = await createMedia(sim, { size: 2048 });
    const before = await call(sim, 'GET', `/media/${created.mid as string}`, clientHeaders(sim));
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ mid: created.mid, status: 'INITED', uploadUrl: created.uploadUrl });
    expect(before.body).not.toHaveProperty('srcURL');
    expect(before.body).not.toHaveProperty('fake');

    expect((await put(created.uploadUrl as string, fileBytes('fake'), 'image/jpeg')).status).toBe(200);
    const done = await waitForVerdict(sim, created.mid as string);
    expect(done).toMatchObject({ status: 'PROCESSED', fake: true, simulated: true });
    expect(done).not.toHaveProperty('uploadUrl');
    expect(done.srcURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/s3\/objects\//);
  });

  it('goes INITED -> UPLOADED -> PROCESSED', async () => {
    const sim = await start({ processingMs: 60_000 });
    const created = await createMedia(sim, { size: 2048 });
    await put(created.uploadUrl as string, fileBytes('real'), 'image/jpeg');
    const r = await call(sim, 'GET', `/media/${created.mid as string}`, clientHeaders(sim));
    expect(r.body.status).toBe('UPLOADED');
    sim.faults.processingMs = 0;
    const other = await createMedia(sim, { size: 2048 });
    await put(other.uploadUrl as string, fileBytes('real'), 'image/jpeg');
    expect((await waitForVerdict(sim, other.mid as string)).status).toBe('PROCESSED');
  });

  it('answers 404 M001 for unknown media, in both error families', async () => {
    const sim = await start();
    const a = await call(sim, 'GET', '/media/000000000000000000000000', clientHeaders(sim));
    expect(a.status).toBe(404);
    expect(a.body).toMatchObject({ code: 'M001', type: 'NOT_FOUND' });
    const b = await call(sim, 'DELETE', '/media/nope', keyHeaders(sim.apiKey));
    expect(b.status).toBe(404);
    expect(b.body).toMatchObject({ code: 'MEDIA_NOT_FOUND', statusCode: 404 });
  });

  it('deletes a record: it is gone from GET and the list, and its upload URL stops working', async () => {
    const sim = await start();
    const created = await createMedia(sim, { size: 16 });
    const del = await call(sim, 'DELETE', `/media/${created.mid as string}`, clientHeaders(sim));
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ mid: created.mid, deleted: true });
    expect((await call(sim, 'GET', `/media/${created.mid as string}`, clientHeaders(sim))).status).toBe(404);
    expect((await call(sim, 'GET', '/media', clientHeaders(sim))).body.total).toBe(0);
    const up = await put(created.uploadUrl as string, Buffer.alloc(16), 'image/jpeg');
    expect(up.status).toBe(404);
    expect(up.text).toContain('<Code>NoSuchUpload</Code>');
  });

  it('answers 404 NOT_FOUND for an unknown route', async () => {
    const sim = await start();
    const r = await call(sim, 'GET', '/nothing-here', clientHeaders(sim));
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('NOT_FOUND');
  });
});

describe('GET /media', () => {
  it('lists newest first with limit and offset, without participants or URLs', async () => {
    const sim = await start();
    const mids: string[] = [];
    for (let i = 0; i < 5; i++)
      mids.push((await createMedia(sim, { name: `f${i}.jpg`, size: 10 })).mid as string);
    const page = await call(sim, 'GET', '/media?limit=2&offset=1', clientHeaders(sim));
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ limit: 2, offset: 1, total: 5 });
    const data = page.body.data as Record<string, unknown>[];
    expect(data.map((d) => d.mid)).toEqual([mids[3], mids[2]]);
    for (const d of data) {
      expect(d).toMatchObject({ type: 'Image', status: 'INITED', modelType: 'AC-1' });
      for (const k of ['participants', 'resultURL', 'srcURL', 'uploadUrl']) expect(d).not.toHaveProperty(k);
    }
    const all = await call(sim, 'GET', '/media', clientHeaders(sim));
    expect(all.body).toMatchObject({ limit: 10, offset: 0, total: 5 });
    expect((all.body.data as unknown[]).length).toBe(5);
    const past = await call(sim, 'GET', '/media?offset=10', clientHeaders(sim));
    expect(past.body.data).toEqual([]);
  });

  it('lists a processed video with faces and deepFakes only', async () => {
    const sim = await start();
    const v = await screen(sim, fileBytes('faces=3,fakes=2'), {
      contentType: 'video/mp4',
      modelType: 'DF-1',
    });
    expect(v).toMatchObject({ faces: 3, deepFakes: 2 });
    const list = await call(sim, 'GET', '/media', clientHeaders(sim));
    const item = (list.body.data as Record<string, unknown>[])[0]!;
    expect(item).toMatchObject({ mid: v.mid, status: 'PROCESSED', faces: 3, deepFakes: 2 });
    expect(item).not.toHaveProperty('participants');
    expect(item).not.toHaveProperty('resultURL');
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'offset=-1'])('refuses %s with 400', async (q) => {
    const sim = await start();
    const r = await call(sim, 'GET', `/media?${q}`, clientHeaders(sim));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('V001');
  });
});

describe('client credentials', () => {
  it.each([
    ['no headers', {}],
    ['an unknown client id', { 'x-client-id': 'who', 'x-client-secret': 'sim-demo-secret-0123456789abcdef' }],
    ['a wrong secret', { 'x-client-id': 'sim-demo-client', 'x-client-secret': 'wrong' }],
    ['no secret', { 'x-client-id': 'sim-demo-client' }],
  ])('answers 401 IAM001 for %s', async (_what, headers) => {
    const sim = await start();
    const r = await call(sim, 'GET', '/media', headers);
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ code: 'IAM001', type: 'UNAUTHENTICATED', message: 'You are not authenticated' });
  });

  it('answers 403 IAM002 when the pair lacks the permission of the route', async () => {
    const sim = await start();
    const readOnly = sim.addCredentials({ clientId: 'ro', clientSecret: 'ro-secret', permissions: ['read'] });
    const noDelete = sim.addCredentials({
      clientId: 'nd',
      clientSecret: 'nd-secret',
      permissions: ['read', 'write'],
    });
    const writeOnly = sim.addCredentials({
      clientId: 'wo',
      clientSecret: 'wo-secret',
      permissions: ['write'],
    });
    const created = await createMedia(sim, { size: 10 }, clientHeaders(sim, noDelete));
    const mid = created.mid as string;
    const iam002 = { code: 'IAM002', type: 'UNAUTHORIZED', message: 'You are not authorized' };

    const del = await call(sim, 'DELETE', `/media/${mid}`, clientHeaders(sim, noDelete));
    expect([del.status, del.body]).toEqual([403, iam002]);
    const post = await call(sim, 'POST', '/media', clientHeaders(sim, readOnly), validBody);
    expect([post.status, post.body]).toEqual([403, iam002]);
    const get = await call(sim, 'GET', `/media/${mid}`, clientHeaders(sim, writeOnly));
    expect([get.status, get.body]).toEqual([403, iam002]);
    expect((await call(sim, 'GET', `/media/${mid}`, clientHeaders(sim, readOnly))).status).toBe(200);
    expect((await call(sim, 'DELETE', `/media/${mid}`, clientHeaders(sim))).status).toBe(200);
  });

  it('accepts pairs given in the options', async () => {
    const sim = await start({ credentials: [{ clientId: 'mine', clientSecret: 's3cr3t-value' }] });
    expect(sim.credentials).toEqual({ clientId: 'mine', clientSecret: 's3cr3t-value' });
    expect((await call(sim, 'GET', '/media', clientHeaders(sim))).status).toBe(200);
    const demo = { 'x-client-id': 'sim-demo-client', 'x-client-secret': 'sim-demo-secret-0123456789abcdef' };
    expect((await call(sim, 'GET', '/media', demo)).status).toBe(401);
  });
});

describe('check order: client id, secret, permission, quota, credits', () => {
  it('reports the first failing check', async () => {
    const sim = await start({ quota: { query: 0, mutation: 0 }, credits: 0 });
    const noWrite = sim.addCredentials({ clientId: 'ro', clientSecret: 'ro-secret', permissions: ['read'] });
    // Everything wrong at once: an unknown id wins.
    let r = await call(sim, 'POST', '/media', { 'x-client-id': 'ghost', 'x-client-secret': 'x' }, validBody);
    expect(r.body.code).toBe('IAM001');
    // Right id, wrong secret: still IAM001, before the permission check.
    r = await call(sim, 'POST', '/media', { 'x-client-id': 'ro', 'x-client-secret': 'x' }, validBody);
    expect(r.body.code).toBe('IAM001');
    // Authenticated, lacking permission, quota and credits gone: permission first.
    r = await call(sim, 'POST', '/media', clientHeaders(sim, noWrite), validBody);
    expect(r.body.code).toBe('IAM002');
    // Permitted, quota and credits gone: quota first.
    r = await call(sim, 'POST', '/media', clientHeaders(sim), validBody);
    expect([r.status, r.body]).toEqual([
      429,
      { code: 'AA001', type: 'CLIENT_ERROR', message: 'API limit reached' },
    ]);
    // Quota back, credits still gone: credits.
    sim.setQuota({});
    r = await call(sim, 'POST', '/media', clientHeaders(sim), validBody);
    expect([r.status, r.body]).toEqual([
      400,
      { code: 'U007', type: 'CLIENT_ERROR', message: 'Insufficient credits' },
    ]);
    // Credits back, an invalid body: only now validation.
    sim.setCredits(5);
    r = await call(sim, 'POST', '/media', clientHeaders(sim), { ...validBody, size: -1 });
    expect(r.body.code).toBe('V001');
  });
});

describe('quotas', () => {
  it('counts Query (GET) and Mutation (POST, DELETE) calls separately and refuses with AA001', async () => {
    const sim = await start({ quota: { query: 3, mutation: 2 } });
    const h = clientHeaders(sim);
    const a = await createMedia(sim, { size: 10 });
    expect((await call(sim, 'DELETE', `/media/${a.mid as string}`, h)).status).toBe(200);
    expect((await call(sim, 'POST', '/media', h, validBody)).body.code).toBe('AA001');
    // The Query quota is untouched by the Mutation calls.
    for (let i = 0; i < 3; i++) expect((await call(sim, 'GET', '/media', h)).status).toBe(200);
    const over = await call(sim, 'GET', '/media', h);
    expect([over.status, over.body.code]).toEqual([429, 'AA001']);
    expect(sim.usage()).toMatchObject({ query: 3, mutation: 2 });

    sim.resetQuotaWindow();
    expect((await call(sim, 'GET', '/media', h)).status).toBe(200);
    expect((await call(sim, 'POST', '/media', h, validBody)).status).toBe(201);
    expect(sim.usage()).toMatchObject({ query: 1, mutation: 1 });
  });

  it('spends quota on calls that pass the checks, also when they then fail (404, 400)', async () => {
    const sim = await start({ quota: { query: 1 } });
    const h = clientHeaders(sim);
    expect((await call(sim, 'GET', '/media/000000000000000000000000', h)).status).toBe(404);
    expect((await call(sim, 'GET', '/media', h)).status).toBe(429);
    expect((await call(sim, 'GET', '/media', { 'x-client-id': 'ghost' })).status).toBe(401);
    expect(sim.usage().query).toBe(1);
  });

  it('does not apply to uploads or to API keys', async () => {
    const sim = await start({ quota: { query: 0, mutation: 1 } });
    const created = await createMedia(sim, { size: 2048 });
    expect((await put(created.uploadUrl as string, fileBytes('real'), 'image/jpeg')).status).toBe(200);
    const k = keyHeaders(sim.apiKey);
    expect((await call(sim, 'POST', '/media', k, validBody)).status).toBe(201);
    expect((await call(sim, 'GET', `/media/${created.mid as string}`, k)).status).toBe(200);
    expect(sim.usage()).toMatchObject({ query: 0, mutation: 1 });
  });
});

describe('credits', () => {
  it('are spent when processing starts, not on POST; POST is refused with U007 at zero', async () => {
    const sim = await start({ credits: 1 });
    const first = await createMedia(sim, { size: 2048 });
    const second = await createMedia(sim, { size: 2048 });
    expect(sim.usage()).toMatchObject({ credits: 1, creditsSpent: 0 });

    await put(first.uploadUrl as string, fileBytes('real'), 'image/jpeg');
    expect(sim.usage()).toMatchObject({ credits: 0, creditsSpent: 1 });
    expect((await waitForVerdict(sim, first.mid as string)).status).toBe('PROCESSED');

    const refused = await call(sim, 'POST', '/media', clientHeaders(sim), validBody);
    expect([refused.status, refused.body.code]).toEqual([400, 'U007']);
    // GET still works without credits.
    expect((await call(sim, 'GET', '/media', clientHeaders(sim))).status).toBe(200);

    // A record created while credits remained fails when processing cannot start.
    await put(second.uploadUrl as string, fileBytes('real'), 'image/jpeg');
    const failed = await waitForVerdict(sim, second.mid as string);
    expect(failed.status).toBe('FAILED');
    expect(failed.failureReason).toMatch(/Insufficient credits/);

    sim.setCredits(3);
    expect((await call(sim, 'POST', '/media', clientHeaders(sim), validBody)).status).toBe(201);
  });
});

describe('API keys (Authorization: Bearer)', () => {
  it('work on every media route', async () => {
    const sim = await start();
    const k = keyHeaders(sim.apiKey);
    const created = await createMedia(sim, { size: 2048 }, k);
    await put(created.uploadUrl as string, fileBytes('fake'), 'image/jpeg');
    const v = await waitForVerdict(sim, created.mid as string, k);
    expect(v.fake).toBe(true);
    expect((await call(sim, 'GET', '/media', k)).body.total).toBe(1);
    expect((await call(sim, 'DELETE', `/media/${created.mid as string}`, k)).status).toBe(200);
    expect(sim.requests.filter((e) => e.route.startsWith('/media')).every((e) => e.auth === 'apikey')).toBe(
      true,
    );
  });

  it('answer INVALID_API_KEY 401, FORBIDDEN 403 and INSUFFICIENT_BALANCE 402', async () => {
    const sim = await start({ credits: 0 });
    const bad = await call(sim, 'GET', '/media', keyHeaders('api_apikey_nope'));
    expect([bad.status, bad.body]).toEqual([
      401,
      { code: 'INVALID_API_KEY', statusCode: 401, message: expect.any(String) as string },
    ]);
    const readOnly = sim.addApiKey({ permissions: ['read'] });
    expect(readOnly).toMatch(/^api_apikey_[0-9a-f]{32}$/);
    const forbidden = await call(sim, 'DELETE', '/media/000000000000000000000000', keyHeaders(readOnly));
    expect([forbidden.status, forbidden.body.code, forbidden.body.statusCode]).toEqual([
      403,
      'FORBIDDEN',
      403,
    ]);
    const broke = await call(sim, 'POST', '/media', keyHeaders(sim.apiKey), validBody);
    expect([broke.status, broke.body.code, broke.body.statusCode]).toEqual([
      402,
      'INSUFFICIENT_BALANCE',
      402,
    ]);
    const invalid = await call(sim, 'POST', '/media', keyHeaders(sim.apiKey), { name: '' });
    expect(invalid.body.code).toBe('INSUFFICIENT_BALANCE');
    sim.setCredits(null);
    const invalid2 = await call(sim, 'POST', '/media', keyHeaders(sim.apiKey), { name: '' });
    expect([invalid2.status, invalid2.body.code]).toEqual([400, 'VALIDATION_ERROR']);
  });

  it('accepts keys given in the options and a key added later', async () => {
    const sim = await start({ apiKeys: [{ key: 'api_apikey_custom_1234567890' }] });
    expect(sim.apiKey).toBe('api_apikey_custom_1234567890');
    expect((await call(sim, 'GET', '/media', keyHeaders(sim.apiKey))).status).toBe(200);
    const added = sim.addApiKey({ key: 'api_apikey_added_0987654321' });
    expect((await call(sim, 'GET', '/media', keyHeaders(added))).status).toBe(200);
  });
});

describe('request log and counts', () => {
  it('records every request with route, status, mid, bytes, quota and code', async () => {
    const sim = await start({ quota: { mutation: 1 } });
    const h = clientHeaders(sim);
    const created = await createMedia(sim, { size: 2048 });
    const mid = created.mid as string;
    await put(created.uploadUrl as string, fileBytes('real'), 'image/jpeg');
    await waitForVerdict(sim, mid);
    await call(sim, 'POST', '/media', h, validBody);
    await call(sim, 'GET', '/media', { 'x-client-id': 'ghost' });

    const [post, upload, ...rest] = sim.requests;
    expect(post).toMatchObject({
      method: 'POST',
      route: '/media',
      status: 201,
      mid,
      quota: 'mutation',
      code: null,
      auth: 'client',
    });
    expect(post!.bytes).toBeGreaterThan(40);
    expect(post!.at).toBeLessThanOrEqual(Date.now());
    expect(upload).toMatchObject({
      method: 'PUT',
      route: '/s3/uploads/:mid',
      status: 200,
      mid,
      bytes: 2048,
      quota: null,
      code: null,
    });
    const gets = rest.filter((e) => e.route === '/media/:mid');
    expect(gets.length).toBeGreaterThan(0);
    expect(
      gets.every((e) => e.method === 'GET' && e.status === 200 && e.quota === 'query' && e.mid === mid),
    ).toBe(true);
    expect(rest.at(-2)).toMatchObject({ method: 'POST', status: 429, code: 'AA001', quota: null });
    expect(rest.at(-1)).toMatchObject({
      method: 'GET',
      route: '/media',
      status: 401,
      code: 'IAM001',
      auth: null,
    });

    expect(sim.counts()).toEqual({
      query: gets.length + 1,
      mutation: 2,
      put: 1,
      puts: { [mid]: 1 },
      posts: 2,
    });
  });
});
