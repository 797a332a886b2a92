/**
 * The desktop's SettingsStore: electron-store (conf plus Electron's userData folder) opened with
 * exactly the options of the headless ConfSettingsStore, so both read and write the same file.
 */
import ElectronStore from 'electron-store';
import { ConfSettingsStore, type OpenJsonFileStore } from '../core/settings/conf-settings-store';

/** electron-store names conf's `configName` option `name`; everything else is passed as is. */
export const openWithElectronStore: OpenJsonFileStore = ({ configName, ...rest }) =>
  new ElectronStore<Record<string, unknown>>({ name: configName, ...rest });

/** Settings in `<dir>/settings.json` (dir: app.getPath('userData')). */
export class ElectronSettingsStore extends ConfSettingsStore {
  constructor(dir: string) {
    super(dir, openWithElectronStore);
  }
}
