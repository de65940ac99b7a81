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

test('an open gate lets every epoch through; a held one waits past its epoch until allowed further', async () => {
  const gate = new EpochGate();
  assert.equal(await settled(waitAtGate(gate.buffer, 7)), true);
  gate.holdAfter(2);
  assert.equal(await settled(waitAtGate(gate.buffer, 2)), true);
  const third = waitAtGate(gate.buffer, 3);
  assert.equal(await settled(third), false, 'epoch 3 waits');
  gate.holdAfter(3);
  assert.equal(await settled(third), true);
  const fifth = waitAtGate(gate.buffer, 5);
  gate.holdAfter(4);
  assert.equal(await settled(fifth), false, 'still short of epoch 5');
  gate.open();
  assert.equal(await settled(fifth), true);
});

test('a cancel gets a waiting training going again (it then stops itself)', async () => {
  const gate = new EpochGate();
  gate.holdAfter(1);
  const ac = new AbortController();
  const waiting = waitAtGate(gate.buffer, 2, ac.signal);
  assert.equal(await settled(waiting), false);
  ac.abort();
  assert.equal(await settled(waiting), true);
});
