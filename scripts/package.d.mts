// Types of scripts/package.mjs (electron-builder's afterPack hook), for the unit tests.
import type { FuseV1Config } from '@electron/fuses';

export function fuseConfig(platform: string, arch: number, hostPlatform?: string): FuseV1Config;
export function electronBinaryPath(context: {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName: string };
}): string;
/** Configured fuses the wire does not hold, as readable lines (empty when all match). */
export function fuseMismatches(config: FuseV1Config, wire: Record<string, unknown>): string[];
export function describeFuses(wire: Record<string, unknown>): string;
export default function afterPack(context: unknown): Promise<void>;
