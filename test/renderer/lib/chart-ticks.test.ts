import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evenTicks } from '../../../renderer/lib/chart-ticks.js';

test('an axis end that crowds its neighbour loses its label; even ticks stay as they are', () => {
  assert.deepEqual(evenTicks([1, 2, 4, 6, 8, 10, 12]), [2, 4, 6, 8, 10, 12], 'epochs from 1, ticks every 2');
  assert.deepEqual(evenTicks([1, 5, 10, 15, 17]), [5, 10, 15], 'both ends');
  assert.deepEqual(evenTicks([1, 2, 3, 4, 5]), [1, 2, 3, 4, 5], 'every epoch');
  assert.deepEqual(evenTicks([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]), [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1], 'floating-point steps are even');
  assert.deepEqual(evenTicks([1, 2, 3]), [1, 2, 3], 'too few to tell a step');
});
