/** What the engine is built from (see engine.ts): the adapters the composition roots hand in, and knobs. */
import type { HostCapabilities } from '../../shared/contract';
import type { ProfileRecord } from '../../shared/settings';
import type { PollTuning } from './pipeline/poll-schedule';
import type {
  Clock,
  Credentials,
  DetectionService,
  Logger,
  OpenLedger,
  SecretStore,
  SettingsStore,
  SimulatorFactory,
} from './ports';
import type { FolderWatcherDeps } from './watch/folder-watcher';
import type { ProxyResolver } from './api/proxy';
import type { LedgerConnectionWatch } from './ledger/ledger-connection';
import type { LedgerPasswordStore } from './secrets/team-ledger-password';

/**
 * What the engine is built from: the composition roots (src/main/index.ts, the CLI, the test
 * harness) hand in every adapter; the rest has defaults.
 */
export interface EngineOptions {
  /** The data folder: its lock, the thumbnail cache, and the ledger's place. */
  dataDir: string;
  /** Opens the ledger (after the data folder's lock is held); SQLite in the hosts. */
  openLedger: OpenLedger;
  /** Starts the Sandbox's simulator when the Sandbox is first used (src/main/sim in the hosts). */
  simulatorFactory: SimulatorFactory;
  logger: Logger;
  settings: SettingsStore;
  secrets: SecretStore;
  clock?: Clock;
  /**
   * Builds the service of a profile; default: the adapter of the profile's API generation (the
   * media API for `media-*`, whose flavour follows the credentials' kind; the Jobs API for `jobs-v1`).
   */
  serviceFactory?: (profile: ProfileRecord, credentials: Credentials) => DetectionService;
  /** Processing time of the Sandbox's simulator (default 3000 ms). */
  sandboxProcessingMs?: number;
  /** Credentials from the environment (AUTHENTA_CLIENT_ID/SECRET or AUTHENTA_API_KEY): they override the keychain. */
  envCredentials?: Credentials | null;
  /** The base URL of the profile made for environment credentials (default DEFAULT_BASE_URL). */
  envBaseUrl?: string;
  /** What the host can do; default: the web host's. */
  capabilities?: Partial<HostCapabilities>;
  /** Polling knobs (tests shorten them; defaults are in poll-schedule.ts). */
  pollTuning?: Partial<PollTuning>;
  /** Files sniffed and hashed at once (default 2). */
  hashConcurrency?: number;
  /** Extra options of every FolderWatcher (tests shorten health checks). */
  watcher?: Partial<Omit<FolderWatcherDeps, 'clock' | 'logger' | 'isKnown'>>;
  /** Jitter source (tests make it fixed). */
  random?: () => number;
  /** Batching of jobsChanged (default 100 ms) and progress events (default 250 ms). */
  eventIntervalMs?: number;
  progressIntervalMs?: number;
  /**
   * Which proxy each API call and upload goes through (the CLI: envProxyResolver; the desktop:
   * Electron's session). Default: straight. The Sandbox's simulator is always reached straight.
   */
  proxy?: ProxyResolver;
  /** Where the team ledger's password is kept (the OS keychain); absent: Settings cannot keep one. */
  ledgerPasswords?: LedgerPasswordStore;
  /** Whether the team ledger this run opened answers; absent: this run uses the local ledger. */
  ledgerConnection?: LedgerConnectionWatch;
}
