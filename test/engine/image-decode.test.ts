import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeImage, readImageFile, refuseTinyImage } from '../../engine/image-decode.js';
import { InputFileError } from '../../engine/errors.js';
import { parseReason } from '../../common/i18n/reasons.js';
import { halves, makeBmp, rawToSharp } from '../helpers/images.js';
import { FACES, tempDir } from '../helpers/tmp.js';

const RED: [number, number, number] = [250, 10, 10];
const BLUE: [number, number, number] = [10, 10, 250];
const px = (img: { size: number; data: Uint8Array }, x: number, y: number) => Array.from(img.data.subarray((y * img.size + x) * 3, (y * img.size + x) * 3 + 3));
const near = (a: number[], b: number[], tol = 40) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

test('every supported format decodes to a square RGB image with the colours in place', async () => {
  const src = rawToSharp(halves(32, 32, RED, BLUE), 32, 32);
  const encoded: Record<string, Buffer> = {
    jpeg: await src.clone().jpeg({ quality: 95 }).toBuffer(),
    png: await src.clone().png().toBuffer(),
    webp: await src.clone().webp({ lossless: true }).toBuffer(),
    gif: await src.clone().gif().toBuffer(),
    tiff: await src.clone().tiff().toBuffer(),
    avif: await src.clone().avif({ lossless: true }).toBuffer(),
    bmp: makeBmp(32, 32, (x) => (x < 16 ? RED : BLUE)),
    'bmp 8-bit top-down': makeBmp(32, 32, (x) => (x < 16 ? RED : BLUE), { bpp: 8, topDown: true }),
  };
  for (const [format, bytes] of Object.entries(encoded)) {
    const img = await decodeImage(bytes, `x.${format}`, { size: 16 });
    assert.equal(img.size, 16);
    assert.equal(img.data.length, 16 * 16 * 3, format);
    assert.ok(near(px(img, 2, 8), RED), `${format}: left is red, got ${px(img, 2, 8)}`);
    assert.ok(near(px(img, 13, 8), BLUE), `${format}: right is blue, got ${px(img, 13, 8)}`);
  }
});

test('a BMP is read bottom-up unless it says top-down', async () => {
  const topRed = (_x: number, y: number): [number, number, number] => (y < 8 ? RED : BLUE);
  for (const topDown of [false, true]) {
    const img = await decodeImage(makeBmp(16, 16, topRed, { topDown }), 'rows.bmp', { size: 16 });
    assert.ok(near(px(img, 8, 2), RED) && near(px(img, 8, 13), BLUE), `topDown=${topDown}`);
  }
  // palettes of 2 bits (Windows CE) and 8
  for (const bpp of [2, 8] as const) {
    const img = await decodeImage(makeBmp(16, 16, topRed, { bpp }), `rows-${bpp}.bmp`, { size: 16 });
    assert.ok(near(px(img, 8, 2), RED) && near(px(img, 8, 13), BLUE), `${bpp} bits`);
  }
});

test('EXIF orientation is applied before resizing', async () => {
  // stored 40x20, left red; orientation 6 means "rotate 90 degrees clockwise to display": red ends on top
  const bytes = await rawToSharp(halves(40, 20, RED, BLUE), 40, 20).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
  const img = await decodeImage(bytes, 'rotated.jpg', { size: 40 });
  assert.ok(near(px(img, 20, 6), RED), `top is red, got ${px(img, 20, 6)}`);
  assert.ok(near(px(img, 20, 32), BLUE), `bottom is blue, got ${px(img, 20, 32)}`);
  // 20 wide after rotation: padded with black on both sides, centred
  assert.deepEqual(px(img, 2, 20), [0, 0, 0]);
});

