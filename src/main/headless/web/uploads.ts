/**
 * `POST /upload?name=<file name>`: a file dropped on the page in a browser is streamed into the
 * inbox under a safe name and handed to the engine, which checks it like any file in a watched
 * folder. The answer names the file as the browser knows it, never by its path on this machine.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuthentaWatchApi } from '../../../shared/contract';
import type { UploadResponse } from '../../../shared/wire';
import { toWireError } from '../../../shared/wire-error';
import type { Logger } from '../../core/ports';
import { sanitiseUploadName } from '../upload-name';
import type { DroppedFiles } from './dropped-files';
import { errorText, HttpError, type HttpAnswers } from './http-answers';
import { ByteLimit, claimName, receive, tooLargeMessage } from './upload-file';

/** What the upload route needs from its host. */
export interface UploadOptions {
  api: Pick<AuthentaWatchApi, 'addPaths'>;
  inboxDir: string;
  maxUploadBytes: number;
  dropped: DroppedFiles;
  answers: HttpAnswers;
  logger: Logger;
}

/** The upload route; `abortAll` cuts the uploads still running (the host is closing). */
export interface Uploads {
  /** Receive one upload (token, Origin and method already checked). */
  handle(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void>;
  abortAll(): void;
}

/** Build the upload route of one host. */
export function uploadRoute(options: UploadOptions): Uploads {
  const { api, inboxDir, maxUploadBytes, answers, logger } = options;
  const running = new Set<IncomingMessage>();

  async function handle(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const rawName = query.get('name');
    if (!rawName)
      return answers.error(req, res, 400, 'Name the file: POST /upload?name=<file name>.', null, true);
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > maxUploadBytes) {
      return answers.error(req, res, 413, tooLargeMessage(maxUploadBytes), 'TOO_LARGE', true);
    }
    const name = sanitiseUploadName(rawName);
    await mkdir(inboxDir, { recursive: true });
    const temp = join(inboxDir, `.upload-${randomBytes(8).toString('hex')}.part`);
    const counter = new ByteLimit(maxUploadBytes);
    running.add(req);
    try {
      await receive(req, counter, temp);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      if (e instanceof HttpError) return answers.error(req, res, e.status, e.message, e.code, true);
      logger.warn('web host: upload aborted', { name, bytes: counter.bytes, error: errorText(e) });
      if (!res.headersSent) res.destroy();
      return;
    } finally {
      running.delete(req);
    }
    if (counter.bytes === 0) {
      await unlink(temp).catch(() => undefined);
      return answers.error(req, res, 400, `"${name}" is empty: nothing to check.`, 'EMPTY', false);
    }
    let stored: string;
    try {
      stored = await claimName(inboxDir, temp, name);
    } catch (e) {
      await unlink(temp).catch(() => undefined);
      throw e;
    }
    const finalPath = join(inboxDir, stored);
    logger.info('web host: file received', { name: stored, bytes: counter.bytes });
    let result: Awaited<ReturnType<AuthentaWatchApi['addPaths']>>;
    try {
      result = await api.addPaths([finalPath]);
    } catch (e) {
      await unlink(finalPath).catch(() => undefined);
      const err = toWireError(e);
      return answers.error(req, res, 500, err.message, err.code, false);
    }
    if (result.accepted === 0) await unlink(finalPath).catch(() => undefined);
    else options.dropped.add(finalPath);
    const body: UploadResponse = {
      name: stored,
      size: counter.bytes,
      accepted: result.accepted,
      rejected: result.rejected.map((r) => ({ path: stored, reason: r.reason })),
    };
    answers.json(req, res, 200, body);
  }

  return {
    handle,
    abortAll() {
      for (const req of running) req.destroy();
    },
  };
}
