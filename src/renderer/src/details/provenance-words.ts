/**
 * The words of a file's Provenance, as plain rows: one home for them, so the details section and
 * the printed case report say exactly the same thing (pure, tested through both).
 */
import {
  CREDENTIAL_TEXT,
  type CameraMetadata,
  type ContentCredentials,
  type CredentialState,
  type ProvenanceAction,
} from '../../../shared/provenance';

/** One labelled line. */
export interface ProvenanceFact {
  label: string;
  value: string;
  /** For tests to find the line, where one needs it. */
  testid?: string;
}

/** The sign before the state: a tick for intact, a warning for invalid or damaged, a dash otherwise. */
export function credentialSign(state: CredentialState): string {
  if (state === 'trusted' || state === 'valid') return '✓';
  if (state === 'none' || state === 'unchecked') return '–';
  return '⚠';
}

/** The state in words (INVALID stays INVALID). */
export function credentialWords(state: CredentialState): string {
  return CREDENTIAL_TEXT[state];
}

/** One step of the edit history in words: "Cropped with Editor 5 (Digital capture) · 2026-…". */
export function actionWords(a: ProvenanceAction): string {
  return [
    a.label,
    a.softwareAgent ? ` with ${a.softwareAgent}` : '',
    a.source ? ` (${a.source})` : '',
    a.when ? ` · ${a.when}` : '',
  ].join('');
}

/** Who signed, when, with what, and how many earlier manifests: only the facts the manifest states. */
export function credentialFacts(c: ContentCredentials): ProvenanceFact[] {
  const facts: ProvenanceFact[] = [];
  if (c.signedBy) facts.push({ label: 'Signed by', value: c.signedBy, testid: 'signer' });
  if (c.signedAt) facts.push({ label: 'Signed at', value: c.signedAt });
  if (c.madeWith) facts.push({ label: 'Made with', value: c.madeWith });
  if (c.earlierManifests > 0) facts.push({ label: 'Earlier manifests', value: String(c.earlierManifests) });
  return facts;
}

/** The camera metadata as rows; GPS only as present or not (the coordinates are never kept). */
export function metadataFacts(m: CameraMetadata): ProvenanceFact[] {
  return [
    { label: 'Camera', value: [m.make, m.model].filter(Boolean).join(' ') || 'Not stated' },
    { label: 'Taken', value: m.capturedAt ?? 'Not stated' },
    { label: 'Software', value: m.software ?? 'Not stated' },
    { label: 'GPS', value: m.gps ? 'Location recorded (not shown)' : 'No location' },
  ];
}

/** What is said when there is no camera metadata. */
export function noMetadataWords(note: string | null): string {
  return note ?? 'No camera metadata in this file.';
}
