import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createHead, DEFAULT_HYPERPARAMETERS, predictHead } from '../../engine/head.js';
import { DEFAULT_AUGMENT } from '../../engine/augment.js';
import { currentModelId, listModels, loadModel, newModelId, saveModel, setCurrentModel } from '../../engine/model-store.js';
import type { ModelMeta } from '../../engine/model-meta.js';
import { useBestBackend } from '../helpers/backend.js';
import { blobs } from '../helpers/blobs.js';
import { tempDir } from '../helpers/tmp.js';

before(useBestBackend);

function meta(id: string): ModelMeta {
  return {
    schemaVersion: 1,
    id,
    createdAt: new Date().toISOString(),
    appVersion: 'test',
    base: { id: 'face-expression', fingerprint: 'fp', dim: 16 },
    parentModel: null,
    dataset: { root: '/d', validationFrom: 'split', train: { happy: 1, sad: 1 }, validation: { happy: 0, sad: 0 }, ignoredClasses: [], skipped: [] },
    hyperparameters: { ...DEFAULT_HYPERPARAMETERS, seed: 1 },
    augment: DEFAULT_AUGMENT,
    history: [],
    best: { epoch: 1, valAccuracy: null, valLoss: null },
    validation: null,
    backend: 'wasm',
    seconds: 1,
  };
}

test('save then load gives identical predictions; current.json follows; no temporary files remain', async () => {
  const home = await tempDir();
  assert.equal(await currentModelId(home), null);
  const head = createHead(16, { kernel: Float32Array.from({ length: 16 }, (_, i) => Math.sin(i)), bias: -0.3 });
  const x = blobs(50, 16, 9).x;
  const before = predictHead(head, x);
  const id = newModelId();
  await saveModel(home, head, meta(id));
  assert.equal(await currentModelId(home), id);
  assert.deepEqual((await readdir(join(home, 'models', id))).sort(), ['meta.json', 'model.json', 'weights.bin']);
  assert.deepEqual((await readdir(join(home, 'models'))).filter((n) => n.startsWith('.')), []);
  const loaded = await loadModel(home, id);
  assert.deepEqual(predictHead(loaded.head, x), before);
  assert.equal(loaded.meta.id, id);
});

test('a save that fails midway leaves nothing behind and keeps the current model', async () => {
  const home = await tempDir();
  const good = newModelId();
  await saveModel(home, createHead(16), meta(good));
  const broken = createHead(16);
  broken.save = () => Promise.reject(new Error('disk full'));
  const bad = newModelId(new Date(Date.now() + 1000));
  await assert.rejects(saveModel(home, broken as tf.LayersModel, meta(bad)), /disk full/);
  assert.deepEqual((await readdir(join(home, 'models'))).sort(), [good, 'current.json']);
  assert.equal(await currentModelId(home), good);
});

test('ids are validated, unknown ids are clear errors, listing is newest first', async () => {
  const home = await tempDir();
  await assert.rejects(loadModel(home, '../../etc'), /not a model id/);
  await assert.rejects(loadModel(home, '20260101-000000-abcd'), /no model "20260101-000000-abcd"/);
  await assert.rejects(setCurrentModel(home, '20260101-000000-abcd'), /no model/);
  const a = meta(newModelId(new Date('2026-01-01T00:00:00Z')));
  const b = { ...meta(newModelId(new Date('2026-02-01T00:00:00Z'))), createdAt: '2026-02-01T00:00:00Z' };
  a.createdAt = '2026-01-01T00:00:00Z';
  await saveModel(home, createHead(16), a);
  await saveModel(home, createHead(16), b, false);
  assert.deepEqual((await listModels(home)).map((m) => m.id), [b.id, a.id]);
  assert.equal(await currentModelId(home), a.id);
});

test('damaged model files are a clear error naming the model', async () => {
  const home = await tempDir();
  const id = newModelId();
  await saveModel(home, createHead(16), meta(id));
  await writeFile(join(home, 'models', id, 'weights.bin'), Buffer.alloc(3));
  await assert.rejects(loadModel(home, id), new RegExp(`model "${id}" in .* is damaged`));
  await writeFile(join(home, 'models', id, 'model.json'), '{"modelTopology": ');
  await assert.rejects(loadModel(home, id), /is damaged .*JSON/);
  await writeFile(join(home, 'models', id, 'meta.json'), '');
  await assert.rejects(loadModel(home, id), /is damaged/);
});
