/**
 * What a process costs, read from Linux's /proc: resident memory (now and peak), resetting the
 * peak mark, and a sampler that keeps the highest RSS seen. Where /proc is missing, figures are NaN.
 */
import * as fs from 'node:fs';

/** Current RSS, peak RSS (VmHWM) and the command name of a process, in bytes; null if unreadable. */
export interface ProcMemory {
  name: string;
  rss: number;
  hwm: number;
}

/** Memory of `pid` (or this process) from /proc/<pid>/status; null when the process is gone. */
export function procMemory(pid: number | 'self' = 'self'): ProcMemory | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { name: /^Name:\s+(\S+)/m.exec(status)?.[1] ?? '', rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** Resets this process's peak-RSS mark (write 5 to /proc/self/clear_refs); false where unsupported. */
export function resetPeakRss(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Watches this process's RSS from `start()` to `stop()`: the RSS at the start, and the peak (sampled
 * every `everyMs`, and VmHWM after resetting it, so a spike between samples still counts).
 */
export class PeakRss {
  private timer: NodeJS.Timeout | null = null;
  private peak = 0;
  private hwmReset = false;
  /** RSS when `start()` was called. */
  baseline = NaN;

  constructor(private readonly everyMs = 10) {}

  start(): void {
    (globalThis as { gc?: () => void }).gc?.();
    this.baseline = process.memoryUsage.rss();
    this.peak = this.baseline;
    this.hwmReset = resetPeakRss();
    this.timer = setInterval(() => this.sample(), this.everyMs);
  }

  /** The current RSS, also counted towards the peak. */
  sample(): number {
    const rss = process.memoryUsage.rss();
    this.peak = Math.max(this.peak, rss);
    return rss;
  }

  /** Stops sampling; returns the baseline, the peak and the RSS now. */
  stop(): { baseline: number; peak: number; end: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const end = this.sample();
    const hwm = this.hwmReset ? (procMemory('self')?.hwm ?? NaN) : NaN;
    if (Number.isFinite(hwm)) this.peak = Math.max(this.peak, hwm);
    return { baseline: this.baseline, peak: this.peak, end };
  }
}

/** Inotify watches this process holds (Linux: counted in /proc/self/fdinfo); NaN where unknown. */
export function inotifyWatches(): number {
  try {
    let n = 0;
    for (const fd of fs.readdirSync('/proc/self/fdinfo')) {
      try {
        n += (fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/^inotify /gm) ?? []).length;
      } catch {
        // The descriptor closed meanwhile.
      }
    }
    return n;
  } catch {
    return NaN;
  }
}

/** The per-user inotify watch limit (fs.inotify.max_user_watches); NaN where unknown. */
export function inotifyLimit(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim());
  } catch {
    return NaN;
  }
}
