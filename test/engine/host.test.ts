import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EngineHost, type HostOptions, type HostStatus } from '../../engine/host.js';
import type { ProgressEvent } from '../../common/engine-types.js';
import { EngineError, isCancelled } from '../../common/errors.js';
import { ASSETS, FACES, tempDir } from '../helpers/tmp.js';
import { until } from '../helpers/until.js';

const CRASHING_WORKER = new URL('../helpers/crashing-worker.mjs', import.meta.url);
const hosts: EngineHost[] = [];
after(() => Promise.all(hosts.map((h) => h.dispose())));
async function host(options: HostOptions = {}, backend?: string): Promise<EngineHost> {
  const h = new EngineHost({ home: await tempDir(), assetsDir: ASSETS, ...(backend && { backend }) }, options);
  hosts.push(h);
  return h;
}
const code = (c: string) => (err: unknown) => err instanceof EngineError && err.code === c;

test('a request streams progress events, then resolves with its result', async () => {
  const h = await host();
  const backend = await h.start();
  assert.ok(backend.label.length > 0);
  const events: ProgressEvent[] = [];
  const r = await h.call('train', { data: FACES, epochs: 3, validationSplit: 0.25 }, { onProgress: (e) => events.push(e) });
  const types = new Set(events.map((e) => e.type));
  for (const t of ['stage', 'embedding', 'epoch']) assert.ok(types.has(t as ProgressEvent['type']), `saw ${t}`);
  assert.deepEqual(events.filter((e) => e.type === 'epoch').map((e) => (e as { epoch: number }).epoch), r.history.map((x) => x.epoch));
  assert.match(r.modelId, /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  const info = await h.call('info', {});
  assert.equal(info.currentModel, r.modelId);
  assert.equal(info.backend.label, backend.label);
});

test('cancel through a signal: the request rejects as cancelled and the worker keeps serving', async () => {
  const h = await host();
  const ac = new AbortController();
  await assert.rejects(
    h.call('train', { data: FACES, epochs: 500, augment: { variants: 4 } }, { signal: ac.signal, onProgress: (e) => e.type === 'embedding' && ac.abort() }),
    code('cancelled'),
  );
  const p = await h.call('predict', { inputs: [FACES + '/happy'] });
  assert.equal(p.results.length, 10);
});

test('cancel by id, from outside the call site', async () => {
  const h = await host();
  await h.start();
  let embedding = false;
  const call = h.request('train', { data: FACES, augment: { variants: 8 } }, { onProgress: (e) => e.type === 'embedding' && (embedding = true) });
  while (!embedding) await new Promise((r) => setTimeout(r, 5));
  assert.equal(h.cancel(call.id), true);
  await assert.rejects(call.result, isCancelled);
  assert.equal(h.cancel(call.id), false, 'a settled call is no longer pending');
});

test('a crashed worker fails every pending request with "crashed", reports it, and is restarted', async () => {
  const statuses: HostStatus[] = [];
  const h = await host({ workerUrl: CRASHING_WORKER, onStatus: (s) => statuses.push(s) });
  await h.start();
  // the training holds the worker's queue, so the predict behind it is still pending when the thread dies
  let started = false;
  const training = h.call('train', { data: FACES, augment: { variants: 8 } }, { onProgress: () => (started = true) });
  const queued = h.call('predict', { inputs: [FACES + '/sad'] });
  while (!started) await new Promise((r) => setTimeout(r, 20));
  const crash = h.call('predict', { inputs: ['/crash-now'] });
  await assert.rejects(crash, code('crashed'));
  // said as one of the engine's reasons, its exit code inside, so that the app can say it in its language
  await assert.rejects(crash, { message: 'the engine stopped unexpectedly (exit code 3); it has been restarted, please try again' });
  await assert.rejects(training, code('crashed'));
  await assert.rejects(queued, code('crashed'));
  assert.equal(h.restarts, 1);
  assert.deepEqual(statuses.map((s) => s.state), ['ready', 'crashed']);
  const r = await h.call('predict', { inputs: [FACES + '/sad'] });
  assert.equal(r.results.length, 10);
  assert.equal(r.modelId, 'zero-shot');
  assert.deepEqual(statuses.map((s) => s.state), ['ready', 'crashed', 'ready']);
});

test('dispose fails pending calls with "stopped", not as a crash', async () => {
  const h = await host();
  await h.start();
  const training = h.call('train', { data: FACES, augment: { variants: 8 } });
  const outcome = training.then(() => 'resolved', (e: unknown) => Promise.reject(e));
  outcome.catch(() => undefined); // observed below, after dispose
  await new Promise((r) => setTimeout(r, 100));
  await h.dispose();
  await assert.rejects(outcome, (e: unknown) => code('stopped')(e) && /stopped/.test((e as Error).message) && !/restarted/.test((e as Error).message));
  await assert.rejects(h.call('info', {}), code('stopped'));
});

test('engine errors arrive with their code and message; bad requests are refused by the worker', async () => {
  const h = await host();
  await assert.rejects(h.call('evaluate', { data: '/nonexistent/folder' }), (e: unknown) => code('not-found')(e) && /\/nonexistent\/folder: no such folder/.test((e as Error).message));
  await assert.rejects(h.call('train', { data: FACES, epochs: -3 } as never), (e: unknown) => code('bad-input')(e) && /epochs/.test((e as Error).message));
  await assert.rejects(h.call('nope' as never, {} as never), (e: unknown) => code('bad-input')(e) && /unknown engine method "nope"/.test((e as Error).message));
  await assert.rejects(h.call('deleteModel', { id: '../../etc' }), code('bad-input'));
  assert.equal((await h.call('listModels', {})).length, 0, 'the worker still serves');
});

test('a worker that cannot start is reported, not restarted in a loop; the next call tries again', async () => {
  const statuses: HostStatus[] = [];
  const h = await host({ onStatus: (s) => statuses.push(s) }, 'no-such-backend');
  await assert.rejects(h.start(), /unknown backend "no-such-backend" \(choose gpu, native-cpu, wasm, cpu\)/);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(h.restarts, 0);
  assert.deepEqual(statuses, []);
  await assert.rejects(h.call('info', {}), /unknown backend/);
});

test('info is answered while a training runs, and the training goes on', async () => {
  const h = await host();
  await h.start();
  let embedding = false;
  const call = h.request('train', { data: FACES, augment: { variants: 8 } }, { onProgress: (e) => e.type === 'embedding' && (embedding = true) });
  while (!embedding) await new Promise((r) => setTimeout(r, 5));
  const info = await h.call('info', {});
  assert.ok(info.backend.label);
  let settled = false;
  void call.result.then(() => (settled = true), () => (settled = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, 'info came back while the training was still running');
  h.cancel(call.id);
  await assert.rejects(call.result, isCancelled);
});

test('a starting engine removes the temporaries a killed process left in its data folder', async () => {
  const home = await tempDir();
  const stale = join(home, 'models', '.20260102-000000-beef.0123456789ab.tmp');
  await mkdir(stale, { recursive: true });
  await writeFile(join(stale, 'weights.bin'), 'half a model');
  const hourAndMore = new Date(Date.now() - 2 * 60 * 60_000);
  await utimes(stale, hourAndMore, hourAndMore);
  const h = new EngineHost({ home, assetsDir: ASSETS });
  hosts.push(h);
  await h.start();
  // the sweep runs after the engine says it is ready, beside the first calls (the deadline only ends a failing run)
  await until(() => !existsSync(stale));
  assert.deepEqual(await readdir(join(home, 'models')), []);
});
