import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { isCancelled } from '../../../common/errors.js';
import { DEFAULT_AUGMENT, IDENTITY, MIRROR, variantParams, type AugmentParams } from '../../../engine/augment.js';
import type { FrozenBase } from '../../../engine/bases/base.js';
import { loadFaceExpressionBase } from '../../../engine/bases/face-expression.js';
import { FeatureStore, type ViewsOf } from '../../../engine/features/feature-store.js';
import { contentHash } from '../../../engine/samples.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

let base: FrozenBase;
before(async () => {
  await useBestBackend();
  base = await loadFaceExpressionBase(join(ASSETS, 'models', 'face-expression'));
});

const only = (...views: AugmentParams[]): ViewsOf => () => views;
const faces = async (label: 'happy' | 'sad') => (await readdir(join(FACES, label))).sort().map((f) => join(FACES, label, f));

test('miss, then hit from disk, then a miss when the view or the image content changes', async () => {
  const home = await tempDir();
  const img = join(home, 'face.jpg');
  await copyFile((await faces('happy'))[0]!, img);
  const views: ViewsOf = (hash) => [IDENTITY, MIRROR, variantParams(DEFAULT_AUGMENT, 1, hash, 2)];

  const store = await FeatureStore.open(home, base);
  const first = await store.features([{ sample: { file: img }, views }]);
  assert.equal(first.computed, 3);
  assert.equal(first.cached, 0);
  assert.deepEqual(store.stats, { hits: 0, misses: 3, reads: 1, decoded: 1 });

  const reopened = await FeatureStore.open(home, base);
  const second = await reopened.features([{ sample: { file: img }, views }]);
  assert.equal(second.computed, 0, 'all three views come from disk');
  assert.equal(second.cached, 3);
  assert.deepEqual(reopened.stats, { hits: 3, misses: 0, reads: 1, decoded: 0 }, 'read to hash it, never decoded');
  second.vectors[0]!.forEach((v, i) => assert.deepEqual(v, first.vectors[0]![i]));
  assert.notDeepEqual(first.vectors[0]![0], first.vectors[0]![1], 'the mirrored view is a different vector');

  const otherAug = await reopened.features([{ sample: { file: img }, views: (hash) => [variantParams({ ...DEFAULT_AUGMENT, maxRotationDeg: 25 }, 1, hash, 2)] }]);
  assert.equal(otherAug.computed, 1, 'changed augmentation settings miss');

  const bytes = await readFile(img);
  await writeFile(img, Buffer.concat([bytes, Buffer.from([0])])); // same path, new content
  const changed = await reopened.features([{ sample: { file: img }, views: only(IDENTITY) }]);
  assert.equal(changed.computed, 1, 'new content misses even under the same name');
});

test('a sample is its content: copied to another folder under another name, every view hits and nothing is decoded', async () => {
  const home = await tempDir();
  const copy = join(await tempDir(), 'somewhere', 'else');
  await cp(FACES, copy, { recursive: true });
  const renamed = join(copy, 'renamed.jpg');
  await copyFile((await faces('sad'))[0]!, renamed);
  const seen: string[] = [];
  const views: ViewsOf = (hash) => {
    seen.push(hash);
    return [IDENTITY, variantParams(DEFAULT_AUGMENT, 7, hash, 1), variantParams(DEFAULT_AUGMENT, 7, hash, 2)];
  };
  const original = [...(await faces('happy')), ...(await faces('sad'))];
  const store = await FeatureStore.open(home, base);
  await store.features(original.map((file) => ({ sample: { file }, views })));
  assert.equal(store.stats.misses, original.length * 3);
  const hashes = await Promise.all(original.map(async (f) => contentHash(await readFile(f))));
  assert.deepEqual(new Set(seen), new Set(hashes), 'views are asked for by the sha256 of the bytes');
  assert.equal(seen.length, original.length);

  const later = await FeatureStore.open(home, base);
  const moved = [...original.map((f) => f.replace(FACES, copy)), renamed];
  const out = await later.features(moved.map((file) => ({ sample: { file }, views })));
  assert.deepEqual(later.stats, { hits: moved.length * 3, misses: 0, reads: moved.length, decoded: 0 });
  assert.equal(out.cached, moved.length * 3);
});

