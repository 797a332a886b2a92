/**
 * Pre-signed URLs of the simulator's storage side, S3 style: the query carries an expiry and an
 * HMAC-SHA256 over the method, the object and (for uploads) the content type and size.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 (hex) of the parts joined by newlines. */
export function sign(key: Buffer, parts: readonly (string | number)[]): string {
  return createHmac('sha256', key).update(parts.join('\n')).digest('hex');
}

/** Constant-time comparison of a signature received against the expected one. */
export function signatureMatches(expected: string, received: string | null): boolean {
  if (received === null || received.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(received));
}

/** What an upload URL is signed over. */
export interface UploadGrant {
  /** The object's owner: a media id or a job id. */
  id: string;
  /** The object name inside it (`original.media` or a job slot). */
  object: string;
  contentType: string;
  size: number;
  /** Unix seconds. */
  expires: number;
}

/** The signature of an upload URL. */
export function signUpload(key: Buffer, g: UploadGrant): string {
  return sign(key, ['PUT', g.id, g.object, g.contentType, g.size, g.expires]);
}

/** The signature of a download URL for `path` (the URL's path without query). */
export function signDownload(key: Buffer, path: string, expires: number): string {
  return sign(key, ['GET', path, expires]);
}

/** Query string carrying the expiry and the signature. */
export function signedQuery(expires: number, signature: string): string {
  return `X-Expires=${expires}&X-Signature=${signature}`;
}
