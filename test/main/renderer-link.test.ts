import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IPC } from '../../common/ipc.js';
import { RendererLink } from '../../main/renderer-link.js';
import { FakeWebContents } from '../helpers/fake-electron.js';

test('events wait until the renderer listens, then arrive in order; the latest engine status on every ready', () => {
  const link = new RendererLink();
  link.send(IPC.openPaths, ['/a.jpg']); // before any window exists
  const wc = new FakeWebContents();
  link.attach(wc);
  link.setStatus({ state: 'crashed', detail: 'x' });
  link.setStatus({ state: 'restart-failed', message: 'y' });
  link.send(IPC.menuCommand, 'train');
  assert.equal(wc.sent.length, 0);
  link.markReady(new FakeWebContents()); // another page cannot flush it
  assert.equal(wc.sent.length, 0);
  link.markReady(wc);
  assert.deepEqual(wc.sent.map((s) => [s.channel, ...s.args]), [
    [IPC.engineStatus, { state: 'restart-failed', message: 'y' }],
    [IPC.openPaths, ['/a.jpg']],
    [IPC.menuCommand, 'train'],
  ]);
  link.send(IPC.menuCommand, 'about');
  assert.deepEqual(wc.sent.at(-1), { channel: IPC.menuCommand, args: ['about'] }, 'straight through once ready');

  // reload: unready until it says so; the status is sent again
  link.attach(wc);
  link.send(IPC.menuCommand, 'evaluate');
  assert.equal(wc.sent.length, 4);
  link.markReady(wc);
  assert.deepEqual(wc.sent.slice(4).map((s) => s.channel), [IPC.engineStatus, IPC.menuCommand]);

  // closed: events wait for the next window
  link.detach(wc);
  wc.destroy();
  link.send(IPC.menuCommand, 'train');
  const next = new FakeWebContents();
  link.attach(next);
  link.markReady(next);
  assert.deepEqual(next.sent.map((s) => s.args[0]), [{ state: 'restart-failed', message: 'y' }, 'train']);
});
