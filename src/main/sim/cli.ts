/**
 * `npm run sim`: the Authenta simulator as a standalone server on 127.0.0.1. Prints the base URL
 * and the demo credentials, and stops cleanly on SIGINT/SIGTERM.
 */
import { Command, InvalidArgumentError } from 'commander';
import { startSimulator } from './index';

const integer =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`Expected an integer from ${min} to ${max}.`);
    return n;
  };

const share = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('Expected a number from 0 to 1.');
  return n;
};

interface CliOptions {
  port: number;
  processingMs: number;
  urlExpiry: number;
  failShare: number;
  credits?: number;
  queryQuota?: number;
  mutationQuota?: number;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('authenta-sim')
    .description('A local stand-in for the Authenta API (media API and Jobs API v1). Results are simulated.')
    .option('-p, --port <port>', 'port on 127.0.0.1 (0 picks a free one)', integer(0, 65535), 4010)
    .option('--processing-ms <ms>', 'time from upload to verdict', integer(0, 3_600_000), 4000)
    .option('--url-expiry <sec>', 'validity of pre-signed URLs in seconds', integer(1, 604_800), 900)
    .option('--fail-share <share>', 'share of records (by their bytes) that end FAILED', share, 0)
    .option('--credits <n>', 'credits of the account (default unlimited)', integer(0, 1e9))
    .option('--query-quota <n>', 'Query calls per window (default unlimited)', integer(0, 1e9))
    .option('--mutation-quota <n>', 'Mutation calls per window (default unlimited)', integer(0, 1e9))
    .parse();
  const o = program.opts<CliOptions>();
  const quota: { query?: number; mutation?: number } = {};
  if (o.queryQuota !== undefined) quota.query = o.queryQuota;
  if (o.mutationQuota !== undefined) quota.mutation = o.mutationQuota;

  let sim;
  try {
    sim = await startSimulator({
      port: o.port,
      processingMs: o.processingMs,
      urlExpirySec: o.urlExpiry,
      failShare: o.failShare,
      quota,
      ...(o.credits !== undefined ? { credits: o.credits } : {}),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `Port ${o.port} is in use on 127.0.0.1: stop the other process or pass --port <another port> (0 picks a free one).`
        : `The simulator could not start: ${(err as Error).message}`,
    );
    process.exitCode = 1;
    return;
  }

  console.log(`Authenta simulator listening (results are simulated, not real verdicts).
  Base URL (media API):  ${sim.url}
  Jobs API v1:           ${sim.url}/v1/jobs
  Client id:             ${sim.credentials.clientId}
  Client secret:         ${sim.credentials.clientSecret}
  API key:               ${sim.apiKey}
Choose the verdict by putting AUTHENTA-SIM:fake, :real, :suspect, :noface, :fail or :faces=3,fakes=1
in the first 64 KiB of a file. Press Ctrl+C to stop.`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the simulator.`);
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
