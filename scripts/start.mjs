#!/usr/bin/env node
// `npm start`: builds the app, then runs it in Electron with a better-sqlite3 compiled for that
// Electron (kept apart from the Node build the tests use, so neither overwrites the other). Where
// Electron or its headers cannot be had (no internet but the npm registry), it says so and starts
// the same UI in a browser instead: the headless engine on the Sandbox simulator.
//
// Never `electron-builder install-app-deps` or @electron/rebuild here or in postinstall: they
// rebuild node_modules in place and break the Node tests.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const say = (text) => console.log(`start: ${text}`);

/** Runs a command in the repository, showing its output; false when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  return result.status === 0;
}

/**
 * Where the Electron binary is, without `require('electron')` (which tries to download it).
 * null with the reason when it is not installed.
 */
function findElectron() {
  const pkgDir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkgDir, 'package.json')))
    return { binary: null, reason: 'the electron package is not installed' };
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  const pathFile = join(pkgDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkgDir, 'dist');
  const binary = executable ? join(distDir, executable) : null;
  if (!binary || !existsSync(binary)) {
    return {
      binary: null,
      version,
      reason: `Electron ${version}'s binary is not installed (node_modules/electron/dist is empty: Electron downloads it from GitHub on first use, and that download did not succeed here)`,
    };
  }
  return { binary, version, reason: null };
}

/**
 * better-sqlite3 compiled against Electron's headers into .native/electron-<version>/, once.
 * Returns its path, or the reason it could not be built.
 */
function electronSqlite(version) {
  const target = join(root, '.native', `electron-${version}`, 'better_sqlite3.node');
  if (existsSync(target)) return { path: target, reason: null };
  say(`compiling better-sqlite3 for Electron ${version} (once; a few minutes)`);
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const work = join(root, '.native', `build-electron-${version}`);
  const headers = join(root, '.native', 'electron-headers');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const part of ['binding.gyp', 'package.json', 'src', 'deps'])
    cpSync(join(source, part), join(work, part), { recursive: true });
  const ok = run(
    process.execPath,
    [
      join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
      'rebuild',
      '--release',
      `--target=${version}`,
      `--arch=${process.arch}`,
      '--dist-url=https://electronjs.org/headers',
      `--devdir=${headers}`,
    ],
    { cwd: work, timeout: 15 * 60_000 },
  );
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!ok || !existsSync(built)) {
    rmSync(work, { recursive: true, force: true });
    const haveHeaders = existsSync(join(headers, version, 'include', 'node', 'node.h'));
    return {
      path: null,
      reason: haveHeaders
        ? `better-sqlite3 did not compile for Electron ${version} (see node-gyp's errors above)`
        : `better-sqlite3 cannot be compiled for Electron ${version}: node-gyp needs Electron's headers from electronjs.org, which this machine cannot reach`,
    };
  }
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(built, target);
  rmSync(work, { recursive: true, force: true });
  return { path: target, reason: null };
}

/**
 * The child stops when this script is stopped: on SIGINT, SIGTERM and SIGHUP, and when the
 * process that started us goes away. `npm start` runs us under `sh -c`; on SIGTERM npm signals
 * that shell, which dies without telling us, and we would be left running with a host holding
 * the data folder. So we also watch our parent: once we are handed to another one, we stop.
 */
function stopWithUs(child) {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (parentGone(parent)) {
      clearInterval(watch);
      child.kill('SIGTERM');
    }
  }, 500);
  watch.unref();
  child.on('exit', () => clearInterval(watch));
}

/** Whether the process that started us is gone (Node's process.ppid is read once, at start). */
function parentGone(parent) {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== parent;
  } catch {
    // No /proc (macOS, Windows): ask whether the parent still exists.
    try {
      process.kill(parent, 0);
      return false;
    } catch (e) {
      return e.code === 'ESRCH';
    }
  }
}

