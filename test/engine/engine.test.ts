import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { Engine } from '../../engine/engine.js';
import { fileSystemHandler } from '../../engine/fs-io-handler.js';
import type { ModelMeta } from '../../engine/models/model-meta.js';
import { buildMobileNetV2 } from '../helpers/mobilenet-v2.js';
import { ASSETS, FACES, tempDir } from '../helpers/tmp.js';

let engine: Engine;
let home: string;
before(async () => {
  home = await tempDir();
  engine = await Engine.create({ home, assetsDir: ASSETS });
});

test('fresh install: predict and evaluate use the zero-shot head', async () => {
  const r = await engine.predict({ inputs: [join(FACES, 'happy')] });
  assert.equal(r.modelId, 'zero-shot');
  assert.equal(r.results.length, 10);
  const e = await engine.evaluate({ data: FACES });
  assert.equal(e.modelId, 'zero-shot');
  assert.equal(e.n, 20);
  assert.equal(e.misclassified.length, e.confusion.happy.sad + e.confusion.sad.happy);
});

test('mobilenet-v2 base imported from a folder: trains a head from scratch and predicts with it', async () => {
  const dir = await tempDir();
  const model = buildMobileNetV2(64);
  await model.save(fileSystemHandler(dir));
  model.dispose();
  const r = await engine.train({ data: FACES, base: 'mobilenet-v2', mobilenet: { dir }, epochs: 3, augment: { variants: 1 } });
  const meta = JSON.parse(await readFile(join(home, 'models', r.modelId, 'meta.json'), 'utf8')) as ModelMeta;
  assert.equal(meta.base.id, 'mobilenet-v2');
  assert.equal(meta.base.dim, 1280);
  assert.deepEqual(meta.base.source, { dir });
  // a fresh engine finds the base again from the model's own record, without the folder argument
  const other = await Engine.create({ home, assetsDir: ASSETS });
  const p = await other.predict({ inputs: [join(FACES, 'sad')], model: r.modelId });
  assert.equal(p.results.filter((x) => 'label' in x).length, 10);
});

test('no tensor growth over 3 trainings, 3 evaluations and 10 predictions in one engine', async () => {
  const one = await Engine.create({ home: await tempDir(), assetsDir: ASSETS });
  // zero-shot and saved heads both, since each is built its own way
  const round = async (trainings: number, predictions: number) => {
    for (let i = 0; i < trainings; i++) await one.train({ data: FACES, epochs: 2, seed: i });
    for (let i = 0; i < trainings; i++) await one.evaluate({ data: FACES, model: i % 2 ? 'zero-shot' : 'current' });
    for (let i = 0; i < predictions; i++) await one.predict({ inputs: [join(FACES, i % 2 ? 'happy' : 'sad')], model: i % 3 ? 'current' : 'zero-shot' });
  };
  await round(1, 1); // warm-up: the base's weights are loaded and stay
  const before = tf.memory().numTensors;
  await round(3, 10);
  assert.equal(tf.memory().numTensors - before, 0, 'tensors left behind');
});
