import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { EmbeddingCache } from '../../../engine/features/embedding-cache.js';
import { tempDir } from '../../helpers/tmp.js';

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
