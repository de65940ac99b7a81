import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CANDIDATES, selectBackend, type BackendCandidate } from '../../engine/backend.js';
import type { BackendKind } from '../../common/engine-types.js';

// These hold on any machine: one where @tensorflow/tfjs-node(-gpu) is missing (ours) as well as one where
// it installs and runs. What they pin down is the order of preference and how the choice is explained.

/** what each kind of backend calls itself: tfjs backend name and the human label */
const EXPECTED: Record<BackendKind, { name: string; label: RegExp }> = {
  gpu: { name: 'tensorflow', label: /^GPU \(CUDA\) via tfjs-node-gpu$/ },
  'native-cpu': { name: 'tensorflow', label: /^native CPU via tfjs-node$/ },
  wasm: { name: 'wasm', label: /^WebAssembly \((no )?SIMD, \d+ threads?\)$/ },
  cpu: { name: 'cpu', label: /^plain JavaScript CPU \(slow\)$/ },
};

const isInstalled = (pkg: string) => {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
};

/** a stand-in for a real candidate: same id and kind, but it fails or starts on tfjs's cpu backend as told */
function standIn(c: BackendCandidate, fails: boolean, tried: string[]): BackendCandidate {
  return {
    id: c.id,
    kind: c.kind,
    async activate() {
      tried.push(c.id);
      if (fails) throw new Error(`${c.id} cannot start here\nstack line`);
      await tf.setBackend('cpu');
      return `stand-in ${c.kind}`;
    },
  };
}

test('the default order of preference: CUDA GPU, native CPU, WebAssembly, plain JavaScript', () => {
  assert.deepEqual(
    DEFAULT_CANDIDATES.map((c) => [c.kind, c.id]),
    [
      ['gpu', '@tensorflow/tfjs-node-gpu'],
      ['native-cpu', '@tensorflow/tfjs-node'],
      ['wasm', '@tensorflow/tfjs-backend-wasm'],
      ['cpu', '@tensorflow/tfjs cpu'],
    ],
  );
});

test('in that order, the first candidate that starts wins and the ones after it are never tried', async () => {
  for (let failing = 0; failing < DEFAULT_CANDIDATES.length; failing++) {
    const tried: string[] = [];
    const candidates = DEFAULT_CANDIDATES.map((c, i) => standIn(c, i < failing, tried));
    const info = await selectBackend(candidates);
    const winner = DEFAULT_CANDIDATES[failing]!;
    assert.equal(info.kind, winner.kind, `with the first ${failing} failing`);
    assert.equal(info.label, `stand-in ${winner.kind}`);
    assert.deepEqual(tried, DEFAULT_CANDIDATES.slice(0, failing + 1).map((c) => c.id), 'tried in order, none after the winner');
    assert.deepEqual(info.attempts, [
      ...DEFAULT_CANDIDATES.slice(0, failing).map((c) => ({ candidate: c.id, ok: false, reason: `${c.id} cannot start here` })),
      { candidate: winner.id, ok: true },
    ]);
  }
});

test('real candidates on this machine: the winner is the first that starts, each skipped one says why', async () => {
  const info = await selectBackend();
  const n = info.attempts.length;
  assert.ok(n >= 1 && n <= DEFAULT_CANDIDATES.length);
  assert.deepEqual(info.attempts.map((a) => a.candidate), DEFAULT_CANDIDATES.slice(0, n).map((c) => c.id), 'tried in the default order');
  const winner = DEFAULT_CANDIDATES[n - 1]!;
  assert.deepEqual(info.attempts.at(-1), { candidate: winner.id, ok: true });
  for (const a of info.attempts.slice(0, -1)) {
    assert.equal(a.ok, false);
    assert.match(a.reason ?? '', /^\S.*$/, `${a.candidate} has a one-line reason`);
  }
  // the choice is described consistently: kind of the winner, its tfjs backend, its label
  assert.equal(info.kind, winner.kind);
  assert.equal(info.name, EXPECTED[info.kind].name);
  assert.equal(tf.getBackend(), info.name);
  assert.match(info.label, EXPECTED[info.kind].label);
  // a native package that is not installed is skipped for exactly that reason (the case on our machines)
  for (const [i, pkg] of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].entries()) {
    if (isInstalled(pkg)) continue;
    assert.ok(n > i + 1, `${pkg} is not installed, so it cannot be the winner`);
    assert.match(info.attempts[i]!.reason!, new RegExp(`${pkg} is not installed|no CUDA on macOS`));
  }
});

test('the WebAssembly fallback starts here and on any machine, with SIMD in Node 20', async () => {
  const info = await selectBackend(DEFAULT_CANDIDATES, 'wasm');
  assert.equal(info.name, 'wasm');
  assert.equal(info.kind, 'wasm');
  assert.match(info.label, /^WebAssembly \(SIMD, \d+ threads?\)$/);
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(info.attempts.map((a) => [a.candidate, a.ok]), [
    ['@tensorflow/tfjs-node-gpu', false],
    ['@tensorflow/tfjs-node', false],
    ['@tensorflow/tfjs-backend-wasm', true],
  ]);
  for (const a of info.attempts.slice(0, 2)) assert.equal(a.reason, 'not requested (backend "wasm" was asked for)');
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
