// An embedding worker that starts, then dies on the first batch it is given (tests the pool's recovery).
import { parentPort } from 'node:worker_threads';

parentPort.postMessage({ type: 'ready' });
parentPort.on('message', () => process.exit(3));
