/**
 * One error type for everything the Authenta API, S3 or the network can answer (STYLE.md,
 * habit 9). Policy (retry, block, fail) decides by `kind`; the UI shows `message` and `action`.
 */
import type { ErrorKind } from '../../../shared/domain';

export interface AuthentaErrorInit {
  code: string;
  kind: ErrorKind;
  message: string;
  status?: number | null;
  mid?: string | null;
  /** From a Retry-After header, in ms. */
  retryAfterMs?: number | null;
  cause?: unknown;
}

export class AuthentaError extends Error {
  override readonly name = 'AuthentaError';
  /** The API's code (IAM001, AA001, INVALID_API_KEY, ...), S3's (AccessDenied, ...) or a local one (NETWORK, TIMEOUT, ...). */
  readonly code: string;
  readonly kind: ErrorKind;
  /** HTTP status, or null when no answer came. */
  readonly status: number | null;
  readonly mid: string | null;
  readonly retryAfterMs: number | null;

  constructor(init: AuthentaErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.kind = init.kind;
    this.status = init.status ?? null;
    this.mid = init.mid ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
  }
}

export function isAuthentaError(e: unknown): e is AuthentaError {
  return e instanceof AuthentaError;
}
