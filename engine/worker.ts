/**
 * Entry of the engine worker thread: one per app run, owning all TensorFlow.js work. Requests arrive on
 * parentPort; each gets progress events and exactly one result; a cancel aborts the matching request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from './engine.js';
import { InputFileError } from './errors.js';
import type { EngineMethod, HostToWorker, SerializedError, WorkerConfig, WorkerToHost } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const config = workerData as WorkerConfig;
const send = (m: WorkerToHost) => port.postMessage(m);
const inflight = new Map<number, AbortController>();

function serialize(err: unknown): SerializedError {
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, ...(e instanceof InputFileError && { file: e.file }) };
}

async function dispatch(engine: Engine, method: EngineMethod, params: unknown, id: number, signal: AbortSignal): Promise<unknown> {
  const ctx = { signal, progress: (event: import('./protocol.js').ProgressEvent) => send({ kind: 'progress', id, event }) };
  switch (method) {
    case 'info':
      return engine.info();
    case 'listModels':
      return engine.listModels();
    case 'train':
      return engine.train(params as import('./protocol.js').TrainParams, ctx);
    case 'evaluate':
      return engine.evaluate(params as import('./protocol.js').EvalParams, ctx);
    case 'predict':
      return engine.predict(params as import('./protocol.js').PredictParams, ctx);
    case 'crashForTest':
      if (!config.allowTestHooks) throw new Error('crashForTest is disabled');
      process.exit(3); // ends this thread only
    default:
      throw new Error(`unknown method "${String(method)}"`);
  }
}

try {
  const engine = await Engine.create({ home: config.home, assetsDir: config.assetsDir, ...(config.backend && { backend: config.backend }) });
  // TensorFlow.js requests are served one at a time: the work is single-threaded anyway, and an order keeps
  // the embedding cache and model files consistent. Read-only requests (info, listModels) skip the queue so
  // that the app stays informative during a long training. Cancels are handled as they arrive.
  const READ_ONLY = new Set(['info', 'listModels']);
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
        const value = await dispatch(engine, msg.method, msg.params, msg.id, ac.signal);
        send({ kind: 'result', id: msg.id, ok: true, value });
      } catch (err) {
        send({ kind: 'result', id: msg.id, ok: false, error: serialize(err) });
      } finally {
        inflight.delete(msg.id);
      }
    };
    if (READ_ONLY.has(msg.method)) void serve();
    else queue = queue.then(serve);
  });
  send({ kind: 'ready', backend: engine.backend });
} catch (err) {
  send({ kind: 'fatal', error: serialize(err) });
}
