/**
 * Many short delays on one timer: `afterQuietly(ms, fn)` runs `fn` after `ms` unless cancelled
 * first. The queue's rows each wait a moment before asking for their picture; a timer per row and
 * scroll frame cost more than the wait saved (setTimeout was a visible cost in a scroll profile).
 */
const pending = new Map<() => void, number>();
let timer: ReturnType<typeof setTimeout> | null = null;

function flush(): void {
  timer = null;
  const now = performance.now();
  let next = Infinity;
  for (const [fn, due] of pending) {
    if (due <= now) {
      pending.delete(fn);
      fn();
    } else next = Math.min(next, due);
  }
  if (next !== Infinity) timer = setTimeout(flush, next - now);
}

/** Run `fn` once after `ms`; the returned function cancels it. */
export function afterQuietly(ms: number, fn: () => void): () => void {
  const run = (): void => fn();
  pending.set(run, performance.now() + ms);
  timer ??= setTimeout(flush, ms);
  return () => {
    pending.delete(run);
  };
}

/**
 * How long a queue row must stay on screen before it asks for anything (its picture, its
 * Content Credentials mark): rows that only flash past while the list scrolls ask for nothing.
 */
export const ROW_SETTLE_MS = 80;
