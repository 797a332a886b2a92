/**
 * Asking for credentials on the terminal: visible answers for ids, hidden ones for secrets (no
 * echo). When stdin is not a terminal the answers are read from it one line each, in order, so
 * scripts and tests can pipe them; nothing read is ever printed.
 */
import type { Readable, Writable } from 'node:stream';

export interface PromptIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** Prompts go here (stderr), so stdout stays clean. */
  output: Writable;
}

/** The user pressed Ctrl-C or closed the input before answering. */
export class PromptCancelled extends Error {
  override readonly name = 'PromptCancelled';
}

/** One question and whether its answer is hidden. */
export interface Question {
  prompt: string;
  hidden: boolean;
}

/** Ask each question in turn; answers are trimmed of the line end only. */
export async function ask(io: PromptIo, questions: readonly Question[]): Promise<string[]> {
  if (!io.stdin.isTTY) return readPipedLines(io.stdin, questions.length);
  const answers: string[] = [];
  for (const q of questions) answers.push(await askOnTerminal(io, q));
  return answers;
}

/** The first `count` lines of a piped stdin. Fails when fewer come. */
export async function readPipedLines(stdin: Readable, count: number): Promise<string[]> {
  const lines: string[] = [];
  let rest = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) {
    rest += chunk as string;
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0 && lines.length < count) {
      lines.push(rest.slice(0, nl).replace(/\r$/, ''));
      rest = rest.slice(nl + 1);
    }
    if (lines.length >= count) break;
  }
  if (lines.length < count && rest !== '') lines.push(rest.replace(/\r$/, ''));
  if (lines.length < count) {
    throw new PromptCancelled(`Expected ${count} line(s) on standard input, got ${lines.length}.`);
  }
  return lines;
}

function askOnTerminal(io: PromptIo, q: Question): Promise<string> {
  const { stdin, output } = io;
  output.write(q.prompt);
  return new Promise<string>((resolve, reject) => {
    let answer = '';
    const raw = typeof stdin.setRawMode === 'function';
    if (raw) stdin.setRawMode?.(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    const done = (error: Error | null): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      if (raw) stdin.setRawMode?.(false);
      stdin.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onEnd = (): void => done(new PromptCancelled('The input ended before an answer was given.'));
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003' || ch === '\u0004') return done(new PromptCancelled('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') {
          if (answer.length > 0) {
            answer = [...answer].slice(0, -1).join('');
            if (!q.hidden) output.write('\b \b');
          }
          continue;
        }
        if (ch < ' ') continue;
        answer += ch;
        if (!q.hidden) output.write(ch);
      }
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
  });
}
