/**
 * Entry of the engine worker thread: one per app run, owning all TensorFlow.js work. Requests arrive on
 * parentPort and are validated against the contract; each gets progress events and exactly one result; a
 * cancel aborts the matching request.
 */
import { existsSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ENGINE_METHODS, validateRequest, type HostToWorker, type WorkerToHost } from '../common/engine-contract.js';
import { toFailure } from '../common/errors.js';
import { Engine } from './engine.js';
import { waitAtGate } from './epoch-gate.js';
import { dispatch } from './handlers.js';
import type { ConfigureMessage, WorkerConfig } from './host.js';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const send = (m: WorkerToHost) => port.postMessage(m);
// The modules above (TensorFlow.js, sharp, the engine) are loaded by now; a host that started this worker before
// it knew its configuration sends it as the first message.
const config: WorkerConfig =
  (workerData as WorkerConfig | null) ?? (await new Promise<WorkerConfig>((resolve) => port.once('message', (m: ConfigureMessage) => resolve(m.config))));
const inflight = new Map<string, AbortController>();

try {
  // the embedding workers' script sits next to this one once built (tsc's out/engine, electron-vite's out/main)
  const embedWorkerEntry = new URL('./embed-worker.js', import.meta.url);
  const engine = await Engine.create({
    home: config.home,
    assetsDir: config.assetsDir,
    ...(config.backend && { backend: config.backend }),
    ...(config.readOnly && { readOnly: true }),
    features: {
      ...(config.embedWorkers !== undefined && { workers: config.embedWorkers }),
      ...(config.cacheMaxBytes !== undefined && { cacheMaxBytes: config.cacheMaxBytes }),
      ...(existsSync(embedWorkerEntry) && { workerEntry: embedWorkerEntry }),
    },
  });
  // TensorFlow.js requests are served one at a time: the work is single-threaded anyway, and an order keeps
  // the embedding cache and model files consistent. Methods marked whileTraining skip the queue so that the
  // app stays informative during a long training. Cancels are handled as they arrive.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (msg: HostToWorker) => {
    if (msg.kind === 'cancel') {
      inflight.get(msg.id)?.abort();
      return;
    }
    if (msg.kind === 'close') {
      // the host is stopping: what is running is cancelled (its callers were answered 'stopped'), then what it
      // left to write is written before the thread is let go
      for (const ac of inflight.values()) ac.abort();
      const closing = queue.then(() => engine.close());
      closing.then(
        () => send({ kind: 'closed' }),
        () => send({ kind: 'closed' }),
      );
      return;
    }
    const ac = new AbortController();
    inflight.set(msg.id, ac);
    const serve = async () => {
      try {
        const { method, params } = validateRequest(msg.method, msg.params);
        const gate = config.epochGate;
        const value = await dispatch(engine, method, params, {
          signal: ac.signal,
          progress: (event) => send({ kind: 'progress', id: msg.id, event }),
          ...(gate && { afterEpoch: (epoch: number) => waitAtGate(gate, epoch, ac.signal) }),
        });
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
  void engine.tidyDataFolder();
  if (config.warmEmbedWorkers) void engine.warmUp().catch(() => undefined); // a failure shows again, with its reason, on the first call
} catch (err) {
  send({ kind: 'fatal', error: toFailure(err) });
}