/** The headless engine with the web UI on the Sandbox simulator, its address printed plainly. */
function startInBrowser(reason) {
  console.log(
    `\nstart: Electron cannot be started here: ${reason}. The desktop window, tray, notifications and keychain ` +
      'need Electron, so they are not running. Instead, this starts the same interface in your browser: the ' +
      'headless engine (`node bin/authenta-watch.js --ui --simulate`) serves it on 127.0.0.1 and checks files ' +
      'with the built-in Sandbox simulator, so every verdict it shows is simulated, not from Authenta. ' +
      'On a machine that can reach GitHub, `npm start` downloads Electron once and opens the desktop app.\n',
  );
  if (!skipBuild) say('building the headless CLI (npm run build:cli)');
  if (!skipBuild && !run(process.execPath, [join(root, 'scripts', 'build-cli.mjs')])) {
    say(
      'the headless CLI could not be built, so nothing was started. Once it builds, run: ' +
        'npm run build:cli && node bin/authenta-watch.js --ui --simulate',
    );
    process.exit(1);
  }
  const child = spawn(process.execPath, [join(root, 'bin', 'authenta-watch.js'), '--ui', '--simulate'], {
    cwd: root,
    stdio: ['inherit', 'pipe', 'pipe'],
  });
  let announced = false;
  // The CLI prints its address on either stream; pass both through and repeat the address plainly.
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    stream.setEncoding('utf8');
    stream.on('data', (text) => {
      out.write(text);
      const url = /https?:\/\/127\.0\.0\.1:\d+\/\S*/.exec(text)?.[0];
      if (url && !announced) {
        announced = true;
        console.log(
          `\nstart: open this address in your browser (Chromium, Firefox, ...):\n\n    ${url}\n\nstart: Ctrl-C stops it.`,
        );
      }
    });
  }
  stopWithUs(child);
  child.on('exit', (code, signal) => {
    if (!announced) {
      say(
        `the headless web UI stopped before printing its address (${signal ?? `exit ${code}`}). ` +
          'Run `npm run build:cli && node bin/authenta-watch.js --ui --simulate` to see why.',
      );
    }
    process.exit(code ?? 1);
  });
}

// AUTHENTA_START_SKIP_BUILD=1: the bundles are already built (the start-script test builds them once).
const skipBuild = process.env.AUTHENTA_START_SKIP_BUILD === '1';
if (!skipBuild) say('building (electron-vite build)');
if (
  !skipBuild &&
  !run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'])
) {
  say('the build failed; see the errors above.');
  process.exit(1);
}

/**
 * Electron 45 fetches its binary on first use rather than at install time: try that once (it needs
 * GitHub), unless the user asked to skip it. Where it fails, the browser fallback below explains.
 */
function downloadElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return;
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return;
  say('downloading the Electron binary (once)');
  const result = spawnSync(process.execPath, [installer], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (result.status !== 0) {
    // The installer prints a raw stack ("TypeError: fetch failed ... at ..."): one line says it.
    const text = `${result.stderr ?? ''}\n${result.stdout ?? ''}`;
    const first = text.split('\n').find((l) => /\S/.test(l) && !/^\s+at /.test(l)) ?? 'no answer';
    const cause = /cause:.*?(E[A-Z]+)/s.exec(text)?.[1];
    const why = first.trim().replace(/^\w*Error: /, '');
    say(`the Electron download did not succeed (${why}${cause ? `, ${cause}` : ''})`);
  }
}

let electron = findElectron();
if (!electron.binary && electron.version) {
  downloadElectron();
  electron = findElectron();
}
if (!electron.binary) {
  startInBrowser(electron.reason);
} else {
  const sqlite = electronSqlite(electron.version);
  if (!sqlite.path) {
    startInBrowser(sqlite.reason);
  } else {
    say(`launching Electron ${electron.version}`);
    const child = spawn(electron.binary, [root], {
      cwd: root,
      stdio: 'inherit',
      // The ledger loads this binary instead of node_modules' Node build (desktop/app.ts).
      env: { ...process.env, AUTHENTA_SQLITE_BINDING: sqlite.path },
    });
    stopWithUs(child);
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  }
}
