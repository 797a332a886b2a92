/**
 * The jobs as the UI reads them: pages of the queue, one job's details with its timeline and the
 * hint of what blocks it, reports, a person's review, the links of a record on Authenta (fetched
 * fresh: they expire), and a video's poster frame. Reads the ledger; writes only the review, the
 * record's latest answer and the poster.
 */
import type { z } from 'zod';
import {
  JobQuerySchema,
  ReviewInputSchema,
  type JobId,
  type JobPage,
  type JobQuery,
  type OpenLinkSchema,
  type ReportFormat,
  type ReviewInput,
} from '../../../shared/contract';
import type { Job, JobDetails } from '../../../shared/domain';
import type { ProvenanceReport } from '../../../shared/provenance';
import { AuthentaError } from '../api/errors';
import { redactRecord } from '../api/record-redaction';
import { noJobMessage } from '../messages';
import type { JobRecord, Ledger } from '../ledger/ledger';
import { PosterError, type ThumbnailService } from '../media/thumbnails';
import type { BlockBoard } from '../pipeline/blocks';
import { blocksOf, firstOperation } from '../pipeline/error-policy';
import { hintFor } from '../pipeline/hints';
import type { Clock } from '../ports';
import { formatReport } from '../report';
import type { EventHub } from './event-hub';
import { linkFromRecord } from './links';
import type { ProfileService } from './profile-service';
import { toJob } from './to-job';
import { userError } from './user-error';

/** What the job views read. */
export interface JobViewsOptions {
  ledger: Ledger;
  thumbs: ThumbnailService;
  board: BlockBoard;
  clock: Clock;
  profiles: ProfileService;
  events: EventHub;
  /** Reads the provenance of the report's files (cached ones, small ones now); absent: none in reports. */
  provenanceFor?: (jobs: readonly Job[]) => Promise<Map<number, ProvenanceReport>>;
}

/** See the module comment. */
export class JobViews {
  constructor(private readonly options: JobViewsOptions) {}

  private get ledger(): Ledger {
    return this.options.ledger;
  }
  private get board(): BlockBoard {
    return this.options.board;
  }
  private get clock(): Clock {
    return this.options.clock;
  }
  private get thumbs(): ThumbnailService {
    return this.options.thumbs;
  }

  async list(query: JobQuery): Promise<JobPage> {
    const q = JobQuerySchema.parse(query);
    const page = await this.ledger.list(q);
    return { total: page.total, offset: q.offset, jobs: page.jobs.map(toJob) };
  }

  async details(id: JobId): Promise<JobDetails> {
    const job = await this.requireJob(id);
    return {
      job: toJob(job),
      timeline: await this.ledger.timeline(id),
      raw: redactRecord(job.raw),
      hint: hintFor(job, this.relevantBlocks(job), this.clock.now()),
    };
  }

  /** Asks Authenta for the record's current links (they expire), keeps its answer, and returns the one asked for. */
  async openLink(link: z.input<typeof OpenLinkSchema>): Promise<string> {
    await this.options.profiles.settled();
    let job = await this.requireJob(link.id);
    if (!job.remoteId && job.duplicateOf !== null) job = await this.requireJob(job.duplicateOf);
    if (!job.remoteId)
      throw userError(`Job #${link.id} has no record on Authenta, so there is nothing to open.`);
    const active = this.options.profiles.active;
    if (!active || active.profile.id !== job.profileId) {
      throw userError('This record belongs to another profile: select that profile to open its links.');
    }
    const blocked = blocksOf('get', this.board.list())[0];
    if (blocked)
      throw new AuthentaError({
        code: blocked.code,
        kind: 'quota',
        message: `${blocked.message} ${blocked.action}`,
      });
    const record = await active.service.get(job.remoteId);
    await this.ledger.update(job.id, { raw: record.raw });
    return linkFromRecord(record.raw, link);
  }

  async report(query: JobQuery, format: ReportFormat): Promise<string> {
    const base = JobQuerySchema.parse(query);
    const jobs: Job[] = [];
    for (let offset = 0; ; offset += 20_000) {
      const page = await this.ledger.list({ ...base, offset, limit: 20_000 });
      jobs.push(...page.jobs.map(toJob));
      if (page.jobs.length < 20_000 || jobs.length >= page.total) break;
    }
    const provenance = (await this.options.provenanceFor?.(jobs)) ?? new Map<number, ProvenanceReport>();
    return formatReport(jobs, format, this.clock.now(), (job) => provenance.get(job.id));
  }

  /** Stores the review at once (with now as its time); the row goes out through jobsChanged like any change. */
  async setReview(id: JobId, review: ReviewInput): Promise<Job> {
    const parsed = ReviewInputSchema.parse(review);
    const note = parsed.note?.trim() ? parsed.note.trim() : null;
    const row = await this.ledger.setReview(id, { status: parsed.status, note, at: this.clock.now() });
    if (!row) throw userError(noJobMessage(id), 'NOT_FOUND');
    return toJob(row);
  }

  /**
   * Caches a video's poster frame drawn by the UI as its thumbnail. The bytes are decoded and
   * re-encoded, never stored as given.
   */
  async saveVideoPoster(id: JobId, jpegDataUrl: string): Promise<void> {
    const job = await this.requireJob(id);
    if (job.kind !== 'video')
      throw userError(`Job #${id} is not a video: its thumbnail is made from the file itself.`);
    if (!job.sha256) throw userError(`Job #${id} has not been read yet; try again once it is checked.`);
    try {
      await this.thumbs.savePoster(job.sha256, jpegDataUrl);
    } catch (e) {
      if (e instanceof PosterError) throw userError(e.message, e.code);
      throw e;
    }
  }

  async requireJob(id: number): Promise<JobRecord> {
    const job = await this.ledger.get(id);
    if (!job) throw userError(noJobMessage(id), 'NOT_FOUND');
    return job;
  }

  /** The blocks that matter to one job (a credits block says nothing to a job awaiting its verdict). */
  private relevantBlocks(job: JobRecord): ReturnType<BlockBoard['list']> {
    return blocksOf(firstOperation(job.state === 'blocked' ? job.resumeState : job.state), this.board.list());
  }
}
