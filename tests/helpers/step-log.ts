/**
 * Where a long test stopped, with the time each step took: for tests whose rare failure is a
 * timeout (vitest then says only "timed out in 120000ms"). Wrap the test's awaited steps; when the
 * test fails, for any reason, the steps are printed with their times, the one still running
 * marked as such:
 *
 *   const steps = stepLog(onTestFailed, { extra: () => serverLogTail() });
 *   await steps.step('server stop', () => cluster.stop());
 *
 * Only for diagnosis: no assertion reads the times (no timed tests).
 */
import { performance } from 'node:perf_hooks';

interface Step {
  name: string;
  startedMs: number;
  /** null while it runs. */
  endedMs: number | null;
  /** How it ended: null while it runs or when it succeeded, the error's first line when it threw. */
  failed: string | null;
}

/** What `stepLog` prints beside the steps on failure. */
export interface StepLogOptions {
  /** More to print (a server's log tail): called only when the test fails. */
  extra?: () => string;
  /** Texts never printed (a password): each replaced with `***`. */
  secrets?: readonly string[];
}

/** The steps of one test; see the module comment. */
export interface StepLog {
  /** Run `fn` as the step `name`, timed. */
  step<T>(name: string, fn: () => Promise<T> | T): Promise<T>;
  /** Something that happened meanwhile (an event heard), with its time. */
  note(text: string): void;
  /** The steps so far, one line each, with their start and duration in ms since the log began. */
  report(): string;
}

/**
 * A step log whose report is printed (console.error) when the current test fails: pass vitest's
 * `onTestFailed` (the test context's, or the one imported from vitest inside the test).
 */
export function stepLog(onTestFailed: (fn: () => void) => void, options: StepLogOptions = {}): StepLog {
  const began = performance.now();
  const steps: Step[] = [];
  const ms = (t: number): string => `${Math.round(t - began)} ms`;
  const hide = (text: string): string =>
    (options.secrets ?? []).filter(Boolean).reduce((t, s) => t.split(s).join('***'), text);
  const log: StepLog = {
    async step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
      const s: Step = { name, startedMs: performance.now(), endedMs: null, failed: null };
      steps.push(s);
      try {
        return await fn();
      } catch (e) {
        s.failed = String(e instanceof Error ? e.message : e).split('\n')[0] ?? '';
        throw e;
      } finally {
        s.endedMs = performance.now();
      }
    },
    note(text) {
      const t = performance.now();
      steps.push({ name: `(heard) ${text}`, startedMs: t, endedMs: t, failed: null });
    },
    report() {
      const now = performance.now();
      return steps
        .map((s) => {
          const took =
            s.endedMs === null
              ? `STILL RUNNING after ${Math.round(now - s.startedMs)} ms`
              : `${Math.round(s.endedMs - s.startedMs)} ms${s.failed === null ? '' : `, threw: ${s.failed}`}`;
          return `  at ${ms(s.startedMs)}: ${s.name}: ${took}`;
        })
        .join('\n');
    },
  };
  onTestFailed(() => {
    let extra = '';
    try {
      extra = options.extra ? `\n${options.extra()}` : '';
    } catch (e) {
      extra = `\n(could not read more: ${String(e)})`;
    }
    console.error(
      hide(`Steps of the failed test (total ${ms(performance.now())}):\n${log.report()}${extra}`),
    );
  });
  return log;
}
