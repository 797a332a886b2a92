/**
 * What a C2PA manifest store says, in the words the Provenance section shows: pure functions over
 * the reader's JSON (c2pa-rs `manifest_store`), table-tested. The validation state decides; a
 * manifest is shown as valid only when the reader says so and no failure beyond an untrusted
 * signer is listed, so a damaged or tampered file can never pass for a signed one.
 */
import type { ContentCredentials, ProvenanceAction } from '../../../shared/provenance';

/** Failure codes that do not make a manifest invalid: the signer is simply not on a trust list here. */
const TRUST_ONLY = new Set(['signingCredential.untrusted']);

/** Failure codes in words (c2pa validation status codes). */
const PROBLEM_TEXT: Record<string, string> = {
  'assertion.dataHash.mismatch': 'The file’s bytes changed after it was signed.',
  'assertion.bmffHash.mismatch': 'The file’s bytes changed after it was signed.',
  'assertion.boxesHash.mismatch': 'The file’s bytes changed after it was signed.',
  'assertion.hashedURI.mismatch': 'A part of the manifest was changed after it was signed.',
  'claimSignature.mismatch': 'The signature does not match the manifest.',
  'claimSignature.missing': 'The manifest has no signature.',
  'claimSignature.outsideValidity': 'The manifest was signed outside its certificate’s validity.',
  'signingCredential.untrusted': 'The signer is not on a trust list configured here.',
  'signingCredential.expired': 'The signer’s certificate had expired.',
  'signingCredential.revoked': 'The signer’s certificate was revoked.',
  'signingCredential.invalid': 'The signer’s certificate is not valid for signing.',
  'claim.missing': 'The manifest’s claim is missing.',
  'manifest.missing': 'The manifest is missing.',
};

/** Action codes in words; others are shown from their code ("c2pa.foo_bar" -> "Foo bar"). */
const ACTION_TEXT: Record<string, string> = {
  'c2pa.created': 'Created',
  'c2pa.opened': 'Opened',
  'c2pa.edited': 'Edited',
  'c2pa.edited.metadata': 'Metadata edited',
  'c2pa.color_adjustments': 'Colour adjusted',
  'c2pa.cropped': 'Cropped',
  'c2pa.resized': 'Resized',
  'c2pa.converted': 'Converted',
  'c2pa.placed': 'Placed into',
  'c2pa.filtered': 'Filtered',
  'c2pa.drawing': 'Drawn on',
  'c2pa.orientation': 'Rotated or flipped',
  'c2pa.published': 'Published',
  'c2pa.transcoded': 'Transcoded',
  'c2pa.repackaged': 'Repackaged',
  'c2pa.removed': 'Removed',
  'c2pa.redacted': 'Redacted',
};

/** IPTC digital source types in words (the ones a verification desk asks about first). */
const SOURCE_TEXT: Record<string, string> = {
  digitalCapture: 'Digital capture (camera)',
  trainedAlgorithmicMedia: 'Generative AI',
  compositeWithTrainedAlgorithmicMedia: 'Composite with generative AI',
  algorithmicallyEnhanced: 'Enhanced by an algorithm',
  compositeSynthetic: 'Composite including synthetic content',
  algorithmicMedia: 'Made by an algorithm',
  composite: 'Composite',
  digitalArt: 'Digital art',
  virtualRecording: 'Screen or virtual recording',
  screenCapture: 'Screen capture',
  negativeFilm: 'Scanned negative film',
  positiveFilm: 'Scanned positive film',
  print: 'Scanned print',
  minorHumanEdits: 'Minor human edits',
};

type Json = Record<string, unknown>;

function obj(v: unknown): Json | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
}
function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}
function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** An action code in words. */
export function actionLabel(code: string): string {
  const known = ACTION_TEXT[code];
  if (known) return known;
  const bare = code
    .replace(/^c2pa\./, '')
    .replace(/[._]+/g, ' ')
    .trim();
  return bare ? bare[0]!.toUpperCase() + bare.slice(1) : code;
}

/** A digital source type URI (or its last segment) in words; unknown ones by their last segment. */
export function sourceLabel(uri: string): string {
  const key = uri.split('/').pop() ?? uri;
  return SOURCE_TEXT[key] ?? key;
}

