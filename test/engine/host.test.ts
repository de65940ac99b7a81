import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { EngineCrashedError, EngineHost } from '../../engine/host.js';
import type { ProgressEvent } from '../../engine/protocol.js';
import { ASSETS, FACES, tempDir } from '../helpers/tmp.js';

const hosts: EngineHost[] = [];
after(() => Promise.all(hosts.map((h) => h.dispose())));
async function host(): Promise<EngineHost> {
  const h = new EngineHost({ home: await tempDir(), assetsDir: ASSETS, allowTestHooks: true });
  hosts.push(h);
  return h;
}

test('a request streams progress events, then resolves with its result', async () => {
  const h = await host();
  const backend = await h.start();
  assert.equal(backend.name, 'wasm');
  const events: ProgressEvent[] = [];
  const r = await h.call('train', { data: FACES, epochs: 3, validationSplit: 0.25 }, { onProgress: (e) => events.push(e) });
  const types = new Set(events.map((e) => e.type));
  for (const t of ['stage', 'embedding', 'epoch']) assert.ok(types.has(t as ProgressEvent['type']), `saw ${t}`);
  assert.deepEqual(events.filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch), r.history.map((x) => x.epoch));
  assert.match(r.modelId, /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  const info = await h.call('info', {});
  assert.equal(info.currentModel, r.modelId);
});

test('cancel: the request rejects as cancelled and the worker keeps serving', async () => {
  const h = await host();
  const ac = new AbortController();
  await assert.rejects(
    h.call('train', { data: FACES, epochs: 500, augment: { variants: 4 } }, { signal: ac.signal, onProgress: (e) => e.type === 'embedding' && ac.abort() }),
    (err: Error) => err.name === 'CancelledError',
  );
  const p = await h.call('predict', { inputs: [FACES + '/happy'] });
  assert.equal(p.results.length, 10);
});

test('a crashed worker fails its pending requests and is restarted', async () => {
  const h = await host();
  await h.start();
  let crashed = 0;
  h.on('crash', () => crashed++);
  const pendingPredict = h.call('predict', { inputs: [FACES + '/sad'] });
  const crash = h.call('crashForTest', {});
  await assert.rejects(crash, EngineCrashedError);
  // the predict was queued behind the crash or already answered: either way it settles
  await pendingPredict.catch((e: Error) => assert.ok(e instanceof EngineCrashedError));
  assert.equal(crashed, 1);
  assert.equal(h.restarts, 1);
  const r = await h.call('predict', { inputs: [FACES + '/sad'] });
  assert.equal(r.results.length, 10);
  assert.equal(r.modelId, 'zero-shot');
});

test('errors from the engine arrive with their message; test hooks are off by default', async () => {
  const h = await host();
  await assert.rejects(h.call('evaluate', { data: '/nonexistent/folder' }), /\/nonexistent\/folder: no such folder/);
  const plain = new EngineHost({ home: await tempDir(), assetsDir: ASSETS });
  hosts.push(plain);
  await assert.rejects(plain.call('crashForTest', {}), /disabled/);
});

test('a worker that cannot start is reported, not restarted in a loop; the next call tries again', async () => {
  const h = new EngineHost({ home: await tempDir(), assetsDir: ASSETS, backend: 'no-such-backend' });
  hosts.push(h);
  let crashes = 0;
  h.on('crash', () => crashes++);
  await assert.rejects(h.start(), /unknown backend "no-such-backend" \(choose gpu, native-cpu, wasm, cpu\)/);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(h.restarts, 0);
  assert.equal(crashes, 0);
  await assert.rejects(h.call('info', {}), /unknown backend/);
});

test('info is answered while a training runs', async () => {
  const h = await host();
  await h.start();
  let epochs = 0;
  const ac = new AbortController();
  const training = h.call('train', { data: FACES, epochs: 500 }, { signal: ac.signal, onProgress: (e) => e.type === 'epoch' && epochs++ });
  while (epochs === 0) await new Promise((r) => setTimeout(r, 20));
  const info = await h.call('info', {});
  assert.equal(info.backend.name, 'wasm');
  const seenAtInfo = epochs;
  ac.abort();
  await assert.rejects(training, (e: Error) => e.name === 'CancelledError');
  assert.ok(seenAtInfo < 500, 'info came back before the training ended');
});
