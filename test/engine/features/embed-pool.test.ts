import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { isCancelled } from '../../../common/errors.js';
import { DEFAULT_AUGMENT, IDENTITY, MIRROR, variantParams } from '../../../engine/augment.js';
import type { FrozenBase } from '../../../engine/bases/base.js';
import { loadEmotionBase } from '../../../engine/bases/emotion.js';
import { loadFaceExpressionBase } from '../../../engine/bases/face-expression.js';
import { EmbedPool } from '../../../engine/features/embed-pool.js';
import { FeatureStore, FeatureStores, type ViewsOf } from '../../../engine/features/feature-store.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, ROOT, tempDir } from '../../helpers/tmp.js';

let base: FrozenBase;
let files: string[];
const stores: FeatureStore[] = [];
before(async () => {
  await useBestBackend();
  base = await loadFaceExpressionBase(join(ASSETS, 'models', 'face-expression'));
  files = [];
  for (const label of ['happy', 'sad']) files.push(...(await readdir(join(FACES, label))).sort().map((f) => join(FACES, label, f)));
});
after(() => Promise.all(stores.map((s) => s.close())));

const views: ViewsOf = (hash) => [IDENTITY, MIRROR, variantParams(DEFAULT_AUGMENT, 3, hash, 1), variantParams(DEFAULT_AUGMENT, 3, hash, 2)];
const requests = () => files.map((file) => ({ sample: { file }, views }));
async function open(workers: number, workerEntry?: URL): Promise<FeatureStore> {
  const store = await FeatureStore.open(null, base, undefined, { workers, ...(workerEntry && { workerEntry }) });
  stores.push(store);
  return store;
}

test('embedding workers give the very same vectors as the engine thread alone, in the same order', async (t) => {
  if (tf.getBackend() !== 'wasm') return t.skip('the embedding workers run on the wasm backend only');
  const alone = await open(0);
  const expected = await alone.features(requests(), { batchSize: 8 });
  assert.equal(expected.timings.threads, 1);

  const pooled = await open(2);
  assert.equal(await pooled.warm(), 2, 'both workers started');
  const t0 = tf.memory().numTensors;
  const out = await pooled.features(requests(), { batchSize: 8 });
  assert.equal(tf.memory().numTensors, t0, 'no tensor left on the engine thread');
  assert.ok(out.timings.threads >= 2, 'both workers embedded (the engine thread feeds them, and may take the last views)');
  assert.equal(out.computed, files.length * 4);
  assert.deepEqual(out.hashes, expected.hashes);
  out.vectors.forEach((row, i) => row!.forEach((v, j) => assert.deepEqual(v, expected.vectors[i]![j], `image ${i}, view ${j}: bit for bit`)));
  for (const k of ['read', 'hash', 'decode', 'augment', 'network', 'wall'] as const) assert.ok(out.timings[k] >= 0, k);
  assert.ok(out.timings.network > 0);
});

test('a cancel stops the workers\' batches too; what they computed is kept', async (t) => {
  if (tf.getBackend() !== 'wasm') return t.skip('the embedding workers run on the wasm backend only');
  const store = await open(2);
  await store.warm();
  const ac = new AbortController();
  await assert.rejects(store.features(requests(), { batchSize: 4, signal: ac.signal, onProgress: (done) => done >= 4 && ac.abort() }), isCancelled);
  const again = await store.features(requests(), { batchSize: 4 });
  assert.ok(again.cached >= 16, `the views computed before the cancel were cached (${again.cached})`);
  assert.equal(again.cached + again.computed, files.length * 4);
});

test('a worker that dies mid-batch: its batch is run by the others; one that cannot start: the engine thread carries on', async (t) => {
  if (tf.getBackend() !== 'wasm') return t.skip('the embedding workers run on the wasm backend only');
  const alone = await open(0);
  const expected = await alone.features(requests(), { batchSize: 8 });

  const dying = await open(2, new URL('test/helpers/dying-embed-worker.mjs', `file://${ROOT}`));
  assert.equal(await dying.warm(), 2);
  const out = await dying.features(requests(), { batchSize: 8 });
  assert.deepEqual(out.vectors, expected.vectors, 'every view computed, by the engine thread once both workers died');
  assert.equal(out.failures.length, 0);

  const broken = await open(2, new URL('test/helpers/broken-embed-worker.mjs', `file://${ROOT}`));
  assert.equal(await broken.warm(), 0);
  assert.deepEqual((await broken.features(requests(), { batchSize: 8 })).vectors, expected.vectors);
});

test('an idle pool does not keep the process alive: its workers ready, no batch ever sent, the process ends', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'idle-pool-child.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  // a guard against a hang, not a measure of speed: the child ends in a few seconds or never
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(guard);
  assert.equal(out.trim(), 'ready 2', err);
  assert.equal(code, 0, `the process did not end by itself (killed after 60 s): an idle pool kept it alive\n${err}`);
});

test('a pool disposed while its start is awaited answers: none ready, then and afterwards', async () => {
  const pool = new EmbedPool({ kind: 'face-expression', dir: join(ASSETS, 'models', 'face-expression') }, 1);
  const waiting = pool.settled();
  await pool.dispose();
  // unanswered, this test would end with its promise pending (the pool's workers hold nothing)
  assert.equal(await waiting, 0);
  assert.equal(await pool.settled(), 0);
});

test('a second network borrows the workers another store started: the very same vectors, side by side, without threads of its own', async (t) => {
  if (tf.getBackend() !== 'wasm') return t.skip('the embedding workers run on the wasm backend only');
  const emotion = await loadEmotionBase(join(ASSETS, 'models', 'emotion'));
  // one new view of each of 20 images per call: too few views to start a pool of its own
  const call = (seed: number) => files.map((file) => ({ sample: { file }, views: (hash: string) => [variantParams(DEFAULT_AUGMENT, seed, hash, 1)] }));
  const alone = await FeatureStore.open(null, emotion, undefined, { workers: 0 });
  const set = new FeatureStores(await tempDir(), false, { workers: 2 });
  try {
    const borrower = await set.forBase(emotion);
    assert.equal((await borrower.features(call(1))).timings.threads, 1, 'no store has workers yet: the engine thread alone');
    const lender = await set.forBase(base);
    assert.equal(await lender.warm(), 2);
    const lent = await borrower.features(call(2));
    assert.ok(lent.timings.threads >= 2, `the lent workers embedded too (${lent.timings.threads} threads)`);
    const expected = await alone.features(call(2));
    lent.vectors.forEach((row, i) => assert.deepEqual(row![0], expected.vectors[i]![0], `image ${i}: bit for bit`));
    // the lender's workers stopped: the borrower goes on alone
    await lender.close();
    const after = await borrower.features(call(3));
    assert.equal(after.timings.threads, 1);
    assert.deepEqual(after.failures, []);
    // a call with views enough for workers: the lender starts its own and lends them; the borrower starts none
    const many = files.map((file) => ({ sample: { file }, views: (hash: string) => [1, 2, 3, 4].map((v) => variantParams(DEFAULT_AUGMENT, 5, hash, v)) }));
    const big = await borrower.features(many);
    assert.deepEqual(big.failures, []);
    assert.equal(borrower.lendWorkers(base.recipe!, false), null, 'the borrower has no pool of its own');
    assert.notEqual(lender.lendWorkers(emotion.recipe!, false), null, 'the lender started one');
  } finally {
    await set.close();
    await alone.close();
  }
});
