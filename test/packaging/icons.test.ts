/**
 * The icon set (scripts/make-icons.mjs, committed under assets/build and assets/app-icon.png): there for every
 * target, in the sizes each OS asks for, and made from the current assets/icon.svg.
 */
import assert from 'node:assert/strict';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
// @ts-expect-error: a plain JavaScript build script, without type declarations
import * as icons from '../../scripts/make-icons.mjs';
import { slow } from '../helpers/slow.js';
import { ROOT, tempDir } from '../helpers/tmp.js';

const { LINUX_SIZES, ICO_SIZES, ICNS_TYPES, APP_ICON_SIZE, SOURCE, MANIFEST, checkIcons, makeIcons, linuxIcon } = icons as {
  LINUX_SIZES: number[];
  ICO_SIZES: number[];
  ICNS_TYPES: Array<[string, number]>;
  APP_ICON_SIZE: number;
  SOURCE: string;
  MANIFEST: string;
  checkIcons(root?: string): Promise<string[]>;
  makeIcons(source: string): Promise<Map<string, Buffer>>;
  linuxIcon(size: number): string;
};

test('the committed icons are what npm run icons makes from assets/icon.svg', async () => {
  assert.deepEqual(await checkIcons(), []);
});

test('the check fails when the source changes or an output is edited', async () => {
  const copy = await tempDir();
  await cp(join(ROOT, 'assets'), join(copy, 'assets'), { recursive: true });
  assert.deepEqual(await checkIcons(copy), []);
  await writeFile(join(copy, SOURCE), (await readFile(join(copy, SOURCE), 'utf8')).replace('#ffb224', '#ff0000'));
  assert.match((await checkIcons(copy)).join('\n'), /assets\/icon\.svg changed/);
  await cp(join(ROOT, SOURCE), join(copy, SOURCE));
  await writeFile(join(copy, linuxIcon(16)), 'not a png');
  assert.match((await checkIcons(copy)).join('\n'), /16x16\.png is not what npm run icons made/);
});

test('Linux: a square PNG for each size 16..1024; the app icon', async () => {
  for (const size of LINUX_SIZES) {
    const meta = await sharp(join(ROOT, linuxIcon(size))).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.hasAlpha], ['png', size, size, true], linuxIcon(size));
  }
  const app = await sharp(join(ROOT, 'assets/app-icon.png')).metadata();
  assert.deepEqual([app.width, app.height], [APP_ICON_SIZE, APP_ICON_SIZE]);
  // rounded corners: transparent; the middle: opaque
  const { data, info } = await sharp(join(ROOT, linuxIcon(256))).raw().toBuffer({ resolveWithObject: true });
  const alpha = (x: number, y: number) => data[(y * info.width + x) * info.channels + 3];
  assert.equal(alpha(0, 0), 0);
  assert.equal(alpha(128, 128), 255);
});

test('Windows: icon.ico holds 16..256 px images', async () => {
  const ico = await readFile(join(ROOT, 'assets/build/icon.ico'));
  assert.deepEqual([ico.readUInt16LE(0), ico.readUInt16LE(2)], [0, 1], 'an ICO header');
  const count = ico.readUInt16LE(4);
  const sizes = Array.from({ length: count }, (_, i) => ico[6 + i * 16] || 256).sort((a, b) => a - b);
  assert.deepEqual(sizes, [...ICO_SIZES].sort((a, b) => a - b));
});

test('macOS: icon.icns holds every size from 16 to 1024 px (1x and 2x)', async () => {
  const icns = await readFile(join(ROOT, 'assets/build/icon.icns'));
  assert.equal(icns.toString('latin1', 0, 4), 'icns');
  assert.equal(icns.readUInt32BE(4), icns.length);
  const types: string[] = [];
  for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) types.push(icns.toString('latin1', at, at + 4));
  for (const [type] of ICNS_TYPES) assert.ok(types.includes(type), type);
});

test('[slow] making the icons again gives the committed pixels', slow, async () => {
  const made = await makeIcons(await readFile(join(ROOT, SOURCE), 'utf8'));
  const manifest = JSON.parse(await readFile(join(ROOT, MANIFEST), 'utf8')) as { files: Record<string, string> };
  assert.deepEqual([...made.keys()].sort(), Object.keys(manifest.files).sort());
  for (const size of [16, 32, 256]) {
    const raw = async (png: Buffer) => (await sharp(png).raw().toBuffer()) as Buffer;
    const [a, b] = await Promise.all([raw(made.get(linuxIcon(size))!), raw(await readFile(join(ROOT, linuxIcon(size))))]);
    assert.equal(a.length, b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    assert.ok(worst <= 2, `${size} px differs by up to ${worst} levels`);
  }
});
