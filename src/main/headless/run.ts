/**
 * One run of `authenta-watch [options] <folder...>`: start the engine on the prepared settings,
 * report every job state change (NDJSON on stdout, progress on stderr), optionally serve the web
 * UI, and stop cleanly: with --once when every file of the run's folders has its verdict (or a
 * block only the user can clear stops the queue), otherwise on SIGINT/SIGTERM.
 */
import type { AuthentaWatchApi, JobQuery } from '../../shared/contract';
import {
  JOB_STATES,
  TERMINAL_STATES,
  type Block,
  type EngineStatus,
  type Job,
  type JobChange,
} from '../../shared/domain';
import type { MediaResponder } from '../core/media/media-files';
import type { Logger } from '../core/ports';
import { EXIT, exitCodeFor, stopsOnceRun, type ExitCode } from './exit-codes';
import { StateChanges, blockLine, jobLine, newBlocks, serialise, summaryLine } from './ndjson';
import { gaveUpText, ProgressReporter, type ProgressOutput } from './progress';
import type { WebHost } from './web-host';

/** What a run needs of the engine: the contract plus its lifecycle. */
export interface HeadlessEngine extends AuthentaWatchApi {
  start(): Promise<void>;
  /** The local media for the web UI (after start). */
  readonly media?: MediaResponder;
  /** Loopback origins heatmaps may play from (the Sandbox simulator's). */
  mediaOrigins?(): string[];
  /** Resolves when the engine has nothing left to do for now. */
  whenIdle(): Promise<void>;
  dispose(): Promise<void>;
}

export interface RunOptions {
  engine: HeadlessEngine;
  once: boolean;
  json: boolean;
  /** Only jobs of these folders decide the exit code of a --once run. */
  folderIds: readonly string[];
  stdout: { write(text: string): unknown };
  stderr: ProgressOutput;
  logger: Logger;
  now?: () => number;
  /** Starts the web UI once the engine runs; its address is printed. */
  startUi?: (engine: HeadlessEngine) => Promise<WebHost>;
  /** How often a --once run re-checks when no event came (default 1 s). */
  recheckMs?: number;
  /**
   * --once gives up after this long (exit 5), listing what is still pending; omitted: no limit.
   * It counts from the start, so an engine that cannot even start is given up on too.
   */
  timeoutMs?: number;
}

/** A run in progress. `stop()` asks it to finish (SIGINT/SIGTERM); `done` resolves with the exit code. */
export class HeadlessRun {
  readonly done: Promise<ExitCode>;
  private stopRequested = false;
  private wake: () => void = () => undefined;
  private readonly changes = new StateChanges();
  private readonly progress: ProgressReporter;
  private blocks: Block[] = [];
  private status: EngineStatus | null = null;
  private ui: WebHost | null = null;
  private readonly now: () => number;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private closing = false;
  private timedOut = false;
  private diskFullShown = false;

  constructor(private readonly o: RunOptions) {
    this.now = o.now ?? Date.now;
    this.progress = new ProgressReporter(o.stderr, this.now);
    this.done = this.run();
  }

  /** Finish as soon as possible, leaving every job resumable. */
  stop(): void {
    this.stopRequested = true;
    this.wake();
  }

  private async run(): Promise<ExitCode> {
    const { engine } = this.o;
    const unsubscribe = [
      engine.onJobsChanged((changes) => {
        this.report(changes);
        this.refreshStatus();
        this.wake();
      }),
      engine.onStatus((status) => this.onStatus(status)),
    ];
    let code: ExitCode = EXIT.failed;
    const startedAt = this.now();
    let deadline: ReturnType<typeof setTimeout> | null = null;
    const gaveUp = new Promise<'timeout'>((resolve) => {
      if (this.o.timeoutMs === undefined) return;
      deadline = setTimeout(() => {
        this.timedOut = true;
        this.wake();
        resolve('timeout');
      }, this.o.timeoutMs);
    });
    try {
      if ((await Promise.race([engine.start(), gaveUp])) === 'timeout') {
        this.o.logger.warn('cli: gave up waiting for the engine to start', { timeoutMs: this.o.timeoutMs });
        this.progress.note(
          `Gave up waiting after ${Math.round((this.o.timeoutMs ?? 0) / 1000)} s (--timeout): the app did not finish starting. See the log in the data folder.`,
        );
        return EXIT.timedOut;
      }
      // Jobs that moved while the engine started (a verdict deadline that passed while the app was
      // closed) are reported like any later change; the others start from where they are.
      const existing = await this.allJobs();
      this.changes.seed(existing.filter((j) => j.updatedAt < startedAt));
      this.report(existing.filter((j) => j.updatedAt >= startedAt).map((job) => ({ type: 'upsert', job })));
      this.onStatus(await engine.getStatus());
      if (this.o.startUi) {
        this.ui = await this.o.startUi(engine);
        this.progress.note(`Web UI: ${this.ui.url}`);
      }
      code = this.o.once ? await this.drain() : await this.watch();
      // Job changes reach the run in batches (every 100 ms), but the run decides to stop from the
      // ledger: the batch with the last verdicts may not have gone out yet, and stopping drops it.
      // Each job's last line is what the ledger holds (only jobs whose state the lines lag behind).
      this.report((await this.allJobs()).map((job) => ({ type: 'upsert', job })));
      // The last status event may be up to a throttle interval old: count once more for the summary.
      const last = await engine.getStatus().catch(() => null);
      if (last) {
        this.status = last;
        this.progress.status(last);
      }
    } finally {
      this.closing = true;
      if (deadline) clearTimeout(deadline);
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
      for (const u of unsubscribe) u();
      await this.ui?.close().catch(() => undefined);
      await engine.dispose();
    }
    if (this.o.json) {
      const counts = this.status?.counts;
      if (counts) this.o.stdout.write(serialise(summaryLine(counts, code, this.now())));
    }
    this.progress.finish();
    return code;
  }

