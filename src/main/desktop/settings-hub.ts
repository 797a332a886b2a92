/**
 * One settings file, two writers: the engine (profiles, folders, the user's preferences) and the
 * desktop host (the window's size and place, whether the close-to-tray notice was shown). The
 * hub is the SettingsStore the engine gets; it keeps the current settings in memory, writes in
 * order, and keeps the host's own fields when the engine saves an older copy, so neither writer
 * undoes the other.
 */
import { SettingsSchema, type Preferences, type Settings } from '../../shared/settings';
import type { SettingsStore } from '../core/ports';

/** The preferences only the desktop host writes. */
export type HostPreferences = Pick<Preferences, 'window' | 'closeToTrayNoticeShown'>;

/** Copies the host-owned fields of `from` into `into` (a pure merge, for the engine's saves). */
export function withHostPreferences(into: Settings, from: Settings): Settings {
  const preferences: Preferences = {
    ...into.preferences,
    closeToTrayNoticeShown: from.preferences.closeToTrayNoticeShown,
  };
  if (from.preferences.window) preferences.window = from.preferences.window;
  else delete preferences.window;
  return { ...into, preferences };
}

export class SettingsHub implements SettingsStore {
  private settings: Settings | null = null;
  private writes: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(settings: Settings) => void>();

  constructor(private readonly store: SettingsStore) {}

  /** The stored settings (read once; later calls answer from memory). */
  async load(): Promise<Settings> {
    this.settings ??= await this.store.load();
    return structuredClone(this.settings);
  }

  /** The engine's save: everything but the host-owned preferences. */
  async save(settings: Settings): Promise<void> {
    const base = this.settings ?? (await this.load());
    await this.commit(withHostPreferences(SettingsSchema.parse(settings), base));
  }

  /** The current settings; load() must have been called. */
  current(): Settings {
    if (!this.settings) throw new Error('SettingsHub.current() before load()');
    return this.settings;
  }

  /** The host's save: only its own preferences change. */
  async updateHostPreferences(patch: Partial<HostPreferences>): Promise<void> {
    const base = this.settings ?? (await this.load());
    await this.commit({ ...base, preferences: { ...base.preferences, ...patch } });
  }

  /** Called after every save with the new settings; returns an unsubscribe. */
  onDidChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Settles when every save so far is on disk. */
  flush(): Promise<void> {
    return this.writes;
  }

  private async commit(next: Settings): Promise<void> {
    this.settings = next;
    const write = this.writes.then(() => this.store.save(next));
    // A failed write must not block the ones after it; the caller still sees its own failure.
    this.writes = write.catch(() => undefined);
    await write;
    for (const listener of this.listeners) listener(structuredClone(next));
  }
}
