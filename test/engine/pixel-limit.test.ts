import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { InputFileError } from '../../engine/errors.js';
import { decodeImage } from '../../engine/image-decode.js';
import { MAX_PIXELS, MAX_STREAMED_PIXELS, pixelLimit } from '../../engine/pixel-limit.js';
import { jpegFrame } from '../../engine/small-jpeg.js';
import { makeBmp } from '../helpers/images.js';

const flat = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#808080' } });

test('pixelLimit: the larger limit only for what decodes without holding the whole image (baseline JPEG, non-interlaced PNG)', async () => {
  const cases: Array<[string, Buffer, number]> = [
    ['baseline JPEG', await flat(64, 48).jpeg().toBuffer(), MAX_STREAMED_PIXELS],
    ['baseline JPEG with EXIF', await flat(64, 48).withMetadata({ orientation: 6 }).jpeg().toBuffer(), MAX_STREAMED_PIXELS],
    ['progressive JPEG', await flat(64, 48).jpeg({ progressive: true }).toBuffer(), MAX_PIXELS],
    ['PNG', await flat(64, 48).png().toBuffer(), MAX_STREAMED_PIXELS],
    ['interlaced PNG', await flat(64, 48).png({ progressive: true }).toBuffer(), MAX_PIXELS],
    ['WebP', await flat(64, 48).webp().toBuffer(), MAX_PIXELS],
    ['GIF', await flat(64, 48).gif().toBuffer(), MAX_PIXELS],
    ['BMP', makeBmp(8, 8, () => [0, 0, 0]), MAX_PIXELS],
    ['a JPEG cut before its frame header', (await flat(64, 48).jpeg().toBuffer()).subarray(0, 20), MAX_PIXELS],
    ['not an image', Buffer.from('hello'), MAX_PIXELS],
    ['empty', Buffer.alloc(0), MAX_PIXELS],
  ];
  for (const [name, bytes, limit] of cases) assert.equal(pixelLimit(bytes), limit, name);
});

/** JPEG marker segments: FF, marker, then the length (2 bytes, counting itself) and the payload */
const seg = (marker: number, payload: number[]) => Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload]);
/** a 16000x16000 frame header of three components, each 1x1 sampled */
const sof = (marker: number) => seg(marker, [8, 0x3e, 0x80, 0x3e, 0x80, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
const sos = (components: number[]) => seg(0xda, [components.length, ...components.flatMap((c) => [c, 0]), 0, 63, 0]);
const SOI = Buffer.from([0xff, 0xd8]);

test('pixelLimit reads the frame as libjpeg would: one scan of every component, markers without a length, a false header hidden in a segment', async () => {
  assert.equal(pixelLimit(Buffer.concat([SOI, sof(0xc0), sos([1, 2, 3])])), MAX_STREAMED_PIXELS, 'sequential, all components in the first scan');
  assert.equal(pixelLimit(Buffer.concat([SOI, sof(0xc0), sos([1])])), MAX_PIXELS, 'sequential but one component per scan: buffered whole');
  assert.equal(pixelLimit(Buffer.concat([SOI, sof(0xc0)])), MAX_PIXELS, 'ends before its first scan');
  assert.equal(pixelLimit(Buffer.concat([SOI, Buffer.from([0xff, 0xd0]), sof(0xc0), sos([1, 2, 3])])), MAX_STREAMED_PIXELS, 'a restart marker has no length');
  // RST0 read as a length (FF EF = 65519) would jump into the APP15 segment that follows, onto a false
  // baseline header; libjpeg steps over both and reads the real, progressive one
  const app15 = Buffer.alloc(2 + 0xfffd);
  app15.set([0xff, 0xef, 0xff, 0xfd]);
  const fakeAt = 2 + 2 + 0xffef - (SOI.length + 2);
  sof(0xc0).copy(app15, fakeAt);
  const sneaky = Buffer.concat([SOI, Buffer.from([0xff, 0xd0]), app15, sof(0xc2), sos([1, 2, 3])]);
  assert.equal(jpegFrame(sneaky.subarray(0, fakeAt + SOI.length + 2 + 19))?.progressive, undefined, 'the false header lies inside the APP15 segment');
  assert.equal(jpegFrame(sneaky)?.progressive, true);
  assert.equal(pixelLimit(sneaky), MAX_PIXELS);
  // a stray FF 00 has no length for libjpeg (it skips it): read as one (00 0E), it stepped into an APP1 segment
  // holding a false baseline header, and a progressive image got the streamed limit
  const payload = Buffer.concat([Buffer.alloc(8, 0x41), sof(0xc0), sos([1, 2, 3])]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
  const stray = Buffer.concat([SOI, Buffer.from([0xff, 0x00, 0x00, 14]), app1, sof(0xc2), sos([1, 2, 3])]);
  assert.equal(jpegFrame(stray), null, 'not known: the walk stops at the stray byte');
  assert.equal(pixelLimit(stray), MAX_PIXELS);
});

test('an image decoded whole because its header says it is small holds no more pixels than that header said', async () => {
  // a real 2000x2000 JPEG behind a fill byte, a COM segment and a false 16x16 frame that only image-size reads:
  // libvips reads the real frame; decoded without a resize it would be 4 million pixels (a 12000x12000 one: 546 MB)
  const real = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: { r: 120, g: 80, b: 40 } } }).jpeg({ quality: 50 }).toBuffer();
  let at = 2;
  while (real[at] === 0xff && real[at + 1]! >= 0xe0 && real[at + 1]! <= 0xef) at += 2 + real.readUInt16BE(at + 2);
  const head = Buffer.alloc(37);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]).copy(head, 0);
  Buffer.from([0xff, 0xff, 0xfe, 0x00, 0x0a]).copy(head, 20);
  Buffer.from([0xff, 0xfe, 0xff, 0xff]).copy(head, 33);
  const com = Buffer.alloc(65535 - 2);
  Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]).copy(com, 65046 - 37);
  const crafted = Buffer.concat([head, com, real.subarray(at)]);
  assert.equal((await sharp(crafted).metadata()).width, 2000, 'libvips reads the real frame');
  await assert.rejects(decodeImage(crafted, 'crafted.jpg', { size: 112 }), { message: 'crafted.jpg: the image has too many pixels (decompression bomb guard)' });
});

test('a 51-megapixel baseline JPEG (a phone photo at full resolution) is judged; the same photo progressive is refused with its size and the limit', async () => {
  const [w, h] = [8250, 6200];
  assert.ok(w * h > MAX_PIXELS);
  const baseline = await flat(w, h).jpeg({ quality: 50 }).toBuffer();
  const image = await decodeImage(baseline, 'phone.jpg', { size: 112 });
  assert.equal(image.size, 112);
  const progressive = await sharp(baseline).jpeg({ quality: 50, progressive: true }).toBuffer();
  await assert.rejects(decodeImage(progressive, 'web.jpg', { size: 112 }), (err: unknown) => {
    assert.ok(err instanceof InputFileError);
    assert.equal(err.message, `web.jpg: image is ${w}x${h}, above the ${MAX_PIXELS}-pixel limit`);
    return true;
  });
});
