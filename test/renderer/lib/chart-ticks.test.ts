import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignedAxes, evenTicks } from '../../../renderer/lib/chart-ticks.js';

test('an axis end that crowds its neighbour loses its label; even ticks stay as they are', () => {
  assert.deepEqual(evenTicks([1, 2, 4, 6, 8, 10, 12]), [2, 4, 6, 8, 10, 12], 'epochs from 1, ticks every 2');
  assert.deepEqual(evenTicks([1, 5, 10, 15, 17]), [5, 10, 15], 'both ends');
  assert.deepEqual(evenTicks([1, 2, 3, 4, 5]), [1, 2, 3, 4, 5], 'every epoch');
  assert.deepEqual(evenTicks([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]), [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1], 'floating-point steps are even');
  assert.deepEqual(evenTicks([1, 2, 3]), [1, 2, 3], 'too few to tell a step');
});

test('alignedAxes: both axes have the same number of intervals, accuracy from chance where it allows', () => {
  const a = alignedAxes([0.69, 0.45, 0.3], [0.55, 0.8, 0.92]);
  assert.deepEqual(a.loss, { max: 1, step: 0.2 });
  assert.equal(a.accuracy.min, 0.5);
  assert.ok(Math.abs(a.accuracy.step - 0.1) < 1e-12);
  assert.equal((a.loss.max / a.loss.step).toFixed(6), ((a.accuracy.max - a.accuracy.min) / a.accuracy.step).toFixed(6), 'as many intervals');
  // a low loss fills the chart; an accuracy under chance shows from 0
  assert.deepEqual(alignedAxes([0.3, 0.12], [0.4, 0.9]), { loss: { max: 0.5, step: 0.1 }, accuracy: { min: 0, max: 1, step: 0.2 } });
  // a first epoch's large loss: the top holds it
  const big = alignedAxes([2.3, 0.9], [0.6]);
  assert.ok(big.loss.max >= 2.3 && big.loss.max <= 2.5, `top ${big.loss.max}`);
  // nothing yet (or NaN from a diverged run): the defaults, no NaN axis
  assert.deepEqual(alignedAxes([], []), { loss: { max: 0.5, step: 0.1 }, accuracy: { min: 0.5, max: 1, step: 0.1 } });
  assert.deepEqual(alignedAxes([Number.NaN], [Number.NaN]).loss, { max: 0.5, step: 0.1 });
  // huge losses still get a whole step
  assert.ok(alignedAxes([1234], []).loss.max >= 1234);
});
