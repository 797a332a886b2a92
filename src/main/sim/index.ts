/**
 * The Authenta simulator (issue 2): a faithful stand-in for the Authenta API on 127.0.0.1 for
 * tests, benchmarks and the Sandbox profile. Results are labelled `simulated: true`.
 */
import { startSimulatorServer } from './server';
import type { Simulator, SimulatorOptions } from './types';

export type {
  Faults,
  Permission,
  ProcessingMsByKind,
  QuotaKind,
  RequestLogEntry,
  Simulator,
  SimulatorCounts,
  SimulatorOptions,
  SimulatorUsage,
} from './types';
export { ALL_PERMISSIONS } from './types';
export { DEMO_API_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from './server';
export { MARKER_SCAN_BYTES } from './verdict';

/** Start a simulator on 127.0.0.1 (port 0 = random) and resolve once it accepts requests. */
export function startSimulator(options?: SimulatorOptions): Promise<Simulator> {
  return startSimulatorServer(options);
}
