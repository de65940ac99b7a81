import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containBilinear, resampleSquare } from '../../engine/image-resize.js';

const px = (img: { size: number; data: Uint8Array }, x: number, y: number) => Array.from(img.data.subarray((y * img.size + x) * 3, (y * img.size + x) * 3 + 3));
const grey = (width: number, height: number, values: number[]) => ({ width, height, channels: 1, data: Uint8Array.from(values) });

test('bilinear at pixel centres, edges repeated: a black-white pair becomes a ramp', () => {
  // a 2x2 image [0 255; 0 255] to 4x4: columns sample at -0.25 (edge), 0.25, 0.75, 1.25 (edge) of the source
  const img = containBilinear(grey(2, 2, [0, 255, 0, 255]), 4);
  for (let y = 0; y < 4; y++) assert.deepEqual([0, 1, 2, 3].map((x) => px(img, x, y)[0]), [0, 64, 191, 255], `row ${y}`);
});

test('a grey image becomes three equal channels; a fourth (alpha) channel is ignored', () => {
  const img = containBilinear(grey(1, 1, [77]), 3);
  assert.deepEqual(px(img, 1, 1), [77, 77, 77]);
  const rgba = containBilinear({ width: 1, height: 1, channels: 4, data: Uint8Array.from([10, 20, 30, 0]) }, 2);
  assert.deepEqual(px(rgba, 0, 0), [10, 20, 30]);
  assert.deepEqual(px(rgba, 1, 1), [10, 20, 30]);
});

test('aspect kept: a wide image is centred between black bands', () => {
  // 4x2 white into 8x8: 8x4 of white rows 2..5, black above and below
  const img = containBilinear(grey(4, 2, new Array(8).fill(255)), 8);
  assert.deepEqual([0, 1, 2, 5, 6, 7].map((y) => px(img, 3, y)[0]), [0, 0, 255, 255, 0, 0]);
  const tall = containBilinear(grey(2, 4, new Array(8).fill(255)), 8);
  assert.deepEqual([0, 1, 2, 5, 6, 7].map((x) => px(tall, x, 3)[0]), [0, 0, 255, 255, 0, 0]);
});

test('the same size is the image itself', () => {
  const values = Array.from({ length: 9 }, (_, i) => i * 25);
  const img = containBilinear(grey(3, 3, values), 3);
  assert.deepEqual(Array.from({ length: 9 }, (_, i) => px(img, i % 3, Math.floor(i / 3))[0]), values);
});

test('a buffer too short for its size is refused', () => {
  assert.throws(() => containBilinear(grey(4, 4, [1, 2, 3]), 8), /bad image 4x4x1/);
});

test('a grey image gives exactly what the same image in three equal channels gives (its own quicker path)', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (const [w, h, size] of [[48, 48, 112], [37, 23, 64], [5, 9, 16]] as const) {
    const data = Uint8Array.from({ length: w * h }, () => Math.floor(rand() * 256));
    const rgb = Uint8Array.from({ length: w * h * 3 }, (_, i) => data[Math.floor(i / 3)]!);
    for (const [x0, y0, step] of [[0, 0, w / size], [-3.5, 2.25, 0.7], [1.3, -0.4, 1.9]] as const) {
      assert.deepEqual(resampleSquare({ width: w, height: h, channels: 1, data }, x0, y0, step, size), resampleSquare({ width: w, height: h, channels: 3, data: rgb }, x0, y0, step, size), `${w}x${h} at ${x0},${y0} step ${step}`);
    }
  }
});
