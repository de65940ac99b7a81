import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOrientation } from '../../engine/exif-orientation.js';

// stored 3x2, one grey value per pixel:  0 1 2
//                                         3 4 5
const stored = { width: 3, height: 2, channels: 1, data: Uint8Array.from([0, 1, 2, 3, 4, 5]) };
const rows = (p: { width: number; height: number; data: Uint8Array }) => Array.from({ length: p.height }, (_, y) => Array.from(p.data.subarray(y * p.width, (y + 1) * p.width)));

test('each EXIF orientation shows the stored pixels as a viewer does', () => {
  const shown: Record<number, number[][]> = {
    1: [[0, 1, 2], [3, 4, 5]],
    2: [[2, 1, 0], [5, 4, 3]],
    3: [[5, 4, 3], [2, 1, 0]],
    4: [[3, 4, 5], [0, 1, 2]],
    5: [[0, 3], [1, 4], [2, 5]],
    6: [[3, 0], [4, 1], [5, 2]],
    7: [[5, 2], [4, 1], [3, 0]],
    8: [[2, 5], [1, 4], [0, 3]],
  };
  for (const [orientation, want] of Object.entries(shown)) assert.deepEqual(rows(applyOrientation(stored, Number(orientation))), want, `orientation ${orientation}`);
});

test('channels move together; an unknown orientation leaves the pixels as stored', () => {
  const rgb = { width: 2, height: 1, channels: 3, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  assert.deepEqual(Array.from(applyOrientation(rgb, 6).data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(applyOrientation(rgb, 3).data), [4, 5, 6, 1, 2, 3]);
  for (const odd of [0, 9, 1.5, NaN]) assert.equal(applyOrientation(stored, odd), stored);
});