  /** One line (NDJSON and progress) per job whose state really changed. */
  private report(changes: readonly JobChange[]): void {
    for (const { job, previous } of this.changes.take(changes)) {
      if (this.o.json) this.o.stdout.write(serialise(jobLine(job, previous, this.now())));
      this.progress.job(job);
    }
  }

  /** --once: until every job of the run's folders is finished, a block stops the queue, or a signal. */
  private async drain(): Promise<ExitCode> {
    const { engine } = this.o;
    let idle = false;
    void engine.whenIdle().then(() => {
      idle = true;
      this.wake();
    });
    for (;;) {
      const open = await this.openJobs();
      const finished = open.every((j) => TERMINAL_STATES.includes(j.state));
      if ((idle && finished) || stopsOnceRun(this.blocks, open) || this.stopRequested) {
        return exitCodeFor({ jobs: open, blocks: this.blocks });
      }
      if (this.timedOut) {
        const pending = open.filter((j) => !TERMINAL_STATES.includes(j.state));
        const seconds = Math.round((this.o.timeoutMs ?? 0) / 1000);
        for (const line of gaveUpText(seconds, pending, this.blocks)) this.progress.note(line);
        if (this.status?.diskFull) this.progress.note(`  why: ${this.status.diskFull.message}`);
        this.o.logger.warn('cli: gave up waiting', { timeoutMs: this.o.timeoutMs, pending: pending.length });
        return EXIT.timedOut;
      }
      if (idle && !finished) {
        idle = false;
        void engine.whenIdle().then(() => {
          idle = true;
          this.wake();
        });
      }
      await this.sleep(this.o.recheckMs ?? 1_000);
    }
  }

  /** Watch mode: until a signal. Exit 0, or 3/4 when a block only the user can clear remains. */
  private async watch(): Promise<ExitCode> {
    while (!this.stopRequested) await this.sleep(60_000);
    const code = exitCodeFor({ jobs: [], blocks: this.blocks });
    return code;
  }

  /**
   * Jobs moved: count again soon (the engine's own status events do not follow every job), at
   * most every 250 ms.
   */
  private refreshStatus(): void {
    if (this.refreshTimer || this.closing) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      if (this.closing) return;
      this.o.engine.getStatus().then(
        (s) => {
          if (!this.closing) this.onStatus(s);
        },
        () => undefined,
      );
    }, 250);
  }

  private onStatus(status: EngineStatus): void {
    const full = status.diskFull ?? null;
    if (full && !this.diskFullShown) {
      this.progress.note(full.message);
      this.o.logger.warn('cli: the data folder’s disk is full', {
        path: full.path,
        freeBytes: full.freeBytes,
      });
    } else if (!full && this.diskFullShown) {
      this.progress.note('Space is back on the data folder’s disk: going on.');
    }
    this.diskFullShown = full !== null;
    for (const block of newBlocks(this.blocks, status.blocks)) {
      if (this.o.json) this.o.stdout.write(serialise(blockLine(block, this.now())));
      this.progress.block(block);
      this.o.logger.warn('cli: queue blocked', {
        kind: block.kind,
        code: block.code,
        message: block.message,
      });
    }
    this.blocks = status.blocks;
    this.status = status;
    this.progress.status(status);
    this.wake();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async allJobs(query: JobQuery = {}): Promise<Job[]> {
    const out: Job[] = [];
    for (let offset = 0; ;) {
      const page = await this.o.engine.listJobs({
        ...query,
        offset,
        limit: 5_000,
        sort: 'createdAt',
        order: 'asc',
      });
      out.push(...page.jobs);
      offset += page.jobs.length;
      if (page.jobs.length === 0 || offset >= page.total) return out;
    }
  }

  /** Jobs of the run's folders that have no verdict and were not skipped (failed ones included). */
  private async openJobs(): Promise<Job[]> {
    const states = JOB_STATES.filter((s) => s !== 'done' && s !== 'skipped');
    const out: Job[] = [];
    for (const folderId of this.o.folderIds) out.push(...(await this.allJobs({ folderId, states })));
    return out;
  }
}
