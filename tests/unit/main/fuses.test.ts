import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { SENTINEL } from '@electron/fuses/dist/constants.js';
import afterPack, {
  describeFuses,
  electronBinaryPath,
  fuseConfig,
  fuseMismatches,
} from '../../../scripts/package.mjs';

const X64 = 1;
const ARM64 = 3;

describe('the fuses of the shipped app', () => {
  it.each(['linux', 'win32', 'darwin'])(
    'on %s: no Node mode, no NODE_OPTIONS, no inspector, app.asar only, cookies encrypted',
    (platform) => {
      const config = fuseConfig(platform, X64, platform);
      expect(config.version).toBe(FuseVersion.V1);
      expect(config[FuseV1Options.RunAsNode]).toBe(false);
      expect(config[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
      expect(config[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
      expect(config[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
      expect(config[FuseV1Options.EnableCookieEncryption]).toBe(true);
    },
  );

  it.each([
    ['darwin', 'darwin', true],
    ['darwin', 'linux', true],
    ['win32', 'win32', true],
    ['win32', 'linux', false],
    ['linux', 'linux', false],
  ])('asar integrity for %s built on %s: %s', (platform, host, expected) => {
    expect(fuseConfig(platform, X64, host)[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(
      expected,
    );
  });

  it('re-signs ad hoc only for arm64 Macs', () => {
    expect(fuseConfig('darwin', ARM64).resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig('darwin', X64).resetAdHocDarwinSignature).toBe(false);
    expect(fuseConfig('linux', ARM64).resetAdHocDarwinSignature).toBe(false);
  });

  it('finds the binary of each platform', () => {
    const packager = { appInfo: { productFilename: 'Authenta Watch' }, executableName: 'authenta-watch' };
    expect(electronBinaryPath({ appOutDir: '/o', electronPlatformName: 'darwin', packager })).toBe(
      '/o/Authenta Watch.app',
    );
    expect(electronBinaryPath({ appOutDir: '/o', electronPlatformName: 'win32', packager })).toBe(
      '/o/Authenta Watch.exe',
    );
    expect(electronBinaryPath({ appOutDir: '/o', electronPlatformName: 'linux', packager })).toBe(
      '/o/authenta-watch',
    );
  });

  describe('afterPack', () => {
    const dirs: string[] = [];
    afterEach(() => {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });
    const packager = { appInfo: { productFilename: 'Authenta Watch' }, executableName: 'authenta-watch' };
    /** A Linux app folder whose executable holds `wire` after Electron's sentinel, as Electron's binary does. */
    function appOutDir(wire: Buffer | null): string {
      const dir = mkdtempSync(join(tmpdir(), 'aw-fuses-'));
      dirs.push(dir);
      const parts: Uint8Array[] = [Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(64, 0xaa)];
      if (wire) parts.push(Buffer.from(SENTINEL, 'latin1'), wire);
      parts.push(Buffer.alloc(64, 0xbb));
      writeFileSync(join(dir, 'authenta-watch'), Buffer.concat(parts));
      return dir;
    }
    // Electron's defaults: RunAsNode, NODE_OPTIONS, inspector and file: privileges on; the rest off.
    const ELECTRON_DEFAULTS = Buffer.from([1, 8, ...Buffer.from('10110001', 'latin1')]);

    it('flips the wire of the packaged binary to the configured values, and the rest stays', async () => {
      const dir = appOutDir(ELECTRON_DEFAULTS);
      await afterPack({ appOutDir: dir, electronPlatformName: 'linux', arch: X64, packager });
      const wire = await getCurrentFuseWire(join(dir, 'authenta-watch'));
      expect(fuseMismatches(fuseConfig('linux', X64), wire)).toEqual([]);
      expect(describeFuses(wire)).toBe(
        'RunAsNode=off, EnableCookieEncryption=on, EnableNodeOptionsEnvironmentVariable=off, ' +
          'EnableNodeCliInspectArguments=off, EnableEmbeddedAsarIntegrityValidation=off, OnlyLoadAppFromAsar=on, ' +
          'LoadBrowserProcessSpecificV8Snapshot=off, GrantFileProtocolExtraPrivileges=on',
      );
    });

    it('says which fuses are wrong when a wire does not hold the configuration', () => {
      const wire = { version: '1', 0: 49, 1: 49, 2: 48, 3: 48, 4: 48, 5: 48, 6: 48, 7: 49 };
      expect(fuseMismatches(fuseConfig('linux', X64), wire)).toEqual([
        'RunAsNode: wanted off, is on',
        'OnlyLoadAppFromAsar: wanted on, is off',
      ]);
    });

    it('fails the build for a binary without a fuse wire', async () => {
      const dir = appOutDir(null);
      await expect(
        afterPack({ appOutDir: dir, electronPlatformName: 'linux', arch: X64, packager }),
      ).rejects.toThrow(/Could not find sentinel/);
    });
  });
});
