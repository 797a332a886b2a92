/**
 * The engine's settings as its services share them: loaded once at start, changed in place by
 * the service that owns the part (folders, profiles, preferences), saved whole through the
 * host's SettingsStore.
 */
import type { Settings } from '../../../shared/settings';
import type { SettingsStore } from '../ports';

/** See the module comment. `load` before anything reads `current`. */
export class EngineSettings {
  private value: Settings | null = null;

  constructor(private readonly store: SettingsStore) {}

  async load(): Promise<void> {
    this.value = await this.store.load();
  }

  /** The settings, loaded first when nothing has read them yet (a command answered before start). */
  async loaded(): Promise<Settings> {
    if (!this.value) await this.load();
    return this.current;
  }

  /** The settings as they stand (changes are made on this object, then saved). */
  get current(): Settings {
    if (!this.value) throw new Error('The engine has not been started.');
    return this.value;
  }

  save(): Promise<void> {
    return this.store.save(this.current);
  }
}
