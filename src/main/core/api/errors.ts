/**
 * One error type for everything the Authenta API, S3 or the network can answer (STYLE.md,
 * habit 9). Policy (retry, block, fail) decides by `kind`; the UI shows `message` and `action`.
 */
import type { ErrorKind } from '../../../shared/domain';

/** Which call quota an AA001 used up: Query (GET) or Mutation (POST, DELETE). */
export type QuotaKind = 'query' | 'mutation';

export interface AuthentaErrorInit {
  code: string;
  kind: ErrorKind;
  message: string;
  status?: number | null;
  mid?: string | null;
  /** From a Retry-After header, in ms. */
  retryAfterMs?: number | null;
  /** For kind 'quota': which quota ran out. */
  quota?: QuotaKind | null;
  /** What the user can do about it; defaults to the advice for the kind. */
  action?: string;
  cause?: unknown;
}

/** The advice shown beside an error of each kind, in one sentence. */
export const ACTION_BY_KIND: Readonly<Record<ErrorKind, string>> = {
  auth: 'Check the client ID and secret (or the API key) of this profile in Settings.',
  permission: 'Give this API key the missing permission (read, write or delete) in the Authenta console.',
  quota: 'Wait for the quota window to reset or raise the quota in the Authenta console.',
  credits: 'Buy more credits in the Authenta console, then resume the queue.',
  invalid: 'Retry the file; if it fails again, report it with the code shown.',
  'not-found': 'The record no longer exists on Authenta; retry the file to send it again.',
  transient: 'Nothing to do: it will be retried automatically.',
  'expired-url': 'Nothing to do: a new upload URL will be requested.',
  unsupported: 'Convert the file to a supported format (JPEG, PNG or MP4).',
  local: 'Check that the file is still there and no longer being written, then retry.',
  proxy: 'Check the proxy settings (HTTPS_PROXY, or the system proxy settings); the next try is automatic.',
};

export class AuthentaError extends Error {
  override readonly name = 'AuthentaError';
  /** The API's code (IAM001, AA001, INVALID_API_KEY, ...), S3's (AccessDenied, ...) or a local one (NETWORK, TIMEOUT, ...). */
  readonly code: string;
  readonly kind: ErrorKind;
  /** HTTP status, or null when no answer came. */
  readonly status: number | null;
  readonly mid: string | null;
  readonly retryAfterMs: number | null;
  /** For kind 'quota': 'query' when a GET hit AA001, 'mutation' for POST/DELETE; otherwise null. */
  readonly quota: QuotaKind | null;
  /** What the user can do about it, in one sentence. */
  readonly action: string;

  constructor(init: AuthentaErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.kind = init.kind;
    this.status = init.status ?? null;
    this.mid = init.mid ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.quota = init.quota ?? null;
    this.action = init.action ?? ACTION_BY_KIND[init.kind];
  }

  /** The fields worth logging or storing: never a secret, never a URL. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      kind: this.kind,
      status: this.status,
      message: this.message,
      mid: this.mid,
      quota: this.quota,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

/** True for an AuthentaError. */
export function isAuthentaError(e: unknown): e is AuthentaError {
  return e instanceof AuthentaError;
}

/**
 * The same error with `redact` applied to its message and advice. A server may quote what it was
 * sent (the client secret, the API key) in an error; redacting where the error is made means the
 * ledger, NDJSON, stderr, the report and the UI all get the same clean text (issue 9, item 13).
 * Returns `error` itself when nothing changes.
 */
export function redactError(error: AuthentaError, redact: (text: string) => string): AuthentaError {
  const message = redact(error.message);
  const action = redact(error.action);
  if (message === error.message && action === error.action) return error;
  return new AuthentaError({
    code: redact(error.code),
    kind: error.kind,
    status: error.status,
    mid: error.mid,
    retryAfterMs: error.retryAfterMs,
    quota: error.quota,
    message,
    action,
  });
}
