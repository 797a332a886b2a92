/**
 * The upload bandwidth cap: one limiter shared by every upload at once, so a desk on a thin line
 * can keep the rest of its traffic flowing. A token bucket kept as "the line is busy until T":
 * each chunk goes when the line is free and books `bytes / rate` of it; waiting chunks go first
 * come, first served, so two uploads share the cap evenly. A changed rate applies at once, to the
 * time already booked too. Time comes from the Clock (STYLE.md, habit 6).
 */
import type { Clock, Disposable } from '../ports';
import { abortedError } from './error-mapping';

/** How late a chunk may ask for the line and still be counted from when it came free (ms). */
const SLACK_MS = 100;

/** Bytes per second the uploads may use together; 0: no cap. */
export type BytesPerSecond = number;

interface Waiter {
  bytes: number;
  resolve: () => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** The shared cap on upload bytes per second (see the module comment). */
export class UploadRateLimiter implements Disposable {
  private rate: BytesPerSecond;
  /** Until when the line is booked (ms, the clock's time). */
  private busyUntil = 0;
  private readonly queue: Waiter[] = [];
  private timer: Disposable | null = null;

  constructor(
    private readonly clock: Clock,
    bytesPerSecond: BytesPerSecond = 0,
  ) {
    this.rate = sanitise(bytesPerSecond);
  }

  /** The current cap (0: none). */
  get bytesPerSecond(): BytesPerSecond {
    return this.rate;
  }

  /**
   * Change the cap while uploads run: time already booked is rescaled to the new rate (a lower cap
   * slows the next chunk, a higher one speeds it), 0 lets every waiting chunk go at once.
   */
  setRate(bytesPerSecond: BytesPerSecond): void {
    const next = sanitise(bytesPerSecond);
    if (next === this.rate) return;
    const now = this.clock.now();
    const booked = Math.max(0, this.busyUntil - now);
    this.busyUntil = next === 0 || this.rate === 0 ? now : now + (booked * this.rate) / next;
    this.rate = next;
    this.pump();
  }

  /**
   * Resolves when `bytes` more may be sent (at once when there is no cap). Rejects with the
   * upload's ABORTED error when `signal` aborts first.
   */
  take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.rate === 0 && this.queue.length === 0) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(abortedError('The upload', null, signal.reason));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortedError('The upload', null, signal?.reason));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Lets every waiting chunk go; nothing waits after this. */
  dispose(): void {
    this.timer?.dispose();
    this.timer = null;
    this.rate = 0;
    this.pump();
  }

  private pump(): void {
    this.timer?.dispose();
    this.timer = null;
    const now = this.clock.now();
    while (this.queue.length > 0) {
      if (this.rate > 0 && this.busyUntil > now) {
        this.timer = this.clock.setTimeout(() => {
          this.timer = null;
          this.pump();
        }, this.busyUntil - now);
        return;
      }
      const w = this.queue.shift()!;
      w.signal?.removeEventListener('abort', w.onAbort);
      // A chunk asked for a little after the line came free (a late timer, a slow disk read) still
      // counts from when it came free: up to SLACK_MS, so the average holds without a burst.
      if (this.rate > 0) {
        const from = this.busyUntil >= now - SLACK_MS ? this.busyUntil : now;
        this.busyUntil = from + (w.bytes * 1000) / this.rate;
      }
      w.resolve();
    }
  }
}

function sanitise(rate: number): BytesPerSecond {
  return Number.isFinite(rate) && rate > 0 ? rate : 0;
}

const UNITS: Readonly<Record<string, number>> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };

/**
 * Reads a rate as people write it: bytes per second, with an optional decimal unit (`500k`,
 * `2M`, `1.5MB/s`; k = 1000). `0` means no cap. Null for anything else. Pure.
 */
export function parseRate(text: string): BytesPerSecond | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:b(?:\/s)?|b?ps)?\s*$/i.exec(text);
  if (!m) return null;
  const value = Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? 1);
  return Number.isFinite(value) ? Math.round(value) : null;
}

/** A rate for people: `2 MB/s`, `500 kB/s`, `no cap`. Pure. */
export function formatRate(rate: BytesPerSecond): string {
  if (!(rate > 0)) return 'no cap';
  if (rate >= 1e6) return `${+(rate / 1e6).toFixed(2)} MB/s`;
  if (rate >= 1e3) return `${+(rate / 1e3).toFixed(2)} kB/s`;
  return `${rate} B/s`;
}
