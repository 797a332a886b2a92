/**
 * What the CLI shows on stderr while it works. On a terminal: one status line redrawn in place,
 * with a line printed above it for every file that finished, failed, was skipped or blocked.
 * Elsewhere (a log file, a pipe): those lines only, one per event, never control characters.
 * Control characters in names and messages are always written as visible escapes.
 * The text is decided by pure functions; ProgressReporter only writes it.
 */
import { escapeControl } from '../../shared/display-text';
import {
  TERMINAL_STATES,
  type Block,
  type EngineStatus,
  type Job,
  type JobState,
  type Verdict,
} from '../../shared/domain';

/** What the status line summarises. */
export type ProgressSnapshot = Pick<EngineStatus, 'counts' | 'uploads' | 'blocks' | 'paused'>;

/** Bytes for people: 1.5 MB (decimal units, as file managers show sizes). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** A confidence (0..1) as a percent. */
export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

/** A verdict in words: "fake, 97% confidence", "fake: 2 of 3 faces", "inconclusive: no face found". */
export function verdictText(v: Verdict): string {
  const parts: string[] = [v.label];
  if (v.confidence !== undefined) parts.push(`${percent(v.confidence)} confidence`);
  let text = parts.join(', ');
  if (v.faces !== undefined && v.deepFakes !== undefined && v.faces > 0) {
    text += ` (${v.deepFakes} of ${v.faces} face${v.faces === 1 ? '' : 's'} fake)`;
  }
  if (v.reason) text += `: ${v.reason}`;
  return text;
}

/** Cut `text` to `width` characters, ending in "…" when cut. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  return chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

/**
 * The status line: "37/100 checked · 3 uploading 2.1 MB/s · 5 processing · 1 failed · blocked: …".
 * Counts that are zero are left out.
 */
export function progressLine(s: ProgressSnapshot, width: number): string {
  const total = Object.values(s.counts).reduce((a, b) => a + b, 0);
  const finished = TERMINAL_STATES.reduce((a, k) => a + s.counts[k], 0);
  const parts = [`${finished}/${total} checked`];
  const inFlight = s.counts.uploading + s.counts.creating + s.counts.finalizing;
  if (inFlight > 0) {
    parts.push(
      `${inFlight} uploading` +
        (s.uploads.bytesPerSecond > 0 ? ` ${formatBytes(s.uploads.bytesPerSecond)}/s` : ''),
    );
  }
  const pairs: [JobState, string][] = [
    ['processing', 'processing'],
    ['queued', 'queued'],
    ['waiting', 'settling'],
    ['blocked', 'blocked'],
    ['failed', 'failed'],
    ['skipped', 'skipped'],
  ];
  for (const [state, word] of pairs) if (s.counts[state] > 0) parts.push(`${s.counts[state]} ${word}`);
  if (s.paused) parts.push('paused');
  const block = s.blocks[0];
  if (block) parts.push(`blocked: ${block.message}`);
  return fit(escapeControl(parts.join(' · ')), width);
}

/**
 * The line printed for a job that reached a state worth telling (a verdict, a failure, a skip,
 * a block); null for the steps in between.
 */
export function jobEventText(job: Job): string | null {
  switch (job.state) {
    case 'done':
      return `done     ${job.path}  ${job.verdict ? verdictText(job.verdict) : 'no verdict'}${job.simulated ? ' [simulated]' : ''}`;
    case 'failed':
      return `failed   ${job.path}  ${[job.errorCode, job.errorMessage].filter(Boolean).join(': ') || 'unknown error'}`;
    case 'skipped':
      return `skipped  ${job.path}  ${
        job.duplicateOf !== null
          ? `same content as job #${job.duplicateOf}`
          : job.errorMessage || 'not checked'
      }`;
    case 'blocked':
      return `blocked  ${job.path}  ${job.errorMessage ?? 'waiting for the queue to be unblocked'}`;
    default:
      return null;
  }
}

/** A duration for people: "45 s", "30 min", "1 h 30 min". */
export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** What a job still waits for, in words (for the list printed when a run gives up waiting). */
export function pendingReason(job: Job): string {
  const because = job.errorMessage ? `: ${job.errorMessage}` : '';
  switch (job.state) {
    case 'waiting':
      return 'waiting for the file to stop changing';
    case 'queued':
      return `not sent yet${because}`;
    case 'creating':
    case 'uploading':
    case 'finalizing':
      return `upload not finished${because}`;
    case 'processing':
      return 'sent, waiting for its verdict';
    case 'blocked':
      return `blocked${because}`;
    default:
      return job.state;
  }
}

/**
 * The lines printed when `--once` gives up waiting (`--timeout`): how long it waited, what blocks
 * the queue, and every file still pending with what it waits for. Nothing is lost: they resume
 * on the next run.
 */
export function gaveUpText(seconds: number, pending: readonly Job[], blocks: readonly Block[]): string[] {
  const n = pending.length;
  const lines = [
    `Gave up waiting after ${formatSeconds(seconds)} (--timeout): ${n} file${n === 1 ? '' : 's'} still pending; ${
      n === 1 ? 'it resumes' : 'they resume'
    } on the next run, nothing is sent twice.`,
  ];
  for (const b of blocks) lines.push(`  why: ${b.message} (${b.code}). ${b.action}`);
  for (const j of pending) lines.push(`  pending  ${j.path}  ${pendingReason(j)}`);
  return lines;
}

/** The line printed once when the queue becomes blocked. */
export function blockText(block: Block): string {
  return `blocked: ${block.message} (${block.code}). ${block.action}`;
}

/** Where the reporter writes: stderr, or a fake in tests. */
export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

const CLEAR_LINE = '\r\x1b[2K';

/** Writes progress to a terminal (a redrawn line) or a plain stream (one line per event). */
export class ProgressReporter {
  private snapshot: ProgressSnapshot | null = null;
  private barShown = false;
  private lastDraw = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly out: ProgressOutput,
    private readonly now: () => number = Date.now,
    private readonly redrawMs = 100,
  ) {}

  private get tty(): boolean {
    return this.out.isTTY === true;
  }

  /** A job changed state: print its line when it is worth one. */
  job(job: Job): void {
    const text = jobEventText(job);
    if (text !== null) this.line(text);
  }

  /** The queue got blocked. */
  block(block: Block): void {
    this.line(blockText(block));
  }

  /** Any other message for the user. */
  note(text: string): void {
    this.line(text);
  }

  /** New counts: redraw the status line (terminal only, at most every `redrawMs`). */
  status(snapshot: ProgressSnapshot): void {
    this.snapshot = snapshot;
    if (!this.tty) return;
    const t = this.now();
    if (t - this.lastDraw < this.redrawMs) return;
    this.draw();
  }

  /** Take the status line away and print the final counts. */
  finish(): void {
    if (this.tty && this.barShown) this.out.write(CLEAR_LINE);
    this.barShown = false;
    if (this.snapshot) this.out.write(`${progressLine(this.snapshot, 10_000)}\n`);
  }

  private line(raw: string): void {
    const text = escapeControl(raw);
    if (this.tty) {
      this.out.write(`${this.barShown ? CLEAR_LINE : ''}${fit(text, this.width())}\n`);
      this.barShown = false;
      this.draw();
    } else {
      this.out.write(`${text}\n`);
    }
  }

  private draw(): void {
    if (!this.snapshot) return;
    this.lastDraw = this.now();
    this.out.write(`${CLEAR_LINE}${progressLine(this.snapshot, this.width() - 1)}`);
    this.barShown = true;
  }

  private width(): number {
    return Math.max(20, this.out.columns ?? 80);
  }
}
