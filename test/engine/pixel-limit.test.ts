import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { InputFileError } from '../../engine/errors.js';
import { decodeImage } from '../../engine/image-decode.js';
import { MAX_PIXELS, MAX_STREAMED_PIXELS, pixelLimit } from '../../engine/pixel-limit.js';
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
