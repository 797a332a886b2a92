/**
 * Local media in the desktop app: the privileged `authenta-media://local/...` scheme, answered by
 * the engine's media routes (core/media/media-files.ts) exactly as the web host's `/media` route
 * is: by job id, only files the ledger holds, only while they are the files that were judged,
 * with Range for video seeking. The scheme must be registered as privileged BEFORE the app is
 * ready (standard and secure, so the page's CSP can name it; stream and fetch support, so a
 * <video> can seek); its handler is installed after ready, on the default session.
 * See https://www.electronjs.org/docs/latest/api/protocol.
 */
import { Readable } from 'node:stream';
import type { Protocol } from 'electron';
import type { MediaResponder, MediaResponse } from '../core/media/media-files';
import type { Disposable } from '../core/ports';

/** The scheme of the local media. */
export const MEDIA_SCHEME = 'authenta-media';
/** Its only host: `authenta-media://local/original/12`. */
export const MEDIA_HOST = 'local';
/** What getMediaBase answers in the desktop app. */
export const MEDIA_BASE = `${MEDIA_SCHEME}://${MEDIA_HOST}`;

/** Declare the scheme privileged; call once, before `app.whenReady()` resolves. */
export function registerMediaScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: MEDIA_SCHEME,
      privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
    },
  ]);
}

/** A Fetch API Response of a media answer (a file stream becomes a web stream). */
export function toFetchResponse(answer: MediaResponse): Response {
  const body = answer.body;
  const payload =
    body === null
      ? null
      : typeof body === 'string'
        ? body
        : (Readable.toWeb(body) as ReadableStream<Uint8Array>);
  return new Response(payload, { status: answer.status, headers: answer.headers });
}

/** Answer one request of the page: only `authenta-media://local/<route>`; anything else is 404. */
export async function answerMediaRequest(media: MediaResponder | null, request: Request): Promise<Response> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    url = new URL(`${MEDIA_BASE}/`);
  }
  const path =
    url.protocol === `${MEDIA_SCHEME}:` && url.host === MEDIA_HOST && !url.username ? url.pathname : '';
  const answer = media
    ? await media.respond({ method: request.method, path, range: request.headers.get('range') })
    : { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'Not found.' };
  return toFetchResponse(answer);
}

/** Install the scheme's handler (after ready); dispose removes it. */
export function handleMediaProtocol(
  protocol: Pick<Protocol, 'handle' | 'unhandle'>,
  media: MediaResponder | null,
): Disposable {
  protocol.handle(MEDIA_SCHEME, (request) => answerMediaRequest(media, request));
  return { dispose: () => protocol.unhandle(MEDIA_SCHEME) };
}
