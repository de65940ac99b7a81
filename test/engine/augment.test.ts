import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyAugment, DEFAULT_AUGMENT, IDENTITY, MIRROR, paramsKey, variantParams, warp } from '../../engine/augment.js';

const gradient = (size: number) => ({ size, data: Uint8Array.from({ length: size * size * 3 }, (_, i) => Math.floor(i / 3) % size * 10) });

test('views are a function of seed, image and variant only', () => {
  const a = variantParams(DEFAULT_AUGMENT, 42, 'hash-a', 1);
  assert.deepEqual(variantParams(DEFAULT_AUGMENT, 42, 'hash-a', 1), a, 'same inputs, same view');
  assert.notDeepEqual(variantParams(DEFAULT_AUGMENT, 43, 'hash-a', 1), a, 'another seed');
  assert.notDeepEqual(variantParams(DEFAULT_AUGMENT, 42, 'hash-b', 1), a, 'another image');
  assert.notDeepEqual(variantParams(DEFAULT_AUGMENT, 42, 'hash-a', 2), a, 'another variant');
  assert.deepEqual(variantParams(DEFAULT_AUGMENT, 42, 'hash-a', 0), IDENTITY, 'variant 0 is the original');
  for (let v = 1; v < 50; v++) {
    const p = variantParams(DEFAULT_AUGMENT, 1, `h${v}`, v);
    assert.ok(Math.abs(p.rotationDeg) <= DEFAULT_AUGMENT.maxRotationDeg);
    assert.ok(Math.abs(p.zoom - 1) <= DEFAULT_AUGMENT.maxZoom + 1e-9);
    assert.ok(Math.abs(p.brightness - 1) <= DEFAULT_AUGMENT.maxBrightness + 1e-9);
    assert.equal(p.flip, v % 2 === 1);
  }
});

test('augmented pixels repeat exactly, and differ from the original', () => {
  const img = gradient(16);
  const p = variantParams(DEFAULT_AUGMENT, 5, 'h', 2);
  const once = applyAugment(img, p);
  assert.deepEqual(applyAugment(img, p).data, once.data);
  assert.notDeepEqual(once.data, img.data);
  assert.equal(applyAugment(img, IDENTITY), img, 'identity is free');
});

test('mirror flips columns; brightness scales and saturates', () => {
  const img = gradient(8);
  const m = applyAugment(img, MIRROR);
  for (let x = 0; x < 8; x++) assert.equal(m.data[(3 * 8 + x) * 3], img.data[(3 * 8 + (7 - x)) * 3]);
  const bright = applyAugment(img, { ...IDENTITY, brightness: 2 });
  assert.equal(bright.data[(0 * 8 + 3) * 3], 60);
  assert.equal(bright.data[(0 * 8 + 7) * 3], 140);
  const sat = applyAugment({ size: 2, data: new Uint8Array(12).fill(200) }, { ...IDENTITY, brightness: 1.5 });
  assert.ok(sat.data.every((v) => v === 255));
});

test('cache keys follow the transform', () => {
  assert.notEqual(paramsKey(IDENTITY), paramsKey(MIRROR));
  assert.notEqual(paramsKey(variantParams(DEFAULT_AUGMENT, 1, 'h', 1)), paramsKey(variantParams({ ...DEFAULT_AUGMENT, maxRotationDeg: 20 }, 1, 'h', 1)));
});

test('the mirror fast path gives what the general transform gives, bit for bit (cached views stay valid)', () => {
  for (const size of [16, 17, 112]) {
    const img = { size, data: Uint8Array.from({ length: size * size * 3 }, (_, i) => (i * 37 + (i >> 5)) % 256) };
    assert.deepEqual(applyAugment(img, MIRROR).data, warp(img, MIRROR).data, `size ${size}`);
  }
});
