#!/usr/bin/env node
// Renders the app and tray icons from assets/src/*.svg with Debian's Chromium (crisp
// anti-aliasing), then packs icon.ico (ImageMagick) and icon.icns (written here: an icns file is
// a header plus PNG chunks). Run after changing an SVG: `node assets/render-icons.mjs`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const assets = dirname(fileURLToPath(import.meta.url));
const src = (name) => readFileSync(join(assets, 'src', name), 'utf8');
const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const STATES = ['idle', 'working', 'attention'];

const profile = mkdtempSync(join(tmpdir(), 'aw-icons-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  deviceScaleFactor: 1,
  args: [
    '--no-sandbox',
    '--headless',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--no-first-run',
  ],
});
try {
  const page = await context.newPage();
  async function render(svg, size, out) {
    await page.setViewportSize({ width: size, height: size });
    const sized = svg.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`,
    );
    await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  }

  mkdirSync(join(assets, 'icons'), { recursive: true });
  for (const size of APP_SIZES) await render(src('icon.svg'), size, join(assets, 'icons', `${size}x${size}.png`));
  copyFileSync(join(assets, 'icons', '512x512.png'), join(assets, 'icon.png'));

  mkdirSync(join(assets, 'tray'), { recursive: true });
  for (const state of STATES) {
    for (const variant of ['', 'Template']) {
      const svg = src(`tray-${state}${variant}.svg`);
      await render(svg, 16, join(assets, 'tray', `tray-${state}${variant}.png`));
      await render(svg, 32, join(assets, 'tray', `tray-${state}${variant}@2x.png`));
    }
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

// Windows: one .ico with the sizes Explorer and the taskbar ask for.
execFileSync('convert', [16, 24, 32, 48, 64, 128, 256].map((s) => join(assets, 'icons', `${s}x${s}.png`)).concat(join(assets, 'icon.ico')));

// macOS: icns chunks of PNG data (ic07 128, ic08 256, ic09 512, ic10 1024 = 512@2x,
// ic11 32 = 16@2x, ic12 64 = 32@2x, ic13 256 = 128@2x, ic14 512 = 256@2x).
const chunks = [
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
].map(([type, size]) => {
  const png = readFileSync(join(assets, 'icons', `${size}x${size}.png`));
  const header = Buffer.alloc(8);
  header.write(type, 0, 'ascii');
  header.writeUInt32BE(png.length + 8, 4);
  return Buffer.concat([header, png]);
});
const body = Buffer.concat(chunks);
const head = Buffer.alloc(8);
head.write('icns', 0, 'ascii');
head.writeUInt32BE(body.length + 8, 4);
writeFileSync(join(assets, 'icon.icns'), Buffer.concat([head, body]));
console.log('render-icons: assets/icons/*.png, icon.png, icon.ico, icon.icns, tray/*.png');
