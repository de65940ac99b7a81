/**
 * "The app must not crash on any image a user can drop on it": seeded damage (bytes overwritten, the file cut
 * short, a run of bytes cut out, markers forged in the header) to a photo with a face, in every format the app
 * reads, through the whole path a dropped file takes (read, hash, header, decode, detector, crop, base, head,
 * library, thumbnail). Each file is judged or refused with a reason; the engine goes on; every saved image shows
 * a thumbnail.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { createRng } from '../../../engine/random.js';
import { libraryThumbnail, predictAndSave } from '../../../engine/use-cases/library.js';
import { createServices } from '../../../engine/use-cases/services.js';
import { useBestBackend } from '../../helpers/backend.js';
import { makeBmp } from '../../helpers/images.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

/** one photo, a face at a third of its width, in each format the app reads */
async function originals(): Promise<Array<[string, Buffer]>> {
  const face = await sharp(await readFile(join(FACES, 'happy', 'Ariel_Sharon_0060.jpg'))).resize(110, 110).png().toBuffer();
  const scene = sharp({ create: { width: 330, height: 250, channels: 3, background: { r: 90, g: 140, b: 60 } } }).composite([{ input: face, left: 150, top: 60 }]);
  const png = await scene.png().toBuffer();
  const img = () => sharp(png);
  const { data, info } = await img().raw().toBuffer({ resolveWithObject: true });
  const px = (x: number, y: number): [number, number, number] => {
    const k = (y * info.width + x) * 3;
    return [data[k]!, data[k + 1]!, data[k + 2]!];
  };
  const grey = (x: number, y: number): [number, number, number] => {
    const v = px(x, y)[1] & 0xf0; // few colours: an 8-bit palette holds them
    return [v, v, v];
  };
  return [
    ['jpg', await img().withMetadata({ orientation: 6 }).jpeg({ quality: 85 }).toBuffer()],
    ['jpg', await img().jpeg({ progressive: true, quality: 70 }).toBuffer()],
    ['png', png],
    ['png', await img().greyscale().png({ palette: true }).toBuffer()],
    ['webp', await img().webp({ quality: 80 }).toBuffer()],
    ['gif', await img().gif().toBuffer()],
    ['tif', await img().tiff().toBuffer()],
    ['avif', await img().avif({ effort: 0 }).toBuffer()],
    ['bmp', makeBmp(info.width, info.height, px)],
    ['bmp', makeBmp(info.width, info.height, grey, { bpp: 8, topDown: true })],
  ];
}

/** a copy of `src` damaged in one of five ways, chosen and placed by `rng` */
function damaged(src: Buffer, rng: () => number): Buffer {
  const b = Buffer.from(src);
  const at = (limit = b.length) => Math.floor(rng() * Math.min(limit, b.length));
  switch (Math.floor(rng() * 5)) {
    case 0: // bytes overwritten anywhere
      for (let k = 0; k < 1 + rng() * 20; k++) b[at()] = Math.floor(rng() * 256);
      return b;
    case 1: // cut short
      return b.subarray(0, at());
    case 2: // the header's fields (sizes, offsets, palette counts) overwritten
      for (let k = 0; k < 1 + rng() * 6; k++) b[at(120)] = Math.floor(rng() * 256);
      return b;
    case 3: { // a run cut out of the middle
      const from = at();
      return Buffer.concat([b.subarray(0, from), b.subarray(from + 1 + Math.floor(rng() * 200))]);
    }
    default: // markers and huge values forged in the first bytes
      for (let k = 0; k < 1 + rng() * 4; k++) b.writeUInt16BE(0xffff, at(400 - 2));
      return b;
  }
}

test('damaged images of every format: each judged or refused with a reason, the engine goes on, every saved one has a thumbnail', async () => {
  const dir = await tempDir();
  const services = createServices(join(dir, 'home'), ASSETS, await useBestBackend());
  const rng = createRng(20261207);
  const sources = await originals();
  const files: string[] = [];
  for (let i = 0; i < 12 * sources.length; i++) {
    const [ext, src] = sources[i % sources.length]!;
    const file = join(dir, `damaged-${i}.${ext}`);
    await writeFile(file, damaged(src, rng));
    files.push(file);
  }
  const r = await predictAndSave(services, { inputs: files, save: true });
  assert.deepEqual(r.results.map((p) => p.file), files, 'one result per file, in order');
  const refused = r.results.filter((p) => 'error' in p);
  const judged = r.results.filter((p) => !('error' in p));
  for (const p of refused) {
    const reason = 'error' in p ? p.error : '';
    // a reason a person can read: the engine's words, not a stack, an object or an empty string
    assert.match(reason, /^[a-z][^\n]{5,300}$/, `${p.file}: ${reason}`);
    assert.doesNotMatch(reason, /undefined|\[object|Error:|at .*\.(js|ts):\d/, `${p.file}: ${reason}`);
  }
  for (const p of judged) {
    assert.ok('label' in p && (p.label === 'happy' || p.label === 'sad') && p.confidence >= 0.5 && p.confidence <= 1, JSON.stringify(p));
    assert.ok('saved' in p && p.saved, `${p.file} was judged, so it is kept in the library`);
    const thumb = await libraryThumbnail(services, { id: p.saved.id, size: 96 });
    assert.ok(thumb.path !== null || (thumb.data?.length ?? 0) > 0, `${p.file}: a thumbnail`);
  }
  // both ways taken: damage that libvips reads past, and damage it refuses
  assert.ok(judged.length >= 10 && refused.length >= 10, `${judged.length} judged, ${refused.length} refused`);
  // and the engine still judges a whole photo
  const clean = join(dir, 'clean.png');
  await writeFile(clean, sources[2]![1]);
  const after = (await predictAndSave(services, { inputs: [clean] })).results[0]!;
  assert.ok('label' in after && after.faces?.length === 1, JSON.stringify(after));
});

test('an animated GIF whose later frame is damaged is judged by its first frame, as it is shown (it said "cannot decode the image")', async () => {
  const dir = await tempDir();
  const face = await sharp(await readFile(join(FACES, 'happy', 'Ariel_Sharon_0060.jpg'))).resize(100, 100).ensureAlpha().raw().toBuffer();
  const pattern = Buffer.from(Array.from({ length: 100 * 100 * 4 }, (_, i) => (i * 37) % 251));
  const anim = await sharp(Buffer.concat([face, pattern]), { raw: { width: 100, height: 200, channels: 4, pageHeight: 100 } }).gif({ delay: [100, 100], loop: 0 }).toBuffer();
  const damaged = Buffer.concat([anim.subarray(0, 818), Buffer.alloc(3), anim.subarray(818)]);
  // what makes the case: libvips' strict reading refuses the file, its reading of the first frame does not
  const strict = await sharp(damaged, { pages: 1, page: 0 }).metadata().then(() => 'read', () => 'refused');
  const shown = await sharp(damaged, { failOn: 'error', pages: 1, page: 0 }).raw().toBuffer().then(() => 'shown', () => 'refused');
  assert.deepEqual([strict, shown], ['refused', 'shown'], 'the damage must be one libvips only warns about on the first frame');
  const file = join(dir, 'damaged.gif');
  await writeFile(file, damaged);
  const services = createServices(join(dir, 'home'), ASSETS, await useBestBackend());
  const [r] = (await predictAndSave(services, { inputs: [file] })).results;
  assert.ok(r && 'label' in r, JSON.stringify(r));
  assert.deepEqual(r.size, { width: 100, height: 100 });
});
