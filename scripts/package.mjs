// electron-builder's afterPack hook (electron-builder.yml): flips Electron's fuses in the packaged
// binary before it is signed, so the shipped app cannot be turned into a plain Node runtime or
// told to load code from outside its app.asar. https://www.electronjs.org/docs/latest/tutorial/fuses
//
// The packaging check (scripts/check-packaging.mjs) packs with a stub in place of Electron's
// binary (the real one cannot be downloaded there); a stub has no fuse wire, so the hook says so
// and skips it instead of failing. A real binary without a fuse wire is an error.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

const ARM64 = 3; // builder-util's Arch.arm64

/**
 * The fuses of the shipped app. Embedded asar integrity is checked only where Electron supports
 * it (macOS; Windows since Electron 30, and only when the .exe is built on Windows: a
 * cross-built one records the asar path with "/" and refuses to start,
 * https://github.com/electron/electron/issues/44624).
 */
export function fuseConfig(platform, arch, hostPlatform = process.platform) {
  const integrity = platform === 'darwin' || (platform === 'win32' && hostPlatform === 'win32');
  return {
    version: FuseVersion.V1,
    // An ad-hoc signature breaks when fuses change; arm64 Macs refuse unsigned code.
    resetAdHocDarwinSignature: platform === 'darwin' && arch === ARM64,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: integrity,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
  };
}

/** The file the fuses live in: the .app on macOS, the executable elsewhere. */
export function electronBinaryPath({ appOutDir, electronPlatformName, packager }) {
  const name = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas')
    return join(appOutDir, `${name}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${name}.exe`);
  return join(appOutDir, packager.executableName);
}

/** True for the packaging check's stand-in: a small script, not an Electron binary. */
export function isStubBinary(path) {
  const stats = statSync(path);
  if (stats.isDirectory()) return false;
  const head = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  return stats.size < 1024 * 1024 && head.toString('latin1') === '#!';
}

export default async function afterPack(context) {
  const binary = electronBinaryPath(context);
  if (isStubBinary(binary)) {
    console.log(
      `  • fuses skipped: ${binary} is a stub, not an Electron binary (packaging check); a real build flips them`,
    );
    return;
  }
  const config = fuseConfig(context.electronPlatformName, context.arch);
  await flipFuses(binary, config);
  console.log(`  • fuses flipped in ${binary}`);
}
