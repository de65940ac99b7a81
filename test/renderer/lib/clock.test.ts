import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clock } from '../../../renderer/lib/clock.js';

test('clock: m:ss, h:mm:ss past an hour; time left rounds up, so "0:00" only when nothing is left', () => {
  assert.equal(clock(0), '0:00');
  assert.equal(clock(61.4), '1:01');
  assert.equal(clock(3723), '1:02:03');
  assert.equal(clock(0.3), '0:00', 'elapsed: to the nearest second');
  assert.equal(clock(0.3, { up: true }), '0:01', 'left: a third of a second is still time left');
  assert.equal(clock(59.2, { up: true }), '1:00');
  assert.equal(clock(0, { up: true }), '0:00');
  assert.equal(clock(-2, { up: true }), '0:00');
});
