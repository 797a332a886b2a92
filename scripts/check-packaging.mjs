#!/usr/bin/env node
// The packaging check (npm test, after the build): packs the app with electron-builder.yml for
// Linux as a plain folder, offline, with a stub in place of Electron's binary (which cannot be
// downloaded here), then looks inside app.asar. It proves the config packs what the app needs
// (out/main, the sandboxed preload, the page, the icons, unpacked native modules) and nothing it
// must not ship (sources, tests). The stub carries Electron's fuse sentinel and wire (laid out as
// in Electron's binary, https://github.com/electron/fuses), so the afterPack hook flips it with the
// real @electron/fuses and this check reads the fuses back from the packaged executable. It
// cannot prove the app starts: no Electron runs here.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getCurrentFuseWire } from '@electron/fuses';
import { SENTINEL } from '@electron/fuses/dist/constants.js';
import { describeFuses, fuseConfig, fuseMismatches } from './package.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar');
const problems = [];
const fail = (message) => problems.push(message);

for (const built of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
  if (!existsSync(join(root, built))) {
    console.error(
      `check-packaging: ${built} is missing. Run \`npx electron-vite build\` (or \`npm run build\`) first.`,
    );
    process.exit(1);
  }
}

// A sandboxed preload may require only a few modules; ours needs nothing but electron.
const preload = readFileSync(join(root, 'out/preload/index.cjs'), 'utf8');
const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
if (required.some((m) => m !== 'electron')) {
  fail(
    `out/preload/index.cjs requires ${required.join(', ')}: a sandboxed preload may only require "electron".`,
  );
}
if (/^\s*(import|export)\s/m.test(preload))
  fail('out/preload/index.cjs is an ES module: a sandboxed preload must be CommonJS.');

