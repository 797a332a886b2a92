/**
 * The built renderer as static files: the only files the web host ever serves from disk. A URL
 * path names a file under the renderer's real directory or nothing (see staticFilePath); symlinks
 * are followed and checked again, so a link out of the directory is 404 like any missing file.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../../core/ports';
import { contentTypeFor, isInside, securityHeaders, staticFilePath } from './policy';
import { errorText, type HttpAnswers } from './http-answers';

/**
 * The renderer directory's real path. Rejects, saying how to build it, when it is missing or has
 * no index.html: a host that would answer every page with 404 must not start.
 */
export async function rendererRootOf(rendererDir: string): Promise<string> {
  const root = await realpath(rendererDir).catch(() => {
    throw new Error(
      `The web UI is not built: ${rendererDir} is missing. Run \`npm run build:renderer\` first.`,
    );
  });
  await access(join(root, 'index.html')).catch(() => {
    throw new Error(
      `The web UI is not built: ${rendererDir} has no index.html. Run \`npm run build:renderer\`.`,
    );
  });
  return root;
}

/** What serving static files needs from the host. */
export interface StaticFilesOptions {
  /** The renderer's real directory (rendererRootOf). */
  rendererRoot: string;
  /** Loopback origins heatmaps may play from (for the CSP). */
  mediaOrigins(): readonly string[];
  answers: HttpAnswers;
  logger: Logger;
}

/** Answer a GET or HEAD of `urlPath` from the built renderer (Host and method already checked). */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  urlPath: string,
  options: StaticFilesOptions,
): Promise<void> {
  const { rendererRoot, answers } = options;
  const notFound = (): void => answers.error(req, res, 404, 'Not found.', null);
  const candidate = staticFilePath(rendererRoot, urlPath);
  if (candidate === null) return notFound();
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return notFound();
  }
  if (!isInside(rendererRoot, real)) return notFound();
  const info = await stat(real);
  if (!info.isFile()) return notFound();
  res.writeHead(200, {
    ...securityHeaders(req.headers.host ?? null, options.mediaOrigins()),
    'Content-Type': contentTypeFor(real),
    'Content-Length': String(info.size),
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(real), res).catch((e: unknown) => {
    options.logger.debug('web host: static file aborted', { path: urlPath, error: errorText(e) });
  });
}
