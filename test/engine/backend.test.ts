import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CANDIDATES, selectBackend, type BackendCandidate } from '../../engine/backend.js';

test('real candidates: native backends are absent here, so wasm wins and the reasons are kept in order', async () => {
  const info = await selectBackend();
  assert.deepEqual(
    info.attempts.map((a) => a.candidate),
    ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm'],
  );
  assert.match(info.attempts[0]!.reason!, /tfjs-node-gpu is not installed|no CUDA on macOS/);
  assert.match(info.attempts[1]!.reason!, /tfjs-node is not installed/);
  assert.equal(info.attempts[2]!.ok, true);
  assert.equal(info.name, 'wasm');
  assert.equal(info.kind, 'wasm');
  assert.match(info.label, /WebAssembly \(SIMD/);
  assert.equal(tf.getBackend(), 'wasm');
});

test('a candidate that fails to load is skipped for the next one, with its first line as reason', async () => {
  const cpu = DEFAULT_CANDIDATES.find((c) => c.kind === 'cpu')!;
  const failing: BackendCandidate = { id: 'broken', kind: 'gpu', activate: () => Promise.reject(new Error('driver missing\nsecond line')) };
  const info = await selectBackend([failing, cpu]);
  assert.equal(info.kind, 'cpu');
  assert.deepEqual(info.attempts[0], { candidate: 'broken', ok: false, reason: 'driver missing' });
});

test('forcing a backend skips the others with a reason; no backend at all is an error naming each', async () => {
  const info = await selectBackend(DEFAULT_CANDIDATES, 'cpu');
  assert.equal(info.name, 'cpu');
  assert.match(info.attempts[0]!.reason!, /not requested/);
  const none: BackendCandidate[] = [
    { id: 'a', kind: 'gpu', activate: () => Promise.reject(new Error('no a')) },
    { id: 'b', kind: 'wasm', activate: () => Promise.reject(new Error('no b')) },
  ];
  await assert.rejects(selectBackend(none), /a: no a; b: no b/);
  await assert.rejects(selectBackend(none, 'tpu'), /unknown backend "tpu" \(choose gpu, wasm\)/);
  await selectBackend(); // leave the default for other tests in this process
});

test('smoke test catches a backend that returns wrong numbers', async () => {
  const wrong: BackendCandidate = {
    id: 'wrong',
    kind: 'native-cpu',
    async activate() {
      await tf.setBackend('cpu');
      return 'wrong';
    },
  };
  const kernel = tf.getKernel('BatchMatMul', 'cpu')!;
  tf.unregisterKernel('BatchMatMul', 'cpu');
  tf.registerKernel({ ...kernel, kernelFunc: (args) => tf.zerosLike(args.inputs.a as tf.Tensor) as never });
  try {
    const info = await selectBackend([wrong, DEFAULT_CANDIDATES.find((c) => c.kind === 'wasm')!]);
    assert.equal(info.attempts[0]!.ok, false);
    assert.match(info.attempts[0]!.reason!, /smoke test computed/);
    assert.equal(info.name, 'wasm');
  } finally {
    tf.unregisterKernel('BatchMatMul', 'cpu');
    tf.registerKernel(kernel);
  }
});
