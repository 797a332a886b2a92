/** A Clock whose timers run only when a test advances time. */
import type { Clock, Disposable } from '../../../src/main/core/ports';

export class ManualClock implements Clock {
  private time = 1_000_000;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): Disposable {
    const timer = { at: this.time + ms, fn, live: true };
    this.timers.push(timer);
    return { dispose: () => void (timer.live = false) };
  }

  /** Moves time forward, running the timers that come due, in order. */
  advance(ms: number): void {
    this.time += ms;
    const due = this.timers.filter((t) => t.live && t.at <= this.time).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => t.live && t.at > this.time);
    for (const t of due) t.fn();
  }

  pending(): number {
    return this.timers.filter((t) => t.live).length;
  }
}
