/**
 * Entry of the engine worker thread: one per app run, owning all TensorFlow.js work. Requests arrive on
 * parentPort and are validated against the contract; each gets progress events and exactly one result; a
 * cancel aborts the matching request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ENGINE_METHODS, validateRequest, type HostToWorker, type WorkerToHost } from '../common/engine-contract.js';
import { toFailure } from '../common/errors.js';
import { Engine } from './engine.js';
import { dispatch } from './handlers.js';
import type { WorkerConfig } from './host.js';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const config = workerData as WorkerConfig;
const send = (m: WorkerToHost) => port.postMessage(m);
const inflight = new Map<string, AbortController>();

try {
  const engine = await Engine.create({ home: config.home, assetsDir: config.assetsDir, ...(config.backend && { backend: config.backend }), ...(config.readOnly && { readOnly: true }) });
  // TensorFlow.js requests are served one at a time: the work is single-threaded anyway, and an order keeps
  // the embedding cache and model files consistent. Methods marked whileTraining skip the queue so that the
  // app stays informative during a long training. Cancels are handled as they arrive.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (msg: HostToWorker) => {
    if (msg.kind === 'cancel') {
      inflight.get(msg.id)?.abort();
      return;
    }
    const ac = new AbortController();
    inflight.set(msg.id, ac);
    const serve = async () => {
      try {
        const { method, params } = validateRequest(msg.method, msg.params);
        const value = await dispatch(engine, method, params, { signal: ac.signal, progress: (event) => send({ kind: 'progress', id: msg.id, event }) });
        send({ kind: 'result', id: msg.id, ok: true, value });
      } catch (err) {
        send({ kind: 'result', id: msg.id, ok: false, error: toFailure(err) });
      } finally {
        inflight.delete(msg.id);
      }
    };
    const immediate = Object.hasOwn(ENGINE_METHODS, msg.method) && ENGINE_METHODS[msg.method].whileTraining;
    if (immediate) void serve();
    else queue = queue.then(serve);
  });
  send({ kind: 'ready', backend: engine.backend });
} catch (err) {
  send({ kind: 'fatal', error: toFailure(err) });
}
