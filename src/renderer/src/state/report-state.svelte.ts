/**
 * The case report: a printable page for one file or for the files of the current filter, built
 * from getJob (timeline and raw record) so what is printed is what the ledger holds. The desktop
 * saves it as a PDF through savePdf; the browser prints it (window.print, "Save as PDF" there).
 */
import type { AuthentaWatchApi } from '../../../shared/contract';
import type { JobDetails } from '../../../shared/domain';
import type { ProvenanceReport } from '../../../shared/provenance';
import { errorText } from '../lib/format';

type ReportApi = Pick<AuthentaWatchApi, 'getJob' | 'savePdf'> &
  Partial<Pick<AuthentaWatchApi, 'getProvenance'>>;

/** A file's provenance in the report: what was read, or why it could not be (a sentence). */
export type ReportProvenance = { report: ProvenanceReport } | { error: string };

/** At most this many files in one report (a printed page each). */
export const REPORT_MAX = 100;

export class ReportState {
  /** The files of the open report; null: no report open. */
  ids = $state.raw<number[] | null>(null);
  entries = $state.raw<JobDetails[]>([]);
  /** Each file's provenance, by job id; absent: not read (no hash yet, or this host has none). */
  provenance = $state.raw<Record<number, ReportProvenance>>({});
  loading = $state(false);
  error = $state<string | null>(null);
  /** What the last "Save as PDF" said (desktop). */
  message = $state<string | null>(null);

  readonly #api: ReportApi;

  constructor(api: ReportApi) {
    this.#api = api;
  }

  /** Open the report for these files (the first REPORT_MAX) and load each file's details. */
  async open(ids: number[]): Promise<void> {
    const wanted = ids.slice(0, REPORT_MAX);
    this.ids = wanted;
    this.entries = [];
    this.provenance = {};
    this.error = null;
    this.message = null;
    this.loading = true;
    try {
      const entries: JobDetails[] = [];
      const provenance: Record<number, ReportProvenance> = {};
      for (const id of wanted) {
        const entry = await this.#api.getJob(id);
        entries.push(entry);
        const read = entry.job.sha256 ? await this.#readProvenance(id) : null;
        if (read) provenance[id] = read;
      }
      if (this.ids === wanted) {
        this.entries = entries;
        this.provenance = provenance;
      }
    } catch (e) {
      if (this.ids === wanted) this.error = `The report could not be made: ${errorText(e)}`;
    } finally {
      if (this.ids === wanted) this.loading = false;
    }
  }

  /** One file's provenance; a failure is the file's, not the report's (the rest still prints). */
  async #readProvenance(id: number): Promise<ReportProvenance | null> {
    if (!this.#api.getProvenance) return null;
    try {
      const report = await this.#api.getProvenance(id);
      return report ? { report } : null;
    } catch (e) {
      return { error: `Provenance could not be read: ${errorText(e)}` };
    }
  }

  close(): void {
    this.ids = null;
    this.entries = [];
    this.provenance = {};
    this.error = null;
    this.message = null;
  }

  /** The desktop's PDF: a file the user picks; says where it went. */
  async savePdf(title: string): Promise<void> {
    try {
      const path = await this.#api.savePdf(title);
      this.message = path ? `Saved as ${path}` : null;
    } catch (e) {
      this.message = `The PDF could not be saved: ${errorText(e)}`;
    }
  }
}
