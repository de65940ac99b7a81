import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { isCancelled } from '../../common/errors.js';
import { createHead, DEFAULT_HYPERPARAMETERS, featureScale, predictHead, trainHead } from '../../engine/head.js';
import { computeMetrics } from '../../engine/metrics.js';
import { useBestBackend } from '../helpers/backend.js';
import { blobs } from '../helpers/blobs.js';

before(useBestBackend);
const hp = { ...DEFAULT_HYPERPARAMETERS, epochs: 15, learningRate: 0.05 };

test('learns a separable problem and reports one log per epoch', async () => {
  const head = createHead(8);
  const train = blobs(400, 8, 1);
  const val = blobs(200, 8, 2);
  const epochs: number[] = [];
  const r = await trainHead(head, train, val, hp, 3, { onEpoch: (l) => epochs.push(l.epoch) });
  assert.deepEqual(epochs, r.history.map((h) => h.epoch));
  assert.ok(r.history.every((h) => h.valLoss !== null && h.lr > 0));
  const m = computeMetrics(predictHead(head, val.x), val.y);
  assert.ok(m.accuracy > 0.75, `val accuracy ${m.accuracy}`);
  // restore-best: final weights score the best epoch's val_loss
  assert.ok(Math.abs(m.loss - r.history[r.bestEpoch - 1]!.valLoss!) < 1e-4);
});

test('same seed, same history; another seed, another history', async () => {
  const run = async (seed: number) => (await trainHead(createHead(8), blobs(200, 8, 1), blobs(100, 8, 2), { ...hp, epochs: 4 }, seed)).history.map((h) => [h.loss, h.valLoss]);
  const a = await run(5);
  assert.deepEqual(await run(5), a);
  assert.notDeepEqual(await run(6), a);
});

test('cancel mid-training: stops within the epoch, cancelled', async () => {
  const ac = new AbortController();
  let batchesAfterAbort = 0;
  const head = createHead(8);
  await assert.rejects(
    trainHead(head, blobs(2000, 8, 1), null, { ...hp, epochs: 50 }, 1, {
      signal: ac.signal,
      onBatch: (epoch, batch) => {
        if (ac.signal.aborted) batchesAfterAbort++;
        if (epoch === 2 && batch === 10) ac.abort();
      },
    }),
    isCancelled,
  );
  assert.equal(batchesAfterAbort, 0);
  assert.equal(head.getWeights().length, 2, 'the head is still usable');
});

test('warm start: the head begins from the given weights', () => {
  const kernel = Float32Array.from({ length: 4 }, (_, i) => i);
  const head = createHead(4, { kernel, bias: 0.5 });
  const [k, b] = head.getWeights();
  assert.deepEqual(Array.from(k!.dataSync()), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(b!.dataSync()), [0.5]);
});

test('a head with start weights holds only its two variables; disposing it frees them', () => {
  const before = tf.memory().numTensors;
  const head = createHead(4, { kernel: new Float32Array(4), bias: 0 });
  assert.equal(tf.memory().numTensors - before, 2, 'kernel and bias, nothing left over from setting them');
  head.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('predictHead computes the one-unit head directly: the same probabilities as a pass through tfjs-layers', () => {
  const head = createHead(8, { kernel: Float32Array.from([0.5, -1, 2, 0, 0.25, -0.75, 1.5, -2]), bias: 0.3 });
  const x = blobs(50, 8, 3).x;
  const direct = predictHead(head, x);
  const layers = tf.tidy(() => (head.predict(tf.tensor2d(x.data, [x.n, x.dim])) as tf.Tensor).dataSync());
  direct.forEach((p, i) => assert.ok(Math.abs(p - layers[i]!) < 1e-6, `row ${i}: ${p} vs ${layers[i]}`));
  head.dispose();
});

/** Rows of blobs() with feature j scaled by scales[j] and shifted by shifts[j]: the same problem on unlike scales. */
function rescaled(d: ReturnType<typeof blobs>, scales: number[], shifts: number[]): ReturnType<typeof blobs> {
  const data = Float32Array.from(d.x.data, (v, i) => v * scales[i % d.x.dim]! + shifts[i % d.x.dim]!);
  return { ...d, x: { ...d.x, data } };
}

test('standardised training: the saved head is one dense unit on the raw features that gives the logits it was trained to give', async () => {
  const scales = [1000, 0.001, 1, 50, 1, 0.02, 300, 1];
  const shifts = [5000, -3, 0, 20, 1, 0, -900, 2];
  const train = rescaled(blobs(400, 8, 1), scales, shifts);
  const val = rescaled(blobs(200, 8, 2), scales, shifts);
  // the start weights carry over to standardised features as the same logits: a glorot draw on raw features
  // scaled by 1000 would start saturated, so this head starts from zero, as a base's zero-shot half does
  const head = createHead(8, { kernel: new Float32Array(8), bias: 0 });
  const r = await trainHead(head, train, val, hp, 3, {}, { standardize: true });
  assert.equal(head.layers.length, 1);
  const m = computeMetrics(predictHead(head, val.x), val.y);
  assert.ok(m.accuracy > 0.75, `val accuracy ${m.accuracy}`);
  // the epoch logs were measured on standardised features; the kept weights, folded back, give the same loss on raw ones
  assert.ok(Math.abs(m.loss - r.history[r.bestEpoch - 1]!.valLoss!) < 1e-3, `${m.loss} vs ${r.history[r.bestEpoch - 1]!.valLoss}`);
});

test('standardised training starts from the given head: its first-epoch validation loss is near the start weights\' own', async () => {
  const train = rescaled(blobs(400, 8, 1), [100, 1, 1, 1, 1, 1, 1, 1], [50, 0, 0, 0, 0, 0, 0, 0]);
  const val = rescaled(blobs(200, 8, 2), [100, 1, 1, 1, 1, 1, 1, 1], [50, 0, 0, 0, 0, 0, 0, 0]);
  const kernel = Float32Array.from([0.001, 0.5, -0.2, 0.1, 0, 0.3, 0.2, -0.1]);
  const init = { kernel, bias: -0.05 };
  const before = computeMetrics(predictHead(createHead(8, init), val.x), val.y).loss;
  const r = await trainHead(createHead(8, init), train, val, { ...hp, epochs: 1, learningRate: 1e-6 }, 3, {}, { standardize: true });
  assert.ok(Math.abs(r.history[0]!.valLoss! - before) < 1e-3, `${r.history[0]!.valLoss} vs ${before}`);
});

test('featureScale: mean and standard deviation per feature; one that barely varies is floored at a hundredth of the median', () => {
  // features: spread 1, spread 2, spread 1e-5 (barely varies), constant
  const rows = [
    [1, 2, 5 + 1e-5, 7],
    [-1, -2, 5 - 1e-5, 7],
    [1, 2, 5 + 1e-5, 7],
    [-1, -2, 5 - 1e-5, 7],
  ];
  const { mean, sd } = featureScale({ n: 4, dim: 4, data: Float32Array.from(rows.flat()) });
  assert.deepEqual(Array.from(mean, (m) => Math.round(m * 1e4) / 1e4), [0, 0, 5, 7]);
  assert.ok(Math.abs(sd[0]! - 1) < 1e-6 && Math.abs(sd[1]! - 2) < 1e-6, `${sd[0]} ${sd[1]}`);
  // the median of [1, 2, ~1e-5, 0] sorted is 1: the floor is 0.01
  assert.equal(sd[2], 0.01);
  assert.equal(sd[3], 0.01);
});
