/**
 * The simulator's API plumbing: matching a request to a route under `/api`, and reading a small
 * JSON body.
 */
import { readSmallBody, BodyTooLargeError } from './http';
import type { ApiContext, RouteDef } from './host';
import { apiError, type ApiError, type Demand } from './rules';

const JSON_BODY_LIMIT = 64 * 1024;

/** A matched API route. */
export interface ApiRoute {
  pattern: string;
  params: string[];
  demand: Demand;
  keysOnly: boolean;
  creates: boolean;
  handler: (ctx: ApiContext) => Promise<void> | void;
}

/** The first route of `routes` that `method` and `sub` (the path after `/api`) match, or null. */
export function matchRoute(routes: readonly RouteDef[], method: string, sub: string): ApiRoute | null {
  let route: ApiRoute | null = null;
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.re.exec(sub);
    if (!m) continue;
    route = {
      pattern: r.pattern,
      params: m.slice(1),
      demand: r.demand,
      keysOnly: r.keysOnly ?? false,
      creates: r.creates ?? false,
      handler: r.handler,
    };
    break;
  }
  return route;
}

/** Read a JSON body; on failure answers 400 and returns undefined. */
export async function readJsonBody(
  ctx: ApiContext,
  answer: (e: ApiError) => void,
): Promise<{ value: unknown } | undefined> {
  const { req, entry, principal } = ctx;
  let raw: Buffer;
  try {
    raw = await readSmallBody(req, JSON_BODY_LIMIT);
  } catch (err) {
    if (err instanceof BodyTooLargeError)
      answer(apiError(principal.family, 'invalid', `The JSON body must be under ${err.limit} bytes.`));
    return undefined;
  }
  entry.bytes = raw.length;
  if (raw.length === 0) return { value: undefined };
  try {
    return { value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    answer(apiError(principal.family, 'invalid', 'The body is not valid JSON.'));
    return undefined;
  }
}
