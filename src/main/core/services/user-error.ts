/** Errors a person can act on, as the engine's services raise them. */
import { AuthentaError } from '../api/errors';

/** An error the UI can show: the message says what to do. */
export function userError(message: string, code = 'INVALID_REQUEST'): AuthentaError {
  return new AuthentaError({ code, kind: 'local', message });
}
