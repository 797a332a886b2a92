/**
 * How the web host answers over HTTP: JSON bodies and `{error: {message, code}}` errors with the
 * security headers on every answer, and one log line per refused request (path only: the query
 * may hold a token).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpErrorBody } from '../../../shared/wire';
import type { Logger } from '../../core/ports';
import { securityHeaders, splitTarget } from './policy';

/** A failure with the HTTP status (and wire code) the browser should get. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** The answers of one host: they need its Host allow-list and its media origins for the headers. */
export interface HttpAnswers {
  /** A JSON answer; `close` ends the connection after it (a body we refused to read). */
  json(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, close?: boolean): void;
  /** An error answer, `{error: {message, code}}`. */
  error(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    message: string,
    code: string | null,
    close?: boolean,
  ): void;
  /** Log a refused request and why (never its query). */
  refuse(req: IncomingMessage, why: string): void;
}

/** The facts the answers depend on, read at answer time (the Host list is known once listening). */
export interface AnswerContext {
  isAllowedHost(hostHeader: string | undefined): boolean;
  mediaOrigins(): readonly string[];
  logger: Logger;
}

/** Build the answers of one host. */
export function httpAnswers(ctx: AnswerContext): HttpAnswers {
  const json: HttpAnswers['json'] = (req, res, status, body, close = false) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      // A Host we do not answer is not echoed into the CSP.
      ...securityHeaders(
        ctx.isAllowedHost(req.headers.host) ? (req.headers.host ?? null) : null,
        ctx.mediaOrigins(),
      ),
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(text)),
      ...(close ? { Connection: 'close' } : {}),
    });
    // With `Connection: close` Node ends the socket after the answer: a body we refused to read
    // does not keep it busy.
    res.end(text);
  };
  return {
    json,
    error(req, res, status, message, code, close = false) {
      const body: HttpErrorBody = { error: { message, code } };
      json(req, res, status, body, close);
    },
    refuse(req, why) {
      ctx.logger.warn('web host: refused', { why, method: req.method, path: pathOf(req) });
    },
  };
}

/** The first value of a header. */
export function headerText(v: string | string[] | undefined): string | null {
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

/** A request's path for a log line: never the query (it may hold a token), at most 200 characters. */
export function pathOf(req: IncomingMessage): string {
  return splitTarget(req.url ?? '/').path.slice(0, 200);
}

/** The message of anything thrown. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
