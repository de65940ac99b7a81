import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { InputFileError } from '../../../engine/errors.js';
import { decodeImage } from '../../../engine/image-decode.js';
import { thumbnail, thumbnailPath } from '../../../engine/library/thumbnails.js';
import { libraryThumbnail } from '../../../engine/use-cases/library.js';
import { createServices } from '../../../engine/use-cases/services.js';
import { useBestBackend } from '../../helpers/backend.js';
import { damagedJpeg } from '../../helpers/images.js';
import { ASSETS, tempDir } from '../../helpers/tmp.js';

test('thumbnails: a photo judged despite a damaged run of bytes (libjpeg only warns) gets its thumbnail too', async () => {
  const home = await tempDir();
  const file = join(await tempDir(), 'damaged.jpg');
  const bytes = await damagedJpeg(320, 240);
  await writeFile(file, bytes);
  await assert.rejects(sharp(bytes, { failOn: 'warning' }).raw().toBuffer(), /Corrupt JPEG data/, 'the fixture is one libjpeg warns about');
  await decodeImage(bytes, file, { size: 112 }); // judged: the prediction path decodes it

  const t = await thumbnail(home, 'a'.repeat(64), file, 64);
  assert.deepEqual([t.width, t.height], [64, 48]);
  const meta = await sharp(t.path!).metadata();
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

test('thumbnails: where none can be cached (a read-only data folder, a write that fails) the thumbnail comes in the answer', async () => {
  const file = join(await tempDir(), 'photo.jpg');
  await writeFile(file, await sharp({ create: { width: 300, height: 200, channels: 3, background: '#4080c0' } }).jpeg().toBuffer());
  const looksRight = async (t: { path: string | null; data?: string; width: number; height: number }) => {
    assert.equal(t.path, null);
    const meta = await sharp(Buffer.from(t.data ?? '', 'base64')).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, t.width, t.height], ['jpeg', 96, 64, 96, 64]);
  };
  // read-only: nothing written, not even a folder
  const readOnly = await tempDir();
  await looksRight(await thumbnail(readOnly, 'd'.repeat(64), file, 96, { cache: false }));
  assert.deepEqual(await readdir(readOnly), []);
  // the cache folder cannot be made (a file where it would go: as a full disk, the write fails)
  const blocked = await tempDir();
  await writeFile(join(blocked, 'cache'), 'not a folder');
  await looksRight(await thumbnail(blocked, 'e'.repeat(64), file, 96));
  // where one was cached before, read-only still uses it
  const cached = await tempDir();
  const first = await thumbnail(cached, 'f'.repeat(64), file, 96);
  assert.equal(first.path, thumbnailPath(cached, 'f'.repeat(64), 96));
  assert.deepEqual(await thumbnail(cached, 'f'.repeat(64), file, 96, { cache: false }), first);
});

test('thumbnails: a data folder opened read-only shows its library with thumbnails made in memory, nothing written', async () => {
  const home = await tempDir();
  const file = join(await tempDir(), 'photo.jpg');
  await writeFile(file, await sharp({ create: { width: 120, height: 90, channels: 3, background: '#c08040' } }).jpeg().toBuffer());
  const backend = await useBestBackend();
  const [saved] = (await createServices(home, ASSETS, backend).library.save([{ file, predicted: 'happy', confidence: 0.9, modelId: 'zero-shot' }])).saved;
  const before = await readdir(home, { recursive: true });
  const t = await libraryThumbnail(createServices(home, ASSETS, backend, undefined, true), { id: saved!.id, size: 64 });
  assert.equal(t.path, null);
  assert.deepEqual([(await sharp(Buffer.from(t.data!, 'base64')).metadata()).width, t.width, t.height], [64, 64, 48]);
  assert.deepEqual(await readdir(home, { recursive: true }), before, 'nothing written into a read-only data folder');
});
