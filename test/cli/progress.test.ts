import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressPrinter } from '../../cli/progress.js';
import { count } from '../../cli/format.js';

test('frequent events print at most once a second, and always once a second has passed', () => {
  let now = 0;
  const lines: string[] = [];
  const at: number[] = [];
  const p = new ProgressPrinter((l) => (lines.push(l), at.push(now)), () => now);
  p.handle({ type: 'stage', stage: 'embedding', message: 'Computing features' });
  for (let done = 16; done < 500; done += 16) {
    now += 300;
    p.handle({ type: 'embedding', done, total: 500, cached: 0 });
  }
  // 31 events, 300 ms apart: never silent for more than a second, never a line per event
  const gaps = at.slice(1).map((t, i) => t - at[i]!);
  assert.ok(Math.max(...gaps) <= 1000, `longest silence ${Math.max(...gaps)} ms`);
  assert.ok(Math.min(...gaps) >= 600, `lines ${Math.min(...gaps)} ms apart`);
  p.handle({ type: 'embedding', done: 500, total: 500, cached: 20 });
  assert.match(lines.at(-1)!, /features: 500\/500 images read, 20 views from the cache/);
  now += 10;
  p.handle({ type: 'epoch', epochs: 40, epoch: 1, loss: 0.5, accuracy: 0.8, valLoss: 0.4, valAccuracy: 0.85, lr: 0.001, seconds: 0.5 });
  assert.match(lines.at(-1)!, /epoch 1\/40 .*val_acc 85\.0 %/, 'epochs always print');
  now += 10;
  p.handle({ type: 'batch', epoch: 2, batch: 3, batches: 10, loss: 0.3 });
  assert.match(lines.at(-1)!, /epoch 1\/40/, 'a batch right after an epoch line is thinned');
  now += 1500;
  p.handle({ type: 'batch', epoch: 2, batch: 9, batches: 10, loss: 0.3 });
  assert.match(lines.at(-1)!, /epoch 2: step 9\/10/, 'a long epoch still shows life');
});

test('plural-correct counts', () => {
  assert.equal(count(1, 'image'), '1 image');
  assert.equal(count(0, 'image'), '0 images');
  assert.equal(count(2400, 'image'), '2,400 images');
  assert.equal(count(1, 'more skipped file'), '1 more skipped file');
});

test('warnings always print, on their own line, however soon after another line', () => {
  let now = 0;
  const lines: string[] = [];
  const p = new ProgressPrinter((l) => lines.push(l), () => now);
  p.handle({ type: 'embedding', done: 20, total: 20, cached: 0 });
  now += 1;
  p.handle({ type: 'warning', message: 'validation has no sad image, so ...' });
  p.handle({ type: 'warning', message: 'only 1 sad training image: ...' });
  p.handle({ type: 'stage', stage: 'training', message: 'Training on 9 images' });
  assert.deepEqual(lines.slice(1), ['Warning: validation has no sad image, so ...', 'Warning: only 1 sad training image: ...', 'Training on 9 images']);
});
