import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binaryCrossEntropy, calibrationTable, computeMetrics, rocCurve, wrongness } from '../../engine/metrics.js';

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

test('ROC curve: one point per distinct score, ties cross together; AUC by hand', () => {
  // happy scores 0.9, 0.6, 0.4; sad scores 0.6, 0.2. Pairs (happy above sad): 0.9 beats both (2), 0.6 ties 0.6
  // (0.5) and beats 0.2 (1), 0.4 beats 0.2 (1): 4.5 of 6
  const roc = rocCurve([0.9, 0.6, 0.4, 0.6, 0.2], [1, 1, 1, 0, 0]);
  assert.deepEqual(roc.points, [
    { threshold: null, fpr: 0, tpr: 0 },
    { threshold: 0.9, fpr: 0, tpr: 1 / 3 },
    { threshold: 0.6, fpr: 0.5, tpr: 2 / 3 },
    { threshold: 0.4, fpr: 0.5, tpr: 1 },
    { threshold: 0.2, fpr: 1, tpr: 1 },
  ]);
  assert.ok(Math.abs(roc.auc - 4.5 / 6) < 1e-12);
  assert.equal(rocCurve([0.9, 0.8, 0.1], [1, 1, 0]).auc, 1, 'perfectly separated');
  assert.equal(rocCurve([0.1, 0.9], [1, 0]).auc, 0, 'perfectly inverted');
  assert.ok(Number.isNaN(rocCurve([0.3, 0.7], [1, 1]).auc), 'one class: no AUC');
});

test('calibration table: bins of P(happy), their mean and happy share, weighted mean gap (ECE)', () => {
  // bin [0.1, 0.2): 0.1 (sad), 0.15 (happy); bin [0.9, 1]: 0.9 (happy), 1.0 (happy)
  const c = calibrationTable([0.1, 0.15, 0.9, 1], [0, 1, 1, 1], 10);
  assert.equal(c.bins.length, 10);
  assert.deepEqual(c.bins[1], { from: 0.1, to: 0.2, n: 2, meanPHappy: 0.125, happyShare: 0.5 });
  assert.deepEqual(c.bins[9], { from: 0.9, to: 1, n: 2, meanPHappy: 0.95, happyShare: 1 });
  assert.deepEqual(c.bins[5], { from: 0.5, to: 0.6, n: 0, meanPHappy: null, happyShare: null });
  // (2/4)*|0.125-0.5| + (2/4)*|0.95-1| = 0.1875 + 0.025
  assert.ok(Math.abs(c.ece - 0.2125) < 1e-12);
  assert.ok(Number.isNaN(calibrationTable([], []).ece));
});

test('wrongness: the probability given to the wrong class', () => {
  assert.equal(wrongness(0.8, 'happy'), 1 - 0.8);
  assert.equal(wrongness(0.8, 'sad'), 0.8);
});

test('a score that is not a number is refused by name, not looped over (NaN equals no score, not even itself)', () => {
  assert.throws(() => rocCurve([NaN, 0.3, 0.7], [1, 0, 1]), /P\(happy\) of image 0 is NaN/);
  assert.throws(() => calibrationTable([0.3, Infinity], [1, 0]), /P\(happy\) of image 1 is Infinity/);
});
