import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallOutcome } from '../../common/api.js';
import type { EngineResult } from '../../common/engine-contract.js';
import { translate } from '../../common/i18n/index.js';
import { NOTIFY_AFTER_SECONDS, TrainingFeedback, trainFraction } from '../../main/training-feedback.js';

test('the bar: features fill the first half, epochs the second', () => {
  assert.equal(trainFraction({ type: 'embedding', done: 5, total: 10, cached: 0 }), 0.25);
  assert.equal(trainFraction({ type: 'embedding', done: 0, total: 0, cached: 0 }), null);
  const epoch = { type: 'epoch' as const, epochs: 4, loss: 1, accuracy: 0.5, valLoss: null, valAccuracy: null, lr: 0.001, seconds: 1 };
  assert.equal(trainFraction({ ...epoch, epoch: 1 }), 0.625);
  assert.equal(trainFraction({ ...epoch, epoch: 4 }), 1);
  assert.equal(trainFraction({ type: 'stage', stage: 'saving', message: '' }), null);
});

function run(seconds: number, outcome: CallOutcome<EngineResult<'train'>>) {
  let now = 0;
  const bars: number[] = [];
  const notes: Array<[string, string]> = [];
  const fb = new TrainingFeedback({ setProgress: (f) => void bars.push(f), notify: (t, b) => void notes.push([t, b]), t: (k, p) => translate('en', k, p), now: () => now });
  const who = {};
  fb.started(who);
  fb.progress(who, { type: 'embedding', done: 1, total: 2, cached: 0 });
  fb.progress(who, { type: 'stage', stage: 'training', message: '' });
  now = seconds * 1000;
  fb.ended(who, outcome);
  return { bars, notes };
}

const done = { ok: true as const, value: { modelId: '20260101-101010-abcd', best: { epoch: 3, valAccuracy: 0.875, valLoss: 0.3 } } as EngineResult<'train'> };

test('a long training notifies when it ends or fails; a short or cancelled one does not; the bar is always cleared', () => {
  const long = NOTIFY_AFTER_SECONDS + 1;
  assert.deepEqual(run(long, done), { bars: [0, 0.25, -1], notes: [['Training finished', 'Model 20260101-101010-abcd is ready: 87.5 % validation accuracy.']] });
  assert.deepEqual(run(long, { ok: false, error: { code: 'bad-input', message: 'no images in /x' } }).notes, [['Training failed', 'no images in /x']]);
  assert.deepEqual(run(long, { ok: false, error: { code: 'cancelled', message: 'cancelled' } }), { bars: [0, 0.25, -1], notes: [] });
  assert.deepEqual(run(NOTIFY_AFTER_SECONDS - 1, done).notes, []);
  assert.deepEqual(run(NOTIFY_AFTER_SECONDS - 1, { ok: false, error: { code: 'internal', message: 'x' } }).notes, []);
});

test("a training the app's quitting stopped ends quietly (the engine answers 'stopped', not 'cancelled')", () => {
  assert.deepEqual(run(NOTIFY_AFTER_SECONDS + 1, { ok: false, error: { code: 'stopped', message: 'the engine was stopped' } }), { bars: [0, 0.25, -1], notes: [] });
});
