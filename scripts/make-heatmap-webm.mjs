/* global document, MediaRecorder, requestAnimationFrame */
// Records the simulator's heatmap clip once, in Debian's Chromium: a canvas animation (a warm
// blob moving over a dark frame, like a heatmap over a face) captured with MediaRecorder as VP8
// WebM, 160x120, about 1.5 s at 15 fps. Writes src/main/sim/assets/heatmap-webm.ts (base64), so
// the simulator serves real, decodable heatmaps without a binary file in the CLI bundle.
// With --mp4 it records tests/fixtures/real-clip.mp4 instead: H.264 MP4, 320x180, the e2e
// tests' decodable video (tests/helpers/media-fixtures.ts realMp4 adds the simulator's marker).
// Usage: node scripts/make-heatmap-webm.mjs [--mp4]
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
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
  const page = await browser.newPage();
  const mp4 = process.argv.includes('--mp4');
  const spec = mp4
    ? { width: 320, height: 180, mimeType: 'video/mp4;codecs=avc1.42E01E', type: 'video/mp4' }
    : { width: 160, height: 120, mimeType: 'video/webm;codecs=vp8', type: 'video/webm' };
  const base64 = await page.evaluate(async ({ width, height, mimeType, type }) => {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    document.body.append(canvas);
    const ctx = canvas.getContext('2d');
    const stream = canvas.captureStream(15);
    const recorder = new MediaRecorder(stream, {
      mimeType,
      videoBitsPerSecond: 120_000,
    });
    const chunks = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((r) => (recorder.onstop = r));
    if (recorder.mimeType && !recorder.mimeType.startsWith(type))
      throw new Error(`recorded ${recorder.mimeType}`);
    recorder.start();
    const start = performance.now();
    await new Promise((done) => {
      const draw = () => {
        const t = (performance.now() - start) / 1000;
        ctx.fillStyle = '#101828';
        ctx.fillRect(0, 0, width, height);
        const x = width / 2 + Math.sin(t * 2) * (width / 5);
        const g = ctx.createRadialGradient(x, height / 2, 4, x, height / 2, height * 0.37);
        g.addColorStop(0, 'rgba(255,60,30,1)');
        g.addColorStop(0.5, 'rgba(255,200,0,0.7)');
        g.addColorStop(1, 'rgba(0,80,255,0)');
        ctx.fillStyle = g;
        ctx.fillRect(0, 0, width, height);
        if (t < 1.5) requestAnimationFrame(draw);
        else done();
      };
      draw();
    });
    recorder.stop();
    await stopped;
    const bytes = new Uint8Array(await new Blob(chunks, { type }).arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, spec);
  if (mp4) {
    const clip = new URL('../tests/fixtures/real-clip.mp4', import.meta.url);
    writeFileSync(clip, Buffer.from(base64, 'base64'));
    console.log(`wrote ${clip.pathname}`);
    process.exit(0);
  }
  const out = new URL('../src/main/sim/assets/heatmap-webm.ts', import.meta.url);
  writeFileSync(
    out,
    `/**\n * The simulator's heatmap clip: a real VP8 WebM (160x120, about 1.5 s, ${Math.round((base64.length * 3) / 4 / 1024)} KB) recorded once in\n * Chromium with MediaRecorder from a canvas by scripts/make-heatmap-webm.mjs, so players really decode it.\n */\nexport const HEATMAP_WEBM_BASE64 =\n  '${base64}';\n`,
  );
  console.log(`wrote ${out.pathname}: ${(base64.length * 3) / 4} bytes`);
} finally {
  await browser.close();
}
