import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sectionSteadiness, STEADY_FACTOR, steadiness } from '../../bench/steadiness.js';

// the reference figures of a real run (2026-12-07): start / middle / end, the single-image rounds, the photo rounds
const runs = [8.07, 7.69, 7.32];
const singleRounds = [7.55, 7.16, 8.34, 7.52, 7.8, 7.15, 7.1, 7.14, 7.2, 7.26];
const photoRounds = [7.56, 7.27, 12.07, 12.08, 11.68, 11.74, 11.7, 11.64, 12.02, 11.66];
// what the bench holds the sections against: the reference measured apart from them
const all = runs;

test('rounds whose reference rose while the rest of the run held are unsteady; steady ones stand', () => {
  // both sections strayed together: held against start/middle/end, both are unsteady
  assert.equal(steadiness([12, 12, 12], runs).steady, false);
  const photo = steadiness(photoRounds, all);
  assert.equal(photo.steady, false);
  assert.ok(photo.factor > 1.5 && photo.factor < 1.6, String(photo.factor));
  assert.equal(photo.runMs, 7.69);
  assert.equal(steadiness(photoRounds, [...runs, ...singleRounds, ...photoRounds]).runMs, 7.69, 'the same median here with every round in it');
  const single = steadiness(singleRounds, all);
  assert.equal(single.steady, true);
  assert.ok(Math.abs(single.factor - 1) < 0.1, String(single.factor));
});

test('a reference faster than the run by more than the factor is unsteady too; at the factor it stands', () => {
  assert.equal(steadiness([5], [10, 10, 10]).steady, false);
  assert.equal(steadiness([10 / STEADY_FACTOR], [10]).steady, true);
  assert.equal(steadiness([10 * STEADY_FACTOR], [10]).steady, true);
  assert.equal(steadiness([10 * STEADY_FACTOR * 1.01], [10]).steady, false);
});

test('no figures: an error, not a verdict', () => {
  assert.throws(() => steadiness([], [1]), /no reference figures/);
  assert.throws(() => steadiness([1], []), /no reference figures/);
});

test('both sections held against the start/middle/end reference alone: two that strayed together are both unsteady', () => {
  // ten rounds each at 12 ms against a run reference of 7.5 ms: with the rounds in the yardstick its median would be 12, and both would pass
  const strayed = Array.from({ length: 10 }, () => 12);
  const s = sectionSteadiness([7.6, 7.5, 7.4], { single: strayed, photo: strayed });
  assert.equal(s.single.steady, false);
  assert.equal(s.photo.steady, false);
  assert.equal(s.photo.runMs, 7.5);
  assert.equal(steadiness(strayed, [7.6, 7.5, 7.4, ...strayed, ...strayed]).steady, true, 'what a yardstick with the rounds in it would have said');
  const calm = sectionSteadiness([7.6, 7.5, 7.4], { single: [7.5, 7.7], photo: [7.2, 7.4] });
  assert.deepEqual([calm.single.steady, calm.photo.steady], [true, true]);
});

