/**
 * The report of a set of jobs, as CSV (RFC 4180, CRLF, every awkward cell quoted, formula-looking
 * text defused for spreadsheets) or JSON. Pure: the engine picks the jobs, this only formats them.
 */
import type { Job } from '../../shared/domain';
import type { ReportFormat } from '../../shared/contract';
import type { ProvenanceReport } from '../../shared/provenance';

/** The columns, in order: the CSV header and the keys of each JSON row. */
export const REPORT_COLUMNS = [
  'path',
  'name',
  'sha256',
  'size',
  'contentType',
  'model',
  'generation',
  'remoteId',
  'state',
  'verdict',
  'confidence',
  'faces',
  'deepFakes',
  'errorCode',
  'errorMessage',
  'createdAt',
  'doneAt',
  'duplicateOf',
  'simulated',
  'extraRecords',
  'review',
  'reviewNote',
  'reviewedAt',
  'contentCredentials',
  'signedBy',
  'editHistory',
  'cameraMake',
  'cameraModel',
  'capturedAt',
  'editingSoftware',
  'gps',
  'desk',
] as const;
/** One column of the report. */
export type ReportColumn = (typeof REPORT_COLUMNS)[number];
/** One job as the report shows it. */
export type ReportRow = Record<ReportColumn, string | number | boolean | null>;

function iso(ms: number | null): string | null {
  return ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

/** The provenance of a job's file, when it was read (absent: not read, the columns stay empty). */
export type ProvenanceOf = (job: Job) => ProvenanceReport | null | undefined;

/**
 * One job as a report row: confidence 0..1, times in ISO 8601 (UTC); its provenance when it was
 * read (Content Credentials state, signer, edit history; camera make, model, capture time,
 * editing software, whether GPS is there: never the coordinates).
 */
export function reportRow(job: Job, provenance: ProvenanceReport | null = null): ReportRow {
  const v = job.verdict;
  const c = provenance?.credentials ?? null;
  const m = provenance?.metadata ?? null;
  return {
    path: job.path,
    name: job.name,
    sha256: job.sha256,
    size: job.size,
    contentType: job.contentType,
    model: job.model,
    generation: job.generation,
    remoteId: job.remoteId,
    state: job.state,
    verdict: v?.label ?? null,
    confidence: v?.confidence === undefined ? null : Math.round(v.confidence * 10_000) / 10_000,
    faces: v?.faces ?? null,
    deepFakes: v?.deepFakes ?? null,
    errorCode: job.errorCode,
    errorMessage: job.errorMessage,
    createdAt: iso(job.createdAt),
    doneAt: iso(job.doneAt),
    duplicateOf: job.duplicateOf,
    simulated: job.simulated,
    // Records created beyond the first (an upload URL refused as expired, a crash before the upload).
    extraRecords: Math.max(0, (job.recordsCreated ?? 0) - 1),
    review: job.review.status,
    reviewNote: job.review.note,
    reviewedAt: iso(job.review.at),
    contentCredentials: c?.state ?? null,
    signedBy: c?.signedBy ?? null,
    editHistory: c && c.actions.length > 0 ? c.actions.map((a) => a.label).join('; ') : null,
    cameraMake: m?.make ?? null,
    cameraModel: m?.model ?? null,
    capturedAt: m?.capturedAt ?? null,
    editingSoftware: m?.software ?? null,
    gps: provenance ? (m?.gps ?? false) : null,
    // The desk (engine) that handled the file last: on a team ledger, who sent it.
    desk: job.desk ?? null,
  };
}

/**
 * One CSV cell. Text starting like a formula (= + - @, tab, CR) gets a leading apostrophe so a
 * spreadsheet shows it instead of running it (a file named "=HYPERLINK(...).jpg" is possible).
 */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text with a header row, CRLF line ends, UTF-8. */
export function toCsv(jobs: readonly Job[], provenanceOf: ProvenanceOf = () => null): string {
  const lines = [REPORT_COLUMNS.join(',')];
  for (const job of jobs) {
    const row = reportRow(job, provenanceOf(job) ?? null);
    lines.push(REPORT_COLUMNS.map((c) => csvCell(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** JSON text: `{generatedAt, count, jobs: [row...]}`. */
export function toJson(
  jobs: readonly Job[],
  generatedAt: number,
  provenanceOf: ProvenanceOf = () => null,
): string {
  const rows = jobs.map((job) => reportRow(job, provenanceOf(job) ?? null));
  return `${JSON.stringify({ generatedAt: iso(generatedAt), count: jobs.length, jobs: rows }, null, 2)}\n`;
}

/** The report in the asked format. */
export function formatReport(
  jobs: readonly Job[],
  format: ReportFormat,
  generatedAt: number,
  provenanceOf: ProvenanceOf = () => null,
): string {
  return format === 'csv' ? toCsv(jobs, provenanceOf) : toJson(jobs, generatedAt, provenanceOf);
}
