/**
 * A SettingsStore in memory, for tests, demos and the CLI's throwaway runs. Stores a deep copy
 * through the same migration as the file-backed stores, so what it gives back is what a file
 * would have given back.
 */
import { migrateSettings, type Settings } from '../../../shared/settings';
import type { SettingsStore } from '../ports';

/** Settings in memory, migrated on load like a stored file. */
export class InMemorySettingsStore implements SettingsStore {
  private raw: unknown;
  /** How many times settings were saved (tests check that a change was persisted). */
  saves = 0;

  constructor(initial?: unknown) {
    this.raw = initial === undefined ? undefined : structuredClone(initial);
  }

  async load(): Promise<Settings> {
    return migrateSettings(structuredClone(this.raw));
  }

  async save(settings: Settings): Promise<void> {
    this.raw = structuredClone(settings);
    this.saves += 1;
  }

  /** What is stored right now, as a copy. */
  snapshot(): unknown {
    return structuredClone(this.raw);
  }
}
