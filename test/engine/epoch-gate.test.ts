import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EpochGate, waitAtGate } from '../../engine/epoch-gate.js';

/** Whether the promise has settled after the event loop has had its turn. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
}

test('an open gate lets every epoch through; held after epoch n, a training waits once it finished n, until allowed further', async () => {
  const gate = new EpochGate();
  assert.equal(await settled(waitAtGate(gate.buffer, 7)), true);
  gate.holdAfter(2);
  assert.equal(await settled(waitAtGate(gate.buffer, 1)), true, 'epoch 2 may start');
  const afterSecond = waitAtGate(gate.buffer, 2);
  assert.equal(await settled(afterSecond), false, 'epoch 3 may not');
  gate.holdAfter(3);
  assert.equal(await settled(afterSecond), true);
  const afterFifth = waitAtGate(gate.buffer, 5);
  gate.holdAfter(5);
  assert.equal(await settled(afterFifth), false, 'held after epoch 5');
  gate.open();
  assert.equal(await settled(afterFifth), true);
});

test('a cancel gets a waiting training going again (it then stops itself)', async () => {
  const gate = new EpochGate();
  gate.holdAfter(1);
  const ac = new AbortController();
  const waiting = waitAtGate(gate.buffer, 1, ac.signal);
  assert.equal(await settled(waiting), false);
  ac.abort();
  assert.equal(await settled(waiting), true);
});
