import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { InputFileError } from '../../../engine/errors.js';
import { decodeImage } from '../../../engine/image-decode.js';
import { thumbnail } from '../../../engine/library/thumbnails.js';
import { damagedJpeg } from '../../helpers/images.js';
import { tempDir } from '../../helpers/tmp.js';

test('thumbnails: a photo judged despite a damaged run of bytes (libjpeg only warns) gets its thumbnail too', async () => {
  const home = await tempDir();
  const file = join(await tempDir(), 'damaged.jpg');
  const bytes = await damagedJpeg(320, 240);
  await writeFile(file, bytes);
  await assert.rejects(sharp(bytes, { failOn: 'warning' }).raw().toBuffer(), /Corrupt JPEG data/, 'the fixture is one libjpeg warns about');
  await decodeImage(bytes, file, { size: 112 }); // judged: the prediction path decodes it

  const t = await thumbnail(home, 'a'.repeat(64), file, 64);
  assert.deepEqual([t.width, t.height], [64, 48]);
  const meta = await sharp(t.path).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 64, 48]);
});

test('thumbnails: a truncated photo or a missing file is refused naming the file and why, nothing cached', async () => {
  const home = await tempDir();
  const dir = await tempDir();
  const whole = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#808080' } }).jpeg().toBuffer();
  const cut = join(dir, 'cut.jpg');
  await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
  await assert.rejects(thumbnail(home, 'b'.repeat(64), cut, 64), (e: unknown) => e instanceof InputFileError && e.file === cut && e.reason === 'corrupt or truncated JPEG image');
  const gone = join(dir, 'gone.jpg');
  await assert.rejects(thumbnail(home, 'c'.repeat(64), gone, 64), (e: unknown) => e instanceof InputFileError && e.file === gone && /no such file/.test(e.reason));
  assert.deepEqual(await readdir(home).catch(() => []), [], 'no thumbnail folder made for images that have none');
});
