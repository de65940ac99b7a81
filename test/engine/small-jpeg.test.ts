import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeImage } from '../../engine/image-decode.js';
import { decodeSmallJpeg, jpegFrame } from '../../engine/small-jpeg.js';
import { InputFileError } from '../../engine/errors.js';

/** a 24x16 image of four coloured quadrants, and a soft gradient so JPEG has something to encode */
function quadrants(width = 24, height = 16): Buffer {
  const colours = [[230, 30, 30], [30, 200, 30], [30, 30, 230], [220, 220, 40]];
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const c = colours[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)]!;
    data.set(c, (y * width + x) * 3);
  }
  return data;
}
const raw = (w = 24, h = 16) => sharp(quadrants(w, h), { raw: { width: w, height: h, channels: 3 } });
const meanDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

async function viaSharp(bytes: Buffer) {
  const { data, info } = await sharp(bytes).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

test('a small grey or full-colour JPEG, baseline or progressive, decodes to what libjpeg gives', async () => {
  const files = {
    grey: await raw().toColourspace('b-w').jpeg({ quality: 90 }).toBuffer(),
    'grey progressive': await raw().toColourspace('b-w').jpeg({ quality: 90, progressive: true }).toBuffer(),
    colour: await raw().jpeg({ quality: 90, chromaSubsampling: '4:4:4' }).toBuffer(),
    'colour progressive': await raw().jpeg({ quality: 90, chromaSubsampling: '4:4:4', progressive: true }).toBuffer(),
  };
  for (const [name, bytes] of Object.entries(files)) {
    const ours = decodeSmallJpeg(bytes, 64);
    assert.ok(ours, `${name}: decoded`);
    const theirs = await viaSharp(bytes);
    assert.deepEqual([ours.width, ours.height, ours.channels], [theirs.width, theirs.height, name.startsWith('grey') ? 1 : 3], name);
    const rgb = ours.channels === 1 ? Uint8Array.from({ length: ours.data.length * 3 }, (_, i) => ours.data[Math.floor(i / 3)]!) : ours.data;
    assert.ok(meanDiff(rgb, theirs.data) < 1.5, `${name}: mean difference ${meanDiff(rgb, theirs.data)}`);
  }
});

test('every EXIF orientation is shown as sharp shows it', async () => {
  for (let orientation = 1; orientation <= 8; orientation++) {
    const bytes = await raw().jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).withMetadata({ orientation }).toBuffer();
    const ours = decodeSmallJpeg(bytes, 64, orientation)!;
    const theirs = await viaSharp(bytes);
    assert.deepEqual([ours.width, ours.height], [theirs.width, theirs.height], `orientation ${orientation}`);
    assert.ok(meanDiff(ours.data, theirs.data) < 1.5, `orientation ${orientation}: mean difference ${meanDiff(ours.data, theirs.data)}`);
    // and through decodeImage, which reads the orientation from the header
    const square = await decodeImage(bytes, 'o.jpg', { size: 32 });
    const expected = await sharp(bytes).rotate().resize(32, 32, { fit: 'contain', background: '#000' }).removeAlpha().raw().toBuffer();
    assert.ok(meanDiff(square.data, new Uint8Array(expected)) < 12, `decodeImage, orientation ${orientation}: ${meanDiff(square.data, new Uint8Array(expected))}`);
  }
});

test('what jpeg-js should not decode is left to sharp: cut short, subsampled colour, CMYK, 12-bit, too large, not a JPEG', async () => {
  const bytes = await raw().jpeg({ quality: 90, chromaSubsampling: '4:4:4' }).toBuffer();
  assert.ok(decodeSmallJpeg(bytes, 64), 'the whole file decodes');
  const subsampled = await raw().jpeg({ quality: 90, chromaSubsampling: '4:2:0' }).toBuffer();
  assert.equal(jpegFrame(subsampled)?.subsampled, true);
  assert.equal(decodeSmallJpeg(subsampled, 64), null, 'subsampled colour');
  assert.equal(decodeSmallJpeg(bytes.subarray(0, bytes.length - 40), 64), null, 'cut short');
  assert.equal(decodeSmallJpeg(bytes.subarray(0, bytes.length - 2), 64), null, 'only the end marker cut (jpeg-js would decode it whole; libjpeg refuses it)');
  assert.equal(decodeSmallJpeg(bytes, 20), null, 'larger than asked');
  const cmyk = await raw().jpeg().toColourspace('cmyk').toBuffer();
  assert.equal(jpegFrame(cmyk)?.components, 4);
  assert.equal(decodeSmallJpeg(cmyk, 64), null, 'CMYK');
  const deep = Buffer.from(bytes);
  const sof = jpegFrameOffset(deep);
  deep[sof + 4] = 12; // precision
  assert.equal(decodeSmallJpeg(deep, 64), null, '12-bit');
  assert.equal(decodeSmallJpeg(await raw().png().toBuffer(), 64), null, 'a PNG');
  // and decodeImage still says why a cut file cannot be read
  await assert.rejects(decodeImage(bytes.subarray(0, bytes.length - 40), 'cut.jpg', { size: 64 }), (err: unknown) => err instanceof InputFileError && /corrupt or truncated JPEG/.test(err.reason));
  // a file with padding after its end marker is whole
  assert.ok(decodeSmallJpeg(Buffer.concat([bytes, Buffer.alloc(16)]), 64));
});

function jpegFrameOffset(b: Buffer): number {
  for (let i = 2; i < b.length - 1; i++) if (b[i] === 0xff && (b[i + 1] === 0xc0 || b[i + 1] === 0xc2)) return i;
  throw new Error('no frame');
}

test('a JPEG whose colour is stored as RGB (Adobe marker, transform 0) is decoded as libjpeg decodes it', async () => {
  const ycc = await raw().jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
  // APP14 "Adobe", version 100, flags 0, 0, transform 0: the three components are R, G, B, not Y, Cb, Cr
  const app14 = Buffer.from([0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00]);
  const bytes = Buffer.concat([ycc.subarray(0, 2), app14, ycc.subarray(2)]);
  const expected = await sharp(bytes).resize(32, 32, { fit: 'contain', background: '#000' }).removeAlpha().raw().toBuffer();
  const square = await decodeImage(bytes, 'rgb.jpg', { size: 32 });
  assert.ok(meanDiff(square.data, new Uint8Array(expected)) < 12, `mean difference ${meanDiff(square.data, new Uint8Array(expected))}`);
});
