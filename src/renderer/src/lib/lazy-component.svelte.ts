/**
 * Components whose code is loaded on first use, each in its own chunk, so that the page's first
 * script holds only what the first screen shows: the shell and the queue (issue 12: first rows).
 */
import type { Component } from 'svelte';
import { errorText } from './format';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a component of any props
type AnyComponent = Component<any>;

export class LazyComponent<T extends AnyComponent> {
  /** The component once its code is loaded; null before. */
  current = $state.raw<T | null>(null);
  /** Why its code could not be loaded (the host went away, or a newer build replaced this one). */
  error = $state<string | null>(null);
  readonly #load: () => Promise<{ default: T }>;
  #loading: Promise<void> | null = null;

  constructor(load: () => Promise<{ default: T }>) {
    this.#load = load;
  }

  /**
   * The component, or null while its code loads (the first call starts loading it); once loaded,
   * the same component at once on every call, so a screen shown again is drawn in the same task.
   */
  get component(): T | null {
    if (this.current === null) void this.load();
    return this.current;
  }

  /** Load the code, once; resolves when it is loaded or has failed (then `error` says why). */
  load(): Promise<void> {
    this.#loading ??= this.#load().then(
      (module) => {
        this.current = module.default;
      },
      (error: unknown) => {
        this.error = errorText(error);
      },
    );
    return this.#loading;
  }
}

/**
 * Run `task` when the page is idle (within `timeoutMs` at the latest); returns a function that
 * cancels it if it has not run.
 */
export function whenIdle(task: () => void, timeoutMs = 2_000): () => void {
  const idle = globalThis as {
    requestIdleCallback?: (fn: () => void, options: { timeout: number }) => number;
    cancelIdleCallback?: (handle: number) => void;
  };
  if (idle.requestIdleCallback && idle.cancelIdleCallback) {
    const handle = idle.requestIdleCallback(task, { timeout: timeoutMs });
    const cancel = idle.cancelIdleCallback;
    return () => cancel(handle);
  }
  const timer = setTimeout(task, 0);
  return () => clearTimeout(timer);
}
