/**
 * The SettingsStore on a JSON file, through `conf` (the headless host) or `electron-store` (the
 * desktop, a subclass of conf): the same options, so the same file wherever it was written. The
 * file holds exactly the Settings object of src/shared/settings.ts, read through its numbered
 * migrations; a file that does not parse is reported with what to do, never silently replaced.
 */
import Conf from 'conf';
import { migrateSettings, SettingsError, SettingsSchema, type Settings } from '../../../shared/settings';
import type { SettingsStore } from '../ports';

/** The file's name without its extension: `<dir>/settings.json`. */
export const SETTINGS_FILE_NAME = 'settings';

/** The options both conf and electron-store are opened with. */
export interface SettingsFileOptions {
  cwd: string;
  configName: string;
  fileExtension: 'json';
  /** An unreadable file is reported, not replaced by defaults. */
  clearInvalidConfig: false;
  /** Keys are plain property names (the file is one Settings object). */
  accessPropertiesByDotNotation: false;
  watch: false;
}

/** The settings file's options for the folder `dir`. */
export function settingsFileOptions(dir: string): SettingsFileOptions {
  return {
    cwd: dir,
    configName: SETTINGS_FILE_NAME,
    fileExtension: 'json',
    clearInvalidConfig: false,
    accessPropertiesByDotNotation: false,
    watch: false,
  };
}

/** The part of a conf instance this store uses. */
export interface JsonFileStore {
  readonly path: string;
  store: Record<string, unknown>;
}

/** Opens the JSON file with the given options (conf here, electron-store on the desktop). */
export type OpenJsonFileStore = (options: SettingsFileOptions) => JsonFileStore;

const openWithConf: OpenJsonFileStore = (options) => new Conf<Record<string, unknown>>(options);

/** Settings in `<dir>/settings.json`; see the module comment. */
export class ConfSettingsStore implements SettingsStore {
  private file: JsonFileStore | null = null;
  private readonly options: SettingsFileOptions;

  constructor(
    dir: string,
    private readonly open: OpenJsonFileStore = openWithConf,
  ) {
    this.options = settingsFileOptions(dir);
  }

  /** The settings file's path. */
  get path(): string {
    return this.opened().path;
  }

  /** The stored settings migrated to the current version; defaults when there is no file yet. */
  async load(): Promise<Settings> {
    const file = this.opened();
    let raw: Record<string, unknown>;
    try {
      raw = file.store;
    } catch (error) {
      throw this.unreadable(error);
    }
    try {
      return migrateSettings(raw);
    } catch (error) {
      if (error instanceof SettingsError) {
        throw new SettingsError(`${error.message} (${file.path})`);
      }
      throw error;
    }
  }

  /** Validates and writes the whole settings object (atomically, by conf). */
  async save(settings: Settings): Promise<void> {
    const valid = SettingsSchema.parse(settings);
    this.opened().store = valid as unknown as Record<string, unknown>;
  }

  private opened(): JsonFileStore {
    if (!this.file) {
      try {
        this.file = this.open(this.options);
      } catch (error) {
        throw this.unreadable(error);
      }
    }
    return this.file;
  }

  private unreadable(error: unknown): SettingsError {
    const where = `${this.options.cwd}/${SETTINGS_FILE_NAME}.json`;
    const why = error instanceof Error ? error.message : String(error);
    return new SettingsError(
      `The settings file ${where} could not be read (${why}). Fix it, or move it aside to start with default settings.`,
    );
  }
}
