/**
 * Running part of a benchmark in a child process, so its memory and CPU are its own: a benchmark
 * file forks itself with a role (`BENCH_ROLE`), and the two sides talk over IPC in `{type, ...}`
 * messages. The child's stdout goes to the parent's stderr: only the parent writes the report.
 */
import { fork, type ChildProcess } from 'node:child_process';

/** A message between a benchmark and its child. */
export interface Message {
  type: string;
  [key: string]: unknown;
}

/** A forked child playing one role. */
export interface RoleChild {
  readonly pid: number;
  readonly process: ChildProcess;
  send(message: Message): void;
  /** The next message of this type (earlier ones are kept until asked for); rejects if the child fails or exits first. */
  next<T extends Message = Message>(type: string, timeoutMs?: number): Promise<T>;
  /** Ends the child (SIGTERM, then SIGKILL after 5 s) and waits for it. */
  stop(): Promise<void>;
}

/** The role this process was forked for, if any. */
export function currentRole(): string | undefined {
  return process.env['BENCH_ROLE'];
}

/** Fork `file` (a benchmark file) with `BENCH_ROLE=role` and extra environment. */
export function forkRole(file: string, role: string, env: Record<string, string> = {}): RoleChild {
  const child = fork(file, [], {
    execArgv: [...process.execArgv, '--expose-gc'],
    env: { ...process.env, ...env, BENCH_ROLE: role },
    stdio: ['ignore', 2, 2, 'ipc'],
  });
  const inbox: Message[] = [];
  const waiters: { type: string; resolve: (m: Message) => void; reject: (e: Error) => void }[] = [];
  /** Why no more messages will come (the child failed or exited). */
  let failure: string | null = null;
  let gone = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = true;
      failure ??= `the ${role} child exited (code ${code}, signal ${signal})`;
      for (const w of waiters.splice(0)) w.reject(new Error(failure));
      resolve();
    });
  });
  child.on('message', (raw) => {
    const m = raw as Message;
    if (m.type === 'error' && !waiters.some((w) => w.type === 'error')) {
      failure = `the ${role} child failed: ${String(m.message)}`;
      for (const w of waiters.splice(0)) w.reject(new Error(failure));
      return;
    }
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    else inbox.push(m);
  });
  return {
    pid: child.pid ?? -1,
    process: child,
    send(message) {
      if (!gone) child.send(message);
    },
    next<T extends Message>(type: string, timeoutMs = 600_000): Promise<T> {
      const i = inbox.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as T);
      if (failure !== null) return Promise.reject(new Error(failure));
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          const j = waiters.indexOf(w);
          if (j >= 0) waiters.splice(j, 1);
          reject(new Error(`the ${role} child sent no "${type}" within ${timeoutMs} ms`));
        }, timeoutMs);
        const w = {
          type,
          resolve: (m: Message) => {
            clearTimeout(timer);
            resolve(m as T);
          },
          reject: (e: Error) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        waiters.push(w);
      });
    },
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

/** In a child: send a message to the parent. */
export function tell(message: Message): void {
  process.send?.(message);
}

/** In a child: the next message of this type from the parent. */
export function heard<T extends Message = Message>(type: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (raw: unknown) => {
      const m = raw as Message;
      if (m.type !== type) return;
      process.off('message', on);
      resolve(m as T);
    };
    process.on('message', on);
  });
}

/** In a child: run `main`, report a failure to the parent as `{type: 'error'}`, and exit when done. */
export function runRole(main: () => Promise<void>): void {
  process.on('disconnect', () => process.exit(0));
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      console.error(message);
      tell({ type: 'error', message });
      setTimeout(() => process.exit(1), 100);
    },
  );
}
