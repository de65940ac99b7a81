#!/usr/bin/env node
/**
 * Derives every platform's icon from the one source image, assets/icon.svg:
 *   assets/build/icons/NxN.png   Linux (AppImage, deb: /usr/share/icons/hicolor/NxN/apps), 16..1024 px
 *   assets/build/icon.ico        Windows (exe, installer, "Open with"), 16..256 px
 *   assets/build/icon.icns       macOS (app bundle, dmg), 16..1024 px, on Apple's grid (tile 824 of 1024 px)
 *   assets/app-icon.png          the app's own window and About panel (512 px)
 *   assets/build/icons.json      what each file was made from (the source's SHA-256) and each file's SHA-256
 *
 * The outputs are committed: packing then needs neither sharp's SVG renderer nor electron-builder's icon
 * converter (a binary it would download), and every OS's CI builds the same icons. `npm run icons:check`
 * (and npm test) fails when the source changed and the outputs were not made again.
 *
 * Each size is rendered from the vector, not scaled down from a big bitmap. At 48 px and below the drawing is
 * simplified: the tile fills the square, elements of class "detail" are hidden, strokes are thicker.
 *
 *   node scripts/make-icons.mjs [--out DIR]          write the outputs under DIR (default: the checkout)
 *   node scripts/make-icons.mjs --check              exit 1 when the outputs are stale or edited
 *   node scripts/make-icons.mjs --preview FILE.png   the 16, 32 and 256 px icons side by side (and 16, 32 enlarged)
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IconIcns, IconIco } from '@shockpkg/icon-encoder';
import sharp from 'sharp';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SOURCE = 'assets/icon.svg';
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS types and their pixel sizes, in the order iconutil writes them */
export const ICNS_TYPES = [
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic04', 16],
  ['ic14', 512],
  ['ic09', 512],
  ['ic05', 32],
  ['ic10', 1024],
  ['ic11', 32],
];
export const APP_ICON_SIZE = 512;
export const MANIFEST = 'assets/build/icons.json';
export const linuxIcon = (size) => `assets/build/icons/${size}x${size}.png`;

const SMALL = 48;
/** the tile's square in the drawing (viewBox units) */
const TILE = { x: 64, size: 896 };
/** Apple's grid: the icon's body is 824 of 1024 px, centred */
const MAC_BODY = 824 / 1024;

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** The drawing for one size: the same source, framed for the platform, simplified when small. */
export function svgFor(source, size, style = 'full-bleed') {
  let viewBox = '0 0 1024 1024';
  let extraCss = '';
  if (style === 'mac') {
    // the tile drawn at 824/1024 of the square, centred
    const span = TILE.size / MAC_BODY;
    const origin = 512 - span / 2;
    viewBox = `${origin} ${origin} ${span} ${span}`;
  } else if (size <= SMALL) {
    viewBox = `${TILE.x} ${TILE.x} ${TILE.size} ${TILE.size}`;
  }
  if (size <= SMALL) extraCss = '.detail { display: none; } .mouth { stroke-width: 62; } .eye { stroke-width: 60; } .dot { stroke-width: 124; }';
  let svg = source.replace(/viewBox="[^"]*"/, `viewBox="${viewBox}"`).replace(/ width="\d+" height="\d+"/, ` width="${size}" height="${size}"`);
  if (extraCss) svg = svg.replace('</style>', `  ${extraCss}\n  </style>`);
  return svg;
}

export async function renderPng(source, size, style) {
  return sharp(Buffer.from(svgFor(source, size, style)), { density: 72 }).resize(size, size).png({ compressionLevel: 9 }).toBuffer();
}

/** Every output file's path (relative to the root) and bytes, made from the source text. */
export async function makeIcons(source) {
  const files = new Map();
  const linux = new Map();
  for (const size of LINUX_SIZES) {
    const png = await renderPng(source, size, 'full-bleed');
    linux.set(size, png);
    files.set(linuxIcon(size), png);
  }
  const ico = new IconIco();
  // largest first; PNG-compressed where Windows reads PNG (256 px), BMP below (older shells)
  for (const size of [...ICO_SIZES].reverse()) await ico.addFromPng(linux.get(size), null);
  files.set('assets/build/icon.ico', Buffer.from(ico.encode()));
  const icns = new IconIcns();
  icns.toc = true;
  const mac = new Map();
  for (const [type, size] of ICNS_TYPES) {
    if (!mac.has(size)) mac.set(size, await renderPng(source, size, 'mac'));
    await icns.addFromPng(mac.get(size), [type]);
  }
  files.set('assets/build/icon.icns', Buffer.from(icns.encode()));
  files.set('assets/app-icon.png', linux.get(APP_ICON_SIZE));
  return files;
}

