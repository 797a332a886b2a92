/**
 * Records as people may see them. The API's records carry pre-signed links (the original, each
 * face's heatmap, the detailed result, an upload URL): anyone holding one can fetch or write the
 * bytes until it expires. Whatever leaves the engine for the UI, a case report or a sidecar in a
 * shared folder keeps where each link pointed but not what unlocks it (its query and fragment);
 * a link to open is asked for fresh (Engine.openLink). Fields named like a secret and API keys
 * are blanked as in the logs (see logger.redactValue).
 */
import type { Verdict } from '../../../shared/domain';
import { REDACTED, redactValue } from '../logger';

/** A web link with a query or fragment: group 1 is what stays (scheme, host, path). */
const LINK_WITH_QUERY = /(https?:\/\/[^\s"'<>?#]+)[?#][^\s"'<>]*/gi;

/** `text` with the query and fragment of every web link in it replaced by "[redacted]". */
export function redactLinkText(text: string): string {
  return text.replace(LINK_WITH_QUERY, `$1?${REDACTED}`);
}

/**
 * A deep copy of an API record (or any JSON value) fit for people's eyes: no link in it still
 * works, no secret-named field keeps its value. The engine's own copy stays whole, so links can
 * still be refreshed from the record id.
 */
export function redactRecord(value: unknown): unknown {
  return stripLinks(redactValue(value, []));
}

/** The verdict with each face's heatmap link disarmed (it stays present: the UI offers to fetch it fresh). */
export function redactVerdictLinks(verdict: Verdict | null): Verdict | null {
  if (!verdict?.participants?.some((p) => p.heatmap !== undefined)) return verdict;
  return {
    ...verdict,
    participants: verdict.participants.map((p) =>
      p.heatmap === undefined ? p : { ...p, heatmap: redactLinkText(p.heatmap) },
    ),
  };
}

function stripLinks(value: unknown): unknown {
  if (typeof value === 'string') return redactLinkText(value);
  if (Array.isArray(value)) return value.map(stripLinks);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stripLinks(v)]));
}
