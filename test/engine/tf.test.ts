import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import * as full from '@tensorflow/tfjs';
import * as tf from '../../engine/tf.js';

// engine/tf.ts loads tfjs-core by require; tfjs-node, the wasm package and the full bundle (the bench, tests,
// exported-model users) reach it their own ways. They must all get the one module: a second copy would still
// share tfjs's engine (it lives on globalThis) and so pass any check of the engine or the backend, while its
// ops, kernels and Tensor class were another module's. Function identity tells the copies apart.
test('one tfjs-core: the engine, a CommonJS require, the full bundle and the wasm backend share it', async () => {
  const core = createRequire(import.meta.url)('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');
  for (const name of ['setBackend', 'tidy', 'tensor4d', 'registerKernel'] as const) {
    assert.equal(full[name], core[name], `@tensorflow/tfjs's ${name} is tfjs-core's`);
  }
  for (const name of ['setBackend', 'tidy', 'tensor4d', 'fused', 'io'] as const) {
    assert.equal(tf[name], core[name], `engine/tf's ${name} is tfjs-core's`);
  }
  assert.equal(tf.loadLayersModel, full.loadLayersModel, 'the layers API is the one module too');

  tf.loadWasmBackend();
  assert.ok(await tf.setBackend('wasm'));
  assert.equal(full.getBackend(), 'wasm');
  const t = tf.tensor2d([[1, 2]]);
  assert.ok(t instanceof full.Tensor, "the engine's tensors are the full bundle's Tensor class");
  t.dispose();
});