/** A validation failure in words; unknown codes with the reader's explanation. */
export function problemText(code: string, explanation: string | null): string {
  return PROBLEM_TEXT[code] ?? `${explanation ?? 'Check failed'} (${code}).`;
}

function agentName(v: unknown): string | null {
  return str(v) ?? str(obj(v)?.['name']);
}

function actionsOf(manifest: Json): ProvenanceAction[] {
  const out: ProvenanceAction[] = [];
  for (const assertion of list(manifest['assertions'])) {
    const a = obj(assertion);
    const label = str(a?.['label']) ?? '';
    if (!/^c2pa\.actions(\.v\d+)?$/.test(label)) continue;
    for (const entry of list(obj(a?.['data'])?.['actions'])) {
      const e = obj(entry);
      const code = str(e?.['action']);
      if (!e || !code) continue;
      const source = str(e['digitalSourceType']);
      out.push({
        action: code,
        label: actionLabel(code),
        when: str(e['when']),
        softwareAgent: agentName(e['softwareAgent']),
        source: source ? sourceLabel(source) : null,
      });
    }
  }
  return out;
}

function signerOf(manifest: Json): string | null {
  const info = obj(manifest['signature_info']);
  const issuer = str(info?.['issuer']);
  const name = str(info?.['common_name']);
  if (issuer && name && issuer !== name) return `${issuer} (${name})`;
  return issuer ?? name;
}

function generatorOf(manifest: Json): string | null {
  const info = obj(list(manifest['claim_generator_info'])[0]);
  const name = str(info?.['name']);
  if (name) {
    const version = str(info?.['version']);
    return version ? `${name} ${version}` : name;
  }
  return str(manifest['claim_generator']);
}

function failuresOf(store: Json): { code: string; explanation: string | null }[] {
  const active = obj(obj(store['validation_results'])?.['activeManifest']);
  const entries = active ? list(active['failure']) : list(store['validation_status']);
  return entries
    .map((f) => obj(f))
    .filter((f): f is Json => f !== null && str(f['code']) !== null)
    .map((f) => ({ code: str(f['code'])!, explanation: str(f['explanation']) }));
}

/** What a file carrying no manifest shows. */
export function noCredentials(): ContentCredentials {
  return emptyCredentials('none', []);
}

/** A file whose manifest could not be read or was not looked at, with why. */
export function emptyCredentials(
  state: 'none' | 'broken' | 'unchecked',
  problems: string[],
): ContentCredentials {
  return {
    state,
    signedBy: null,
    signedAt: null,
    madeWith: null,
    title: null,
    actions: [],
    problems,
    earlierManifests: 0,
  };
}

/**
 * The active manifest of a store, and whether it holds. Valid or trusted only when the reader's
 * validation state says so and no failure other than an untrusted signer is listed; a store
 * without an active manifest is broken.
 */
export function summariseManifestStore(store: unknown): ContentCredentials {
  const s = obj(store);
  const manifests = obj(s?.['manifests']);
  const activeLabel = str(s?.['active_manifest']);
  const manifest = activeLabel ? obj(manifests?.[activeLabel]) : null;
  if (!s || !manifests || !manifest) {
    return emptyCredentials('broken', [
      'The file has a Content Credentials block, but no readable manifest in it.',
    ]);
  }
  const failures = failuresOf(s);
  const serious = failures.filter((f) => !TRUST_ONLY.has(f.code));
  const validation = str(s['validation_state']);
  const state =
    serious.length > 0 || (validation !== 'Valid' && validation !== 'Trusted')
      ? 'invalid'
      : validation === 'Trusted'
        ? 'trusted'
        : 'valid';
  const problems =
    state === 'invalid' ? [...new Set(failures.map((f) => problemText(f.code, f.explanation)))] : [];
  if (state === 'invalid' && problems.length === 0) problems.push('The manifest did not pass validation.');
  return {
    state,
    signedBy: signerOf(manifest),
    signedAt: str(obj(manifest['signature_info'])?.['time']),
    madeWith: generatorOf(manifest),
    title: str(manifest['title']),
    actions: actionsOf(manifest),
    problems,
    earlierManifests: Math.max(0, Object.keys(manifests).length - 1),
  };
}
