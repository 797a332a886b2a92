/**
 * The Electron composition root: the engine with the desktop's adapters (electron-store for
 * settings, the OS keychain for secrets) inside the desktop host (window, tray, IPC; see
 * desktop/app.ts). Nothing else constructs adapters.
 */
import { app } from 'electron';
import { Engine } from './core/engine';
import { KeytarSecretStore } from './core/secrets/keytar-secret-store';
import { defaultLogFile, runDesktop, showStartFailure } from './desktop/app';
import { ElectronSettingsStore } from './desktop/electron-settings-store';

runDesktop({
  createEngine: (deps) => new Engine(deps),
  createSettingsStore: (dataDir) => new ElectronSettingsStore(dataDir),
  createSecretStore: () => new KeytarSecretStore(),
}).catch(async (error: unknown) => {
  // runDesktop reports its own failures; this is the last resort for anything it let through.
  try {
    await showStartFailure(error, defaultLogFile());
  } finally {
    app.exit(1);
  }
});
