// electron-builder's afterPack hook (electron-builder.yml): flips Electron's fuses in the packaged
// binary before it is signed, so the shipped app cannot be turned into a plain Node runtime or
// told to load code from outside its app.asar. https://www.electronjs.org/docs/latest/tutorial/fuses
//
// The packaging check (scripts/check-packaging.mjs) packs with a stub in place of Electron's
// binary (the real one cannot be downloaded there); the stub carries Electron's fuse sentinel
// and wire, so this hook flips it as it would the real binary, and the check reads it back.
// Then it puts the Node build of better-sqlite3 back into the project's node_modules, which
// electron-builder's native rebuild (npmRebuild) left on Electron's ABI (see before-build.mjs).
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { FuseState } from '@electron/fuses/dist/constants.js';
import { keepNodeBuild } from './before-build.mjs';

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

/**
 * The configured fuses that the binary's wire does not hold, as "Name: wanted on, is off"
 * (empty when all are as configured). `wire` is getCurrentFuseWire's answer.
 */
export function fuseMismatches(config, wire) {
  const wrong = [];
  for (const [key, wanted] of Object.entries(config)) {
    const index = Number(key);
    if (!Number.isInteger(index) || typeof wanted !== 'boolean') continue;
    const state = wire[index];
    const is = state === FuseState.ENABLE ? 'on' : state === FuseState.DISABLE ? 'off' : `state ${state}`;
    if (state !== (wanted ? FuseState.ENABLE : FuseState.DISABLE))
      wrong.push(`${FuseV1Options[index]}: wanted ${wanted ? 'on' : 'off'}, is ${is}`);
  }
  return wrong;
}

/** The wire as people read it: "RunAsNode=off, EnableCookieEncryption=on, ...". */
export function describeFuses(wire) {
  return Object.keys(wire)
    .filter((k) => k !== 'version')
    .map((k) => {
      const state = wire[k];
      const value = state === FuseState.ENABLE ? 'on' : state === FuseState.DISABLE ? 'off' : String(state);
      return `${FuseV1Options[Number(k)] ?? `fuse ${k}`}=${value}`;
    })
    .join(', ');
}

/**
 * Flips the fuses, then reads them back from the binary: a build whose binary does not hold the
 * configured values fails here instead of shipping. A binary without Electron's fuse wire fails
 * in flipFuses ("Could not find sentinel"). The packaging check's stub Electron carries a wire
 * laid out as Electron's own, so this runs there too.
 */
export default async function afterPack(context) {
  const binary = electronBinaryPath(context);
  const config = fuseConfig(context.electronPlatformName, context.arch);
  await flipFuses(binary, config);
  const wire = await getCurrentFuseWire(binary);
  const wrong = fuseMismatches(config, wire);
  if (wrong.length > 0) throw new Error(`The fuses in ${binary} are not as configured: ${wrong.join('; ')}`);
  console.log(`  • fuses flipped in ${binary}: ${describeFuses(wire)}`);
  // The app now holds its Electron build of better-sqlite3 (npmRebuild); put the Node build back
  // into the project's node_modules for the tests (see before-build.mjs).
  keepNodeBuild();
}
