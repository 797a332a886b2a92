/**
 * The Electron composition root: the engine with the desktop's adapters (the SQLite ledger,
 * electron-store for settings, the OS keychain for secrets, the Sandbox's simulator) inside the
 * desktop host (window, tray, IPC; see desktop/app.ts). Nothing else constructs adapters.
 */
import { app } from 'electron';
import { Engine } from './core/engine';
import { openSqliteLedgerIn } from './core/ledger/sqlite-ledger';
import { KeytarSecretStore } from './core/secrets/keytar-secret-store';
import { KeytarLedgerPasswordStore } from './core/secrets/team-ledger-password';
import { openDesktopTeamLedger } from './desktop/team-ledger';
import { defaultLogFile, runDesktop, showStartFailure } from './desktop/app';
import { ElectronSettingsStore } from './desktop/electron-settings-store';

runDesktop({
  createEngine: ({ nativeBinding, teamLedger, ...deps }) =>
    new Engine({
      ...deps,
      // The team ledger chosen in Settings (read at start), else the embedded SQLite ledger.
      openLedger: teamLedger
        ? openDesktopTeamLedger(teamLedger, deps.logger, deps.ledgerConnection)
        : openSqliteLedgerIn({ nativeBinding }),
      // Loaded on first use of the Sandbox only.
      simulatorFactory: async (options) => (await import('./sim/index')).startSimulator(options),
    }),
  createSettingsStore: (dataDir) => new ElectronSettingsStore(dataDir),
  createSecretStore: () => new KeytarSecretStore(),
  createLedgerPasswordStore: () => new KeytarLedgerPasswordStore(),
  // Imported only when a feed is configured: electron-updater reads Electron's app at import.
  loadUpdater: async () => (await import('electron-updater')).autoUpdater,
}).catch(async (error: unknown) => {
  // runDesktop reports its own failures; this is the last resort for anything it let through.
  try {
    await showStartFailure(error, defaultLogFile());
  } finally {
    app.exit(1);
  }
});
