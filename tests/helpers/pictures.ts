/**
 * Pictures that look like the photos a desk checks (a speaker at a podium, a crowd with placards, a
 * landscape), drawn from SVG with sharp, for the e2e tests whose screenshots people look at (the
 * README's queue with thumbnails, the case report). The simulator's marker goes in with `marked`.
 */
import sharp from 'sharp';
import { marked, type FixtureOptions } from './media-fixtures';

export type Scene = 'podium' | 'crowd' | 'landscape';

const WIDTH = 960;
const HEIGHT = 640;

/** A small deterministic generator, so every run draws the same picture (and the same hash). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const SKIN = ['#f1c7a5', '#d9a47c', '#a86f4c', '#7a4a2e', '#e8b894', '#c68c63'];
const CLOTHES = ['#2f4b7c', '#a05195', '#d45087', '#f95d6a', '#ff7c43', '#3f7f5f', '#444b55', '#c9a227'];

function podium(): string {
  return `
    <defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#15315e"/><stop offset="1" stop-color="#0b1a33"/></linearGradient></defs>
    <rect width="${WIDTH}" height="${HEIGHT}" fill="url(#bg)"/>
    <rect x="0" y="90" width="${WIDTH}" height="26" fill="#b22234" opacity="0.8"/>
    <rect x="0" y="122" width="${WIDTH}" height="10" fill="#f2f2f2" opacity="0.7"/>
    <ellipse cx="480" cy="560" rx="250" ry="190" fill="#1d2430"/>
    <rect x="445" y="300" width="70" height="70" fill="#e0b08c"/>
    <path d="M 455 395 L 480 450 L 505 395 Z" fill="#f4f4f4"/>
    <path d="M 474 398 L 480 470 L 486 398 Z" fill="#9e1b32"/>
    <ellipse cx="480" cy="250" rx="70" ry="88" fill="#e8b894"/>
    <path d="M 410 230 Q 420 150 480 150 Q 545 150 552 232 Q 530 185 480 182 Q 430 185 410 230 Z" fill="#5a4030"/>
    <ellipse cx="455" cy="245" rx="9" ry="6" fill="#2b1d14"/><ellipse cx="507" cy="245" rx="9" ry="6" fill="#2b1d14"/>
    <path d="M 458 300 Q 480 314 503 300" stroke="#8c4a3a" stroke-width="5" fill="none"/>
    <path d="M 330 440 L 630 440 L 600 640 L 360 640 Z" fill="#6b4a2f"/>
    <rect x="330" y="430" width="300" height="22" fill="#84603f"/>
    <ellipse cx="480" cy="520" rx="46" ry="46" fill="#c9a227"/>
    <rect x="452" y="360" width="8" height="80" fill="#222"/><rect x="500" y="360" width="8" height="80" fill="#222"/>
    <rect x="446" y="350" width="20" height="22" rx="6" fill="#333"/><rect x="494" y="350" width="20" height="22" rx="6" fill="#333"/>`;
}

function crowd(): string {
  const rnd = random(7);
  const parts: string[] = [
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#8ec5f0"/><stop offset="1" stop-color="#dcefff"/></linearGradient></defs>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="url(#sky)"/>`,
  ];
  for (let x = 0; x < WIDTH; x += 120) {
    const h = 160 + rnd() * 160;
    parts.push(`<rect x="${x}" y="${330 - h}" width="112" height="${h + 40}" fill="#9aa3ad"/>`);
    for (let wy = 350 - h; wy < 320; wy += 34)
      for (let wx = x + 12; wx < x + 100; wx += 30)
        parts.push(`<rect x="${wx}" y="${wy}" width="16" height="20" fill="#cfe3f5"/>`);
  }
  parts.push(`<rect x="0" y="330" width="${WIDTH}" height="${HEIGHT - 330}" fill="#7d7468"/>`);
  for (const [x, y, text] of [
    [120, 300, 'FREE PRESS'],
    [560, 280, 'VOTE'],
    [760, 310, 'NOW'],
  ] as const) {
    parts.push(`<rect x="${x + 40}" y="${y + 60}" width="6" height="120" fill="#5b4636"/>`);
    parts.push(
      `<rect x="${x}" y="${y}" width="170" height="70" fill="#fafafa" stroke="#333" stroke-width="3"/>`,
    );
    parts.push(
      `<text x="${x + 85}" y="${y + 46}" font-family="sans-serif" font-size="26" font-weight="700" text-anchor="middle" fill="#c0392b">${text}</text>`,
    );
  }
  for (let row = 0; row < 6; row++) {
    const y = 380 + row * 48;
    const r = 20 + row * 4;
    for (let x = -20 + (row % 2) * 30; x < WIDTH + 40; x += r * 2.3) {
      const jx = x + (rnd() - 0.5) * 16;
      const body = CLOTHES[Math.floor(rnd() * CLOTHES.length)]!;
      const skin = SKIN[Math.floor(rnd() * SKIN.length)]!;
      parts.push(`<ellipse cx="${jx}" cy="${y + r * 2.1}" rx="${r * 1.15}" ry="${r * 1.4}" fill="${body}"/>`);
      parts.push(`<circle cx="${jx}" cy="${y}" r="${r}" fill="${skin}"/>`);
      parts.push(
        `<path d="M ${jx - r} ${y - 2} Q ${jx} ${y - r * 1.5} ${jx + r} ${y - 2} Z" fill="#3a2a20"/>`,
      );
    }
  }
  return parts.join('');
}

function landscape(): string {
  return `
    <defs><linearGradient id="dusk" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#f6a35c"/><stop offset="0.6" stop-color="#fbd38d"/><stop offset="1" stop-color="#fde8c4"/></linearGradient></defs>
    <rect width="${WIDTH}" height="${HEIGHT}" fill="url(#dusk)"/>
    <circle cx="700" cy="250" r="70" fill="#fff3c4"/>
    <path d="M 0 380 L 180 200 L 330 360 L 470 170 L 660 390 L 800 260 L 960 380 L 960 640 L 0 640 Z" fill="#6d5a7a"/>
    <path d="M 0 430 L 240 320 L 420 440 L 600 330 L 960 450 L 960 640 L 0 640 Z" fill="#4b4063"/>
    <rect x="0" y="470" width="${WIDTH}" height="170" fill="#3d6d8a"/>
    <rect x="0" y="470" width="${WIDTH}" height="8" fill="#f2c48d" opacity="0.6"/>
    <path d="M 640 520 L 700 520 L 680 545 L 655 545 Z" fill="#2b2b2b"/>`;
}

const SCENES: Record<Scene, () => string> = { podium, crowd, landscape };

/**
 * A `scene` as a PNG or a JPEG with the fixture options (the simulator's marker, padding) put in;
 * `blur` softens it (a screenshot of a blurry photo).
 */
export async function picture(
  scene: Scene,
  format: 'png' | 'jpeg',
  opts: FixtureOptions & { blur?: number } = {},
): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">${SCENES[scene]()}</svg>`;
  let image = sharp(Buffer.from(svg));
  if (opts.blur) image = image.blur(opts.blur);
  const bytes = await (format === 'png' ? image.png() : image.jpeg({ quality: 82 })).toBuffer();
  return marked(bytes, opts);
}
