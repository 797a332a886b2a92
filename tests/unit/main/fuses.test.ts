import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { electronBinaryPath, fuseConfig, isStubBinary } from '../../../scripts/package.mjs';

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

  describe('stub detection', () => {
    const dirs: string[] = [];
    afterEach(() => {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });
    it('tells the packaging check’s script from a binary', () => {
      const dir = mkdtempSync(join(tmpdir(), 'aw-fuses-'));
      dirs.push(dir);
      writeFileSync(join(dir, 'stub'), '#!/bin/sh\necho stub\n');
      chmodSync(join(dir, 'stub'), 0o755);
      writeFileSync(join(dir, 'binary'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]));
      expect(isStubBinary(join(dir, 'stub'))).toBe(true);
      expect(isStubBinary(join(dir, 'binary'))).toBe(false);
      expect(isStubBinary(dir)).toBe(false);
    });
  });
});
