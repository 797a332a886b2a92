/**
 * Which Authenta API a profile's address and secret answer to (authenta-api.md, sections 1 to 3),
 * for "Test connection", and the factory that builds the DetectionService of a generation. A
 * client ID and secret can only be the media API; an API key is tried on the Jobs API
 * (`GET /v1/jobs?page=1&limit=1`) and on the media API (`GET /media?limit=1`): one or two Query
 * calls, never more, and no Mutation call.
 */
import type { ConnectionTest } from '../../../shared/contract';
import type { ApiGeneration, ErrorKind } from '../../../shared/domain';
import type { Clock, Credentials, DetectionService, Logger } from '../ports';
import { AuthentaClient, type ApiCall, type ClientNetwork } from './authenta-client';
import { BaseUrlError, normaliseBaseUrl } from './base-url';
import { errorFromNetwork } from './error-mapping';
import { isAuthentaError } from './errors';
import { JobsClient } from './jobs-client';
import { JobsDetectionService } from './jobs-service';
import { createDetectionService, type CreateDetectionServiceOptions } from './media-service';

/** How each generation is named in messages. */
export const GENERATION_NAMES: Readonly<Record<ApiGeneration, string>> = {
  'media-client': 'the media API (client ID and secret)',
  'media-apikey': 'the media API (API key)',
  'jobs-v1': 'the Jobs API v1',
};

/** The route each generation is probed with. */
export const PROBE_ROUTES: Readonly<Record<ApiGeneration, string>> = {
  'media-client': '/media',
  'media-apikey': '/media',
  'jobs-v1': '/v1/jobs',
};

/** What one probe call answered. */
export interface Probe {
  generation: ApiGeneration;
  ok: boolean;
  /** HTTP status, or null when no answer came. */
  status: number | null;
  code: string | null;
  kind: ErrorKind | null;
  message: string | null;
  action: string | null;
}

/** The outcome of detection: a ConnectionTest, plus what each call answered. */
export interface GenerationDetection extends ConnectionTest {
  /** The generation that answered; also set when only one API's route exists but refused the call. */
  generation: ApiGeneration | null;
  probes: Probe[];
}

export interface DetectGenerationOptions {
  baseUrl: string;
  credentials: Credentials;
  logger?: Logger;
  onCall?: (call: ApiCall) => void;
  fetchTimeoutMs?: number;
  clock?: Clock;
  /** The proxy routes the probes go through (see ClientNetwork). */
  network?: ClientNetwork;
  signal?: AbortSignal;
  /**
   * The profile's current generation. An API key is tried on its API first, so a setting that
   * works is confirmed with one call; otherwise the Jobs API (the vendor's current one) goes first.
   */
  preferred?: ApiGeneration;
}

/** The generations an API key is tried on, in order. */
export function probeOrder(credentials: Credentials['kind'], preferred?: ApiGeneration): ApiGeneration[] {
  if (credentials === 'client') return ['media-client'];
  return preferred === 'media-apikey' ? ['media-apikey', 'jobs-v1'] : ['jobs-v1', 'media-apikey'];
}

/** A probe that got no answer at all (network, timeout, TLS): asking again elsewhere on the host is pointless. */
function unanswered(p: Probe): boolean {
  return !p.ok && p.status === null;
}

/**
 * Decides from the probes made (in order) what the server speaks. Pure.
 * - A probe that answered 2xx names the generation: ok.
 * - No answer at all: the server cannot be reached (what to check).
 * - Exactly one API's route exists (the other answered 404): that generation, not ok, with why.
 * - Every route answered 404: neither API lives at this address.
 * - Otherwise (both refused, e.g. a wrong key): the first refusal, with no generation.
 */
