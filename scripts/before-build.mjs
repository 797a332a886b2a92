// electron-builder's beforeBuild hook (electron-builder.yml): runs before electron-builder
// rebuilds the native modules (npmRebuild: true). That rebuild compiles better-sqlite3 for
// Electron in place, in this project's node_modules, where the tests need a Node build; so the
// Node build is cached first (scripts/native.mjs node), and the afterPack hook (package.mjs)
// puts it back once the app is packed. Resolves true: the rebuild for Electron goes ahead.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const native = join(dirname(fileURLToPath(import.meta.url)), 'native.mjs');

/** Makes sure node_modules holds (and .native caches) the Node build of better-sqlite3. */
export function keepNodeBuild() {
  execFileSync(process.execPath, [native, 'node'], { stdio: 'inherit' });
}

export default async function beforeBuild() {
  keepNodeBuild();
  return true;
}
