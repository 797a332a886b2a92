/**
 * Provenance of a file as the UI shows it beside the verdict: its Content Credentials (a C2PA
 * manifest: who signed it, whether the signature and the hashes still hold, the edits it records)
 * and its camera metadata (EXIF). Read on this machine only; nothing of it is sent anywhere, and
 * the GPS coordinates are never kept (only whether the file has them).
 */

/**
 * What the file's Content Credentials say:
 * - `trusted`: intact, and the signer's certificate chains to a trust anchor this desk configured;
 * - `valid`: intact (signature and hashes hold), but the signer is not on a trust list here;
 * - `invalid`: a manifest is there but does not hold (the file changed after signing, or the
 *   signature or certificate fails): never to be read as valid;
 * - `broken`: something that looks like a manifest is there but cannot be read;
 * - `none`: the file carries no Content Credentials;
 * - `unchecked`: not looked at (a file type the reader does not know, a file too large, a file
 *   gone or changed since it was checked); `reason` says which.
 */
export const CREDENTIAL_STATES = ['trusted', 'valid', 'invalid', 'broken', 'none', 'unchecked'] as const;
export type CredentialState = (typeof CREDENTIAL_STATES)[number];

/** One step of the edit history a manifest records, in the order it records them. */
export interface ProvenanceAction {
  /** The C2PA action code, e.g. `c2pa.color_adjustments`. */
  action: string;
  /** The same in words, e.g. "Colour adjusted". */
  label: string;
  /** When the manifest says it happened (ISO 8601), if it says. */
  when: string | null;
  /** The program that did it, if the manifest names one. */
  softwareAgent: string | null;
  /** Where the content came from, in words ("Digital capture", "Generative AI"), if stated. */
  source: string | null;
}

/** The active manifest of a file, as far as it could be read. */
export interface ContentCredentials {
  state: CredentialState;
  /** The signer: the certificate's organisation and name, e.g. "Newsroom Test Signer (Camera 7)". */
  signedBy: string | null;
  /** When it was signed, from a trusted time stamp (ISO 8601), if the manifest has one. */
  signedAt: string | null;
  /** The program that wrote the manifest (its claim generator). */
  madeWith: string | null;
  /** The manifest's title (usually the file name at signing). */
  title: string | null;
  actions: ProvenanceAction[];
  /** Why it is invalid, broken or unchecked, in words (empty when valid or trusted). */
  problems: string[];
  /** Earlier manifests of the file's history (ingredients' manifests), not counting the active one. */
  earlierManifests: number;
}

/** Camera metadata (EXIF/XMP) of a photo; absent fields were not in the file. */
export interface CameraMetadata {
  make: string | null;
  model: string | null;
  /** When the picture was taken, as the camera wrote it (ISO 8601, camera's local time). */
  capturedAt: string | null;
  /** The editing software named in the file. */
  software: string | null;
  /** Whether the file carries GPS coordinates (the coordinates themselves are never kept). */
  gps: boolean;
}

/** Everything the Provenance section shows for one file. */
export interface ProvenanceReport {
  /** The file's content hash: the report holds for these bytes only. */
  sha256: string;
  credentials: ContentCredentials;
  /** Null when the file has no camera metadata, or is not a photo. */
  metadata: CameraMetadata | null;
  /** Why the metadata could not be read, if it could not. */
  metadataNote: string | null;
  /** When it was read (ms since epoch). */
  readAt: number;
}

/** A row's mark in the queue: what its Content Credentials say, for the jobs asked about. */
export type CredentialMarks = Record<number, CredentialState>;

/** Whether a state means the file carries Content Credentials (good or bad). */
export function carriesCredentials(state: CredentialState): boolean {
  return state === 'trusted' || state === 'valid' || state === 'invalid' || state === 'broken';
}

/** The state in a few words, for badges, reports and the queue's mark. */
export const CREDENTIAL_TEXT: Record<CredentialState, string> = {
  trusted: 'Content Credentials: valid, trusted signer',
  valid: 'Content Credentials: intact, signer not on a trust list',
  invalid: 'Content Credentials: INVALID',
  broken: 'Content Credentials: damaged, cannot be read',
  none: 'No Content Credentials',
  unchecked: 'Content Credentials not checked',
};
