import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placeFaceTags } from '../../../renderer/lib/face-tags.js';

const size = { width: 1920, height: 1280 };
const tag = 1280 / 13;

test('each label under its face; at the right edge aligned to the box; inside the box when the photo ends under it', () => {
  const [left, right, bottom] = placeFaceTags(
    [
      { x: 100, y: 100, width: 300, height: 300 },
      { x: 1700, y: 100, width: 200, height: 200 },
      { x: 900, y: 1000, width: 260, height: 270 },
    ],
    ['Happy >99%', 'Sad 91%', 'Happy 62%'],
    size,
    tag,
  );
  assert.deepEqual([left!.x, left!.anchor, left!.shown], [100, 'start', true]);
  assert.ok(Math.abs(left!.y - (400 + tag * 1.05)) < 1e-9);
  assert.deepEqual([right!.x, right!.anchor, right!.shown], [1900, 'end', true]);
  assert.ok(bottom!.y < 1270 && bottom!.shown, 'inside the box, the photo ends under it');
});

test('faces side by side in a group: a label that would print over a larger face’s label is left out, the next one along is shown', () => {
  // five faces of 260 px, 360 px apart: each label (~6 characters wide) reaches past the next face's left edge
  const boxes = [0, 1, 2, 3, 4].map((k) => ({ x: 100 + 360 * k, y: 300, width: 260, height: 260 }));
  const places = placeFaceTags(boxes, boxes.map(() => 'Happy >99%'), size, tag);
  // the last one, at the photo's right edge, is aligned to its box's right and would meet the third's
  assert.deepEqual(places.map((p) => p.shown), [true, false, true, false, false]);
  // shown small in the viewer (a fixed size on screen, so a smaller one in the photo's pixels): all fit
  assert.deepEqual(placeFaceTags(boxes, boxes.map(() => 'Happy >99%'), size, 40).map((p) => p.shown), [true, true, true, true, true]);
  // one row above another: the labels under the upper row do not meet those under the lower one
  const rows = [...boxes.slice(0, 2), ...boxes.slice(0, 2).map((b) => ({ ...b, y: 800 }))];
  assert.deepEqual(placeFaceTags(rows, rows.map(() => 'Sad 55%'), size, 40).map((p) => p.shown), [true, true, true, true]);
});

test('a label that would print over another face is left out; the largest face keeps its label whatever it crosses', () => {
  const boxes = [
    { x: 100, y: 100, width: 320, height: 320 },
    { x: 700, y: 600, width: 220, height: 220 }, // its label would run under the next face's outline
    { x: 1000, y: 800, width: 200, height: 200 },
  ];
  assert.deepEqual(placeFaceTags(boxes, boxes.map(() => 'Happy >99%'), size, tag).map((p) => p.shown), [true, false, true]);
  const crowded = [{ x: 100, y: 100, width: 300, height: 300 }, { x: 300, y: 420, width: 300, height: 300 }];
  assert.equal(placeFaceTags(crowded, ['Sad 70%', 'Happy 80%'], size, tag)[0]!.shown, true, "over the second face, but the photo's verdict is the largest face's");
});