export async function writeIcons(outRoot = ROOT) {
  const sourceBytes = await readFile(join(ROOT, SOURCE));
  const files = await makeIcons(sourceBytes.toString('utf8'));
  const manifest = {
    source: SOURCE,
    sourceSha256: sha256(sourceBytes),
    madeBy: 'scripts/make-icons.mjs (npm run icons)',
    sharp: sharp.versions,
    files: Object.fromEntries([...files].map(([p, data]) => [p, sha256(data)])),
  };
  for (const [p, data] of files) {
    await mkdir(dirname(join(outRoot, p)), { recursive: true });
    await writeFile(join(outRoot, p), data);
  }
  await writeFile(join(outRoot, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { files, manifest };
}

/** Problems with the committed outputs: a changed source, a missing or edited output. Empty when all is well. */
export async function checkIcons(root = ROOT) {
  const problems = [];
  let manifest;
  try {
    manifest = JSON.parse(await readFile(join(root, MANIFEST), 'utf8'));
  } catch {
    return [`${MANIFEST} is missing: run npm run icons`];
  }
  const source = await readFile(join(root, SOURCE));
  if (manifest.sourceSha256 !== sha256(source)) problems.push(`${SOURCE} changed since the icons were made: run npm run icons`);
  for (const [p, hash] of Object.entries(manifest.files)) {
    let data;
    try {
      data = await readFile(join(root, p));
    } catch {
      problems.push(`${p} is missing: run npm run icons`);
      continue;
    }
    if (sha256(data) !== hash) problems.push(`${p} is not what npm run icons made from ${SOURCE}`);
  }
  return problems;
}

/** The 16, 32 and 256 px icons as shipped, on a light and a dark strip, plus 16 and 32 enlarged 8x (nearest). */
export async function preview(root = ROOT) {
  const pad = 24;
  const scale = 8;
  const icons = await Promise.all([16, 32, 256].map(async (s) => ({ s, png: await readFile(join(root, linuxIcon(s))) })));
  const enlarged = await Promise.all(
    icons.filter((i) => i.s <= 32).map(async (i) => ({ s: i.s * scale, png: await sharp(i.png).resize(i.s * scale, i.s * scale, { kernel: 'nearest' }).png().toBuffer() })),
  );
  const row = [...icons, ...enlarged];
  const width = row.reduce((w, i) => w + i.s + pad, pad);
  const stripHeight = 256 + 2 * pad;
  const composites = [];
  for (const [k, background] of ['#f4f4f6', '#202124'].entries()) {
    composites.push({ input: { create: { width, height: stripHeight, channels: 4, background } }, left: 0, top: k * stripHeight });
    let x = pad;
    for (const i of row) {
      composites.push({ input: i.png, left: x, top: k * stripHeight + pad + (256 - i.s) });
      x += i.s + pad;
    }
  }
  return sharp({ create: { width, height: 2 * stripHeight, channels: 4, background: '#ffffff' } }).composite(composites).png().toBuffer();
}

async function main(argv) {
  if (argv[0] === '--check') {
    const problems = await checkIcons();
    for (const p of problems) console.error(p);
    if (problems.length === 0) console.log(`icons are up to date with ${SOURCE}`);
    return problems.length === 0 ? 0 : 1;
  }
  if (argv[0] === '--preview') {
    if (!argv[1]) throw new Error('--preview needs a file name');
    await writeFile(argv[1], await preview());
    console.log(`wrote ${argv[1]}`);
    return 0;
  }
  const out = argv[0] === '--out' ? argv[1] : ROOT;
  if (!out) throw new Error('--out needs a folder');
  const { files } = await writeIcons(out);
  for (const [p, data] of files) console.log(`${relative(ROOT, join(out, p)) || p}  ${data.length} bytes`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
