/**
 * The links of a record on Authenta the UI can open (its source, its detailed result, a heatmap),
 * read from the record's raw answer. Pure; a missing link says why there is none.
 */
import type { z } from 'zod';
import type { OpenLinkSchema } from '../../../shared/contract';
import { userError } from './user-error';

/** Which link is asked for. */
export type LinkRequest = Pick<z.input<typeof OpenLinkSchema>, 'kind' | 'participantId'>;

/**
 * The URL of `link` in a record's raw answer: `srcURL`, `resultURL`, or the heatmap of a
 * participant (the one asked for, else the first that has one). Throws NO_LINK when there is none.
 */
export function linkFromRecord(raw: unknown, link: LinkRequest): string {
  const record = (raw ?? {}) as Record<string, unknown>;
  let url: unknown;
  if (link.kind === 'source') url = record.srcURL;
  else if (link.kind === 'result') url = record.resultURL;
  else {
    const participants = Array.isArray(record.participants)
      ? (record.participants as Record<string, unknown>[])
      : [];
    const chosen =
      link.participantId === undefined
        ? participants.find((p) => typeof p.heatmap === 'string')
        : participants.find((p) => String(p.id) === link.participantId);
    url = chosen?.heatmap;
  }
  if (typeof url !== 'string' || url === '') {
    const what = {
      heatmap: 'heatmap for this record (only videos with faces have one)',
      result: 'detailed result for this record',
      source: 'source link for this record',
    }[link.kind];
    throw userError(`Authenta gave no ${what}.`, 'NO_LINK');
  }
  return url;
}