test('samples by hash: cached features need no file; otherwise a file is needed, and it must hold that content', async () => {
  const home = await tempDir();
  const [a, b] = await faces('happy');
  const store = await FeatureStore.open(home, base);
  const byFile = await store.features([{ sample: { file: a! }, views: only(IDENTITY, MIRROR) }]);
  const hashA = contentHash(await readFile(a!));
  const hashB = contentHash(await readFile(b!));

  const reads = store.stats.reads;
  const byHash = await store.features([{ sample: { hash: hashA }, views: only(IDENTITY, MIRROR) }]);
  assert.deepEqual(byHash.vectors[0], byFile.vectors[0]);
  assert.equal(store.stats.reads, reads, 'no file read at all');

  const out = await store.features([
    { sample: { hash: hashB }, views: only(IDENTITY) },
    { sample: { hash: hashB, file: a! }, views: only(IDENTITY) },
    { sample: { hash: 'abc' }, views: only(IDENTITY) },
    { sample: { hash: hashB, file: b! }, views: only(IDENTITY) },
  ]);
  assert.deepEqual(out.failures, [
    { file: `sha256:${hashB}`, reason: 'its features are not cached, and no file was given to compute them from' },
    { file: a!, reason: 'the file has changed since it was added (other content)' },
    { file: 'sha256:abc', reason: 'not a sha256 content hash' },
  ]);
  assert.deepEqual(out.vectors.map((v) => v?.length ?? null), [null, null, null, 1], 'the last one: hash and a file with that content');
});

test('unreadable files are reported and the rest go on', async () => {
  const dir = await tempDir();
  const bad = join(dir, 'broken.jpg');
  await writeFile(bad, 'garbage');
  const happy = await faces('happy');
  const store = await FeatureStore.open(null, base);
  const out = await store.features([happy[0]!, bad, join(dir, 'missing.jpg'), happy[1]!].map((file) => ({ sample: { file }, views: only(IDENTITY) })));
  assert.equal(out.vectors[1], null);
  assert.equal(out.vectors[2], null);
  assert.equal(out.vectors[0]![0]!.length, 256);
  assert.equal(out.vectors[3]![0]!.length, 256);
  assert.deepEqual(out.failures, [
    { file: bad, reason: 'not a supported image format' },
    { file: join(dir, 'missing.jpg'), reason: 'no such file' },
  ]);
});

test('features computed before a cancel are flushed to disk', async () => {
  const home = await tempDir();
  const many = await tempDir();
  const files: string[] = [];
  for (const [i, f] of [...(await faces('happy')), ...(await faces('sad'))].entries()) {
    await mkdir(join(many, String(i)));
    files.push(join(many, String(i), 'face.jpg'));
    await copyFile(f, files.at(-1)!);
  }
  const store = await FeatureStore.open(home, base);
  const ac = new AbortController();
  const views = only(IDENTITY, MIRROR, variantParams(DEFAULT_AUGMENT, 1, 'x', 1));
  // small batches, cancelled at the first progress report (it comes as the first batch ends; later ones at most
  // every 100 ms): however many batches the embedding workers have in flight then, some are left undone
  let doneAtCancel = 0;
  await assert.rejects(
    store.features(files.map((file) => ({ sample: { file }, views })), {
      batchSize: 2,
      signal: ac.signal,
      onProgress: (done) => {
        if (ac.signal.aborted) return;
        doneAtCancel = done;
        ac.abort();
      },
    }),
    isCancelled,
  );
  assert.ok(doneAtCancel > 0 && doneAtCancel < files.length, `cancelled after ${doneAtCancel} of ${files.length}`);
  const later = await FeatureStore.open(home, base);
  await later.features(files.map((file) => ({ sample: { file }, views })));
  assert.ok(later.stats.hits >= doneAtCancel * views('').length, `found ${later.stats.hits} views on disk; ${doneAtCancel} images (of ${views('').length} views each) were done at the cancel`);
});

test('flushLater: the answer comes before the cache is written; the next call, or closing, waits for the write', async () => {
  const home = await tempDir();
  const [a, b] = await faces('happy');
  const store = await FeatureStore.open(home, base);
  await store.features([{ sample: { file: a! }, views: only(IDENTITY) }], { flushLater: true });
  // read at once, with no turn of the event loop in between: nothing written yet
  assert.deepEqual(readdirSync(home).filter((f) => f.endsWith('.bin')), [], 'not written before the call resolved');
  await store.features([{ sample: { file: b! }, views: only(IDENTITY) }], { flushLater: true });
  const reopened = await FeatureStore.open(home, base);
  assert.equal((await reopened.features([{ sample: { file: a! }, views: only(IDENTITY) }])).cached, 1, "the next call waited for the first one's write");
  await store.close();
  const last = await FeatureStore.open(home, base);
  assert.equal((await last.features([{ sample: { file: b! }, views: only(IDENTITY) }])).cached, 1, 'closing waited for the last write');
});

test('progress: counts rise, and the last count is said once (a single image printed "1/1" twice)', async () => {
  const home = await tempDir();
  const store = await FeatureStore.open(home, base);
  for (const files of [(await faces('happy')).slice(0, 1), await faces('sad')]) {
    const events: string[] = [];
    await store.features(files.map((file) => ({ sample: { file }, views: only(IDENTITY, MIRROR) })), { onProgress: (done, total, cached) => events.push(`${done}/${total} ${cached}`) });
    assert.equal(events.at(-1), `${files.length}/${files.length} 0`, 'ends with every image done');
    assert.equal(new Set(events).size, events.length, `no count said twice: ${events.join(', ')}`);
  }
});
