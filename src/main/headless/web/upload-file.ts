/**
 * Writing one dropped file into the inbox: streamed through a byte limit into a temporary file
 * (nothing past the limit reaches the disk), then moved to its name without replacing anything.
 */
import type { IncomingMessage } from 'node:http';
import { createWriteStream } from 'node:fs';
import { access, link, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { alternativeName } from '../upload-name';
import { HttpError } from './http-answers';

/**
 * Stream a request body through `counter` into a new file. Unlike `pipeline`, a failure leaves
 * the request (and so its socket) alive, so the host can still answer 413.
 */
export function receive(req: IncomingMessage, counter: ByteLimit, file: string): Promise<void> {
  return new Promise<void>((resolveDone, rejectDone) => {
    const out = createWriteStream(file, { flags: 'wx' });
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      req.unpipe(counter);
      counter.unpipe(out);
      req.pause();
      out.destroy();
      // Wait for the file to be closed before the caller deletes it.
      if (out.closed) rejectDone(e);
      else out.once('close', () => rejectDone(e));
    };
    counter.once('error', fail);
    out.once('error', fail);
    req.once('error', fail);
    req.once('close', () => {
      if (!req.complete) fail(new Error('The browser stopped sending the file.'));
    });
    out.once('close', () => {
      if (settled) return;
      settled = true;
      resolveDone();
    });
    req.pipe(counter).pipe(out);
  });
}

/** Counts the bytes of an upload and fails with 413 past the limit, before they reach the disk. */
export class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) done(new HttpError(413, tooLargeMessage(this.max), 'TOO_LARGE'));
    else done(null, chunk);
  }
}

/**
 * Move the finished temp file to `name` in `inboxDir` (or "name (2)", ...) without replacing
 * anything; resolves to the name it got.
 */
export async function claimName(inboxDir: string, temp: string, name: string): Promise<string> {
  for (let n = 1; n <= 1000; n++) {
    const candidate = n === 1 ? name : alternativeName(name, n);
    const dest = join(inboxDir, candidate);
    try {
      await link(temp, dest);
      await unlink(temp);
      return candidate;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      // A file system without hard links: check, then rename (the host is the only writer).
      const taken = await access(dest).then(
        () => true,
        () => false,
      );
      if (taken) continue;
      await rename(temp, dest);
      return candidate;
    }
  }
  throw new Error(`Too many files named "${name}" in the inbox; empty ${inboxDir}.`);
}

/** What a browser is told when a file exceeds the host's upload limit, with what to do instead. */
export function tooLargeMessage(max: number): string {
  return `The file is larger than this host accepts (${formatBytes(max)}); copy it into a watched folder instead.`;
}

/** A byte count for people: `20 GiB`, `1.5 MiB`. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}