const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;
const work = mkdtempSync(join(tmpdir(), 'aw-packaging-'));
try {
  const stub = join(work, 'electron-stub');
  mkdirSync(stub);
  // Electron's binary holds the sentinel, then the wire: version (1), length, one byte per fuse
  // ('1' on, '0' off). These are Electron's defaults: Node mode, NODE_OPTIONS, the inspector and
  // file: privileges on, the rest off; the hook must turn them into fuseConfig's values.
  writeFileSync(
    join(stub, 'electron'),
    Buffer.concat([
      Buffer.from('#!/bin/sh\necho "Electron stub for the packaging check" >&2\nexit 1\n# fuse wire: '),
      Buffer.from(SENTINEL, 'latin1'),
      Buffer.from([1, 8]),
      Buffer.from('10110001', 'latin1'),
      Buffer.from('\n'),
    ]),
  );
  chmodSync(join(stub, 'electron'), 0o755);
  writeFileSync(join(stub, 'version'), electronVersion);
  const output = join(work, 'release');

  // electron-builder.yml's publish entry names the update feed from AUTHENTA_UPDATE_URL; the
  // check packs with a feed of its own and reads it back from app-update.yml below.
  const updateUrl = process.env.AUTHENTA_UPDATE_URL || 'https://updates.example.invalid/authenta-watch';
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [
      require.resolve('electron-builder/cli.js'),
      '--linux',
      'dir',
      '--projectDir',
      root,
      '--config',
      join(root, 'electron-builder.yml'),
      '--publish',
      'never',
      `-c.electronDist=${stub}`,
      `-c.electronVersion=${electronVersion}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${output}`,
    ],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false', AUTHENTA_UPDATE_URL: updateUrl },
      timeout: 180_000,
    },
  );
  const log = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    console.error(log);
    console.error(`check-packaging: electron-builder failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
  if (!/fuses flipped in /.test(log))
    fail('the afterPack hook (scripts/package.mjs) did not flip the fuses.');

  // The fuses as the packaged executable holds them, read back with @electron/fuses.
  const executable = join(output, 'linux-unpacked', 'authenta-watch');
  const before = await getCurrentFuseWire(join(stub, 'electron'));
  const after = await getCurrentFuseWire(executable);
  const wrong = fuseMismatches(fuseConfig('linux', 1), after);
  if (wrong.length > 0) fail(`the packaged executable's fuses are not as configured: ${wrong.join('; ')}`);
  const flipped = Object.keys(after).filter((k) => k !== 'version' && after[k] !== before[k]);
  if (flipped.length === 0) fail('the packaged executable still holds the stub’s default fuses');
  console.log(
    `check-packaging: fuses read back from the packaged executable (${flipped.length} flipped): ${describeFuses(after)}`,
  );

  // The update feed the app reads at start (desktop/update-setup.ts configuredUpdateFeed).
  const appUpdateYml = join(output, 'linux-unpacked', 'resources', 'app-update.yml');
  if (!existsSync(appUpdateYml))
    fail('resources/app-update.yml is missing: the app would say updates are off');
  else if (!readFileSync(appUpdateYml, 'utf8').includes(`url: ${updateUrl}`))
    fail(`resources/app-update.yml does not name the feed ${updateUrl}`);

  // Native modules: electron-builder.yml rebuilds them for Electron (npmRebuild) in this
  // project's node_modules; its hooks keep the Node build the tests need (before-build.mjs
  // caches it, afterPack puts it back). Here npmRebuild is off (no Electron headers offline), so
  // this checks the wiring and that the afterPack step ran and left a Node build.
  const builderConfig = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
  for (const [line, why] of [
    [/^npmRebuild: true$/m, 'npmRebuild: true (better-sqlite3 must be built for Electron)'],
    [
      /^beforeBuild: scripts\/before-build\.mjs$/m,
      'beforeBuild: scripts/before-build.mjs (caches the Node build)',
    ],
    [
      /^afterPack: scripts\/package\.mjs$/m,
      'afterPack: scripts/package.mjs (fuses, and the Node build back)',
    ],
  ]) {
    if (!line.test(builderConfig)) fail(`electron-builder.yml lacks ${why}`);
  }
  if (!/native: (better-sqlite3 is built for Node|restored the cached Node build)/.test(log))
    fail('the afterPack hook did not make sure node_modules holds the Node build of better-sqlite3');
  const loads = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    cwd: root,
    encoding: 'utf8',
  });
  if (loads.status !== 0)
    fail(`after packaging, better-sqlite3 in node_modules does not load in Node: ${loads.stderr.trim()}`);

  const resources = join(output, 'linux-unpacked', 'resources');
  const archive = join(resources, 'app.asar');
  if (!existsSync(archive)) {
    fail(`no app.asar in ${resources}`);
  } else {
    const entries = asar.listPackage(archive, { isPack: false }).map((e) => e.replaceAll('\\', '/'));
    const has = (path) => entries.includes(path);
    for (const path of [
      '/package.json',
      '/out/main/index.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
    ]) {
      if (!has(path)) fail(`app.asar lacks ${path}`);
    }
    const forbidden = entries.filter(
      (e) =>
        /^\/(src|tests|scripts|bench|docs|assets|\.native|test-artifacts)(\/|$)/.test(e) ||
        /\.(ts|mts|cts|tsx|map)$/.test(e) ||
        /^\/(electron\.vite\.config|vitest\.config|tsconfig)/.test(e),
    );
    if (forbidden.length > 0)
      fail(`app.asar holds what it must not ship: ${forbidden.slice(0, 10).join(', ')}`);
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'));
    if (pkg.main !== './out/main/index.js') fail(`the packaged package.json has main ${pkg.main}`);
    for (const dep of ['better-sqlite3', 'keytar', 'sharp', 'range-parser', 'electron-store', 'zod']) {
      if (!has(`/node_modules/${dep}/package.json`)) fail(`app.asar lacks the dependency ${dep}`);
    }
    if (entries.some((e) => e.startsWith('/node_modules/electron/')))
      fail('app.asar ships the electron npm package');
    // Native modules cannot be loaded from inside an asar: each .node must be marked unpacked
    // (the archive keeps only a pointer) and sit in app.asar.unpacked (checked below).
    for (const native of [
      'node_modules/keytar/build/Release/keytar.node',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    ]) {
      let unpacked = false;
      try {
        unpacked = asar.statFile(archive, native).unpacked === true;
      } catch {
        // Not in the archive at all: reported below as missing from app.asar.unpacked.
      }
      if (!unpacked) fail(`${native} is not unpacked from app.asar (asarUnpack in electron-builder.yml)`);
    }
    console.log(
      `check-packaging: app.asar holds ${entries.length} entries; out/main, out/preload/index.cjs, out/renderer/index.html present; no sources or tests`,
    );
  }

  // sharp (poster thumbnails): its .node and the libvips it loads, for this platform.
  const sharpPlatform = `${process.platform}-${process.arch}`;
  const unpackedImg = join(resources, 'app.asar.unpacked', 'node_modules', '@img');
  for (const [dir, pattern] of [
    [`sharp-${sharpPlatform}/lib`, /\.node$/],
    [`sharp-libvips-${sharpPlatform}/lib`, /^libvips/],
  ]) {
    const found =
      existsSync(join(unpackedImg, dir)) && readdirSync(join(unpackedImg, dir)).some((f) => pattern.test(f));
    if (!found)
      fail(
        `resources/app.asar.unpacked/node_modules/@img/${dir} lacks ${pattern} (sharp cannot load from app.asar)`,
      );
  }
  for (const native of [
    'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    'app.asar.unpacked/node_modules/keytar/build/Release/keytar.node',
    'assets/icon.png',
    'assets/tray/tray-idle@2x.png',
    'assets/tray/tray-attentionTemplate.png',
  ]) {
    if (!existsSync(join(resources, native))) fail(`resources/${native} is missing`);
  }
  console.log(
    `check-packaging: electron-builder packed a Linux dir in ${((Date.now() - started) / 1000).toFixed(1)} s (stub Electron ${electronVersion} with a fuse wire)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const p of problems) console.error(`check-packaging: ${p}`);
  process.exit(1);
}
console.log('check-packaging: ok');
