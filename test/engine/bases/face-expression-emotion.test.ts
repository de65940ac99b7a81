import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { IDENTITY } from '../../../engine/augment.js';
import type { FrozenBase } from '../../../engine/bases/base.js';
import { loadEmotionNet } from '../../../engine/bases/emotion.js';
import { loadFaceExpressionBase } from '../../../engine/bases/face-expression.js';
import { loadFaceExpressionEmotionBase } from '../../../engine/bases/face-expression-emotion.js';
import { FeatureStore } from '../../../engine/features/feature-store.js';
import { useBestBackend } from '../../helpers/backend.js';
import { ASSETS, FACES, tempDir } from '../../helpers/tmp.js';

const MODELS = join(ASSETS, 'models');
let face: FrozenBase;
let both: FrozenBase;
before(async () => {
  await useBestBackend();
  face = await loadFaceExpressionBase(join(MODELS, 'face-expression'));
  both = await loadFaceExpressionEmotionBase(MODELS);
});

async function fixtureViews(base: FrozenBase): Promise<Float32Array[]> {
  const store = await FeatureStore.open(null, base);
  const files = (await readdir(join(FACES, 'happy'))).sort().slice(0, 3).map((f) => join(FACES, 'happy', f));
  const out = await store.features(files.map((file) => ({ sample: { file }, views: () => [IDENTITY] })));
  return out.vectors.map((v) => v![0]!);
}

test('emotion network: our forward pass gives what the shipped graph gives (tfjs-converter), channel for channel', async () => {
  const dir = join(MODELS, 'emotion');
  const json = JSON.parse(await readFile(join(dir, 'emotion.json'), 'utf8'));
  const bin = await readFile(join(dir, 'emotion.bin'));
  const graph = await tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights), weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }),
  );
  const net = await loadEmotionNet(dir);
  const images = tf.randomUniform([3, 112, 112, 3], 0, 256, 'int32', 7) as tf.Tensor4D;
  const ours = net.features(images);
  const theirs = tf.tidy(() => {
    const grey = tf.sum(tf.mul(tf.cast(images, 'float32'), tf.tensor1d([0.2989, 0.587, 0.114])), 3, true) as tf.Tensor4D;
    const x = tf.mul(tf.sub(tf.div(tf.image.resizeBilinear(grey, [64, 64]), 255), 0.5), 2);
    return tf.mean(graph.execute(x, 'StatefulPartitionedCall/model_1/add_2/add') as tf.Tensor, [1, 2]);
  });
  assert.deepEqual(ours.shape, [3, 256]);
  const a = Array.from(ours.dataSync());
  const b = Array.from(theirs.dataSync());
  const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
  tf.dispose([images, ours, theirs]);
  net.dispose();
  graph.dispose();
});

test('face-expression-emotion: 512 features, the first 256 exactly the face-expression base\'s, a fingerprint of its own', async () => {
  assert.equal(both.dim, 512);
  assert.equal(both.inputSize, face.inputSize);
  assert.notEqual(both.fingerprint, face.fingerprint, 'cached face-expression vectors and models must not be taken for these');
  assert.ok(both.fingerprint.startsWith(face.fingerprint));
  assert.equal(both.standardize, true);
  const [a, b] = [await fixtureViews(face), await fixtureViews(both)];
  for (const [i, v] of b.entries()) {
    assert.equal(v.length, 512);
    assert.deepEqual(Array.from(v.subarray(0, 256)), Array.from(a[i]!));
    assert.ok(v.subarray(256).some((x) => x !== 0), 'the emotion half is filled');
  }
});

test('face-expression-emotion: the untrained head is face-expression\'s own (the emotion half starts at zero)', () => {
  const k = both.zeroShotHead!.kernel;
  assert.equal(k.length, 512);
  assert.deepEqual(Array.from(k.subarray(0, 256)), Array.from(face.zeroShotHead!.kernel));
  assert.ok(k.subarray(256).every((x) => x === 0));
  assert.equal(both.zeroShotHead!.bias, face.zeroShotHead!.bias);
});

test('face-expression-emotion: a damaged emotion weights file is refused by name, and nothing is left loaded', async () => {
  const dir = await tempDir();
  for (const sub of ['face-expression', 'emotion']) {
    await mkdir(join(dir, sub));
    for (const f of await readdir(join(MODELS, sub))) await copyFile(join(MODELS, sub, f), join(dir, sub, f));
  }
  const bytes = await readFile(join(dir, 'emotion', 'emotion.bin'));
  bytes[100] = bytes[100]! ^ 0xff;
  await writeFile(join(dir, 'emotion', 'emotion.bin'), bytes);
  const tensors = tf.memory().numTensors;
  await assert.rejects(loadFaceExpressionEmotionBase(dir), (err: Error) => err.message.includes(join(dir, 'emotion', 'emotion.bin')) && /checksum mismatch/.test(err.message));
  assert.equal(tf.memory().numTensors, tensors, 'the face-expression weights loaded first were freed');
});
