import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EarlyStopping, ReduceLrOnPlateau } from '../../engine/callbacks.js';

test('EarlyStopping: stops after `patience` epochs without improvement and remembers the best', () => {
  const es = new EarlyStopping({ patience: 3, minDelta: 0.01 });
  const losses = [0.9, 0.7, 0.6, 0.595, 0.61, 0.65, 0.5];
  const seen = losses.map((l, i) => es.update(i + 1, l));
  assert.deepEqual(seen.map((s) => s.improved), [true, true, true, false, false, false, true]);
  assert.deepEqual(seen.map((s) => s.stop), [false, false, false, false, false, true, false]);
  const es2 = new EarlyStopping({ patience: 3, minDelta: 0.01 });
  let stoppedAt = -1;
  for (const [i, l] of losses.entries()) if (es2.update(i + 1, l).stop) { stoppedAt = i + 1; break; }
  assert.equal(stoppedAt, 6);
  assert.equal(es2.bestEpoch, 3);
  assert.equal(es2.best, 0.6);
});

test('ReduceLROnPlateau: halves after `patience` flat epochs (Keras semantics), with cooldown, never below minLr', () => {
  const r = new ReduceLrOnPlateau({ factor: 0.5, patience: 2, minLr: 0.0002, minDelta: 0, cooldown: 1 });
  const losses = [1, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.97, 0.99, 1, 1.1, 1.2];
  let lr = 0.001;
  const lrs = losses.map((l) => (lr = r.update(l, lr)));
  // epochs 3-4 flat: halve at 4; one cooldown epoch (5), then 5-6 flat: halve at 6; again at 8, clamped to minLr
  assert.deepEqual(lrs, [0.001, 0.001, 0.001, 0.0005, 0.0005, 0.00025, 0.00025, 0.0002, 0.0002, 0.0002, 0.0002, 0.0002]);
});
