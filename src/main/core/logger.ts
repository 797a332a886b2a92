/**
 * The Logger port's adapter: structured JSON-line records sent to sinks (stderr, a rotating file,
 * memory for tests). Redaction happens here, by construction, before any sink sees a record:
 * fields named like a secret are replaced with "[redacted]", every registered secret value is cut
 * out of every string, and signatures in pre-signed URLs are blanked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeControl } from '../../shared/display-text';
import type { Logger } from './ports';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** One log line as sinks receive it, already redacted. */
export interface LogRecord {
  /** ISO 8601 time. */
  time: string;
  level: LogLevel;
  msg: string;
  fields: Record<string, unknown>;
}

/** Where log records go. */
export interface LogSink {
  write(record: LogRecord): void;
  dispose?(): void;
}

/** The replacement for anything secret. */
export const REDACTED = '[redacted]';

/** Field names whose values are never logged, whatever they hold. */
export const SECRET_FIELD_PATTERN =
  /secret|api[-_]?key|authorization|password|passwd|passphrase|token|cookie|credential|x-client-secret|signature/i;

/** Query parameters of pre-signed URLs that act as short-lived credentials. */
const URL_SECRET_PARAMS =
  /([?&](?:[\w.-]*(?:signature|credential|security-token|token|sig)|AWSAccessKeyId|key)=)[^&\s"'<>]+/gi;

/** A Bearer token or an Authenta API key written anywhere in a string. */
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g;
const API_KEY_LITERAL = /api_apikey_[A-Za-z0-9._-]+/g;

/** Secret values shorter than this are not searched for in text (they would shred ordinary words). */
const MIN_SECRET_LENGTH = 6;

export interface LoggerOptions {
  sinks: LogSink[];
  /** Lowest level written; default 'info'. */
  level?: LogLevel;
  /** The secret values to cut out of every string (client secrets, API keys), asked at each write. */
  secrets?: () => readonly string[];
  /** Fields added to every record of this logger. */
  bindings?: Record<string, unknown>;
  /** Time source; default Date.now. */
  now?: () => number;
}

/** A Logger that can also make children with extra fields and change its level. */
export interface RedactingLogger extends Logger {
  child(bindings: Record<string, unknown>): RedactingLogger;
  setLevel(level: LogLevel): void;
}

/** Builds a Logger whose records are redacted before any sink sees them (see the module comment). */
export function createLogger(options: LoggerOptions): RedactingLogger {
  const state = { level: options.level ?? 'info' };
  return makeLogger(options, state, options.bindings ?? {});
}

function makeLogger(
  options: LoggerOptions,
  state: { level: LogLevel },
  bindings: Record<string, unknown>,
): RedactingLogger {
  const now = options.now ?? Date.now;
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (LEVEL_RANK[level] < LEVEL_RANK[state.level]) return;
    const secrets = safeSecrets(options.secrets);
    const record: LogRecord = {
      time: new Date(now()).toISOString(),
      level,
      msg: redactString(String(msg), secrets),
      fields: redactValue({ ...bindings, ...fields }, secrets, 0, new WeakSet()) as Record<string, unknown>,
    };
    for (const sink of options.sinks) {
      try {
        sink.write(record);
      } catch {
        // A broken sink (full disk) must not break the engine; other sinks still get the record.
      }
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (more) => makeLogger(options, state, { ...bindings, ...more }),
    setLevel: (level) => {
      state.level = level;
    },
  };
}

function safeSecrets(source: LoggerOptions['secrets']): string[] {
  if (!source) return [];
  try {
    return source()
      .filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
  } catch {
    return [];
  }
}

/** Cuts registered secrets, Bearer tokens, API keys and URL signatures out of a string. */
export function redactString(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(URL_SECRET_PARAMS, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`)
    .replace(API_KEY_LITERAL, REDACTED);
}

/** A deep copy of `value` fit for a log line: secret-named fields blanked, strings scrubbed. */
export function redactValue(
  value: unknown,
  secrets: readonly string[],
  depth = 0,
  seen = new WeakSet<object>(),
): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol'
      ? String(value)
      : value;
  }
  if (seen.has(value)) return '[circular]';
  if (depth > 8) return '[too deep]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactString(value.message, secrets) };
    const extra = value as unknown as Record<string, unknown>;
    for (const key of ['code', 'kind', 'status', 'mid', 'quota']) {
      if (extra[key] !== undefined) out[key] = redactValue(extra[key], secrets, depth + 1, seen);
    }
    if (value.stack) out['stack'] = redactString(value.stack, secrets);
    if (value.cause !== undefined) out['cause'] = redactValue(value.cause, secrets, depth + 1, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1, seen));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      SECRET_FIELD_PATTERN.test(key) && typeof v !== 'boolean' && v != null
        ? REDACTED
        : redactValue(v, secrets, depth + 1, seen);
  }
  return out;
}

/** The JSON line a record is written as (one line, no trailing newline). */
export function formatJsonLine(record: LogRecord): string {
  return JSON.stringify({ time: record.time, level: record.level, msg: record.msg, ...record.fields });
}

/** Writes human-readable lines to stderr: `time level msg {fields}`. */
export class ConsoleLogSink implements LogSink {
  constructor(private readonly stream: NodeJS.WritableStream = process.stderr) {}

  write(record: LogRecord): void {
    const fields = Object.keys(record.fields).length > 0 ? ` ${JSON.stringify(record.fields)}` : '';
    // A message may quote a file name: its control characters are shown, never obeyed by a terminal.
    this.stream.write(
      `${record.time} ${record.level.toUpperCase().padEnd(5)} ${escapeControl(record.msg)}${fields}\n`,
    );
  }
}

/** Keeps records in memory, for tests and for the UI's recent-log view. */
export class MemoryLogSink implements LogSink {
  readonly records: LogRecord[] = [];

  write(record: LogRecord): void {
    this.records.push(record);
  }

  /** Every record as JSON lines, exactly as the file sink would write them. */
  text(): string {
    return this.records.map((r) => `${formatJsonLine(r)}\n`).join('');
  }

  clear(): void {
    this.records.length = 0;
  }
}

export interface FileLogSinkOptions {
  dir: string;
  /** Rotate before the current file would grow past this; default 5 MiB. */
  maxBytes?: number;
  /** Rotated files kept beside the current one (name.1 is the newest); default 5. */
  maxFiles?: number;
  /** Default `authenta-watch.log`. */
  fileName?: string;
}

/**
 * Appends JSON lines to `dir/authenta-watch.log` and rotates it to `.1`, `.2`, ... when it would
 * pass `maxBytes`, keeping `maxFiles` old files. Writes are synchronous so a crash loses no line.
 */
export class FileLogSink implements LogSink {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private fd: number | null = null;
  private size = 0;

  constructor(options: FileLogSinkOptions) {
    this.file = path.join(options.dir, options.fileName ?? 'authenta-watch.log');
    this.maxBytes = Math.max(1024, options.maxBytes ?? 5 * 1024 * 1024);
    this.maxFiles = Math.max(0, Math.floor(options.maxFiles ?? 5));
    fs.mkdirSync(options.dir, { recursive: true });
  }

  write(record: LogRecord): void {
    const line = Buffer.from(`${formatJsonLine(record)}\n`, 'utf8');
    const fd = this.open();
    if (this.size > 0 && this.size + line.length > this.maxBytes) {
      this.rotate();
      return this.write(record);
    }
    fs.writeSync(fd, line);
    this.size += line.length;
  }

  /** The current file and the rotated ones that exist, newest first. */
  files(): string[] {
    const all = [this.file];
    for (let i = 1; i <= this.maxFiles; i++) all.push(`${this.file}.${i}`);
    return all.filter((f) => fs.existsSync(f));
  }

  dispose(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private open(): number {
    if (this.fd === null) {
      this.fd = fs.openSync(this.file, 'a', 0o600);
      this.size = fs.fstatSync(this.fd).size;
    }
    return this.fd;
  }

  private rotate(): void {
    this.dispose();
    if (this.maxFiles === 0) {
      fs.rmSync(this.file, { force: true });
    } else {
      fs.rmSync(`${this.file}.${this.maxFiles}`, { force: true });
      for (let i = this.maxFiles - 1; i >= 1; i--) {
        if (fs.existsSync(`${this.file}.${i}`)) fs.renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
      }
      fs.renameSync(this.file, `${this.file}.1`);
    }
    this.size = 0;
  }
}
