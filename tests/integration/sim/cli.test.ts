/** `npm run sim`: starts, prints the base URL and demo credentials, serves, stops on SIGTERM/SIGINT. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;

function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/sim/cli.ts', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const printed = async (re: RegExp): Promise<RegExpExecArray> => {
    for (let i = 0; i < 1200; i++) {
      const m = re.exec(out);
      if (m) return m;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`CLI did not print ${re} (stderr: ${err.slice(0, 500)})`);
  };
  return { child, exited, printed, output: () => out, errors: () => err };
}

describe('sim CLI', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'serves the printed URL with the printed credentials and stops on %s',
    async (signal) => {
      const cli = runCli(['--port', '0', '--processing-ms', '10']);
      try {
        const url = (await cli.printed(/Base URL \(media API\):\s+(\S+)/))[1]!;
        const apiKey = (await cli.printed(/API key:\s+(\S+)/))[1]!;
        const clientId = (await cli.printed(/Client id:\s+(\S+)/))[1]!;
        const secret = (await cli.printed(/Client secret:\s+(\S+)/))[1]!;
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
        const r = await fetch(`${url}/media`, {
          headers: { 'x-client-id': clientId, 'x-client-secret': secret },
        });
        expect(r.status).toBe(200);
        const k = await fetch(`${url}/media`, { headers: { authorization: `Bearer ${apiKey}` } });
        expect(k.status).toBe(200);
        cli.child.kill(signal);
        expect(await cli.exited).toBe(0);
        await expect(fetch(`${url}/media`)).rejects.toThrow();
      } finally {
        if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      }
    },
  );

  it('refuses a bad flag with a clear message', async () => {
    const cli = runCli(['--port', 'abc']);
    expect(await cli.exited).not.toBe(0);
    expect(cli.errors()).toMatch(/--port.*Expected an integer from 0 to 65535/);
  });
});
