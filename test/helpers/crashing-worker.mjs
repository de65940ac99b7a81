// A worker entry for tests only: the real engine worker, plus a way to kill its thread on demand. A predict
// of the single input "/crash-now" ends the thread before the engine sees the request.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

parentPort.on('message', (msg) => {
  if (msg.kind === 'request' && msg.method === 'predict' && msg.params?.inputs?.[0] === '/crash-now') process.exit(3);
});
register();
await import('../../engine/worker.ts');
