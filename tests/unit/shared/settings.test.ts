import { describe, expect, it } from 'vitest';
import {
  SANDBOX_PROFILE_ID,
  SETTINGS_VERSION,
  SettingsError,
  defaultSettings,
  migrateSettings,
} from '../../../src/shared/settings';

describe('settings', () => {
  it('starts a new user on the Sandbox profile with no folders', () => {
    const s = migrateSettings(undefined);
    expect(s.version).toBe(SETTINGS_VERSION);
    expect(s.profiles.map((p) => p.id)).toEqual([SANDBOX_PROFILE_ID]);
    expect(s.profiles[0]?.simulated).toBe(true);
    expect(s.folders).toEqual([]);
    expect(s.preferences.concurrency).toBe(3);
  });

  it('fills folder defaults (DF-1 for video, AC-1 for image) and keeps what was set', () => {
    const s = migrateSettings({ version: 1, folders: [{ id: 'f1', path: '/drop', recursive: false }] });
    expect(s.folders[0]).toMatchObject({
      path: '/drop',
      recursive: false,
      videoModel: 'DF-1',
      imageModel: 'AC-1',
      after: 'none',
    });
  });

  it('puts the Sandbox profile back if a file lost it', () => {
    const s = migrateSettings({
      version: 1,
      profiles: [
        {
          id: 'prod',
          name: 'Production',
          baseUrl: 'https://platform.authenta.ai/api',
          generation: 'media-client',
        },
      ],
    });
    expect(s.profiles.map((p) => p.id)).toEqual([SANDBOX_PROFILE_ID, 'prod']);
  });

  it('refuses a file from a newer version instead of overwriting it', () => {
    expect(() => migrateSettings({ version: SETTINGS_VERSION + 1 })).toThrow(/newer Authenta Watch/);
  });

  it('reports an invalid file instead of silently replacing it', () => {
    expect(() => migrateSettings({ version: 1, folders: [{ id: 'f', path: '' }] })).toThrow(SettingsError);
    expect(() => migrateSettings('nonsense')).toThrow(SettingsError);
  });

  it('has no field that could hold a secret', () => {
    const keys = JSON.stringify(defaultSettings()).toLowerCase();
    expect(keys).not.toMatch(/secret|apikey|password|token/);
  });
});