export function decideGeneration(probes: readonly Probe[], baseUrl: string): GenerationDetection {
  const base = { probes: [...probes] };
  const ok = probes.find((p) => p.ok);
  if (ok) {
    return {
      ...base,
      ok: true,
      generation: ok.generation,
      code: null,
      message: `Connected: ${GENERATION_NAMES[ok.generation]} answered at ${baseUrl}.`,
    };
  }
  const lost = probes.find(unanswered);
  if (lost) {
    return {
      ...base,
      ok: false,
      generation: null,
      code: lost.code,
      message: `Could not reach Authenta at ${baseUrl}: ${lost.message ?? 'no answer'}. ${lost.action ?? 'Check the API address and the network.'}`,
    };
  }
  const exists = probes.filter((p) => p.status !== 404);
  if (exists.length === 0) {
    const tried = probes.map((p) => `${GENERATION_NAMES[p.generation]} (${PROBE_ROUTES[p.generation]})`);
    return {
      ...base,
      ok: false,
      generation: null,
      code: probes[0]?.code ?? 'NOT_FOUND',
      message: `${tried.length > 1 ? `Neither ${tried.join(' nor ')} answered` : `${capitalise(tried[0] ?? 'the API')} did not answer`} at ${baseUrl}. Check the API address of this profile: it usually ends in /api, like https://platform.authenta.ai/api.`,
    };
  }
  const first = exists[0]!;
  const why = `${first.message ?? `Authenta answered ${first.status}`}. ${first.action ?? ''}`.trim();
  if (exists.length === 1 && probes.length > 1) {
    return {
      ...base,
      ok: false,
      generation: first.generation,
      code: first.code,
      message: `The server speaks ${GENERATION_NAMES[first.generation]}, but refused the test call: ${why}`,
    };
  }
  return {
    ...base,
    ok: false,
    generation: probes.length === 1 ? first.generation : null,
    code: first.code,
    message: why,
  };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function probeOf(generation: ApiGeneration, error: unknown): Probe {
  const e = isAuthentaError(error) ? error : errorFromNetwork(error, 'Authenta');
  return {
    generation,
    ok: false,
    status: e.status,
    code: e.code,
    kind: e.kind,
    message: e.message,
    action: e.action,
  };
}

/**
 * Asks the server which API it speaks with these credentials (see the module comment) and says
 * so as a ConnectionTest. A bad address or an unreachable server is a result too: it throws only
 * when `signal` aborts.
 */
export async function detectGeneration(options: DetectGenerationOptions): Promise<GenerationDetection> {
  let baseUrl: string;
  try {
    baseUrl = normaliseBaseUrl(options.baseUrl);
  } catch (e) {
    const message = e instanceof BaseUrlError ? e.message : String(e);
    return { ok: false, generation: null, code: 'BAD_BASE_URL', message, probes: [] };
  }
  const clientOptions = {
    baseUrl,
    credentials: options.credentials,
    logger: options.logger,
    onCall: options.onCall,
    fetchTimeoutMs: options.fetchTimeoutMs,
    clock: options.clock,
    network: options.network,
  };
  const probes: Probe[] = [];
  for (const generation of probeOrder(options.credentials.kind, options.preferred)) {
    try {
      if (generation === 'jobs-v1') {
        await new JobsClient(clientOptions).listJobs({ page: 1, limit: 1 }, options.signal);
      } else {
        await new AuthentaClient(clientOptions).listMedia({ limit: 1, offset: 0 }, options.signal);
      }
      probes.push({ generation, ok: true, status: 200, code: null, kind: null, message: null, action: null });
      break;
    } catch (e) {
      if (isAuthentaError(e) && e.code === 'ABORTED') throw e;
      const probe = probeOf(generation, e);
      probes.push(probe);
      if (unanswered(probe)) break;
    }
  }
  const result = decideGeneration(probes, baseUrl);
  options.logger?.info('API generation detected', {
    baseUrl,
    ok: result.ok,
    generation: result.generation,
    code: result.code,
    probes: probes.map((p) => ({ generation: p.generation, status: p.status, code: p.code })),
  });
  return result;
}

/**
 * The DetectionService of a generation: the Jobs API adapter for `jobs-v1`, the media API adapter
 * otherwise (whose own `generation` follows the credentials' kind). A `jobs-v1` profile with a
 * client ID and secret gets the Jobs adapter, whose every call then fails with API_KEY_REQUIRED
 * (kind `auth`) before anything is sent.
 */
export function createServiceForGeneration(
  generation: ApiGeneration,
  options: CreateDetectionServiceOptions,
): DetectionService {
  if (generation === 'jobs-v1') {
    return new JobsDetectionService(new JobsClient(options), { clock: options.clock });
  }
  return createDetectionService(options);
}
