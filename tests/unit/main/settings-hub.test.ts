import { describe, expect, it } from 'vitest';
import type { SettingsStore } from '../../../src/main/core/ports';
import { defaultSettings, type Settings } from '../../../src/shared/settings';
import { SettingsHub } from '../../../src/main/desktop/settings-hub';

class InMemorySettingsStore implements SettingsStore {
  saved: Settings[] = [];
  constructor(private settings: Settings = defaultSettings()) {}
  async load(): Promise<Settings> {
    return structuredClone(this.settings);
  }
  async save(settings: Settings): Promise<void> {
    this.settings = structuredClone(settings);
    this.saved.push(this.settings);
  }
  get current(): Settings {
    return this.settings;
  }
}

const WINDOW = { x: 5, y: 6, width: 900, height: 700, maximized: false };

describe('SettingsHub', () => {
  it('keeps the window bounds when the engine saves an older copy', async () => {
    const store = new InMemorySettingsStore();
    const hub = new SettingsHub(store);
    const engineCopy = await hub.load();
    await hub.updateHostPreferences({ window: WINDOW, closeToTrayNoticeShown: true });
    engineCopy.preferences.notifications = false;
    engineCopy.folders = [];
    await hub.save(engineCopy);
    expect(store.current.preferences).toMatchObject({
      window: WINDOW,
      closeToTrayNoticeShown: true,
      notifications: false,
    });
    expect(hub.current().preferences.window).toEqual(WINDOW);
  });

  it('keeps the engine’s changes when the host saves', async () => {
    const store = new InMemorySettingsStore();
    const hub = new SettingsHub(store);
    const s = await hub.load();
    s.preferences.startAtLogin = true;
    await hub.save(s);
    await hub.updateHostPreferences({ window: WINDOW });
    expect(store.current.preferences.startAtLogin).toBe(true);
  });

  it('tells listeners, writes in order, and survives a failed write', async () => {
    const store = new InMemorySettingsStore();
    let fail = true;
    const flaky: SettingsStore = {
      load: () => store.load(),
      save: async (s) => {
        if (fail) {
          fail = false;
          throw new Error('disk full');
        }
        await store.save(s);
      },
    };
    const hub = new SettingsHub(flaky);
    const seen: boolean[] = [];
    hub.onDidChange((s) => seen.push(s.preferences.closeToTrayNoticeShown));
    await hub.load();
    await expect(hub.updateHostPreferences({ closeToTrayNoticeShown: true })).rejects.toThrow('disk full');
    await hub.updateHostPreferences({ window: WINDOW });
    await hub.flush();
    expect(store.current.preferences.closeToTrayNoticeShown).toBe(true);
    expect(seen).toEqual([true]);
  });

  it('refuses settings that break the schema', async () => {
    const hub = new SettingsHub(new InMemorySettingsStore());
    const s = await hub.load();
    await expect(hub.save({ ...s, version: 99 } as unknown as Settings)).rejects.toThrow();
  });

  it('hands out copies, not its own object', async () => {
    const hub = new SettingsHub(new InMemorySettingsStore());
    const a = await hub.load();
    a.preferences.notifications = false;
    expect((await hub.load()).preferences.notifications).toBe(true);
  });
});
