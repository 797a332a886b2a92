/**
 * The desktop updater over a fake electron-updater (Electron cannot run here): it checks at start
 * and once a day, downloads only after a yes, and shows the release notes before the restart.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DesktopUpdater, type UpdaterPort } from '../../../src/main/desktop/updater';
import { UPDATE_CHECK_INTERVAL_MS } from '../../../src/main/desktop/update-policy';
import { createLogger, MemoryLogSink } from '../../../src/main/core/logger';
import { ManualClock } from './manual-clock';

class FakeUpdater extends EventEmitter implements UpdaterPort {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  feed: unknown = null;
  checks = 0;
  downloads = 0;
  installs = 0;
  setFeedURL(options: unknown): void {
    this.feed = options;
  }
  async checkForUpdates(): Promise<unknown> {
    this.checks += 1;
    return null;
  }
  async downloadUpdate(): Promise<unknown> {
    this.downloads += 1;
    return [];
  }
  quitAndInstall(): void {
    this.installs += 1;
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(answers: boolean[], feedUrl: string | null = 'https://updates.example.com/aw') {
  const updater = new FakeUpdater();
  const clock = new ManualClock();
  const asked: { message: string; detail?: string }[] = [];
  const u = new DesktopUpdater({
    updater,
    feedUrl,
    clock,
    logger: createLogger({ sinks: [new MemoryLogSink()], level: 'debug' }),
    ask: async (q) => {
      asked.push(q);
      return answers.shift() ?? false;
    },
    connection: async () => ({ type: 'cellular' }),
  });
  return { updater, clock, asked, u };
}

describe('DesktopUpdater', () => {
  it('with no feed, is off, says so, and never checks', () => {
    const { updater, clock, u } = setup([], null);
    u.start();
    clock.advance(UPDATE_CHECK_INTERVAL_MS * 2);
    expect(updater.checks).toBe(0);
    expect(u.status).toEqual({
      state: 'off',
      message: 'Updates are off: this installation has no update feed configured.',
    });
  });

  it('checks at start and once a day, never downloading by itself', async () => {
    const { updater, clock, u } = setup([]);
    u.start();
    expect(updater.autoDownload).toBe(false);
    expect(updater.feed).toEqual({ provider: 'generic', url: 'https://updates.example.com/aw' });
    clock.advance(0);
    await flush();
    expect(updater.checks).toBe(1);
    clock.advance(UPDATE_CHECK_INTERVAL_MS - 1);
    await flush();
    expect(updater.checks).toBe(1);
    clock.advance(1);
    await flush();
    expect(updater.checks).toBe(2);
    u.dispose();
    clock.advance(UPDATE_CHECK_INTERVAL_MS);
    await flush();
    expect(updater.checks).toBe(2);
  });

  it('asks before downloading (metered here), and a no downloads nothing', async () => {
    const { updater, asked, u } = setup([false]);
    u.start();
    updater.emit('update-available', {
      version: '1.2.0',
      files: [{ size: 5_000_000 }],
      releaseNotes: '<p>Faster</p>',
    });
    await flush();
    expect(asked[0]?.message).toMatch(/1\.2\.0 is available \(5 MB\)\. This connection looks metered/);
    expect(asked[0]?.detail).toBe('Faster');
    expect(updater.downloads).toBe(0);
    expect(u.status.state).toBe('declined');
  });

  it('downloads after a yes, then shows the notes and restarts only when asked to', async () => {
    const { updater, asked, u } = setup([true, false, true]);
    u.start();
    updater.emit('update-available', { version: '1.2.0' });
    await flush();
    expect(updater.downloads).toBe(1);
    updater.emit('update-downloaded', {
      version: '1.2.0',
      releaseNotes: [{ version: '1.2.0', note: 'History view' }],
    });
    await flush();
    expect(asked[1]?.message).toMatch(/1\.2\.0 is downloaded\. Restart now to install it\?/);
    expect(asked[1]?.detail).toBe('1.2.0\nHistory view');
    expect(updater.installs).toBe(0);
    expect(u.status).toMatchObject({ state: 'ready', version: '1.2.0' });
    updater.emit('update-downloaded', { version: '1.2.0' });
    await flush();
    expect(updater.installs).toBe(1);
  });
});
