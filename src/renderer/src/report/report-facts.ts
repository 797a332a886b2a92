/**
 * What a case report says about one file, as plain rows: pure, so the component stays a layout
 * and the words are tested once. Times come from the ledger's timeline: seen (the job was made),
 * uploaded (the bytes reached Authenta's storage), judged (the verdict arrived).
 */
import type { JobDetails } from '../../../shared/domain';
import { modelLabel } from '../../../shared/models';
import { explainVerdict, VERDICT_WORDS } from '../../../shared/verdict-words';
import { formatBytes, formatDateTime } from '../lib/format';

const GENERATIONS = {
  'media-client': 'Media API',
  'media-apikey': 'Media API (API key)',
  'jobs-v1': 'Jobs API v1',
} as const;

/** One labelled line of the report. */
export interface ReportFact {
  label: string;
  value: string;
  testid: string;
}

/** When the upload finished: the first step after the bytes were sent. */
function uploadedAt(entry: JobDetails): number | null {
  const step = entry.timeline.find((t) => t.state === 'finalizing' || t.state === 'processing');
  return step?.at ?? null;
}

/** When the verdict arrived. */
function judgedAt(entry: JobDetails): number | null {
  return entry.timeline.find((t) => t.state === 'done')?.at ?? entry.job.doneAt ?? null;
}

const when = (at: number | null, locale?: string): string => (at === null ? '—' : formatDateTime(at, locale));

/** The report's facts about one file, in print order. */
export function reportFacts(entry: JobDetails, locale?: string): ReportFact[] {
  const { job } = entry;
  const seen = entry.timeline[0]?.at ?? job.createdAt;
  const verdict = job.verdict;
  const faces =
    verdict?.faces === undefined
      ? '—'
      : `${verdict.faces}${verdict.deepFakes !== undefined ? ` (${verdict.deepFakes} judged fake)` : ''}`;
  return [
    { label: 'File', value: job.name, testid: 'report-name' },
    { label: 'Path', value: job.path, testid: 'report-path' },
    {
      label: 'Size',
      value: `${formatBytes(job.size)} (${job.size.toLocaleString('en-US')} bytes)`,
      testid: 'report-size',
    },
    { label: 'SHA-256', value: job.sha256 ?? '—', testid: 'report-sha256' },
    { label: 'Type', value: job.contentType ?? '—', testid: 'report-type' },
    {
      label: 'Verdict',
      value: verdict ? VERDICT_WORDS[verdict.label] : 'No verdict yet',
      testid: 'report-verdict',
    },
    { label: 'Faces', value: faces, testid: 'report-faces' },
    {
      label: 'Model',
      value: job.model ? modelWithCode(job.model, job.generation ?? undefined) : '—',
      testid: 'report-model',
    },
    { label: 'API', value: job.generation ? GENERATIONS[job.generation] : '—', testid: 'report-api' },
    { label: 'Authenta record', value: job.remoteId ?? '—', testid: 'report-remote-id' },
    { label: 'Seen', value: when(seen, locale), testid: 'report-seen' },
    { label: 'Uploaded', value: when(uploadedAt(entry), locale), testid: 'report-uploaded' },
    { label: 'Judged', value: when(judgedAt(entry), locale), testid: 'report-judged' },
    ...(job.desk ? [{ label: 'Desk', value: job.desk, testid: 'report-desk' }] : []),
  ];
}

/** The verdict's explanation (the same words as the gauge and the badges). */
export function reportExplanation(entry: JobDetails): string {
  return entry.job.verdict
    ? explainVerdict(entry.job.verdict).long
    : 'Authenta has not judged this file yet.';
}

/** The model by its name and its exact code, the code once (a media model's name holds it already). */
function modelWithCode(model: string, generation: Parameters<typeof modelLabel>[1]): string {
  const label = modelLabel(model, generation);
  return label.includes(model) ? label : `${label} (${model})`;
}
