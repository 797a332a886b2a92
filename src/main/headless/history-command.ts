/**
 * `authenta-watch history` (issue 14): pages of the account's records read on demand, as a table
 * or JSON, each record marked as checked here or from elsewhere; the Query calls it cost are
 * counted in the ledger's day. The CLI hands in its adapters and its way of speaking.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { JOB_STATES, type ApiGeneration } from '../../shared/domain';
import type { HistoryPage } from '../../shared/history';
import type { Settings } from '../../shared/settings';
import { credentialsFromEnv, secretValues } from '../common/credentials';
import { createServiceForGeneration } from '../core/api/detect-generation';
import { isAuthentaError } from '../core/api/errors';
import { envProxyResolver, NetworkRoutes } from '../core/api/proxy';
import { errorCode } from '../core/data-folder';
import { AccountHistory, indexLocalRecords, type LocalRecords } from '../core/history/account-history';
import type { Ledger } from '../core/ledger/ledger';
import { ledgerUrlSecrets } from '../core/ledger/ledger-url';
import { PostgresLedger } from '../core/ledger/postgres-ledger';
import { SqliteLedger } from '../core/ledger/sqlite-ledger';
import type { RedactingLogger } from '../core/logger';
import { CountingService, localDay } from '../core/pipeline/counting-service';
import type { SecretStore } from '../core/ports';
import { DEFAULT_BASE_URL, DEFAULT_PROFILE_ID, type HistoryCommand } from './args';
import { errorClass, EXIT } from './exit-codes';
import { formatHistoryJson, formatHistoryTable, historySummary } from './history-table';
import { findProfile, fitsCredentials, generationForChoice } from './run-settings';

/** What the command borrows from the CLI. */
export interface HistoryCommandDeps {
  adapters(
    dataDir: string,
    extraSecrets: string[],
  ): Promise<{
    logger: RedactingLogger;
    sink: { dispose(): void };
    secrets: SecretStore;
    settings: { load(): Promise<Settings> };
  }>;
  /** One message for people on stderr. */
  say(text: string): void;
  out: { write(text: string): unknown };
  jobsNeedsKey: string;
  ledgerFile: string;
  /** Codes of opening a SQLite ledger that mean "read-only here", not "broken". */
  readOnlyCodes: readonly string[];
}

export async function runHistory(cmd: HistoryCommand, deps: HistoryCommandDeps): Promise<number> {
  const { adapters, say, jobsNeedsKey } = deps;
  const env = credentialsFromEnv(process.env);
  if ('problem' in env) {
    say(`authenta-watch: ${env.problem}`);
    return EXIT.credentials;
  }
  const a = await adapters(cmd.dataDir, [
    ...secretValues(env.credentials),
    ...(cmd.ledgerUrl ? ledgerUrlSecrets(cmd.ledgerUrl) : []),
  ]);
  let ledger: Ledger | null = null;
  // HTTPS_PROXY / NO_PROXY, as for a run (issue 14).
  const routes = new NetworkRoutes(envProxyResolver());
  try {
    const stored = await a.settings.load();
    const profileId = cmd.profile ?? stored.activeProfileId ?? DEFAULT_PROFILE_ID;
    const profile = findProfile(stored, profileId);
    const credentials = env.credentials ?? (profile ? await a.secrets.get(profile.id) : null);
    if (!credentials) {
      say(
        `authenta-watch: no credentials for profile "${profileId}". Set AUTHENTA_CLIENT_ID and ` +
          'AUTHENTA_CLIENT_SECRET (or AUTHENTA_API_KEY), or run `authenta-watch login` first.',
      );
      return EXIT.credentials;
    }
    if (cmd.api === 'jobs' && credentials.kind === 'client') {
      say(jobsNeedsKey);
      return EXIT.credentials;
    }
    const generation: ApiGeneration = cmd.api
      ? generationForChoice(cmd.api, credentials.kind)
      : profile && fitsCredentials(profile.generation, credentials.kind)
        ? profile.generation
        : generationForChoice('media', credentials.kind);
    const calls = { query: 0, mutation: 0 };
    const service = new CountingService(
      createServiceForGeneration(generation, {
        baseUrl: cmd.baseUrl ?? profile?.baseUrl ?? DEFAULT_BASE_URL,
        credentials,
        logger: a.logger,
        network: { routes },
      }),
      (quota) => (calls[quota] += 1),
    );
    ledger = await openLedgerForHistory(cmd, deps);
    const local: LocalRecords = ledger ? indexLocalRecords(await ledger.listByStates(JOB_STATES)) : new Map();
    const reader = new AccountHistory();
    const source = {
      service,
      localRecords: async () => local,
      profileName: profile?.name ?? 'Authenta',
      simulated: profile?.simulated ?? false,
    };
    const pages: HistoryPage[] = [];
    let failure: unknown = null;
    for (let page = cmd.page; ; page++) {
      try {
        pages.push(await reader.read(source, { page, pageSize: cmd.pageSize }));
      } catch (e) {
        failure = e;
        break;
      }
      const last = pages[pages.length - 1]!;
      if (!cmd.all || page >= last.pages) break;
    }
    if (ledger && calls.query > 0)
      await ledger.addCalls(localDay(Date.now()), 'query', calls.query).catch(() => undefined);
    if (pages.length > 0) {
      deps.out.write(cmd.json ? formatHistoryJson(pages) : formatHistoryTable(pages));
      say(`authenta-watch: ${historySummary(pages)}`);
    }
    if (failure) {
      if (!isAuthentaError(failure)) throw failure;
      say(`authenta-watch: ${failure.message}`);
      const cls = errorClass(failure.code, failure.kind);
      return cls === 'credentials' ? EXIT.credentials : cls === 'quota' ? EXIT.quota : EXIT.failed;
    }
    return EXIT.ok;
  } finally {
    routes.dispose();
    await ledger?.close();
    a.sink.dispose();
  }
}

/** The ledger that knows which records are local: the team's, or the data folder's when it has one. */
async function openLedgerForHistory(cmd: HistoryCommand, deps: HistoryCommandDeps): Promise<Ledger | null> {
  const { say } = deps;
  if (cmd.ledgerUrl) return PostgresLedger.open({ url: cmd.ledgerUrl, now: Date.now });
  const file = join(cmd.dataDir, deps.ledgerFile);
  if (!existsSync(file)) return null;
  try {
    return SqliteLedger.open({ file, now: Date.now });
  } catch (e) {
    if (!deps.readOnlyCodes.includes(errorCode(e) ?? '')) throw e;
    say(
      `authenta-watch: the ledger in ${cmd.dataDir} cannot be opened here, so no record is marked as checked here.`,
    );
    return null;
  }
}
