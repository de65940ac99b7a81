import assert from 'node:assert/strict';
import { test } from 'node:test';
import { greyscale } from '../../engine/greyscale.js';

test('greyscale: Rec. 601 luma in all three channels, rounded; a grey image is left as it is', () => {
  const img = { size: 2, data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 100, 50]) };
  assert.deepEqual([...greyscale(img).data], [76, 76, 76, 150, 150, 150, 29, 29, 29, 124, 124, 124]);
  assert.deepEqual([...img.data], [255, 0, 0, 0, 255, 0, 0, 0, 255, 200, 100, 50], 'pure: the input untouched');
  const grey = { size: 16, data: Uint8Array.from({ length: 16 * 16 * 3 }, (_, k) => Math.floor(k / 3) % 256) };
  assert.deepEqual(greyscale(grey), grey);
  assert.deepEqual(greyscale(greyscale(img)), greyscale(img));
});
