// Types of scripts/package.mjs (electron-builder's afterPack hook), for the unit tests.
import type { FuseV1Config } from '@electron/fuses';

export function fuseConfig(platform: string, arch: number, hostPlatform?: string): FuseV1Config;
export function electronBinaryPath(context: {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName: string };
}): string;
export function isStubBinary(path: string): boolean;
export default function afterPack(context: unknown): Promise<void>;