test('a small image is enlarged bilinearly, in its displayed orientation', async () => {
  // 16x16, black left half, white right half: enlarged to 64 the edge is a smooth, monotonic ramp (sharp's
  // lanczos would ring: a dip before the edge and a bump after it)
  const edge = Buffer.alloc(16 * 16 * 3);
  for (let y = 0; y < 16; y++) for (let x = 8; x < 16; x++) edge.fill(255, (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
  const img = await decodeImage(await sharp(edge, { raw: { width: 16, height: 16, channels: 3 } }).png().toBuffer(), 'edge.png', { size: 64 });
  const row = Array.from({ length: 64 }, (_, x) => px(img, x, 32)[0]!);
  assert.deepEqual([row[0], row[63]], [0, 255]);
  assert.ok(row.every((v, x) => x === 0 || v >= row[x - 1]!), `monotonic: ${row.join(' ')}`);
  assert.ok(row.filter((v) => v > 0 && v < 255).length >= 3, `a ramp, not a step: ${row.join(' ')}`);
  // stored 40x20, left red, EXIF orientation 6: displayed 20x40 with red on top, enlarged to 80
  const bytes = await rawToSharp(halves(40, 20, RED, BLUE), 40, 20).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
  const big = await decodeImage(bytes, 'rotated.jpg', { size: 80 });
  assert.ok(near(px(big, 40, 10), RED) && near(px(big, 40, 68), BLUE), `red on top: ${px(big, 40, 10)} / ${px(big, 40, 68)}`);
  assert.deepEqual(px(big, 6, 40), [0, 0, 0], 'padded left and right');
});

test('an image too small to show a face (a tracking pixel, an icon) is refused with its size, whatever its format', async () => {
  const one = (fmt: 'png' | 'jpeg' | 'webp') => sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })[fmt]().toBuffer();
  for (const fmt of ['png', 'jpeg', 'webp'] as const) {
    await assert.rejects(decodeImage(await one(fmt), `dot.${fmt}`, { size: 112 }), { message: `dot.${fmt}: image is 1x1, too small to show a face (at least 8 px on each side)` });
  }
  const strip = await sharp({ create: { width: 300, height: 6, channels: 3, background: '#808080' } }).png().toBuffer();
  await assert.rejects(decodeImage(strip, 'strip.png', { size: 112 }), /strip\.png: image is 300x6, too small/);
  const avif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } }).avif().toBuffer();
  await assert.rejects(decodeImage(avif, 'tiny.avif', { size: 112 }), /tiny\.avif: image is 4x4, too small/);
  // a header image-size cannot read (legal 0xFF fill bytes after SOI) is read by libvips, and refused all the same
  const dot = await one('jpeg');
  const filled = Buffer.concat([dot.subarray(0, 2), Buffer.from([0xff, 0xff, 0xff]), dot.subarray(2)]);
  await assert.rejects(decodeImage(filled, 'filled.jpg', { size: 112 }), /filled\.jpg: image is 1x1, too small/);
  await assert.rejects(decodeImage(makeBmp(4, 6, () => RED), 'icon.bmp', { size: 112 }), /icon\.bmp: image is 4x6, too small/);
  await assert.rejects(decodeImage(makeBmp(4, 6, () => RED, { topDown: true, bpp: 8 }), 'icon8.bmp', { size: 112 }), /icon8\.bmp: image is 4x6, too small/);
  // the header check that runs before any work on an image: the same verdicts, BMP included
  assert.throws(() => refuseTinyImage(makeBmp(4, 6, () => RED, { topDown: true }), 'icon.bmp'), /icon\.bmp: image is 4x6, too small/);
  assert.throws(() => refuseTinyImage(dot, 'dot.jpg'), /dot\.jpg: image is 1x1, too small/);
  assert.doesNotThrow(() => refuseTinyImage(makeBmp(8, 8, () => RED), 'ok.bmp'));
  assert.doesNotThrow(() => refuseTinyImage(Buffer.from('not an image'), 'x.txt'), 'an unreadable header is for decodeImage to judge');
  const ok = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toBuffer();
  assert.equal((await decodeImage(ok, 'ok.png', { size: 112 })).size, 112, '8x8 is judged');
});

