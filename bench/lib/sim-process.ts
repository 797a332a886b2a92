/**
 * The Authenta simulator in its own process, so its work (it hashes every uploaded byte) neither
 * slows nor weighs on the process being measured. The request log is fetched over IPC.
 *
 *   const sim = await startSimProcess({ processingMs: 4000 });
 *   ... sim.url, sim.credentials ...
 *   const log = await sim.requests();
 *   await sim.close();
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestLogEntry, SimulatorOptions } from '../../src/main/sim';
import { currentRole, forkRole, runRole, tell, type Message } from './child';

/** A simulator running in a child process. */
export interface SimProcess {
  readonly url: string;
  readonly origin: string;
  readonly credentials: { clientId: string; clientSecret: string };
  readonly pid: number;
  /** Every request the simulator saw so far, oldest first. */
  requests(): Promise<RequestLogEntry[]>;
  close(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

/** Start a simulator in a child process; resolves once it accepts requests. */
export async function startSimProcess(options: SimulatorOptions = {}): Promise<SimProcess> {
  const child = forkRole(SELF, 'simulator', { BENCH_SIM_OPTIONS: JSON.stringify(options) });
  const ready = await child.next<
    Message & { url: string; origin: string; clientId: string; clientSecret: string }
  >('ready', 60_000);
  let asked = 0;
  return {
    url: ready.url,
    origin: ready.origin,
    credentials: { clientId: ready.clientId, clientSecret: ready.clientSecret },
    pid: child.pid,
    async requests() {
      const id = ++asked;
      child.send({ type: 'requests', id });
      for (;;) {
        const m = await child.next<Message & { id: number; entries: RequestLogEntry[] }>('requests');
        if (m.id === id) return m.entries;
      }
    },
    close: () => child.stop(),
  };
}

async function simulatorRole(): Promise<void> {
  const { startSimulator } = await import('../../src/main/sim');
  const sim = await startSimulator(JSON.parse(process.env['BENCH_SIM_OPTIONS'] ?? '{}') as SimulatorOptions);
  process.on('message', (raw) => {
    const m = raw as Message;
    if (m.type === 'requests') tell({ type: 'requests', id: m.id, entries: sim.requests });
  });
  tell({ type: 'ready', url: sim.url, origin: sim.origin, ...sim.credentials });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('disconnect', resolve);
  });
  await sim.close();
}

if (currentRole() === 'simulator' && process.argv[1] && path.resolve(process.argv[1]) === SELF)
  runRole(simulatorRole);
