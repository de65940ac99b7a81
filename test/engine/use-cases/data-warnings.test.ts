import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTrainingData } from '../../../engine/use-cases/data-warnings.js';

test('balanced data with both classes in validation: no warning', () => {
  assert.deepEqual(checkTrainingData({ happy: 10, sad: 30 }, { happy: 1, sad: 1 }), { warnings: [], details: [], validationProblem: null });
});

test('a class with fewer than 10 training images is named, with plural-correct counts', () => {
  const one = checkTrainingData({ happy: 40, sad: 1 }, { happy: 5, sad: 1 }).warnings;
  assert.match(one[0]!, /^only 1 sad training image: with fewer than 10 images of a class/);
  const both = checkTrainingData({ happy: 9, sad: 9 }, { happy: 200, sad: 200 }).warnings;
  assert.deepEqual(both.length, 1);
  assert.match(both[0]!, /^only 9 happy and 9 sad training images:/);
  assert.deepEqual(checkTrainingData({ happy: 40, sad: 1 }, { happy: 5, sad: 1 }).details, [{ kind: 'fewImages', few: ['sad'], train: { happy: 40, sad: 1 }, min: 10 }, { kind: 'imbalance', more: 'happy', fewer: 'sad', train: { happy: 40, sad: 1 }, maxRatio: 3 }], 'one detail per warning, in order');
});

test('heavy imbalance (more than 3 to 1) is said with the ratio and the counts', () => {
  assert.deepEqual(checkTrainingData({ happy: 30, sad: 10 }, { happy: 3, sad: 3 }).warnings, [], '3:1 is still fine');
  const [w] = checkTrainingData({ happy: 200, sad: 1400 }, { happy: 3, sad: 3 }).warnings;
  assert.equal(w, '7.0 times as many sad as happy training images (1,400 vs 200): the model will lean towards sad; add happy images or use fewer sad ones');
});

test('validation without an image of a class: said, and its figures are not to be used', () => {
  const r = checkTrainingData({ happy: 12, sad: 12 }, { happy: 3, sad: 0 });
  assert.equal(r.validationProblem, 'validation has no sad image');
  assert.match(r.warnings.at(-1)!, /^validation has no sad image, so a model that always answered "happy" would score 100 % there: no validation accuracy or loss is reported/);
  assert.deepEqual(r.details, [{ kind: 'validationLacks', missing: ['sad'] }]);
  assert.equal(checkTrainingData({ happy: 12, sad: 12 }, { happy: 0, sad: 0 }).validationProblem, 'there are no validation images');
});
