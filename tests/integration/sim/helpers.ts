/** Helpers for the simulator's tests: raw fetch against a real server on 127.0.0.1. */
import type { Simulator } from '../../../src/main/sim';

/** Headers of the demo client credentials (plus JSON content type). */
export function clientHeaders(
  sim: Simulator,
  creds: { clientId: string; clientSecret: string } = sim.credentials,
): Record<string, string> {
  return {
    'x-client-id': creds.clientId,
    'x-client-secret': creds.clientSecret,
    'content-type': 'application/json',
  };
}

/** Headers of an API key (plus JSON content type). */
export function keyHeaders(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

export type Json = Record<string, unknown>;

/** Call the API and parse the JSON answer (or null for an empty body). */
export async function call(
  sim: Simulator,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

/** Bytes of a fake file: a marker (optional) inside filler, padded to `size`. */
export function fileBytes(marker: string | null, size = 2048, fill = 'x'): Buffer {
  const b = Buffer.alloc(size, fill);
  if (marker) b.write(`AUTHENTA-SIM:${marker}`, 100, 'latin1');
  return b;
}

export interface CreateArgs {
  name?: string;
  contentType?: string;
  modelType?: string;
  size: number;
}

/** POST /media with the demo credentials; returns the 201 answer. */
export async function createMedia(
  sim: Simulator,
  args: CreateArgs,
  headers = clientHeaders(sim),
): Promise<Json> {
  const r = await call(sim, 'POST', '/media', headers, {
    name: args.name ?? 'sample.jpg',
    contentType: args.contentType ?? 'image/jpeg',
    size: args.size,
    modelType: args.modelType ?? 'AC-1',
  });
  if (r.status !== 201) throw new Error(`POST /media answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** PUT bytes to a pre-signed URL. */
export async function put(
  url: string,
  bytes: Buffer,
  contentType: string,
): Promise<{ status: number; text: string; etag: string | null }> {
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': contentType }, body: bytes });
  return { status: res.status, text: await res.text(), etag: res.headers.get('etag') };
}

/** Poll until `check` gives a value (not undefined), or fail after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** GET /media/:mid until its status is terminal (PROCESSED or FAILED). */
export async function waitForVerdict(
  sim: Simulator,
  mid: string,
  headers = clientHeaders(sim),
): Promise<Json> {
  return waitFor(async () => {
    const r = await call(sim, 'GET', `/media/${mid}`, headers);
    return r.body.status === 'PROCESSED' || r.body.status === 'FAILED' ? r.body : undefined;
  }, `media ${mid} to finish`);
}

/** Create, upload and wait for the verdict of one file. */
export async function screen(
  sim: Simulator,
  bytes: Buffer,
  args: Omit<CreateArgs, 'size'> = {},
): Promise<Json> {
  const created = await createMedia(sim, { ...args, size: bytes.length });
  const up = await put(created.uploadUrl as string, bytes, args.contentType ?? 'image/jpeg');
  if (up.status !== 200) throw new Error(`PUT answered ${up.status}: ${up.text}`);
  return waitForVerdict(sim, created.mid as string);
}

/** The S3 error code of an XML error body. */
export function s3Code(xml: string): string | null {
  return /<Code>([^<]+)<\/Code>/.exec(xml)?.[1] ?? null;
}
