// An embedding worker that cannot start (tests that the engine thread carries on alone).
import { parentPort } from 'node:worker_threads';

parentPort.postMessage({ type: 'fatal', message: 'no wasm here' });
