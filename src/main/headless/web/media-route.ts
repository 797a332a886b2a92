/**
 * The media routes of the web host: `/media/<media key>/<route>` hands the ledger's files and
 * thumbnails to the engine's MediaResponder. The key is its own read-only secret (never the UI
 * token: `<img>` and `<video>` put it in the URL), compared in constant time; a wrong or missing
 * key reads as 404, like any unknown path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { MEDIA_PATH } from '../../../shared/wire';
import type { MediaResponder, MediaResponse } from '../../core/media/media-files';
import type { Logger } from '../../core/ports';
import { tokenMatches } from './policy';
import { errorText, type HttpAnswers } from './http-answers';
import { hasBody } from './routes';

/** A media path split into the key it presents and the route after it (`''` when none). */
export function splitMediaPath(path: string): { presented: string; route: string } {
  const rest = path.slice(MEDIA_PATH.length + 1);
  const slash = rest.indexOf('/');
  return slash < 0
    ? { presented: rest, route: '' }
    : { presented: rest.slice(0, slash), route: rest.slice(slash) };
}

/** What the media routes need from their host. */
export interface MediaRouteOptions {
  mediaKey: string;
  /** Absent: every media URL is 404. */
  media: MediaResponder | undefined;
  answers: HttpAnswers;
  logger: Logger;
}

const NOT_FOUND: MediaResponse = {
  status: 404,
  headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  body: 'Not found.',
};

/** Answer one media request (the Host is already checked). */
export async function serveMedia(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  options: MediaRouteOptions,
): Promise<void> {
  const { presented, route } = splitMediaPath(path);
  if (!tokenMatches(presented, options.mediaKey) || !options.media) {
    options.answers.refuse(req, presented ? 'wrong media key' : 'no media key');
    return sendMedia(req, res, NOT_FOUND, options.logger);
  }
  if (hasBody(req.headers['content-length'])) {
    return options.answers.error(req, res, 413, 'A media request carries no body.', null, true);
  }
  const answer = await options.media.respond({
    method: req.method ?? 'GET',
    path: route,
    range: typeof req.headers.range === 'string' ? req.headers.range : null,
  });
  return sendMedia(req, res, answer, options.logger);
}

async function sendMedia(
  req: IncomingMessage,
  res: ServerResponse,
  answer: MediaResponse,
  logger: Logger,
): Promise<void> {
  const body = answer.body;
  const headers: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    ...answer.headers,
  };
  if (typeof body === 'string') headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(answer.status, headers);
  if (body === null || req.method === 'HEAD') {
    if (body !== null && typeof body !== 'string') body.destroy();
    res.end();
    return;
  }
  if (typeof body === 'string') {
    res.end(body);
    return;
  }
  await pipeline(body, res).catch((e: unknown) => {
    // A video element stops reading mid-range all the time (seeking): not an error.
    logger.debug('web host: media stream ended early', { error: errorText(e) });
  });
}
