#!/usr/bin/env node
// Keeps native modules loadable by the runtime that is about to use them.
//
//   node scripts/native.mjs node      make sure node_modules holds a Node build of better-sqlite3
//                                      (restores a cached copy in a second instead of a minute's rebuild)
//
// The Electron build never overwrites node_modules: scripts/start.mjs compiles a separate copy
// under .native/electron-<version>/ and hands its path to the ledger (better-sqlite3's
// `nativeBinding` option), so tests and the desktop app never fight over one file.
// keytar is N-API and needs no rebuild.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const target = process.argv[2] ?? 'node';

function bindingPath() {
  return join(
    dirname(require.resolve('better-sqlite3/package.json')),
    'build',
    'Release',
    'better_sqlite3.node',
  );
}

function loadsInNode(file) {
  try {
    execFileSync(
      process.execPath,
      [
        '-e',
        `new (require('better-sqlite3'))(':memory:', { nativeBinding: ${JSON.stringify(file)} }).close()`,
      ],
      {
        cwd: root,
        stdio: 'pipe',
      },
    );
    return true;
  } catch {
    return false;
  }
}

if (target === 'node') {
  const live = bindingPath();
  const cacheDir = join(
    root,
    '.native',
    `node-${process.versions.modules}-${process.platform}-${process.arch}`,
  );
  const cached = join(cacheDir, 'better_sqlite3.node');
  if (existsSync(live) && loadsInNode(live)) {
    mkdirSync(cacheDir, { recursive: true });
    copyFileSync(live, cached);
    console.log(
      `native: better-sqlite3 is built for Node ${process.versions.node} (ABI ${process.versions.modules})`,
    );
  } else if (existsSync(cached) && loadsInNode(cached)) {
    copyFileSync(cached, live);
    console.log('native: restored the cached Node build of better-sqlite3');
  } else {
    console.log('native: rebuilding better-sqlite3 for Node (about a minute)');
    execFileSync('npm', ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit' });
    mkdirSync(cacheDir, { recursive: true });
    copyFileSync(live, cached);
  }
} else {
  console.error(`native: unknown target "${target}" (expected "node")`);
  process.exit(2);
}