test('greyscale, alpha, CMYK and 16-bit inputs become 8-bit sRGB', async () => {
  const grey = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#404040' } }).greyscale().png().toBuffer();
  assert.deepEqual(px(await decodeImage(grey, 'grey.png', { size: 4 }), 1, 1), [64, 64, 64]);

  const alpha = await sharp({ create: { width: 8, height: 8, channels: 4, background: { r: 200, g: 100, b: 50, alpha: 0 } } }).png().toBuffer();
  assert.deepEqual(px(await decodeImage(alpha, 'transparent.png', { size: 4 }), 1, 1), [0, 0, 0], 'transparent flattens onto black');

  const cmyk = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } }).jpeg().toColourspace('cmyk').toBuffer();
  assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
  const red = px(await decodeImage(cmyk, 'cmyk.jpg', { size: 4 }), 1, 1);
  assert.ok(red[0]! > 180 && red[1]! < 60 && red[2]! < 60, `CMYK red stays red: ${red}`);

  const deep = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).toColourspace('rgb16').png().toBuffer();
  assert.equal((await sharp(deep).metadata()).depth, 'ushort');
  const mid = px(await decodeImage(deep, 'deep.png', { size: 4 }), 1, 1);
  assert.ok(mid.every((v) => Math.abs(v - 128) <= 2), `16-bit grey ${mid}`);
});

test('an animated GIF gives its first frame', async () => {
  const frame = (c: string) => sharp({ create: { width: 8, height: 8, channels: 3, background: c } }).png().toBuffer();
  const gif = await sharp([await frame('#ff0000'), await frame('#0000ff')], { join: { animated: true } }).gif().toBuffer();
  assert.equal((await sharp(gif).metadata()).pages, 2);
  assert.ok(near(px(await decodeImage(gif, 'anim.gif', { size: 4 }), 1, 1), [255, 0, 0]));
});

