/**
 * The Settings screen's commands: getPreferences and updatePreferences store the user's choices
 * in the settings file and apply them without a restart (here: the size limit of files found from
 * now on), and refuse what the UI may not set.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makePng } from '../../helpers/media-fixtures';
import { startHarness, type Harness } from '../../helpers/engine-harness';
import type { EngineStatus } from '../../../src/shared/domain';
import { PreferencesSchema } from '../../../src/shared/settings';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

let n = 0;
const png = (padding = 0) => makePng({ marker: 'AUTHENTA-SIM:real', padding: padding + ++n });

describe('preferences', () => {
  it('answers the stored preferences, stores a patch, keeps it across a restart and tells the UI', async () => {
    h = await startHarness({ preferences: { concurrency: 2 } });
    const before = await h.engine.getPreferences();
    expect(before).toMatchObject({ concurrency: 2, notifications: true, startAtLogin: false });

    const statuses: EngineStatus[] = [];
    const off = h.engine.onStatus((s) => statuses.push(s));
    const after = await h.engine.updatePreferences({
      concurrency: 5,
      quotaCooldownMs: 20 * 60_000,
      startAtLogin: true,
    });
    expect(after).toEqual({ ...before, concurrency: 5, quotaCooldownMs: 20 * 60_000, startAtLogin: true });
    expect((await h.settings.load()).preferences).toMatchObject({
      concurrency: 5,
      quotaCooldownMs: 20 * 60_000,
      startAtLogin: true,
      notifications: true,
    });
    await h.waitFor(() => statuses.length > 0, { message: 'a status update after the change' });
    off();

    await h.restart();
    expect(await h.engine.getPreferences()).toEqual(after);
  });

  it('refuses values out of range and the fields only the desktop host writes, changing nothing', async () => {
    h = await startHarness();
    const before = await h.engine.getPreferences();
    await expect(h.engine.updatePreferences({ concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(h.engine.updatePreferences({ concurrency: 17 })).rejects.toThrow();
    await expect(h.engine.updatePreferences({ processingDeadlineMs: 1000 })).rejects.toThrow();
    await expect(h.engine.updatePreferences({ closeToTrayNoticeShown: true } as never)).rejects.toThrow(
      /closeToTrayNoticeShown/,
    );
    await expect(
      h.engine.updatePreferences({ window: { width: 800, height: 600, maximized: false } } as never),
    ).rejects.toThrow(/window/);
    expect(await h.engine.getPreferences()).toEqual(before);
    expect((await h.settings.load()).preferences).toEqual(PreferencesSchema.parse(before));
  });

  it('keeps the thumbnail cache limit (256 MB by default, at least 16 MB)', async () => {
    h = await startHarness();
    expect((await h.engine.getPreferences()).thumbnailCacheBytes).toBe(256 * 1024 ** 2);
    await expect(h.engine.updatePreferences({ thumbnailCacheBytes: 1024 })).rejects.toThrow(
      /thumbnailCacheBytes/,
    );
    const after = await h.engine.updatePreferences({ thumbnailCacheBytes: 64 * 1024 ** 2 });
    expect(after.thumbnailCacheBytes).toBe(64 * 1024 ** 2);
    expect((await h.settings.load()).preferences.thumbnailCacheBytes).toBe(64 * 1024 ** 2);
  });

  it('a new size limit applies to the next file found, without a restart', async () => {
    h = await startHarness();
    await h.watch('inbox');
    const big = png(20_000);
    await h.engine.updatePreferences({ maxFileSizeBytes: big.length - 1 });
    await h.write('inbox/first.png', big);
    const skipped = await h.waitForJob('first.png');
    expect(skipped).toMatchObject({ state: 'skipped', errorCode: 'TOO_LARGE' });
    expect(h.creates()).toBe(0);

    await h.engine.updatePreferences({ maxFileSizeBytes: big.length * 2 });
    await h.write('inbox/second.png', png(20_000));
    expect(await h.waitForJob('second.png')).toMatchObject({ state: 'done' });
    expect(h.creates()).toBe(1);
  });
});
