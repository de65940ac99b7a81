import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { DEFAULT_AUGMENT, IDENTITY, MIRROR, variantParams } from '../../engine/augment.js';
import { loadFaceExpressionBase } from '../../engine/bases/face-expression.js';
import type { FrozenBase } from '../../engine/bases/base.js';
import { embedFiles } from '../../engine/embed-images.js';
import { EmbeddingCache } from '../../engine/embedding-cache.js';
import { useBestBackend } from '../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../helpers/tmp.js';

let base: FrozenBase;
before(async () => {
  await useBestBackend();
  base = await loadFaceExpressionBase(join(ASSETS, 'models', 'face-expression'));
});

test('the cache file round-trips, appends, survives a torn write; a foreign file reads as empty', async () => {
  const dir = await tempDir();
  const c = await EmbeddingCache.open(dir, 'b', 'fp1', 4);
  c.set(EmbeddingCache.key('h1', 'v0'), Float32Array.from([1, 2, 3, 4]));
  await c.flush();
  const again = await EmbeddingCache.open(dir, 'b', 'fp1', 4);
  assert.deepEqual(Array.from(again.get(EmbeddingCache.key('h1', 'v0'))!), [1, 2, 3, 4]);
  assert.equal((await EmbeddingCache.open(dir, 'b', 'fp2', 4)).size, 0, 'other weights, other file');
  const file = join(dir, 'b-fp1.bin');
  const size1 = (await readFile(file)).length;
  again.set(EmbeddingCache.key('h2', 'v0'), Float32Array.from([5, 6, 7, 8]));
  await again.flush();
  assert.equal((await readFile(file)).length, size1 + 20 + 16, 'a flush appends only the new record');
  assert.equal((await EmbeddingCache.open(dir, 'b', 'fp1', 4)).size, 2);

  await writeFile(file, (await readFile(file)).subarray(0, size1 + 10)); // crash mid-append
  const torn = await EmbeddingCache.open(dir, 'b', 'fp1', 4);
  assert.equal(torn.size, 1, 'the torn record is dropped, the whole ones kept');
  torn.set(EmbeddingCache.key('h3', 'v0'), Float32Array.from([9, 9, 9, 9]));
  await torn.flush();
  assert.equal((await EmbeddingCache.open(dir, 'b', 'fp1', 4)).size, 2, 'after a torn file, the next flush rewrites it whole');

  await writeFile(file, Buffer.from('not a cache file at all'));
  assert.equal((await EmbeddingCache.open(dir, 'b', 'fp1', 4)).size, 0, 'a foreign file is ignored');
  assert.throws(() => c.set('00', new Float32Array(3)), /3 values, expected 4/);
});

test('embedFiles: miss, then hit, then invalidation when the view or the image changes', async () => {
  const home = await tempDir();
  const img = join(home, 'face.jpg');
  await copyFile(join(FACES, 'happy', (await import('node:fs')).readdirSync(join(FACES, 'happy')).sort()[0]!), img);
  const views = [IDENTITY, MIRROR, variantParams(DEFAULT_AUGMENT, 1, img, 2)];

  const cache = await EmbeddingCache.open(home, base.id, base.fingerprint, base.dim);
  const first = await embedFiles(base, cache, [{ file: img, views }]);
  assert.equal(first.computed, 3);
  assert.equal(first.cached, 0);
  await cache.flush();

  const reopened = await EmbeddingCache.open(home, base.id, base.fingerprint, base.dim);
  const second = await embedFiles(base, reopened, [{ file: img, views }]);
  assert.equal(second.computed, 0, 'all three views come from disk');
  assert.equal(second.cached, 3);
  second.vectors[0]!.forEach((v, i) => assert.deepEqual(v, first.vectors[0]![i]));
  assert.notDeepEqual(first.vectors[0]![0], first.vectors[0]![1], 'the mirrored view is a different vector');

  const otherAug = await embedFiles(base, reopened, [{ file: img, views: [variantParams({ ...DEFAULT_AUGMENT, maxRotationDeg: 25 }, 1, img, 2)] }]);
  assert.equal(otherAug.computed, 1, 'changed augmentation settings miss');

  const bytes = await readFile(img);
  await writeFile(img, Buffer.concat([bytes, Buffer.from([0])])); // same path, new content
  const changed = await embedFiles(base, reopened, [{ file: img, views: [IDENTITY] }]);
  assert.equal(changed.computed, 1, 'new content misses even under the same name');
});

test('embedFiles reports unreadable files and goes on with the rest', async () => {
  const dir = await tempDir();
  const bad = join(dir, 'broken.jpg');
  await writeFile(bad, 'garbage');
  const happy = (await import('node:fs')).readdirSync(join(FACES, 'happy')).sort().map((f) => join(FACES, 'happy', f));
  const cache = await EmbeddingCache.open(null, base.id, base.fingerprint, base.dim);
  const out = await embedFiles(base, cache, [happy[0]!, bad, happy[1]!].map((file) => ({ file, views: [IDENTITY] })));
  assert.equal(out.vectors[1], null);
  assert.equal(out.vectors[0]![0]!.length, 256);
  assert.equal(out.vectors[2]![0]!.length, 256);
  assert.deepEqual(out.failures, [{ file: bad, reason: 'not a supported image format' }]);
});

test('face-expression base: zero-shot head tells happy from sad on the fixtures', async () => {
  const cache = await EmbeddingCache.open(null, base.id, base.fingerprint, base.dim);
  const fs = await import('node:fs');
  let correct = 0;
  let n = 0;
  for (const label of ['happy', 'sad'] as const) {
    const files = fs.readdirSync(join(FACES, label)).sort().map((f) => join(FACES, label, f));
    const out = await embedFiles(base, cache, files.map((file) => ({ file, views: [IDENTITY] })));
    for (const v of out.vectors) {
      const logit = v![0]!.reduce((s, x, i) => s + x * base.zeroShotHead!.kernel[i]!, base.zeroShotHead!.bias);
      n++;
      if ((logit > 0) === (label === 'happy')) correct++;
    }
  }
  assert.ok(correct / n >= 0.7, `zero-shot accuracy ${correct}/${n}`);
});