test('bad input: each failure names the file and the reason', async () => {
  const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#f00' } }).jpeg().toBuffer();
  const cases: Array<[string, Buffer, RegExp]> = [
    ['empty.jpg', Buffer.alloc(0), /empty/],
    ['truncated.jpg', jpeg.subarray(0, 200), /corrupt or truncated/],
    ['notes.jpg', Buffer.from('not an image at all'), /not a supported image format/],
    ['vector.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), /unsupported image format "svg"/],
    // formats the app does not read, named by their first bytes rather than called no image at all
    ['favicon.ico', Buffer.concat([Buffer.from('000001000100101000000100200068040000160000002800', 'hex'), Buffer.alloc(100)]), /^unsupported image format "ICO"$/],
    // a Targa image starts 00 00 02 00 as a cursor does: not named one
    ['photo.tga', Buffer.concat([Buffer.from('000002000000000000000000040004001800', 'hex'), Buffer.alloc(48, 200)]), /^(not a supported image format|unsupported image format "[a-z]+")$/],
    ['layers.psd', Buffer.concat([Buffer.from('8BPS'), Buffer.from('0001000000000000000300000010000000100008', 'hex'), Buffer.alloc(100)]), /^unsupported image format "PSD"$/],
    ['scan.jp2', Buffer.concat([Buffer.from('0000000c6a5020200d0a870a', 'hex'), Buffer.alloc(100)]), /^unsupported image format "JPEG 2000"$/],
    ['grey.pgm', Buffer.concat([Buffer.from('P5\n8 8\n255\n'), Buffer.alloc(64, 128)]), /^(unsupported image format "Netpbm"|unsupported image format "[a-z]+")$/],
    ['page.pdf', Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n'), /^(unsupported image format "PDF"|unsupported image format "pdf")$/],
    ['rle.bmp', (() => { const b = makeBmp(4, 4, () => RED); b.writeUInt32LE(1, 30); return b; })(), /compressed BMP/],
    ['short.bmp', makeBmp(8, 8, () => RED).subarray(0, 70), /truncated BMP/],
    ['header-cut.bmp', makeBmp(8, 8, () => RED).subarray(0, 30), /^truncated BMP header$/],
    ['depth7.bmp', (() => { const b = makeBmp(4, 4, () => RED, { bpp: 8 }); b.writeUInt16LE(7, 28); return b; })(), /^unsupported BMP bit depth 7$/],
    ['masks-cut.bmp', (() => { const b = makeBmp(4, 4, () => RED); b.writeUInt32LE(3, 30); return b.subarray(0, 60); })(), /^truncated BMP header$/],
    // an iPhone photo's first box: brands heic (major), mif1, heic, miaf; what follows does not matter
    // a box size of 0 (to the end of the file): the major brand says it
    ['zero.heic', Buffer.concat([Buffer.from('00000000667479706865696300000000', 'hex'), Buffer.alloc(200)]), /^a HEIC photo \(HEVC\)/],
    ['IMG_0001.HEIC', Buffer.concat([Buffer.from('0000001c6674797068656963000000006d69663168656963' + '6d696166', 'hex'), Buffer.alloc(200)]), /^a HEIC photo \(HEVC\) cannot be read here; save it as JPEG first$/],
  ];
  for (const [name, bytes, reason] of cases) {
    await assert.rejects(decodeImage(bytes, name, { size: 8 }), (err: unknown) => {
      assert.ok(err instanceof InputFileError, name);
      assert.equal(err.file, name);
      assert.match(err.reason, reason, name);
      assert.ok(err.message.startsWith(`${name}: `));
      assert.ok(parseReason(err.reason), `${name}: "${err.reason}" is one of the reasons the app shows in the user's language`);
      return true;
    });
  }
});

test('decompression bombs are refused by pixel count, before decoding', async () => {
  const big = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#fff' } }).png().toBuffer();
  await assert.rejects(decodeImage(big, 'bomb.png', { size: 8, maxPixels: 1_000_000 }), /bomb.png: .*(pixel)/);
  await assert.rejects(decodeImage(makeBmp(2000, 600, () => RED), 'bomb.bmp', { size: 8, maxPixels: 1_000_000 }), /above the 1000000-pixel limit/);
  for (const [name, bytes] of [['bomb.png', big], ['bomb.bmp', makeBmp(2000, 600, () => RED)]] as const) {
    await assert.rejects(decodeImage(bytes, name, { size: 8, maxPixels: 1_000_000 }), (err: unknown) => err instanceof InputFileError && parseReason(err.reason) !== null);
  }
});

test('readImageFile: missing files, folders and oversized files get reasons too', async () => {
  const dir = await tempDir();
  await mkdir(join(dir, 'folder.jpg'));
  await writeFile(join(dir, 'big.jpg'), Buffer.alloc(2048));
  await assert.rejects(readImageFile(join(dir, 'nope.jpg'), { size: 8 }), /nope.jpg: no such file/);
  await assert.rejects(readImageFile(join(dir, 'folder.jpg'), { size: 8 }), /folder.jpg: not a regular file/);
  await assert.rejects(readImageFile(join(dir, 'big.jpg'), { size: 8, maxBytes: 1024 }), /big.jpg: the file is 2048 bytes/);
  for (const [name, opts] of [['nope.jpg', {}], ['folder.jpg', {}], ['big.jpg', { maxBytes: 1024 }]] as const) {
    await assert.rejects(readImageFile(join(dir, name), { size: 8, ...opts }), (err: unknown) => err instanceof InputFileError && parseReason(err.reason) !== null);
  }
});

test('a truncated JPEG gives the same plain message every time, even decoded many at once', async () => {
  // libvips keeps one error buffer per process: concurrent failing decodes used to read each other's text,
  // or none ("cannot decode the image (Unknown error)")
  const bytes = await readFile(join(FACES, 'happy', 'Ariel_Sharon_0060.jpg'));
  const lengths = [2, 10, 100, 400, 1000, Math.floor(bytes.length / 2), bytes.length - 2];
  const reasons = await Promise.all(
    lengths.flatMap((len) =>
      Array.from({ length: 20 }, () =>
        decodeImage(bytes.subarray(0, len), `cut-${len}.jpg`, { size: 48 }).then(
          () => `cut at ${len}: decoded`,
          (err: InputFileError) => `cut at ${len}: ${err.reason}`,
        ),
      ),
    ),
  );
  assert.deepEqual([...new Set(reasons)], lengths.map((len) => `cut at ${len}: corrupt or truncated JPEG image`));
});
