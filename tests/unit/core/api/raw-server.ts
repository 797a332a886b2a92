/**
 * A scripted HTTP server on 127.0.0.1 for client tests: each request gets the next scripted
 * answer (or the default), and every request is recorded with its headers and body size.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RawAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Destroy the socket instead of answering (after reading `afterBytes` of the body, if set). */
  reset?: boolean;
  afterBytes?: number;
  /** Never answer (for timeouts). */
  hang?: boolean;
  /** Answer before reading the body. */
  early?: boolean;
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bytes: number;
}

export interface RawServer {
  url: string;
  origin: string;
  seen: SeenRequest[];
  /** Queue answers for the next requests. */
  answer(...answers: RawAnswer[]): void;
  /** The answer for requests when the queue is empty. */
  fallback: RawAnswer;
  close(): Promise<void>;
}

export async function startRawServer(): Promise<RawServer> {
  const queue: RawAnswer[] = [];
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const answer = queue.shift() ?? state.fallback;
    const entry: SeenRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      bytes: 0,
    };
    seen.push(entry);
    const respond = () => {
      if (answer.hang) return;
      if (answer.reset) {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    };
    if (answer.early) respond();
    req.on('data', (chunk: Buffer) => {
      entry.bytes += chunk.length;
      if (answer.reset && answer.afterBytes !== undefined && entry.bytes >= answer.afterBytes)
        req.socket.destroy();
    });
    req.on('end', () => {
      if (!answer.early && !(answer.reset && answer.afterBytes !== undefined)) respond();
    });
    req.on('error', () => undefined);
  });
  const state = {
    fallback: { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' } as RawAnswer,
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/api`,
    origin,
    seen,
    answer: (...answers) => void queue.push(...answers),
    get fallback() {
      return state.fallback;
    },
    set fallback(a: RawAnswer) {
      state.fallback = a;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON answer. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): RawAnswer {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** An S3-style XML error answer. */
export function s3Error(status: number, code: string, message: string): RawAnswer {
  return {
    status,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`,
  };
}
