/**
 * Markdown output shared by the engine benchmarks: the machine note (cores, load at the start),
 * tables, ratios and number formats. Everything a benchmark prints to stdout is its report, so
 * progress goes to stderr through `progress`.
 */
import * as os from 'node:os';

/** The load average when this module was first loaded (the benchmark's start). */
const LOAD_AT_START = os.loadavg();
const STARTED_AT = new Date();

/** One line about the machine: Node, cores, CPU model, memory and load average at start and now. */
export function machineNote(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ');
  return (
    `Machine: Node ${process.version}, ${os.platform()} ${os.release()}, ${cpus.length} cores (${model}), ` +
    `${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM; load average (1/5/15 min) ${load(LOAD_AT_START)} at the start ` +
    `(${STARTED_AT.toISOString().slice(0, 19)}Z), ${load(os.loadavg())} at the end.`
  );
}

/** A markdown table; `align` is 'l' or 'r' per column (default: first left, rest right). */
export function table(head: readonly string[], rows: readonly (readonly string[])[], align?: string): string {
  const a = align ?? `l${'r'.repeat(head.length - 1)}`;
  const sep = head.map((_, i) => (a[i] === 'r' ? '---:' : '---'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** `engine / baseline` as "1.23x", or "n/a" when it cannot be computed. */
export function ratio(engine: number, baseline: number, digits = 2): string {
  if (!Number.isFinite(engine) || !Number.isFinite(baseline) || baseline === 0) return 'n/a';
  return `${(engine / baseline).toFixed(digits)}x`;
}

/** A number with fixed decimals, or "n/a". */
export function fixed(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return fixed(bytes / 1024 ** 2, 1);
}

/** The value at quantile `q` (0..1) of `values` (nearest rank); NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** The median of `values`; NaN when empty. */
export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A progress line on stderr (stdout is the report). */
export function progress(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** Run `main`, printing a failure on stderr and setting a non-zero exit code. */
export function runBench(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  });
}
