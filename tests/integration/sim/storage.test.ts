/** The simulator's S3 stand-in: pre-signed PUT checks, streaming uploads and signed downloads. */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/main/sim';
import {
  call,
  clientHeaders,
  createMedia,
  fileBytes,
  put,
  s3Code,
  screen,
  waitFor,
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

async function status(sim: Simulator, mid: string): Promise<unknown> {
  return (await call(sim, 'GET', `/media/${mid}`, clientHeaders(sim))).body.status;
}

describe('PUT to the upload URL', () => {
  it('accepts exactly the signed bytes, answers 200 with an ETag and moves the record on', async () => {
    const sim = await start();
    const bytes = fileBytes('real', 5000);
    const created = await createMedia(sim, { size: bytes.length });
    const up = await put(created.uploadUrl as string, bytes, 'image/jpeg');
    expect(up.status).toBe(200);
    expect(up.etag).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`);
    expect(await waitForVerdict(sim, created.mid as string)).toMatchObject({ status: 'PROCESSED' });
  });

  it('refuses a tampered signature or another record path with 403 SignatureDoesNotMatch', async () => {
    const sim = await start();
    const a = await createMedia(sim, { size: 100 });
    const b = await createMedia(sim, { size: 100 });
    const tampered = new URL(a.uploadUrl as string);
    tampered.searchParams.set('X-Signature', '0'.repeat(64));
    let r = await put(tampered.toString(), Buffer.alloc(100), 'image/jpeg');
    expect([r.status, s3Code(r.text)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(r.text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>.*<\/Code><Message>.*<\/Message><RequestId>\w+<\/RequestId><\/Error>$/,
    );

    const swapped = new URL(b.uploadUrl as string);
    swapped.search = new URL(a.uploadUrl as string).search;
    r = await put(swapped.toString(), Buffer.alloc(100), 'image/jpeg');
    expect([r.status, s3Code(r.text)]).toEqual([403, 'SignatureDoesNotMatch']);

    const extended = new URL(a.uploadUrl as string);
    extended.searchParams.set('X-Expires', String(Number(extended.searchParams.get('X-Expires')) + 3600));
    r = await put(extended.toString(), Buffer.alloc(100), 'image/jpeg');
    expect([r.status, s3Code(r.text)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(await status(sim, a.mid as string)).toBe('INITED');
  });

  it('refuses an expired URL with 403 AccessDenied "Request has expired"', async () => {
    const sim = await start();
    sim.faults.urlExpirySec = 0;
    const created = await createMedia(sim, { size: 10 });
    expect(created.expiresIn).toBe(0);
    const r = await put(created.uploadUrl as string, Buffer.alloc(10), 'image/jpeg');
    expect(r.status).toBe(403);
    expect(s3Code(r.text)).toBe('AccessDenied');
    expect(r.text).toContain('<Message>Request has expired</Message>');
    expect(await status(sim, created.mid as string)).toBe('INITED');
  });

  it('honours urlExpirySec from the options', async () => {
    const sim = await start({ urlExpirySec: 60 });
    const created = await createMedia(sim, { size: 10 });
    expect(created.expiresIn).toBe(60);
    const expires = Number(new URL(created.uploadUrl as string).searchParams.get('X-Expires'));
    expect(expires).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60);
  });

  it('refuses a Content-Type other than the signed one with 403 SignatureDoesNotMatch', async () => {
    const sim = await start();
    const created = await createMedia(sim, { size: 10 });
    const r = await put(created.uploadUrl as string, Buffer.alloc(10), 'image/png');
    expect([r.status, s3Code(r.text)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(r.text).toContain('Content-Type');
  });

  it('refuses a Content-Length other than the declared size, and a body without one', async () => {
    const sim = await start();
    const created = await createMedia(sim, { size: 10 });
    let r = await put(created.uploadUrl as string, Buffer.alloc(11), 'image/jpeg');
    expect([r.status, s3Code(r.text)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(r.text).toContain('Content-Length 11');

    const res = await fetch(
      created.uploadUrl as string,
      {
        method: 'PUT',
        headers: { 'content-type': 'image/jpeg' },
        body: new ReadableStream({
          start(c) {
            c.enqueue(new Uint8Array(10));
            c.close();
          },
        }),
        duplex: 'half',
      } as RequestInit,
    );
    expect([res.status, s3Code(await res.text())]).toEqual([411, 'MissingContentLength']);
    expect(await status(sim, created.mid as string)).toBe('INITED');
    r = await put(created.uploadUrl as string, Buffer.alloc(10), 'image/jpeg');
    expect(r.status).toBe(200);
  });

  it('treats a body shorter than declared as incomplete: the record stays INITED', async () => {
    const sim = await start();
    const created = await createMedia(sim, { size: 1000 });
    const url = new URL(created.uploadUrl as string);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), '127.0.0.1', () => {
        socket.write(
          `PUT ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: image/jpeg\r\n` +
            'Content-Length: 1000\r\n\r\n',
        );
        socket.end(Buffer.alloc(400));
      });
      socket.on('error', reject);
      socket.on('close', () => resolve());
      socket.resume();
    });
    const entry = await waitFor(
      () => sim.requests.find((e) => e.method === 'PUT' && e.code !== null),
      'the incomplete PUT to be logged',
    );
    expect(entry).toMatchObject({ status: 0, code: 'IncompleteBody', bytes: 400, mid: created.mid });
    expect(await status(sim, created.mid as string)).toBe('INITED');
  });

  it('streams a large upload through the hash and reads markers only in the first 64 KiB', async () => {
    const sim = await start();
    const size = 24 * 1024 * 1024;
    const bytes = Buffer.alloc(size, 7);
    bytes.write('AUTHENTA-SIM:fail', 70_000, 'latin1'); // past 64 KiB: ignored
    bytes.write('AUTHENTA-SIM:fake', 60_000, 'latin1');
    const v = await screen(sim, bytes, { contentType: 'video/mp4', modelType: 'DF-1' });
    expect(v).toMatchObject({ status: 'PROCESSED', faces: 1, deepFakes: 1 });
    expect(sim.requests.find((e) => e.method === 'PUT')?.bytes).toBe(size);
  });

  it('accepts a repeated PUT after success without processing again', async () => {
    const sim = await start({ credits: 5 });
    const bytes = fileBytes('fake');
    const created = await createMedia(sim, { size: bytes.length });
    expect((await put(created.uploadUrl as string, bytes, 'image/jpeg')).status).toBe(200);
    expect((await put(created.uploadUrl as string, fileBytes('real'), 'image/jpeg')).status).toBe(200);
    expect(await waitForVerdict(sim, created.mid as string)).toMatchObject({ fake: true });
    expect(sim.usage().creditsSpent).toBe(1);
    expect(sim.counts().puts).toEqual({ [created.mid as string]: 2 });
  });

  it('is plain storage: no API headers needed, no quota spent', async () => {
    const sim = await start({ quota: { query: 5, mutation: 5 } });
    const created = await createMedia(sim, { size: 10 });
    await put(created.uploadUrl as string, Buffer.alloc(10), 'image/jpeg');
    expect(sim.usage()).toMatchObject({ query: 0, mutation: 1 });
  });
});

describe('signed download URLs', () => {
  it('serve the result JSON, heatmaps and a placeholder of the original', async () => {
    const sim = await start();
    const v = await screen(sim, fileBytes('faces=2,fakes=1'), {
      contentType: 'video/mp4',
      modelType: 'DF-1',
    });
    const result = await fetch(v.resultURL as string);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('application/json');
    const details = (await result.json()) as {
      mid: string;
      frames: { boxes: { participant: number; fake: boolean }[] }[];
    };
    expect(details.mid).toBe(v.mid);
    expect(details.frames.length).toBeGreaterThan(0);
    expect(details.frames[0]!.boxes.map((b) => [b.participant, b.fake])).toEqual([
      [0, true],
      [1, false],
    ]);

    const participants = v.participants as { id: number; fake: boolean; heatmap: string }[];
    expect(participants.map((p) => [p.id, p.fake])).toEqual([
      [0, true],
      [1, false],
    ]);
    for (const p of participants) {
      const h = await fetch(p.heatmap);
      expect(h.status).toBe(200);
      // A real WebM (EBML header, 'webm' doc type), so players decode it (the e2e tests check frames).
      expect(h.headers.get('content-type')).toBe('video/webm');
      const body = Buffer.from(await h.arrayBuffer());
      expect(body.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
      expect(body.subarray(0, 64).toString('latin1')).toContain('webm');
    }

    const src = await fetch(v.srcURL as string);
    expect([src.status, src.headers.get('content-type')]).toEqual([200, 'video/mp4']);
    await src.arrayBuffer();
  });

  it('serve an image placeholder with the record content type', async () => {
    const sim = await start();
    const v = await screen(sim, fileBytes('real'), { contentType: 'image/png', modelType: 'AC-1' });
    const src = await fetch(v.srcURL as string);
    expect(src.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await src.arrayBuffer())
        .subarray(1, 4)
        .toString('latin1'),
    ).toBe('PNG');
  });

  it('refuse tampered, expired and deleted objects', async () => {
    const sim = await start();
    const v = await screen(sim, fileBytes('fake'), { contentType: 'video/mp4', modelType: 'DF-1' });
    const tampered = new URL(v.resultURL as string);
    tampered.searchParams.set('X-Signature', 'f'.repeat(64));
    let r = await fetch(tampered);
    expect([r.status, s3Code(await r.text())]).toEqual([403, 'SignatureDoesNotMatch']);

    sim.faults.urlExpirySec = 0;
    const again = await call(sim, 'GET', `/media/${v.mid as string}`, clientHeaders(sim));
    r = await fetch(again.body.resultURL as string);
    const text = await r.text();
    expect([r.status, s3Code(text)]).toEqual([403, 'AccessDenied']);
    expect(text).toContain('Request has expired');

    await call(sim, 'DELETE', `/media/${v.mid as string}`, clientHeaders(sim));
    r = await fetch(v.srcURL as string);
    expect([r.status, s3Code(await r.text())]).toEqual([404, 'NoSuchKey']);
  });
});
