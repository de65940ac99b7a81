import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binaryCrossEntropy, computeMetrics } from '../../engine/metrics.js';

test('confusion matrix, accuracy, balanced accuracy, precision and recall', () => {
  // 4 happy (3 right), 2 sad (1 right)
  const p = [0.9, 0.8, 0.6, 0.2, 0.7, 0.1];
  const y = [1, 1, 1, 1, 0, 0];
  const m = computeMetrics(p, y);
  assert.deepEqual(m.confusion, { happy: { happy: 3, sad: 1 }, sad: { happy: 1, sad: 1 } });
  assert.equal(m.n, 6);
  assert.equal(m.accuracy, 4 / 6);
  assert.equal(m.perClass.happy.recall, 0.75);
  assert.equal(m.perClass.happy.precision, 0.75);
  assert.equal(m.perClass.sad.recall, 0.5);
  assert.equal(m.perClass.sad.precision, 0.5);
  assert.equal(m.balancedAccuracy, 0.625);
  const expectLoss = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.2) + Math.log(0.3) + Math.log(0.9)) / 6;
  assert.ok(Math.abs(m.loss - expectLoss) < 1e-9);
});

test('edge cases: 0/0 ratios are NaN, loss is finite at p = 0 or 1', () => {
  const m = computeMetrics([0.9, 0.8], [1, 1]);
  assert.ok(Number.isNaN(m.perClass.sad.recall));
  assert.ok(Number.isNaN(m.perClass.sad.precision));
  assert.equal(m.balancedAccuracy, 1);
  assert.ok(Number.isFinite(binaryCrossEntropy([0, 1], [1, 0])));
  assert.ok(Number.isNaN(computeMetrics([], []).accuracy));
});
